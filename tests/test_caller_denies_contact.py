"""The caller's word on contact: a callback answering 承办单位未联系 voids the unit's recorded contact for the
response rate (rule caller_denial_voids_contact, default on, by period; a frozen month keeps its rule)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import AssessmentRule, MonthClose, Scorecard
from assessment.monthly import appeals, selectors
from assessment.monthly.month_close import close_month
from assessment.monthly.rules import rule_from_snapshot, snapshot
from hotline.models import Callback
from hotline.services import center

from .assessment_helpers import OCT, at, make_order, street_user
from .page_helpers import login

D = Decimal


@pytest.fixture
def october(demo_users, directory, catalog):
    """Two 望京 orders, both contacted within 2 h as the unit recorded it; at the callback the caller of the
    second says the unit never contacted them."""
    users, wangjing = demo_users, directory["110105026"]
    confirmed = make_order(users, wangjing, catalog["sanitation"], day=5)
    denied = make_order(users, wangjing, catalog["sanitation"], day=6, called_back=False)
    center.record_callback(users["callback"], denied.pk, reached=True, contacted=False, resolved=True,
                           satisfaction="satisfied", now=at(9))
    return {"users": users, "wangjing": wangjing, "confirmed": confirmed, "denied": denied}


def card(unit):
    return Scorecard.objects.get(unit=unit, month=OCT)


def test_a_caller_denying_contact_takes_the_order_out_of_contacted_in_time(october):
    denied = october["denied"]
    assert denied.contacted_at < denied.contact_due_at  # the unit recorded a contact in time
    close_month(OCT)
    w = card(october["wangjing"])
    assert (w.assessed, w.contacted_in_time, w.answered, w.satisfied) == (2, 1, 2, 2)
    assert w.response_rate == D("50.00")
    assert w.score == D("85.00")  # 0.30 × 50 + 0.35 × 100 + 0.35 × 100


def test_with_the_switch_off_the_units_record_stands(october):
    AssessmentRule.objects.create(effective_from=OCT, caller_denial_voids_contact=False)
    close_month(OCT)
    w = card(october["wangjing"])
    assert (w.contacted_in_time, w.response_rate, w.score) == (2, D("100.00"), D("100.00"))
    assert MonthClose.objects.get(month=OCT).rule["caller_denial_voids_contact"] == "False"


def test_the_deciding_callback_has_the_word(october):
    users, denied = october["users"], october["denied"]
    # An unanswered attempt later in the month does not override the caller's answer...
    Callback.objects.create(ticket=denied, agent=users["callback"], reached=False, created_at=at(12))
    close_month(OCT)
    assert card(october["wangjing"]).contacted_in_time == 1
    # ...a later answered callback saying the unit did contact them does.
    Callback.objects.create(ticket=denied, agent=users["callback"], reached=True, contacted=True, resolved=True,
                            satisfaction="satisfied", created_at=at(14))
    close_month(OCT)
    assert card(october["wangjing"]).response_rate == D("100.00")


def test_the_drill_down_lists_the_order_as_not_contacted_with_the_reason(client, october):
    close_month(OCT)
    late, _ = selectors.orders_behind(october["wangjing"], OCT, "late")
    assert [t.pk for t in late] == [october["denied"].pk]
    assert late[0].caller_denied_contact and not late[0].contact_in_time
    login(client, october["users"]["leader"])
    page = client.get(reverse("assessment:unit", args=["110105026"]), {"month": "2026-10", "measure": "late"})
    body = page.content.decode()
    assert october["denied"].number in body and "诉求人称未被联系，不计按时联系" in body
    assert october["confirmed"].number not in body


def test_with_the_switch_off_the_drill_down_does_not_count_it_late(october):
    AssessmentRule.objects.create(effective_from=OCT, caller_denial_voids_contact=False)
    close_month(OCT)
    late, _ = selectors.orders_behind(october["wangjing"], OCT, "late")
    assert late == []
    everything, _ = selectors.orders_behind(october["wangjing"], OCT, "all")
    shown = {t.pk: (t.contact_in_time, t.caller_denied_contact) for t in everything}
    assert shown == {october["confirmed"].pk: (True, False), october["denied"].pk: (True, True)}


def test_a_frozen_month_keeps_its_rule_after_the_switch_is_turned_off(october):
    close_month(OCT, freeze=True)
    AssessmentRule.objects.create(effective_from=OCT, caller_denial_voids_contact=False)
    # The drill-down of the frozen month still explains its 50 %.
    late, _ = selectors.orders_behind(october["wangjing"], OCT, "late")
    assert [t.pk for t in late] == [october["denied"].pk]
    # A granted appeal on the denied order takes out exactly what it counted: assessed, not contacted in time.
    staff = street_user(october["wangjing"], "wangjing_staff")
    appeal = appeals.file_appeal(staff, october["denied"].pk, reason="已电话联系，有通话记录")
    appeals.rule_appeal(october["users"]["dispatcher"], appeal.pk, grant=True, ruling="通话记录属实")
    w = card(october["wangjing"])
    assert (w.assessed, w.contacted_in_time, w.response_rate, w.corrected) == (1, 1, D("100.00"), True)
    # The drill-down of the frozen month follows the correction: the order moves from 'late' to 'excluded'.
    assert selectors.orders_behind(october["wangjing"], OCT, "late")[0] == []
    excluded, _ = selectors.orders_behind(october["wangjing"], OCT, "excluded")
    assert [t.pk for t in excluded] == [october["denied"].pk]


def test_the_rule_survives_its_snapshot_and_months_frozen_before_it_existed_keep_the_old_count():
    off = AssessmentRule(effective_from=OCT, caller_denial_voids_contact=False)
    assert rule_from_snapshot(snapshot(off)).caller_denial_voids_contact is False
    assert rule_from_snapshot(snapshot(AssessmentRule(effective_from=OCT))).caller_denial_voids_contact is True
    legacy = {k: v for k, v in snapshot(AssessmentRule()).items() if k != "caller_denial_voids_contact"}
    assert rule_from_snapshot(legacy).caller_denial_voids_contact is False


def test_an_administrator_turns_the_switch_off_in_the_admin(client, october):
    client.force_login(october["users"]["admin"])
    form = {name: str(getattr(AssessmentRule(), name)) for name in (
        "weight_response", "weight_resolution", "weight_satisfaction", "basic_credit", "advanced_score",
        "improving_delta", "rectify_below", "governance_below", "callout_streets", "callout_departments",
        "callout_enterprises", "report_in_penalty", "hotspot_ratio", "hotspot_min_count")}
    zero = {**form, "effective_from": "2026-10-01", "weight_response": "0", "weight_resolution": "0",
            "weight_satisfaction": "0"}
    refused = client.post("/admin/assessment/assessmentrule/add/", zero)
    assert refused.status_code == 200 and "三率权重不能为负且不能全为零" in refused.content.decode()
    added = client.post("/admin/assessment/assessmentrule/add/", {**form, "effective_from": "2026-10-01"})
    assert added.status_code == 302  # the checkbox left unticked: the switch is off
    close_month(OCT)
    assert card(october["wangjing"]).response_rate == D("100.00")
