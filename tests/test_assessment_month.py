"""Monthly scorecards on hand-made months where the right answer is known."""

from decimal import Decimal

import pytest
from django.db import connection

from assessment.models import AssessmentRule, MonthClose, Scorecard, ScorecardCorrection
from assessment.monthly import appeals
from assessment.monthly.month_close import close_month
from core.errors import InvalidTransition, NotFoundInScope, NotPermitted
from hotline.models import TicketEvent

from .assessment_helpers import NOV, OCT, make_order, street_user, whistle_call

D = Decimal


@pytest.fixture
def month(demo_users, directory, catalog):
    """October 2026: 望京 (W), 建外 (J), 城管执法局 (D002) assisting, a whistle to D002."""
    users, item = demo_users, catalog["sanitation"]
    wangjing, jianwai, chengguan = directory["110105026"], directory["110105001"], directory["D002"]
    first = make_order(users, wangjing, item)                                              # in time, solved, satisfied
    make_order(users, wangjing, item, in_time=False, satisfaction="basic")                 # late, solved, basic
    make_order(users, wangjing, item, resolved=False, satisfaction="unsatisfied")          # unsolved, unsatisfied
    unreasonable = make_order(users, wangjing, item)
    make_order(users, wangjing, item, repeat_of=first, resolved=False, satisfaction="unsatisfied")  # repeat: once
    make_order(users, wangjing, item, callback_day=2, month=11)                             # November: not October
    shared = make_order(users, jianwai, item, assist=[chengguan])                          # 双派双考
    contested = make_order(users, jianwai, item, in_time=False, resolved=False, satisfaction="unsatisfied")
    whistle_call(users, wangjing, chengguan, first, missed=True, stars=4)
    appeals.review_unreasonable(users["dispatcher"], unreasonable.pk, unreasonable=True, reason="诉求明显不合理")
    return {"wangjing": wangjing, "jianwai": jianwai, "chengguan": chengguan, "contested": contested,
            "shared": shared, "users": users, "district": directory["110105"]}


def card(unit, month=OCT):
    return Scorecard.objects.get(unit=unit, month=month)


def test_rates_and_score_count_each_order_once_and_leave_out_exclusions(month):
    close_month(OCT)
    w = card(month["wangjing"])
    # 3 orders assessed: the unreasonable one is excluded, the repeat counts once, November's is not October's.
    assert (w.assessed, w.excluded, w.contacted_in_time, w.answered, w.resolved, w.satisfied, w.basic) == (
        3, 1, 2, 3, 2, 1, 1)
    assert (w.response_rate, w.resolution_rate, w.satisfaction_rate) == (D("66.67"), D("66.67"), D("60.00"))
    assert w.score == D("64.33")  # 0.30 × 66.67 + 0.35 × 66.67 + 0.35 × (1 + 0.8) / 3


def test_lead_and_assisting_unit_are_both_assessed_on_a_multi_unit_order(month):
    close_month(OCT)
    assert card(month["chengguan"]).assessed == 1 and card(month["chengguan"]).score == D("100.00")
    assert card(month["jianwai"]).assessed == 2


def test_district_aggregates_its_streets_and_ranks_apart(month):
    close_month(OCT)
    district = card(month["district"])
    assert district.group == "district" and district.assessed == 5 and district.rank == 1
    streets = Scorecard.objects.filter(month=OCT, group="street").order_by("rank")
    assert [(c.unit.code, c.rank) for c in streets] == [("110105026", 1), ("110105001", 2)]


def test_weights_and_basic_credit_are_configurable_by_period(month):
    AssessmentRule.objects.create(effective_from=OCT, weight_response=D("0.5"), weight_resolution=D("0.25"),
                                  weight_satisfaction=D("0.25"), basic_credit=D("0.5"))
    close_month(OCT)
    w = card(month["wangjing"])
    assert w.satisfaction_rate == D("50.00")  # (1 + 0.5) / 3
    assert w.score == D("62.50")  # 0.5 × 66.67 + 0.25 × 66.67 + 0.25 × 50


def test_two_way_assessment_sits_beside_the_department_score(month):
    close_month(OCT)
    dept = card(month["chengguan"])
    assert (dept.whistle_calls, dept.report_in_missed, dept.avg_stars) == (1, 1, D("4.00"))
    assert dept.two_way_score == D("75.00")  # 4 stars × 20 − 5 for the missed report-in
    assert dept.score == D("100.00")  # the hotline score itself is unchanged


def test_classes_callouts_and_change_on_last_month(month):
    users, item = month["users"], month["shared"].catalog_item
    close_month(OCT, freeze=True)
    for _ in range(3):
        make_order(users, month["jianwai"], item, day=10, month=11)
    close_month(NOV)
    jianwai = card(month["jianwai"], NOV)
    assert jianwai.prev_score == card(month["jianwai"]).score and jianwai.score == D("100.00")
    assert jianwai.klass == "advanced"
    october_last = card(month["jianwai"])
    assert october_last.klass == "governance" and october_last.score < D("60")
    assert october_last.called_out  # the bottom streets are named (here both streets are in the bottom 10)
    department = card(month["chengguan"])  # the last (only) department, but with 100 points: 先进, not named
    assert department.klass == "advanced" and department.rank == department.group_size and not department.called_out


def test_rerunning_the_close_gives_identical_rows(month):
    def rows():
        return list(Scorecard.objects.filter(month=OCT).order_by("unit_id").values())
    close_month(OCT)
    first = [{k: v for k, v in r.items() if k != "id"} for r in rows()]
    close_month(OCT)
    assert [{k: v for k, v in r.items() if k != "id"} for r in rows()] == first
    close_month(OCT, freeze=True)
    frozen = rows()
    close_month(OCT, freeze=True)
    assert rows() == frozen
    assert MonthClose.objects.get(month=OCT).is_frozen


def test_frozen_month_changes_only_through_a_ruled_appeal(month):
    users = month["users"]
    close_month(OCT, freeze=True)
    before = card(month["jianwai"])
    assert before.assessed == 2
    # New facts (an unreasonable review) do not move a frozen month.
    appeals.review_unreasonable(users["dispatcher"], month["shared"].pk, unreasonable=True, reason="重复骚扰")
    close_month(OCT, freeze=True)
    assert card(month["jianwai"]).assessed == 2
    # A granted appeal does, as a correction row with who, when and why.
    jianwai_staff = street_user(month["jianwai"], "jianwai")
    appeal = appeals.file_appeal(jianwai_staff, month["contested"].pk, reason="诉求人提供地址有误，非本辖区")
    appeals.rule_appeal(users["dispatcher"], appeal.pk, grant=True, ruling="经核实地址不在建外辖区")
    after = card(month["jianwai"])
    assert after.assessed == 1 and after.corrected and after.score == D("100.00")
    correction = ScorecardCorrection.objects.get(scorecard=after)
    assert correction.corrected_by == users["dispatcher"] and "经核实地址不在建外辖区" in correction.reason
    assert correction.before["score"] == str(before.score) and correction.after["score"] == "100.00"
    assert card(month["district"]).corrected  # the district aggregate follows its street
    actions = list(TicketEvent.objects.filter(ticket=month["contested"]).values_list("action", flat=True))
    assert actions[-2:] == ["appeal", "rule_appeal"]


def test_appeal_rules(month):
    users = month["users"]
    with pytest.raises(NotFoundInScope):  # a unit not on the order cannot even see it
        appeals.file_appeal(users["wangjing"], month["contested"].pk, reason="不是我们的")
    jianwai_staff = street_user(month["jianwai"], "jianwai")
    appeal = appeals.file_appeal(jianwai_staff, month["contested"].pk, reason="理由")
    with pytest.raises(InvalidTransition):
        appeals.file_appeal(jianwai_staff, month["contested"].pk, reason="再次申诉")
    with pytest.raises(NotPermitted):
        appeals.rule_appeal(jianwai_staff, appeal.pk, grant=True, ruling="自己裁定")
    appeals.rule_appeal(users["dispatcher"], appeal.pk, grant=False, ruling="理由不成立")
    close_month(OCT)
    assert card(month["jianwai"]).assessed == 2  # refused: the order still counts


def test_only_the_center_may_close_a_month_by_hand(month):
    with pytest.raises(NotPermitted):
        close_month(OCT, actor=month["users"]["wangjing"])
    assert not MonthClose.objects.filter(month=OCT).exists()
    close_month(OCT, actor=month["users"]["dispatcher"])
    assert Scorecard.objects.filter(month=OCT).exists()


def test_the_drill_down_lists_exactly_the_orders_behind_each_count(month):
    from assessment.monthly.selectors import orders_behind

    close_month(OCT)
    for unit in (month["wangjing"], month["jianwai"], month["district"]):
        c = card(unit)
        expected = {"all": c.assessed, "excluded": c.excluded, "late": c.assessed - c.contacted_in_time,
                    "unanswered": c.assessed - c.answered, "unresolved": c.answered - c.resolved,
                    "basic": c.basic, "unsatisfied": c.answered - c.satisfied - c.basic}
        shown = {measure: len(orders_behind(unit, OCT, measure)[0]) for measure in expected}
        assert shown == expected, unit.name


def test_each_computation_replaces_its_months_stored_orders_and_leaves_the_others(month):
    """The drill-down's rows (AssessedOrder; on PostgreSQL one partition a month) follow the latest computation of
    their month: a recomputation after a change shows the change, and another month's rows stay as they were."""
    from assessment.models import AssessedOrder
    from assessment.monthly.selectors import orders_behind

    close_month(OCT)
    close_month(NOV)
    november = set(AssessedOrder.objects.filter(month=NOV).values_list("unit_id", "ticket_id"))
    assert november and len(orders_behind(month["wangjing"], OCT, "all")[0]) == 3
    late = make_order(month["users"], month["wangjing"], month["shared"].catalog_item, in_time=False)
    assert len(orders_behind(month["wangjing"], OCT, "all")[0]) == 3  # as last computed, like the figures
    close_month(OCT)
    assert late.pk in {t.pk for t in orders_behind(month["wangjing"], OCT, "late")[0]}
    assert card(month["wangjing"]).assessed == 4 == len(orders_behind(month["wangjing"], OCT, "all")[0])
    w = card(month["wangjing"])
    assert AssessedOrder.objects.filter(month=OCT, unit=month["wangjing"]).count() == w.assessed + w.excluded
    assert set(AssessedOrder.objects.filter(month=NOV).values_list("unit_id", "ticket_id")) == november
    if connection.vendor == "postgresql":  # one table a month, each with its key alone (ATTACH adopted it)
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename, count(*) FROM pg_indexes WHERE tablename LIKE %s"
                           " GROUP BY tablename ORDER BY tablename", ["assessment_assessedorder_%"])
            assert cursor.fetchall() == [("assessment_assessedorder_202610", 1), ("assessment_assessedorder_202611", 1)]


def test_a_granted_appeal_excludes_the_order_in_its_month_only(demo_users, directory, catalog):
    from hotline.models import Callback

    from .assessment_helpers import at

    users, wangjing = demo_users, directory["110105026"]
    make_order(users, wangjing, catalog["sanitation"])
    order = make_order(users, wangjing, catalog["sanitation"], resolved=False, satisfaction="unsatisfied")
    Callback.objects.create(ticket=order, agent=users["callback"], reached=True, contacted=True, resolved=True,
                            satisfaction="satisfied", created_at=at(3, month=11))  # re-handled, called back again
    appeal = appeals.file_appeal(users["wangjing"], order.pk, reason="首次办理期间诉求人拒绝入户", month="2026-10")
    appeals.rule_appeal(users["dispatcher"], appeal.pk, grant=True, ruling="情况属实")
    close_month(OCT)
    close_month(NOV)
    assert (card(wangjing).assessed, card(wangjing).excluded) == (1, 1)
    assert (card(wangjing, NOV).assessed, card(wangjing, NOV).excluded, card(wangjing, NOV).satisfied) == (1, 0, 1)


def test_equal_scores_rank_the_unit_assessed_on_more_orders_first():
    """A perfect handful does not tie with a perfect month of work: at equal scores more assessed orders rank first;
    equal in both, units share the rank (listed by code)."""
    from assessment.monthly.rankings import rank_group

    cards = [Scorecard(unit_id=pk, group="street", score=Decimal(score), assessed=assessed)
             for pk, (score, assessed) in enumerate([("100", 2), ("100", 40), ("100", 2), ("97.5", 60), ("100", 9)])]
    ranked = rank_group(cards, AssessmentRule(), {pk: f"S{pk:02d}" for pk in range(5)})
    assert [(c.unit_id, c.rank) for c in ranked] == [(1, 1), (4, 2), (0, 3), (2, 3), (3, 5)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk of each unit's newest pairs is PostgreSQL's")
@pytest.mark.parametrize("measure", ["all", "late", "overdue", "unanswered", "unresolved", "unsatisfied", "basic"])
def test_a_districts_orders_walked_unit_by_unit_equal_the_grouped_month(measure, directory, monkeypatch):
    """A district's drill-down reads each unit's newest pairs and merges them: the same rows, page after page, as
    grouping the district's month, with orders assessed for two of its units (one pair excluded) among them."""
    import datetime as dt
    import random

    from assessment.models import AssessedOrder
    from assessment.monthly import scorecards
    from dispatch.models import Unit

    district = directory["110105026"].parent
    units = [district.pk, *Unit.objects.filter(parent=district).order_by("code").values_list("pk", flat=True)[:3]]
    rng, pairs = random.Random(7), []
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    for ticket_id in range(1, 400):
        at = start + dt.timedelta(minutes=rng.randrange(40_000))
        streets = rng.sample(units[1:], 2 if rng.random() < 0.2 else 1)
        for unit_id in streets + ([units[0]] if ticket_id % 9 == 0 else []):
            reached = rng.choice([True, True, False, None])
            pairs.append(AssessedOrder(
                month=OCT, unit_id=unit_id, received_at=at, ticket_id=ticket_id, reached=reached,
                resolved=None if reached is None else rng.random() < 0.8,
                satisfaction=None if reached is None else rng.choice(["satisfied", "basic", "unsatisfied"]),
                overdue=rng.random() < 0.1, in_time=rng.random() < 0.9, caller_denied=False,
                excluded=rng.random() < 0.03))
    from assessment.monthly.pair_partitions import replace_month

    empty = [("SELECT * FROM assessment_assessedorder WHERE FALSE", ())]
    replace_month(OCT, empty, {"month": OCT})  # the month's table
    AssessedOrder.objects.bulk_create(pairs)
    walked = [scorecards.assessed_orders(OCT, units, measure, limit=21, offset=offset) for offset in (0, 20, 60, 300)]
    monkeypatch.setattr(scorecards, "_newest_of_units", lambda *args: None)
    grouped = [scorecards.assessed_orders(OCT, units, measure, limit=21, offset=offset) for offset in (0, 20, 60, 300)]
    assert walked == grouped and walked[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
@pytest.mark.django_db
def test_a_months_volumes_are_counted_from_the_received_at_index_alone():
    """The summary a month close stores reads the month's leaf, district, street and original from the received_at
    index (migration hotline 0017), not each order's row: at a year that was a scan of every order (9.7 s)."""
    from assessment.monthly import hotspots, months

    start, end = months.bounds(NOV)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {hotspots.MONTH_VOLUMES_SQL}", {"start": adapt(start), "end": adapt(end)})
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Index Only Scan using ticket_received_at" in plan, plan
