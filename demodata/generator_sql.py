"""The PostgreSQL engine of the ticket generator: each batch is computed by one INSERT … SELECT over generate_series.

Same model as the Python TicketFactory (demodata/generator.py): the same weights, delays, late shares and callback
mix, drawn from a keyed hash of (seed, ticket ordinal, draw number) instead of a Python RNG, so a seed gives the
same month whatever the batch size. Each milestone is planned along the sampled path and kept only if it lies
before `now`; the status is the last milestone kept. From the batch's staging table (gen_t) it then writes the
tickets, callbacks, pending returns and the open SLA clocks (already swept: warned / breached when past), and the
lead assignments and audit events are derived as in the Python engine.
"""

import threading

from django.db import connection, transaction

from assessment.clock.choices import LimitUnit, complete_key, dispatch_key, response_key
from assessment.clock.overdue import past_sql
from assessment.clock.sla import limit_for
from dispatch.choices import Responsible, Tier, sql_list
from hotline.choices import OPEN_STATUSES, UNCONTACTED_STATUSES, UNSIGNED_STATUSES, Urgency

TIERS = list(Tier.values)
# per leaf and urgency: the suggested tier and the dispatch level (dispatch/tiers.py), in Urgency order
LEAF_COLUMNS = [f"tier_{u}" for u in Urgency.values] + [f"dispatch_{u}" for u in Urgency.values]


def u(k, var="n"):
    """SQL for the k-th uniform draw in [0, 1) of the ticket with ordinal ``var``."""
    return f"((hashint8extended(({var}) * 64 + {k}, %(seed)s) & 9007199254740991)::float8 / 9007199254740992.0)"


def pick(array, k, var="n"):
    """A uniform element of an array parameter (weights are expressed by repeating elements)."""
    return f"(%({array})s)[1 + floor({u(k, var)} * cardinality(%({array})s))::int]"


def weighted(name, k):
    """A weighted pick: %(name)s holds the values, %(name_cuts)s the cumulative shares from 0 (binary search)."""
    return f"(%({name})s)[width_bucket({u(k)}, %({name}_cuts)s::float8[])]"


def cuts(weights):
    """The values of {value: weight} and the cumulative shares each starts at, for weighted()."""
    total, start, values, starts = sum(weights.values()), 0, [], []
    for value, weight in weights.items():
        values.append(str(value))
        starts.append(start / total)
        start += weight
    return values, starts


def between(low, high, k):
    return f"({low} + ({high} - {low}) * {u(k)})"


def minutes(expr):
    return f"(({expr}) * interval '1 minute')"


def phone(var):
    return f"{pick('prefixes', 6, var)} || lpad(floor({u(7, var)} * 100000000)::bigint::text, 8, '0')"


# Stage 1: the draws that do not depend on the catalog leaf; stage 2: leaf, street, answer or dispatch; stage 3:
# urgency and tier; stage 4: the planned milestones; stage 5 keeps the milestones reached by `now`.
STAGE_SQL = f"""
CREATE TEMP TABLE gen_t AS
WITH s1 AS MATERIALIZED (
    SELECT n, %(first_id)s + n - %(n0)s AS id,
           CASE WHEN n < %(street_count)s THEN n::int ELSE {pick('street_slots', 1)} END AS street_idx,
           floor({u(2)} * %(leaf_count)s)::int AS leaf_idx,
           {pick('channels', 5)} AS channel,
           CASE WHEN n > 0 AND {u(8)} < 0.05 THEN {phone(f"floor({u(9)} * least(n, 5000))::bigint")}
                ELSE {phone('n')} END AS caller_phone,
           {pick('names', 10)} AS caller_name,
           CASE WHEN r.at > %(now)s THEN %(start)s + {u(14)} * %(span)s * interval '1 second' ELSE r.at END
               AS received_at
    FROM generate_series(%(n0)s::bigint, %(n1)s::bigint) g(n)
    CROSS JOIN LATERAL (SELECT %(start)s + floor({u(11)} * %(days)s) * interval '1 day'
                               + {pick('hours', 12)} * interval '1 hour'
                               + floor({u(13)} * 3600) * interval '1 second' AS at) r
), s2 AS MATERIALIZED (
    SELECT s1.*, l.id AS catalog_item_id, l.name AS leaf_name, l.unit_id AS leaf_unit_id, l.request_type AS leaf_type,
           l.tier_normal, l.tier_urgent, l.tier_complex, l.tier_emergency,
           l.dispatch_normal, l.dispatch_urgent, l.dispatch_complex, l.dispatch_emergency,
           st.id AS street_id, st.name AS street_name, st.district_id,
           l.keywords[1 + floor({u(15)} * cardinality(l.keywords))::int] AS keyword,
           (l.consult AND {u(3)} < 0.7) OR {u(4)} < 0.04 AS answered
    FROM s1 JOIN gen_leaf l ON l.idx = s1.leaf_idx JOIN gen_street st ON st.idx = s1.street_idx
), s3 AS MATERIALIZED (
    SELECT s2.*, x.urgency,
           CASE x.urgency WHEN 'emergency' THEN tier_emergency WHEN 'urgent' THEN tier_urgent
                          WHEN 'complex' THEN tier_complex ELSE tier_normal END AS tier,
           CASE x.urgency WHEN 'emergency' THEN dispatch_emergency WHEN 'urgent' THEN dispatch_urgent
                          WHEN 'complex' THEN dispatch_complex ELSE dispatch_normal END AS dispatch_level
    FROM s2 CROSS JOIN LATERAL (
        SELECT CASE WHEN s2.answered THEN 'normal' ELSE {pick('urgencies', 16)} END AS urgency) x
), s4 AS MATERIALIZED (
    SELECT s3.*, lim.response, lim.complete,
           CASE WHEN answered THEN {weighted('answered_ends', 17)} ELSE {weighted('dispatched_ends', 17)}
           END AS drawn,
           received_at + {minutes(between(1, 20, 18))} AS answered_at,
           received_at + least(CASE WHEN s3.tier = '2h' THEN {between(5, 50, 19)}
                                    ELSE exp(3.5 + sqrt(-2 * ln(1 - {u(20)}))
                                                   * cos(2 * pi() * {u(21)})) END, 1200)
                         * interval '1 minute' AS dispatched
    FROM s3 JOIN gen_tier lim ON lim.tier = s3.tier
), s5 AS MATERIALIZED (
    SELECT s4.*, dispatched + response * interval '1 second' AS contact_due,
           dispatched + complete * interval '1 second' AS due,
           dispatched + {minutes(between(20, 360, 22))} AS returned,
           dispatched + CASE WHEN {u(23)} < 0.95 THEN {minutes(between(2, 90, 24))}
                             ELSE {minutes(between(90, 360, 24))} END AS signed
    FROM s4
), s6 AS MATERIALIZED (
    SELECT s5.*, CASE WHEN drawn = 'returned' AND returned < %(now)s - %(ruling)s THEN 'closed' ELSE drawn END
               AS planned,  -- a return older than the ruling window: modelled as handled by the lead
           greatest(signed + interval '1 minute',
                          dispatched + (contact_due - dispatched)
                                       * CASE WHEN {u(25)} < 0.08 THEN 1.05 + 0.95 * {u(26)}
                                              ELSE 0.05 + 0.85 * {u(26)} END) AS contacted
    FROM s5
), s7 AS MATERIALIZED (
    SELECT s6.*,
           CASE WHEN answered THEN answered_at
                WHEN {u(27)} < 0.06
                THEN greatest(due + (due - dispatched) * (0.05 + 0.55 * {u(28)}),
                              contacted + interval '5 minutes')
                ELSE contacted + greatest(due - contacted, interval '10 minutes') * (0.1 + 0.85 * {u(28)})
           END AS completed
    FROM s6
), s8 AS MATERIALIZED (
    SELECT s7.*, completed + (2 + 70 * {u(29)}) * interval '1 hour' AS called,
           completed + (1 + {u(30)}) * interval '1 hour' AS attempt_at,
           {u(31)} < 0.06 AS attempted,
           (CASE WHEN answered THEN TRUE ELSE contacted <= contact_due END) <> ({u(32)} >= 0.97)
               AS cb_contacted
    FROM s7
), s9 AS MATERIALIZED (
    SELECT s8.*, called + {minutes(between(1, 30, 33))} AS closed,
           {u(34)} < CASE WHEN cb_contacted THEN 0.9 ELSE 0.6 END AS resolved,
           {u(35)} AS u_satisfaction,
           NOT answered AND planned <> 'received' AND dispatched <= %(now)s AS d_ok,
           NOT answered AND planned = 'returned' AND returned <= %(now)s AS r_ok,
           NOT answered AND planned IN ('signed', 'in_progress', 'completed', 'callback', 'closed')
               AND signed <= %(now)s AS s_ok,
           NOT answered AND planned IN ('in_progress', 'completed', 'callback', 'closed') AND contacted <= %(now)s
               AS c_ok,
           planned IN ('answered', 'completed', 'callback', 'closed') AND completed <= %(now)s AS done_ok,
           planned IN ('callback', 'closed') AND called <= %(now)s AS cb_ok,
           planned = 'closed' AND called + {minutes(between(1, 30, 33))} <= %(now)s AS cl_ok
    FROM s8
)
SELECT id, n, leaf_name, channel, caller_phone, caller_name, street_id, district_id, catalog_item_id, urgency, tier,
       dispatch_level, received_at, answered, attempted, cb_contacted, resolved,
       CASE WHEN resolved THEN (CASE WHEN u_satisfaction < 0.80 THEN 'satisfied' WHEN u_satisfaction < 0.97
                                     THEN 'basic' ELSE 'unsatisfied' END)
            ELSE (CASE WHEN u_satisfaction < 0.08 THEN 'satisfied' WHEN u_satisfaction < 0.38 THEN 'basic'
                       ELSE 'unsatisfied' END) END AS satisfaction,
       street_name || left(keyword, 2) || {pick('communities', 36)}
           || (1 + floor({u(37)} * 29))::int || '号楼' || (1 + floor({u(38)} * 6))::int || '单元'
           AS address,
       leaf_name || '：' || keyword || {pick('complaints', 39)} AS content,
       CASE WHEN answered THEN 'consultation' ELSE leaf_type END AS request_type,
       CASE WHEN cl_ok THEN 'closed' WHEN cb_ok THEN 'callback' WHEN done_ok AND answered THEN 'answered'
            WHEN done_ok THEN 'completed' WHEN r_ok THEN 'returned' WHEN c_ok THEN 'in_progress'
            WHEN s_ok THEN 'signed' WHEN d_ok THEN 'dispatched' ELSE 'received' END AS status,
       CASE WHEN d_ok THEN coalesce(leaf_unit_id, street_id) END AS lead_unit_id,
       CASE WHEN answered AND done_ok THEN '已按知识库答复诉求人' ELSE '' END AS answer,
       CASE WHEN done_ok AND NOT answered THEN '已现场核实处理，并电话告知诉求人办理结果' ELSE '' END AS result,
       CASE WHEN d_ok THEN dispatched END AS dispatched_at,
       CASE WHEN s_ok THEN signed END AS signed_at,
       CASE WHEN d_ok THEN contact_due END AS contact_due_at,
       CASE WHEN c_ok THEN contacted END AS contacted_at,
       CASE WHEN d_ok THEN due END AS due_at,
       CASE WHEN done_ok THEN completed END AS completed_at,
       CASE WHEN cb_ok THEN called END AS callback_at,
       CASE WHEN cl_ok THEN closed END AS closed_at,
       CASE WHEN r_ok THEN returned END AS returned_at,
       CASE WHEN answered THEN 'answered' ELSE 'completed' END AS before_callback,
       CASE WHEN cb_ok AND attempted THEN attempt_at END AS attempt_at
FROM s9
"""

# Who may see the order (hotline/stored_scope.py; the generator writes without its triggers): its one assignment's
# tokens (lead.tokens, hotline_unit_tokens of the lead unit) and, once dispatched, its address district's supervisor.
SEEN_BY_SQL = """CASE WHEN t.dispatched_at IS NULL THEN '{}'::integer[]
         WHEN t.district_id IS NULL OR -t.district_id::integer = ANY(lead.tokens) THEN coalesce(lead.tokens, '{}')
         ELSE lead.tokens || -t.district_id::integer END"""

TICKETS_SQL = f"""
INSERT INTO hotline_ticket (id, status, channel, caller_phone, caller_name, address, district_id, street_id, content,
    request_type, urgency, catalog_item_id, tier, tier_reason, lead_unit_id, repeat_of_id, answer, result,
    received_by_id, idempotency_key, rehandle_count, received_at, dispatched_at, signed_at,
    contact_due_at, contacted_at, due_at, completed_at, callback_at, closed_at, seen_by)
SELECT t.id, status, channel, caller_phone, caller_name, address, district_id, street_id, content,
    request_type, urgency, catalog_item_id, tier, '', lead_unit_id, NULL, answer, result,
    %(agent)s, NULL, 0, received_at, dispatched_at, signed_at,
    contact_due_at, contacted_at, due_at, completed_at, callback_at, closed_at,
    {SEEN_BY_SQL}
FROM gen_t t LEFT JOIN gen_unit lead ON lead.id = t.lead_unit_id ORDER BY t.id
"""

CALLBACKS_SQL = """
INSERT INTO hotline_callback (ticket_id, agent_id, reached, contacted, resolved, satisfaction, note, created_at)
SELECT id, %(callback_agent)s, FALSE, NULL, NULL, '', '无人接听', attempt_at
FROM gen_t WHERE attempt_at IS NOT NULL
UNION ALL
SELECT id, %(callback_agent)s, TRUE, cb_contacted, resolved, satisfaction, '', callback_at
FROM gen_t WHERE callback_at IS NOT NULL
"""

RETURNS_SQL = """
INSERT INTO dispatch_returnrequest (ticket_id, unit_id, reason, status, requested_by_id, requested_at, ruling)
SELECT id, lead_unit_id, '经核实，该事项不属于本单位职责范围', 'pending', %(dispatcher)s, returned_at, ''
FROM gen_t WHERE status = 'returned'
"""

# The clocks real intake leaves open: the center's dispatch clock on a received order, the lead's sign (until
# signed), response (until contacted) and complete clocks on a dispatched one, paused while a return waits.
CLOCKS_SQL = f"""
INSERT INTO assessment_clock (ticket_id, whistle_target_id, key, unit_id, started_at, due_at, warn_at, warned_at,
    breached_at, stopped_at, paused_at, policy_number)
SELECT c.ticket_id, NULL, c.key, c.unit_id, c.started_at, c.due_at, c.warn_at,
       CASE WHEN c.warn_at <= coalesce(c.paused_at, %(now)s) THEN c.warn_at END,
       CASE WHEN {past_sql("c.due_at", "coalesce(c.paused_at, %(now)s)")} THEN c.due_at END,
       NULL, c.paused_at, %(policy)s
FROM (
    SELECT t.id AS ticket_id, k.key, CASE WHEN k.kind = 'dispatch' THEN %(center)s ELSE t.lead_unit_id END AS unit_id,
           coalesce(t.dispatched_at, t.received_at) AS started_at,
           coalesce(t.dispatched_at, t.received_at) + k.seconds * interval '1 second' AS due_at,
           coalesce(t.dispatched_at, t.received_at) + k.warn_seconds * interval '1 second' AS warn_at,
           t.returned_at AS paused_at
    FROM gen_t t JOIN gen_key k ON k.tier = t.tier AND k.dispatch_level = t.dispatch_level
    WHERE (k.kind = 'dispatch' AND t.status = 'received')
       OR (k.kind = 'sign' AND t.status IN {sql_list(UNSIGNED_STATUSES)})
       OR (k.kind = 'response' AND t.status IN {sql_list(UNCONTACTED_STATUSES)})
       OR (k.kind = 'complete' AND t.status IN {sql_list(OPEN_STATUSES)})
) c
"""

ASSIGNMENTS_SQL = """
INSERT INTO dispatch_assignment (ticket_id, unit_id, role, status, dispatched_at, signed_at, completed_at, result)
SELECT id, lead_unit_id, 'lead',
       CASE WHEN status = 'returned' THEN 'returned' WHEN completed_at IS NOT NULL THEN 'completed'
            WHEN signed_at IS NOT NULL THEN 'signed' ELSE 'dispatched' END,
       dispatched_at, signed_at, completed_at, result
FROM gen_t WHERE dispatched_at IS NOT NULL
"""

# The audit trail, one event per milestone as the services write them: the same rows as generator.DERIVED_EVENTS,
# unpivoted from one scan of the batch.
EVENTS_SQL = """
INSERT INTO hotline_ticketevent (ticket_id, actor_id, actor_unit_id, action, from_status, to_status, note, data,
    created_at)
SELECT t.id, e.actor, e.unit, e.action, e.from_status, e.to_status, e.note, e.data, e.at
FROM gen_t t
LEFT JOIN gen_unit lead ON lead.id = t.lead_unit_id
CROSS JOIN LATERAL (VALUES
    (%(agent)s, %(center)s, 'intake', '', 'received', '受理：' || t.leaf_name, '{}'::jsonb, t.received_at),
    (%(agent)s, %(center)s, 'answer_directly', 'received', 'answered', t.answer, '{}',
     CASE WHEN t.answered THEN t.completed_at END),
    (CASE WHEN t.id %% 10 < 7 THEN %(agent)s ELSE %(dispatcher)s END, %(center)s, 'dispatch', 'received',
     'dispatched', '派至' || lead.name || '（主办）', '{}', t.dispatched_at),
    (NULL, t.lead_unit_id, 'return', 'dispatched', 'returned', '经核实，该事项不属于本单位职责范围', '{}',
     t.returned_at),
    (NULL, t.lead_unit_id, 'sign', 'dispatched', 'signed', '签收', '{}', t.signed_at),
    (NULL, t.lead_unit_id, 'contact', 'signed', 'in_progress', '已电话联系诉求人', '{}', t.contacted_at),
    (NULL, t.lead_unit_id, 'complete', 'in_progress', 'completed', t.result,
     '{"caller_feedback": "电话告知办理结果", "method": "phone"}', CASE WHEN NOT t.answered THEN t.completed_at END),
    (%(callback_agent)s, %(center)s, 'callback', t.before_callback, t.before_callback, '未联系上诉求人', '{}',
     CASE WHEN t.attempted THEN t.attempt_at END),
    (%(callback_agent)s, %(center)s, 'callback', t.before_callback, 'callback',
     CASE WHEN t.resolved THEN '问题已解决' ELSE '问题未解决' END, '{}', t.callback_at),
    (%(callback_agent)s, %(center)s, 'close', 'callback', 'closed', '回访完成，结案', '{}', t.closed_at)
) e(actor, unit, action, from_status, to_status, note, data, at)
WHERE e.at IS NOT NULL
"""

STATUS_SQL = "SELECT status, count(*) FROM gen_t GROUP BY status"


def seconds_of(limit):
    return limit.amount * (3600 if limit.unit == LimitUnit.HOURS else 86400)


def sql_limits(policy):
    """{key: (seconds, warn seconds)} of every limit the generator uses; None if one counts working days."""
    keys = [response_key(t) for t in TIERS] + [complete_key(t) for t in TIERS]
    keys += [dispatch_key(u) for u in Urgency.values] + ["sign"]
    result = {}
    for key in keys:
        limit = limit_for(policy, key)
        if limit.unit == LimitUnit.WORKING_DAYS:
            return None
        total = seconds_of(limit)
        result[key] = (total, int(total * policy.warn_fraction))
    return result


def load_world(cursor, world, limits):
    """Small temp tables of the leaves, streets and limits the batch statement joins to (hash joins)."""
    drop_world(cursor)
    cursor.execute(f"""
        CREATE TEMP TABLE gen_leaf (idx int PRIMARY KEY, id bigint, name text, keywords text[], unit_id bigint,
            consult bool, request_type text, {", ".join(f"{column} text" for column in LEAF_COLUMNS)});
        CREATE TEMP TABLE gen_unit AS
            SELECT id, name, hotline_unit_tokens(ARRAY[id], NULL, FALSE) AS tokens FROM dispatch_unit;
        CREATE TEMP TABLE gen_street (idx int PRIMARY KEY, id bigint, name text, district_id bigint);
        CREATE TEMP TABLE gen_tier (tier text PRIMARY KEY, response bigint, complete bigint);
        CREATE TEMP TABLE gen_key (tier text, dispatch_level text, kind text, key text, seconds bigint,
            warn_seconds bigint);
    """)
    leaf_rows = []  # a leaf of weight w fills w slots: a uniform pick of a slot is the weighted pick of a leaf
    for idx, leaf in enumerate(slots(zip(world.leaves, world.leaf_weights, strict=True))):
        unit = leaf.responsible_unit_id if leaf.responsible == Responsible.UNIT else None
        leaf_rows.append((idx, leaf.pk, leaf.name, world.keywords[leaf.pk], unit,
                          leaf.default_request_type == "consultation", leaf.default_request_type or "complaint",
                          *(world.tiers[(leaf.pk, urgency)] for urgency in Urgency.values),
                          *(world.dispatch_levels[(leaf.pk, urgency)] for urgency in Urgency.values)))
    cursor.executemany(f"INSERT INTO gen_leaf VALUES ({', '.join(['%s'] * (7 + len(LEAF_COLUMNS)))})", leaf_rows)
    cursor.executemany("INSERT INTO gen_street VALUES (%s, %s, %s, %s)",
                       [(i, s.pk, s.name, s.parent_id) for i, s in enumerate(world.streets)])
    cursor.executemany("INSERT INTO gen_tier VALUES (%s, %s, %s)",
                       [(t, limits[response_key(t)][0], limits[complete_key(t)][0]) for t in TIERS])
    keys = []
    for tier in TIERS:
        for level in Urgency.values:  # the dispatch level (dispatch/tiers.py dispatch_level) picks the dispatch key
            for kind, key in (("dispatch", dispatch_key(level)), ("sign", "sign"),
                              ("response", response_key(tier)), ("complete", complete_key(tier))):
                keys.append((tier, level, kind, key, *limits[key]))
    cursor.executemany("INSERT INTO gen_key VALUES (%s, %s, %s, %s, %s, %s)", keys)
    cursor.execute("ANALYZE gen_leaf; ANALYZE gen_unit; ANALYZE gen_street; ANALYZE gen_tier; ANALYZE gen_key")


def drop_world(cursor):
    cursor.execute("DROP TABLE IF EXISTS gen_leaf, gen_unit, gen_street, gen_tier, gen_key, gen_t")


BULK_TABLES = ["hotline_ticket", "hotline_ticketevent", "hotline_callback", "dispatch_assignment",
               "dispatch_returnrequest", "assessment_clock"]


def smaller_than(n):
    """Whether the ticket table holds fewer than n rows, reading at most n of them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT 1 FROM hotline_ticket LIMIT %s) t", [n])
        return cursor.fetchone()[0] < n


def drop_indexes(cursor):
    """Drop the non-unique indexes of the tables the generator writes; returns their definitions."""
    cursor.execute("""
        SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
        JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique
    """, [BULK_TABLES])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes]


def create_indexes(cursor, definitions):
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for definition in definitions:
        cursor.execute(definition)


def rebuild_indexes(definitions):
    """Create the indexes ``definitions`` (drop_indexes' list). Outside a transaction, the gram index (GIN: one
    process builds it, the longest by far) in a second session beside the b-trees, so the rebuild takes as long as
    the longest of the two halves, not their sum; inside one (a test), all in it."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            create_indexes(cursor, definitions)
        return
    beside = [d for d in definitions if "hotline_word_grams" in d]  # the scope's GIN (seen_by) is quick: with the rest
    errors = []
    thread = threading.Thread(target=_create_in_own_session, args=(beside, errors))
    thread.start()
    try:
        _create_in_own_session([d for d in definitions if d not in beside], errors)
    finally:
        thread.join()
    if errors:
        raise errors[0]


def _create_in_own_session(definitions, errors):
    """In this thread's own connection (Django opens one per thread), each committed as it is built."""
    try:
        for definition in definitions:
            with transaction.atomic(), connection.cursor() as cursor:
                create_indexes(cursor, [definition])
    except Exception as error:  # noqa: BLE001 (handed to the caller's thread)
        errors.append(error)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def analyze(cursor):
    """Fresh planner statistics for the month just written (a sample: its cost does not grow with the table)."""
    cursor.execute(f"ANALYZE {', '.join(BULK_TABLES)}")


def vacuum():
    """VACUUM (ANALYZE) the tables written, outside any transaction: the visibility map that lets index-only scans
    skip the table is set by vacuum alone (and a server may run without autovacuum). Inside a transaction (tests),
    ANALYZE only. Then ANALYZE every table never analyzed: without autovacuum the directory and the catalog
    (load_directory, load_catalog) had no statistics, so the planner took the 726 leaves for ~100 and drove the
    district's one-day export from them (a loop over every leaf's orders of the quarter: 2.4 s of its SQL)."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            analyze(cursor)
            return
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(BULK_TABLES)}")
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL "
                       "AND last_autoanalyze IS NULL AND NOT relname = ANY(%s)", [BULK_TABLES])
        for (name,) in cursor.fetchall():
            cursor.execute(f'ANALYZE "{name}"')


def slots(weights):
    """A list with each value repeated by its integer weight: a uniform pick from it is a weighted pick."""
    return [value for value, weight in weights for _ in range(weight)]


def write_batch(cursor, params):
    """Stage and write one batch; returns ({status: count}, {table name: rows})."""
    cursor.execute(STAGE_SQL, params)
    rows = {}
    for name, sql in (("tickets", TICKETS_SQL), ("callbacks", CALLBACKS_SQL), ("returns", RETURNS_SQL),
                      ("clocks", CLOCKS_SQL), ("assignments", ASSIGNMENTS_SQL), ("events", EVENTS_SQL)):
        cursor.execute(sql, params)
        rows[name] = cursor.rowcount
    cursor.execute(STATUS_SQL)
    by_status = dict(cursor.fetchall())
    cursor.execute("DROP TABLE gen_t")
    return by_status, rows


def supported():
    return connection.vendor == "postgresql"
