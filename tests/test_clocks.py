"""Stored clocks follow the order: started at dispatch, met by sign/contact/complete, paused on return, moved by an
extension, restarted on redispatch and re-handle; whistled departments get their own."""

import datetime as dt

import pytest

from assessment.clock.sweep import sweep
from assessment.models import Clock
from hotline.services import whistles

from .clock_helpers import H, S, events, open_clock
from .lifecycle_helpers import T0, center, handling, intake, take_call, walk_to_completed

D = dt.timedelta(days=1)


def dispatched(users, directory, item, **extra):
    ticket = take_call(users, directory, item, now=T0 - H, **extra)
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    ticket.refresh_from_db()
    return ticket


# tier → (response due, response warn, complete due, complete warn), counted from dispatch at T0
TIERS = {
    "2h": (2 * H, 90 * dt.timedelta(minutes=1), 2 * H, 90 * dt.timedelta(minutes=1)),
    "24h": (24 * H, 18 * H, 24 * H, 18 * H),
    "7d": (24 * H, 18 * H, 7 * D, 126 * H),
    "15d": (24 * H, 18 * H, 15 * D, 270 * H),
}


@pytest.mark.parametrize("tier", TIERS)
def test_dispatch_starts_sign_contact_and_complete_clocks_of_the_tier(users, directory, catalog, tier):
    ticket = dispatched(users, directory, catalog["sanitation"], tier=tier, tier_reason="疑难" if tier == "15d" else "")
    response_due, response_warn, complete_due, complete_warn = TIERS[tier]
    lead = directory["110105026"]
    sign, response, complete = (open_clock(ticket, p, lead) for p in ("sign", "response:", "complete:"))
    assert (sign.due_at, sign.warn_at) == (T0 + 2 * H, T0 + 90 * dt.timedelta(minutes=1))
    assert (response.key, response.due_at, response.warn_at) == (f"response:{tier}", T0 + response_due,
                                                                 T0 + response_warn)
    assert (complete.key, complete.due_at, complete.warn_at) == (f"complete:{tier}", T0 + complete_due,
                                                                 T0 + complete_warn)
    assert (ticket.contact_due_at, ticket.due_at) == (response.due_at, complete.due_at)
    assert {c.started_at for c in (sign, response, complete)} == {T0}
    assert sign.policy_number == complete.policy_number == 1
    # the center's dispatch clock ran from intake and was met by the dispatch
    dispatch_clock = Clock.objects.get(ticket=ticket, key="dispatch:normal")
    assert (dispatch_clock.started_at, dispatch_clock.due_at, dispatch_clock.stopped_at) == (T0 - H, T0 + 23 * H, T0)
    assert dispatch_clock.unit.kind == "center"


def test_emergency_intake_gets_the_one_hour_dispatch_clock_and_answer_directly_meets_it(users, directory, catalog):
    urgent = take_call(users, directory, catalog["sanitation"], urgency="emergency", content="燃气泄漏")
    assert open_clock(urgent, "dispatch:emergency").due_at == T0 + H
    consultation = take_call(users, directory, catalog["policy"], content="咨询政策")
    intake.answer_directly(users["agent"], consultation.pk, "已答复", now=T0 + 10 * dt.timedelta(minutes=1))
    assert not Clock.objects.filter(ticket=consultation, stopped_at__isnull=True).exists()


def test_sign_contact_complete_each_meet_their_clock(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    walk_to_completed(users, ticket)
    stopped = dict(Clock.objects.filter(ticket=ticket, unit=directory["110105026"]).values_list("key", "stopped_at"))
    assert stopped == {
        "sign": T0 + 10 * dt.timedelta(minutes=1),
        "response:7d": T0 + 30 * dt.timedelta(minutes=1),
        "complete:7d": T0 + 4 * H,
    }
    assert sweep(now=T0 + 30 * D) == {"breach": 0, "warn": 0}


def test_assisting_unit_has_its_own_sign_clock(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, assist_units=[directory["D002"]], now=T0)
    assist_sign = open_clock(ticket, "sign", directory["D002"])
    assert not Clock.objects.filter(ticket=ticket, unit=directory["D002"]).exclude(key="sign").exists()
    handling.sign(users["chengguan"], ticket.pk, now=T0 + H)
    assist_sign.refresh_from_db()
    assert assist_sign.stopped_at == T0 + H
    assert open_clock(ticket, "sign", directory["110105026"]).stopped_at is None  # the lead has not signed


def test_return_pauses_and_a_rejected_return_resumes_later_by_the_wait(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    handling.return_order(users["wangjing"], ticket.pk, "地址在相邻街道", now=T0 + H)
    assert set(Clock.objects.filter(ticket=ticket, stopped_at__isnull=True).values_list("paused_at", flat=True)) == {
        T0 + H
    }
    assert sweep(now=T0 + 3 * H) == {"breach": 0, "warn": 0}  # the sign limit passed while paused: nothing
    center.rule_return(users["dispatcher"], ticket.pk, ruling="属望京街道辖区", now=T0 + 5 * H)  # waited 4 h
    ticket.refresh_from_db()
    sign = open_clock(ticket, "sign")
    assert (sign.paused_at, sign.warn_at, sign.due_at) == (None, T0 + 5.5 * H, T0 + 6 * H)
    assert ticket.contact_due_at == T0 + 28 * H and ticket.due_at == T0 + 7 * D + 4 * H
    assert open_clock(ticket, "complete:").due_at == ticket.due_at
    assert sweep(now=T0 + 6 * H - S) == {"breach": 0, "warn": 1}
    assert sweep(now=T0 + 6 * H) == {"breach": 0, "warn": 0}  # at the deadline itself: still in time
    assert sweep(now=T0 + 6 * H + S) == {"breach": 1, "warn": 0}
    assert events(ticket, "breach")[0].data["key"] == "sign"


def test_redispatch_restarts_the_clocks_for_the_new_unit(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    handling.return_order(users["wangjing"], ticket.pk, "井盖属排水集团", now=T0 + H)
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory["D002"], now=T0 + 3 * H)
    old = Clock.objects.filter(ticket=ticket, unit=directory["110105026"])
    assert set(old.values_list("stopped_at", flat=True)) == {T0 + 3 * H}
    new = {c.key: c for c in Clock.objects.filter(ticket=ticket, unit=directory["D002"], stopped_at__isnull=True)}
    assert set(new) == {"sign", "response:7d", "complete:7d"}
    assert new["complete:7d"].due_at == T0 + 3 * H + 7 * D and new["sign"].paused_at is None


def test_an_order_overdue_before_its_return_starts_clean_with_the_new_unit(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"], urgency="emergency", content="燃气泄漏")
    assert sweep(now=T0 + 2 * H + S)["breach"] == 3  # 2 h tier: sign, contact and completion all missed
    ticket.refresh_from_db()
    assert ticket.overdue_at(T0 + 2 * H + S)
    handling.return_order(users["wangjing"], ticket.pk, "燃气公司负责", now=T0 + 2 * H)
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory["D002"], now=T0 + 3 * H)
    ticket.refresh_from_db()
    assert not ticket.overdue_at(T0 + 3 * H) and ticket.due_at == T0 + 5 * H
    assert len(events(ticket, "breach")) == 3


def test_approved_extension_moves_the_complete_clock_and_rearms_its_warning(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    handling.sign(users["wangjing"], ticket.pk, now=T0 + H)
    assert sweep(now=T0 + 6 * D) == {"breach": 1, "warn": 1}  # response breached, complete warned (5 d 6 h)
    new_due = T0 + 10 * D
    extension = handling.request_extension(users["wangjing"], ticket.pk, reason="需协调产权单位",
                                           requested_due_at=new_due, now=T0 + 6 * D)
    center.decide_extension(users["dispatcher"], extension.pk, approve=True, now=T0 + 6 * D + H)
    complete = open_clock(ticket, "complete:")
    assert (complete.due_at, complete.warn_at, complete.warned_at) == (new_due, new_due - 42 * H, None)
    ticket.refresh_from_db()
    assert ticket.due_at == new_due
    assert sweep(now=T0 + 7 * D) == {"breach": 0, "warn": 0}  # the old deadline passes quietly
    assert sweep(now=new_due - 42 * H) == {"breach": 0, "warn": 1}
    assert sweep(now=new_due - S) == {"breach": 0, "warn": 0}
    assert sweep(now=new_due) == {"breach": 0, "warn": 0}
    assert sweep(now=new_due + S) == {"breach": 1, "warn": 0}
    ticket.refresh_from_db()
    assert ticket.overdue_at(new_due + S)


def test_rehandle_starts_fresh_clocks(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    walk_to_completed(users, ticket)
    center.record_callback(users["callback"], ticket.pk, reached=True, contacted=True, resolved=False,
                           satisfaction="unsatisfied", now=T0 + 30 * H)
    center.rehandle(users["callback"], ticket.pk, "问题未解决", now=T0 + 31 * H)
    running = Clock.objects.filter(ticket=ticket, stopped_at__isnull=True)
    assert {(c.key, c.started_at, c.due_at) for c in running} == {
        ("sign", T0 + 31 * H, T0 + 33 * H),
        ("response:7d", T0 + 31 * H, T0 + 55 * H),
        ("complete:7d", T0 + 31 * H, T0 + 31 * H + 7 * D),
    }


def test_whistle_clocks_per_department_met_by_report_in_and_action(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    handling.sign(users["wangjing"], ticket.pk, now=T0 + H)
    whistle = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"], directory["E002"]],
                                     reason="占道经营需执法", now=T0 + 2 * H)
    assert not Clock.objects.filter(whistle_target__whistle=whistle).exists()  # not before the leader approves
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=T0 + 3 * H)
    clocks = Clock.objects.filter(whistle_target__whistle=whistle)
    assert {(c.unit.code, c.key) for c in clocks} == {
        ("D002", "whistle_report_in"), ("D002", "whistle_complete"),
        ("E002", "whistle_report_in"), ("E002", "whistle_complete"),
    }
    report_in = clocks.get(unit=directory["D002"], key="whistle_report_in")
    # Monday 20:00 Beijing + 2 days; 5 working days end the next Monday 20:00
    assert report_in.due_at == T0 + 3 * H + 2 * D
    assert clocks.get(unit=directory["D002"], key="whistle_complete").due_at == T0 + 3 * H + 7 * D
    target = whistle.targets.get(unit=directory["D002"])
    assert (target.report_in_due_at, target.action_due_at) == (report_in.due_at, T0 + 3 * H + 7 * D)
    whistles.report_in(users["chengguan"], whistle.pk, now=T0 + 5 * H)
    whistles.record_whistle_action(users["chengguan"], whistle.pk, action_note="已执法", now=T0 + 20 * H)
    assert not clocks.filter(unit=directory["D002"], stopped_at__isnull=True).exists()
    # the heating company never reports in: one breach at the limit, and the target is marked for the rating
    assert sweep(now=report_in.due_at - S)["breach"] == 1  # only the street's 24 h contact limit
    assert sweep(now=report_in.due_at + S) == {"breach": 1, "warn": 0}
    heating = whistle.targets.get(unit=directory["E002"])
    assert heating.report_in_missed and not whistle.targets.get(unit=directory["D002"]).report_in_missed
    assert events(ticket, "breach")[-1].data == {
        "clock": clocks.get(unit=directory["E002"], key="whistle_report_in").pk, "key": "whistle_report_in",
        "unit": "E002", "due_at": report_in.due_at.isoformat(),
    }
