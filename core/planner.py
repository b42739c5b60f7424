"""What the PostgreSQL planner expects a query to return, from its statistics alone (EXPLAIN: no row is read).
Lets a selector pick the shape of a query by the size of its input; elsewhere (SQLite) nothing is estimated."""

import json
from contextlib import contextmanager

from django.db import connection


def estimated_rows(queryset):
    """The planner's row estimate for the queryset, or None when the database is not PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    plan = queryset.explain(format="json")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


@contextmanager
def local_settings(cursor, settings):
    """PostgreSQL: the planner ``settings`` ((name, value) pairs) for the statements run in the block, each set back to
    what it was before after it (not to the session's default: a caller's own SET LOCAL stays). Inside a transaction
    only; a failed block needs nothing set back, its rollback undoes them."""
    before = []
    for name, value in settings:
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before.append((name, cursor.fetchone()[0]))
    yield
    for name, value in before:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
