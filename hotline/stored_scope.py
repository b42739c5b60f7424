"""Who may see an order, stored on the order (PostgreSQL): ``hotline_ticket.seen_by``, an integer array.

visible_tickets' rule (hotline/selectors.py) asks other tables for each order: an assignment or a whistle call of
the user's units, and for a district supervisor also the order's address. No index serves that rule beside a word's
matches or an order by time, so at a year (20 M orders) a street's word search tested its ~48 000 orders one by one,
and a district's every candidate (issue 14). The rule's answer is therefore kept on the order as tokens:

- ``u``: the order was assigned or whistled to unit u (any status: a unit that returned or finished it keeps it);
- ``-d``: district d's supervisor sees it: it was dispatched and its address is in d, or a unit it was assigned or
  whistled to is d or one of d's units (d a district), as core/permissions.py visible_unit_ids and
  address_district_id say.

Triggers keep the tokens current whatever writes (services, admin, fixtures): an order's insert and a change of its
district or dispatch, an assignment's or a whistle call's insert, change or delete, a unit's new parent or kind.
The generator, which loads without triggers, writes them itself (demodata/generator_sql.py, tested equal to
these). A GIN index (ticket_seen_by) serves ``seen_by @> '{u}'``, so a word's bitmap of matches is ANDed with the
scope's. Other databases keep the rule's own test (selectors).
"""

from django.db import connection
from django.db.models import BooleanField, Expression

from core.permissions import address_district_id, visible_unit_ids

KIND_DISTRICT = "district"  # dispatch.choices.UnitKind.DISTRICT (no import: migrations load this module)

# PL/pgSQL keeps each statement's plan for the session; an SQL function that cannot be inlined plans its statements
# at every call (~220 µs an order, against ~20).
FUNCTIONS_SQL = [
    # The tokens of an order assigned or whistled to ``units`` (district ``district``, dispatched or not).
    f"""
CREATE OR REPLACE FUNCTION hotline_unit_tokens(units bigint[], district bigint, dispatched boolean)
RETURNS integer[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT token ORDER BY token), '{{}}') FROM (
        SELECT unnest(units)::integer AS token
        UNION ALL SELECT -u.id::integer FROM dispatch_unit u WHERE u.id = ANY(units) AND u.kind = '{KIND_DISTRICT}'
        UNION ALL SELECT -p.id::integer FROM dispatch_unit u JOIN dispatch_unit p ON p.id = u.parent_id
                  WHERE u.id = ANY(units) AND p.kind = '{KIND_DISTRICT}'
        UNION ALL SELECT -district::integer WHERE dispatched AND district IS NOT NULL
    ) tokens);
END $$""",
    # An order's tokens from its assignments and whistle calls.
    """
CREATE OR REPLACE FUNCTION hotline_scope_tokens(ticket bigint, district bigint, dispatched boolean)
RETURNS integer[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN hotline_unit_tokens(ARRAY(
        SELECT a.unit_id FROM dispatch_assignment a WHERE a.ticket_id = ticket
        UNION SELECT wt.unit_id FROM dispatch_whistletarget wt JOIN dispatch_whistle w ON w.id = wt.whistle_id
              WHERE w.ticket_id = ticket), district, dispatched);
END $$""",
    """
CREATE OR REPLACE FUNCTION hotline_refresh_seen_by(ticket bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hotline_ticket t SET seen_by = now.tokens
    FROM (SELECT hotline_scope_tokens(id, district_id, dispatched_at IS NOT NULL) AS tokens
          FROM hotline_ticket WHERE id = ticket) now
    WHERE t.id = ticket AND t.seen_by IS DISTINCT FROM now.tokens;
END $$""",
    """
CREATE OR REPLACE FUNCTION hotline_ticket_seen_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seen_by := hotline_scope_tokens(NEW.id, NEW.district_id, NEW.dispatched_at IS NOT NULL);
    RETURN NEW;
END $$""",
    """
CREATE OR REPLACE FUNCTION hotline_assignment_seen_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM hotline_refresh_seen_by(OLD.ticket_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM hotline_refresh_seen_by(NEW.ticket_id); END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION hotline_whistle_target_seen_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM hotline_refresh_seen_by(w.ticket_id) FROM dispatch_whistle w WHERE w.id = OLD.whistle_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM hotline_refresh_seen_by(w.ticket_id) FROM dispatch_whistle w WHERE w.id = NEW.whistle_id;
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION hotline_whistle_seen_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hotline_refresh_seen_by(OLD.ticket_id);
    IF TG_OP = 'UPDATE' THEN PERFORM hotline_refresh_seen_by(NEW.ticket_id); END IF;
    RETURN NULL;
END $$""",
    # A unit's new parent or kind changes the district tokens of its orders and of its own units' orders.
    """
CREATE OR REPLACE FUNCTION hotline_unit_seen_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hotline_refresh_seen_by(x.ticket_id) FROM (
        SELECT a.ticket_id FROM dispatch_assignment a JOIN dispatch_unit u ON u.id = a.unit_id
        WHERE u.id = NEW.id OR u.parent_id = NEW.id
        UNION SELECT w.ticket_id FROM dispatch_whistletarget wt JOIN dispatch_whistle w ON w.id = wt.whistle_id
              JOIN dispatch_unit u ON u.id = wt.unit_id WHERE u.id = NEW.id OR u.parent_id = NEW.id) x;
    RETURN NULL;
END $$""",
]

TRIGGERS = {  # name: (table, when, function)
    "hotline_ticket_seen_by_insert": ("hotline_ticket", "BEFORE INSERT", "hotline_ticket_seen_by"),
    "hotline_ticket_seen_by_update": (
        "hotline_ticket", "BEFORE UPDATE OF district_id, dispatched_at",
        "hotline_ticket_seen_by",
        "OLD.district_id IS DISTINCT FROM NEW.district_id "
        "OR (OLD.dispatched_at IS NULL) <> (NEW.dispatched_at IS NULL)"),
    "dispatch_assignment_seen_by": ("dispatch_assignment", "AFTER INSERT OR DELETE", "hotline_assignment_seen_by"),
    "dispatch_assignment_seen_by_update": (
        "dispatch_assignment", "AFTER UPDATE OF ticket_id, unit_id", "hotline_assignment_seen_by",
        "OLD.ticket_id IS DISTINCT FROM NEW.ticket_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id"),
    "dispatch_whistletarget_seen_by": ("dispatch_whistletarget", "AFTER INSERT OR DELETE",
                                       "hotline_whistle_target_seen_by"),
    "dispatch_whistletarget_seen_by_update": (
        "dispatch_whistletarget", "AFTER UPDATE OF whistle_id, unit_id", "hotline_whistle_target_seen_by",
        "OLD.whistle_id IS DISTINCT FROM NEW.whistle_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id"),
    "dispatch_whistle_seen_by": ("dispatch_whistle", "AFTER DELETE", "hotline_whistle_seen_by"),
    "dispatch_whistle_seen_by_update": ("dispatch_whistle", "AFTER UPDATE OF ticket_id", "hotline_whistle_seen_by",
                                        "OLD.ticket_id IS DISTINCT FROM NEW.ticket_id"),
    "dispatch_unit_seen_by": ("dispatch_unit", "AFTER UPDATE OF parent_id, kind", "hotline_unit_seen_by",
                              "OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.kind IS DISTINCT FROM NEW.kind"),
}


def install(cursor):
    """The functions and triggers (PostgreSQL)."""
    for statement in FUNCTIONS_SQL:
        cursor.execute(statement)
    for name, (table, when, function, *condition) in TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        guard = f" WHEN ({condition[0]})" if condition else ""
        cursor.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW{guard} EXECUTE FUNCTION {function}()")


def uninstall(cursor):
    for name, (table, *_) in TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in ("hotline_unit_seen_by", "hotline_whistle_seen_by", "hotline_whistle_target_seen_by",
                     "hotline_assignment_seen_by", "hotline_ticket_seen_by"):
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")
    cursor.execute("DROP FUNCTION IF EXISTS hotline_refresh_seen_by(bigint)")
    cursor.execute("DROP FUNCTION IF EXISTS hotline_scope_tokens(bigint, bigint, boolean)")
    cursor.execute("DROP FUNCTION IF EXISTS hotline_unit_tokens(bigint[], bigint, boolean)")


BACKFILL_BATCH = 100_000
BACKFILL_SQL = """
WITH tokens AS MATERIALIZED (
    SELECT id, hotline_scope_tokens(id, district_id, dispatched_at IS NOT NULL) AS seen_by
    FROM hotline_ticket WHERE id >= %(first)s AND id < %(end)s)
UPDATE hotline_ticket t SET seen_by = tokens.seen_by FROM tokens
WHERE t.id = tokens.id AND t.id >= %(first)s AND t.id < %(end)s AND t.seen_by IS DISTINCT FROM tokens.seen_by
"""


def backfill(cursor, batch=BACKFILL_BATCH, progress=None):
    """The tokens of the orders already there, ``batch`` ids at a time (each its own statement: in autocommit, as
    a non-atomic migration runs, each batch commits and the table is never locked whole). Returns rows written."""
    cursor.execute("SELECT min(id), max(id) FROM hotline_ticket")
    first, last = cursor.fetchone()
    written = 0
    for start in range(first or 0, (last or -1) + 1, batch):
        cursor.execute(BACKFILL_SQL, {"first": start, "end": start + batch})
        written += cursor.rowcount
        if progress:
            progress(start + batch - first, last - first + 1, written)
    return written


def stored():
    """True where the tokens are kept (PostgreSQL)."""
    return connection.vendor == "postgresql"


class SeenBy(Expression):
    """A condition on tickets: the order holds one of ``tokens`` (``@>`` for one, ``&&`` for several: the GIN index
    serves both). The column is the query's own ticket table, whatever its alias (a subquery's U0).

    A district's token is tested on each row the other conditions find, never through the index: it holds an
    eighth of the city (2.7 M orders at a year), and ANDing its bitmap with a word's cost more than testing the
    word's rows (chaoyang at a year, the capped count of 噪音: 629 → 279 ms; 暖气: 459 → 90 ms)."""

    output_field = BooleanField()

    def __init__(self, tokens):
        super().__init__()
        self.tokens = sorted(int(token) for token in tokens)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.base_table)
        operator = "@>" if len(self.tokens) == 1 else "&&"
        column = f"{alias}.seen_by"
        if all(token < 0 for token in self.tokens):  # a district's: not the indexed expression, so not the index
            column = f"({column} || '{{}}'::integer[])"
        return f"{column} {operator} %s::integer[]", [self.tokens]

    def __repr__(self):
        return f"SeenBy({self.tokens})"


def user_scope(user):
    """The stored form of a user's scope (core.permissions: visible_unit_ids, address_district_id): a district
    supervisor's token, else the units' (none: nothing); None for the center, who sees every order."""
    unit_ids = visible_unit_ids(user)
    if unit_ids is None:
        return None
    district_id = address_district_id(user)
    return SeenBy([-int(district_id)] if district_id is not None else unit_ids)
