"""What the PostgreSQL planner expects a query to return, from its statistics alone (EXPLAIN: no row is read).
Lets a selector pick the shape of a query by the size of its input; elsewhere (SQLite) nothing is estimated."""

import json

from django.db import connection


def estimated_rows(queryset):
    """The planner's row estimate for the queryset, or None when the database is not PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    plan = queryset.explain(format="json")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
