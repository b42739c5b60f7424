"""SLA policy as versioned data, the holiday override table and the clock API (assessment/clock/sla.py)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from assessment.clock.choices import LimitKey, LimitUnit, complete_key, dispatch_key, response_key
from assessment.clock.policies import activate_policy, create_draft, ensure_default_policy
from assessment.clock.sla import compute_clock, current_policy, limit_for, working_calendar
from assessment.models import HolidayOverride, SlaLimit, SlaPolicy
from core.errors import InvalidInput, InvalidTransition

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # Wednesday before National Day 2026


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


# key, expected due, expected warn (75 %) for a clock started at START with the default policy
DEFAULT_CLOCKS = [
    (response_key("2h"), at(2026, 9, 30, 17, 0), at(2026, 9, 30, 16, 30)),
    (response_key("24h"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (response_key("7d"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (response_key("15d"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (complete_key("2h"), at(2026, 9, 30, 17, 0), at(2026, 9, 30, 16, 30)),
    (complete_key("24h"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (complete_key("7d"), at(2026, 10, 7, 15, 0), at(2026, 10, 5, 21, 0)),  # calendar days: holiday counts
    (complete_key("15d"), at(2026, 10, 15, 15, 0), at(2026, 10, 11, 21, 0)),  # 75 % = 11 d 6 h
    (dispatch_key("emergency"), at(2026, 9, 30, 16, 0), at(2026, 9, 30, 15, 45)),
    (dispatch_key("urgent"), at(2026, 9, 30, 17, 0), at(2026, 9, 30, 16, 30)),
    (dispatch_key("normal"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (dispatch_key("complex"), at(2026, 10, 1, 15, 0), at(2026, 10, 1, 9, 0)),
    (LimitKey.SIGN, at(2026, 9, 30, 17, 0), at(2026, 9, 30, 16, 30)),
    (LimitKey.WHISTLE_REPORT_IN, at(2026, 10, 2, 15, 0), at(2026, 10, 2, 3, 0)),
    # 5 working days: 10-08, 10-09, 10-10 (Saturday 调休), 10-12, 10-13; warn after 90 h of working time
    (LimitKey.WHISTLE_COMPLETE, at(2026, 10, 13, 15, 0), at(2026, 10, 12, 9, 0)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "due", "warn"), DEFAULT_CLOCKS)
def test_default_policy_clock_for_every_limit(key, due, warn):
    clock = compute_clock(START, key)
    assert (clock.due_at, clock.warn_at) == (due, warn)
    assert clock.policy_number == current_policy().number


@pytest.mark.django_db
def test_default_policy_covers_every_key_with_the_documented_limits():
    policy = current_policy()
    assert set(policy.limit_map()) == set(LimitKey.values)
    assert policy.warn_fraction == Decimal("0.75")
    assert str(limit_for(policy, "response:15d")) == "24小时"
    assert str(limit_for(policy, "complete:15d")) == "15自然日"
    assert str(limit_for(policy, LimitKey.WHISTLE_COMPLETE)) == "5工作日"


@pytest.mark.django_db
def test_holiday_override_in_the_database_beats_the_package():
    HolidayOverride.objects.create(date=dt.date(2026, 10, 12), is_working_day=False, note="临时停工")
    HolidayOverride.objects.create(date=dt.date(2026, 10, 7), is_working_day=True, note="国庆值班日")
    clock = compute_clock(START, LimitKey.WHISTLE_COMPLETE)
    assert clock.due_at == at(2026, 10, 13, 15, 0)  # 10-07, 08, 09, 10, 13
    HolidayOverride.objects.filter(date=dt.date(2026, 10, 7)).delete()
    assert compute_clock(START, LimitKey.WHISTLE_COMPLETE).due_at == at(2026, 10, 14, 15, 0)  # 08, 09, 10, 13, 14


@pytest.mark.django_db
def test_working_calendar_reads_overrides_once(django_assert_num_queries):
    HolidayOverride.objects.create(date=dt.date(2040, 3, 5), is_working_day=False)
    with django_assert_num_queries(1):
        calendar = working_calendar()
        answers = [calendar.is_working_day(dt.date(2040, 3, 1) + dt.timedelta(days=n)) for n in range(7)]
    assert answers == [True, True, False, False, False, True, True]  # Thu … Wed, Monday 3-05 overridden


@pytest.mark.django_db
def test_hour_limits_do_not_read_the_override_table(django_assert_num_queries):
    policy = current_policy()
    policy.limit_map()
    with django_assert_num_queries(0):
        compute_clock(START, response_key("2h"), policy=policy)
    with django_assert_num_queries(1):
        compute_clock(START, LimitKey.WHISTLE_COMPLETE, policy=policy)


@pytest.mark.django_db
def test_new_version_changes_new_clocks_only():
    v1 = current_policy()
    stored = compute_clock(START, complete_key("7d"))
    draft = create_draft(actor=None, label="办结按工作日")
    assert not draft.is_current and draft.is_draft
    SlaLimit.objects.filter(policy=draft, key=complete_key("7d")).update(amount=5, unit=LimitUnit.WORKING_DAYS)
    draft.warn_fraction = Decimal("0.50")
    draft.save()
    assert compute_clock(START, complete_key("7d")).due_at == at(2026, 10, 7, 15, 0)  # drafts have no effect

    activate_policy(draft, now=at(2026, 10, 1, 0, 0))

    v2 = current_policy()
    assert (v2.pk, v2.number, v2.effective_from) == (draft.pk, v1.number + 1, at(2026, 10, 1, 0, 0))
    assert list(SlaPolicy.objects.filter(is_current=True)) == [v2]
    new = compute_clock(START, complete_key("7d"))
    assert (new.due_at, new.warn_at, new.policy_number) == (at(2026, 10, 13, 15, 0), at(2026, 10, 10, 3, 0), 2)
    # a deadline computed under v1 stays as it was, and v1 can still be replayed for audit
    assert stored.due_at == at(2026, 10, 7, 15, 0)
    assert compute_clock(START, complete_key("7d"), policy=SlaPolicy.objects.get(pk=v1.pk)) == stored


@pytest.mark.django_db
def test_a_used_version_cannot_be_activated_again():
    v1 = current_policy()
    activate_policy(create_draft(actor=None))
    with pytest.raises(InvalidTransition):
        activate_policy(v1)


@pytest.mark.django_db
def test_incomplete_draft_is_refused_and_the_current_policy_stays():
    v1 = current_policy()
    draft = create_draft(actor=None)
    draft.limits.filter(key=LimitKey.SIGN).delete()
    with pytest.raises(InvalidInput, match="签收时限"):
        activate_policy(draft)
    assert current_policy().pk == v1.pk


@pytest.mark.django_db
def test_only_one_policy_can_be_current_in_the_database():
    current_policy()
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(number=99, is_current=True)


@pytest.mark.django_db
def test_default_policy_is_created_once():
    SlaPolicy.objects.all().delete()
    first = current_policy()
    assert ensure_default_policy().pk == first.pk
    assert SlaPolicy.objects.count() == 1
    assert first.limits.count() == len(LimitKey.values)


@pytest.mark.django_db
def test_unknown_or_missing_key_is_a_domain_error():
    policy = current_policy()
    with pytest.raises(InvalidInput):
        limit_for(policy, "response:3d")
    draft = create_draft(actor=None)
    draft.limits.filter(key=LimitKey.SIGN).delete()
    with pytest.raises(InvalidInput, match="签收时限"):
        compute_clock(START, LimitKey.SIGN, policy=SlaPolicy.objects.get(pk=draft.pk))


@pytest.mark.django_db
def test_clock_state_follows_warn_and_due():
    clock = compute_clock(START, response_key("2h"))
    assert clock.state(at(2026, 9, 30, 16, 29)) == "running"
    assert clock.state(at(2026, 9, 30, 16, 30)) == "warning"
    assert clock.state(at(2026, 9, 30, 17, 0)) == "warning"  # at the deadline itself: still in time
    assert clock.state(at(2026, 9, 30, 17, 0) + dt.timedelta(seconds=1)) == "overdue"


@pytest.mark.django_db
def test_admin_shows_versions_and_copies_a_draft(client, demo_users):
    client.force_login(demo_users["admin"])
    v1 = current_policy()
    assert client.get("/admin/assessment/slapolicy/").status_code == 200
    page = client.get(f"/admin/assessment/slapolicy/{v1.pk}/change/")
    assert page.status_code == 200 and "工作日" in page.content.decode()
    response = client.post(
        "/admin/assessment/slapolicy/", {"action": "copy_as_draft", "_selected_action": [v1.pk]}, follow=True
    )
    assert "已创建草稿" in response.content.decode()
    draft = SlaPolicy.objects.get(number=v1.number + 1)
    assert draft.is_draft and draft.limits.count() == len(LimitKey.values)
    assert client.get(f"/admin/assessment/slapolicy/{draft.pk}/change/").status_code == 200
    assert client.get("/admin/assessment/holidayoverride/").status_code == 200
