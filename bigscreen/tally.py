"""Day tallies of the orders (PostgreSQL): how many orders each Beijing day received (n; n_dispatched: of them the
dispatched), by district, street and status (StreetTally), and its originals by district and catalog leaf
(LeafTally). The big screen reads
today's few thousand tally rows instead of aggregating today's ~90 000 orders.

The tallies hold raw column values only (no rule: which statuses are open or done is the screen's, bigscreen/
selectors.py). They are kept current by statement-level triggers on hotline_ticket, whatever writes it (services,
admin, a queryset update): each statement's old rows count −1 and its new rows +1 in one upsert per key, in key
order (so two writers lock shared keys in the same order). Writers that bypass triggers (the generator loads in
session_replication_role = replica) call rebuild() for the days they wrote.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

STREET_TALLY = "bigscreen_streettally"
LEAF_TALLY = "bigscreen_leaftally"


def _day(column="received_at"):
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


COUNTS = "{sign} AS n, CASE WHEN dispatched_at IS NULL THEN 0 ELSE {sign} END AS n_dispatched"


def _street_rows(source, sign, where="TRUE"):
    return (f"SELECT {_day()} AS day, district_id, COALESCE(street_id, 0) AS street_id, status, "
            f"{COUNTS.format(sign=sign)} FROM {source} WHERE {where}")


def _leaf_rows(source, sign, where="TRUE"):
    """Each original counts in its district's row and in the city's (district 0): the city's top leaves read ~600
    rows, not the districts' ~8 000."""
    return (f"SELECT {_day()} AS day, d.district_id, catalog_item_id, {COUNTS.format(sign=sign)} "
            f"FROM {source} CROSS JOIN LATERAL (VALUES ({source}.district_id), (0)) d(district_id) "
            f"WHERE repeat_of_id IS NULL AND {where}")


STREET_KEY = "day, district_id, street_id, status"
LEAF_KEY = "day, district_id, catalog_item_id"


def _upsert(table, key, rows):
    return f"""
INSERT INTO {table} AS t ({key}, n, n_dispatched)
SELECT {key}, sum(n), sum(n_dispatched) FROM ({rows}) c GROUP BY {key}
    HAVING sum(n) <> 0 OR sum(n_dispatched) <> 0 ORDER BY {key}
ON CONFLICT ({key}) DO UPDATE SET n = t.n + EXCLUDED.n, n_dispatched = t.n_dispatched + EXCLUDED.n_dispatched;"""


def trigger_function_sql():
    both = {
        "INSERT": ("new_rows", None), "DELETE": (None, "old_rows"), "UPDATE": ("new_rows", "old_rows"),
    }
    branches = []
    for op, (new, old) in both.items():
        street = " UNION ALL ".join([_street_rows(new, 1)] * bool(new) + [_street_rows(old, -1)] * bool(old))
        leaf = " UNION ALL ".join([_leaf_rows(new, 1)] * bool(new) + [_leaf_rows(old, -1)] * bool(old))
        branches.append(f"IF TG_OP = '{op}' THEN {_upsert(STREET_TALLY, STREET_KEY, street)}"
                        f"{_upsert(LEAF_TALLY, LEAF_KEY, leaf)}\nEND IF;")
    return ("CREATE OR REPLACE FUNCTION bigscreen_tally() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            + "\n".join(branches) + "\nRETURN NULL;\nEND $$;")


TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def install_sql():
    statements = [trigger_function_sql()]
    for op, referencing in TRIGGERS.items():
        name = f"hotline_ticket_tally_{op.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON hotline_ticket")
        statements.append(f"CREATE TRIGGER {name} AFTER {op} ON hotline_ticket {referencing} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION bigscreen_tally()")
    return statements


UNINSTALL_SQL = [f"DROP TRIGGER IF EXISTS hotline_ticket_tally_{op.lower()} ON hotline_ticket" for op in TRIGGERS] + [
    "DROP FUNCTION IF EXISTS bigscreen_tally()"]


def install(cursor):
    for statement in install_sql():
        cursor.execute(statement)


def rebuild(first_day=None, last_day=None):
    """Recount the tallies of the days first_day..last_day (all days when None) from the orders themselves, with
    the table's writers held off meanwhile (SHARE lock, until the transaction ends)."""
    if connection.vendor != "postgresql":
        return
    where, params = "TRUE", []
    if first_day is not None:  # the days' orders through the received_at index
        where = "received_at >= %s AND received_at < %s"
        tz = timezone.get_default_timezone()
        params = [dt.datetime.combine(first_day, dt.time.min, tzinfo=tz),
                  dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE hotline_ticket IN SHARE MODE")
        for table, key, rows in ((STREET_TALLY, STREET_KEY, _street_rows("hotline_ticket", 1, where)),
                                 (LEAF_TALLY, LEAF_KEY, _leaf_rows("hotline_ticket", 1, where))):
            cursor.execute(f"DELETE FROM {table}" + (" WHERE day BETWEEN %s AND %s" if params else ""),
                           [first_day, last_day] if params else [])
            cursor.execute(f"INSERT INTO {table} ({key}, n, n_dispatched) SELECT {key}, sum(n), sum(n_dispatched) "
                           f"FROM ({rows}) c GROUP BY {key}", params)
