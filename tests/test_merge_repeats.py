"""重复诉求并单: the center merges a later request into its original at any stage before close, and can undo it."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from assessment.models import Clock, Scorecard
from assessment.monthly.month_close import close_month
from assessment.monthly.rules import rule_for
from assessment.monthly.scorecards import unit_counts
from core.errors import InvalidInput, InvalidTransition, NotPermitted
from hotline.choices import Status
from hotline.models import Ticket, TicketEvent
from hotline.selectors import callback_queue, pending_extensions
from hotline.services import repeats, whistles
from hotline.suggest import link_repeat

from .api_helpers import client_for
from .assessment_helpers import NOV
from .lifecycle_helpers import T0, center, handling, intake, take_call, walk_to_completed
from .page_helpers import login

H = dt.timedelta(hours=1)
WANGJING, CHENGGUAN, DISTRICT = "110105026", "D002", "110105"
DEC5 = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)


@pytest.fixture
def pair(users, directory, catalog):
    """The original order (dispatched to 望京) and a later call about the same rubbish, dispatched to 望京 with
    城管执法局 assisting, signed by 望京: an order that can no longer be linked at intake."""
    item = catalog["sanitation"]
    original = take_call(users, directory, item, content="花家地小区3号楼垃圾堆放多日无人清理", now=T0)
    intake.dispatch_ticket(users["agent"], original.pk, now=T0)
    later = take_call(users, directory, item, content="花家地小区3号楼下的垃圾还是没人清理", now=T0 + H)
    intake.dispatch_ticket(users["dispatcher"], later.pk, lead_unit=directory[WANGJING],
                           assist_units=[directory[CHENGGUAN]], now=T0 + H)
    handling.sign(users["wangjing"], later.pk, now=T0 + 2 * H)
    return original, later


def merge(users, later, original, reason="同一诉求人反映同一楼栋垃圾问题", now=T0 + 3 * H):
    return repeats.merge_repeat(users["dispatcher"], later.pk, original.pk, reason, now=now)


def page(client, ticket):
    return client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()


def test_a_dispatched_order_cannot_be_linked_at_intake_and_says_to_merge(users, pair):
    original, later = pair
    with pytest.raises(InvalidTransition, match="并入原工单"):
        link_repeat(users["agent"], later.pk, original.pk)


def test_dispatcher_merges_a_signed_later_order_from_its_page(client, users, pair):
    original, later = pair
    worklist = login(client, users["wangjing"]).get("/work/?tab=in_progress").content.decode()
    assert later.number in worklist

    dispatcher = login(client, users["dispatcher"])
    assert "并入原工单" in page(dispatcher, later) and original.number in page(dispatcher, later)  # offered, hinted
    url = reverse("hotline:ticket_action", args=[later.pk, "merge_repeat"])
    response = dispatcher.post(url, {"original_id": original.number, "reason": "同一楼栋垃圾，诉求人再次来电"},
                               follow=True)
    assert response.status_code == 200 and f"已并入工单 {original.number}" in response.content.decode()

    later.refresh_from_db()
    assert later.status == Status.MERGED and later.repeat_of == original
    assert set(later.assignments.values_list("status", flat=True)) == {"withdrawn"}  # lead and assisting part
    assert not Clock.objects.filter(ticket=later, stopped_at__isnull=True).exists()
    for ticket in (later, original):
        event = ticket.events.get(action="merge_repeat")
        assert event.actor == users["dispatcher"] and "同一楼栋垃圾，诉求人再次来电" in event.note

    later_page, original_page = page(dispatcher, later), page(dispatcher, original)
    assert f"已并入工单 <a href=\"/tickets/{original.pk}/\">{original.number}</a>" in later_page
    assert "并入的重复诉求：" in original_page and later.number in original_page
    assert "撤销并入" in later_page and "并入原工单</button>" not in later_page
    assert users["dispatcher"].first_name in later_page  # the timeline names who merged

    street = login(client, users["wangjing"])
    assert later.masked_phone in page(street, later) and later.caller_phone not in page(street, later)
    assert later.number not in street.get("/work/?tab=in_progress").content.decode()
    assert later.number not in street.get("/work/?tab=to_sign").content.decode()
    assert f"并入的重复诉求：<a href=\"/tickets/{later.pk}/\">{later.number}</a>" in page(street, original)
    chengguan = login(client, users["chengguan"]).get("/work/?tab=to_sign").content.decode()
    assert later.number not in chengguan


def test_the_pair_is_assessed_once_at_month_close_and_unmerge_restores_it(users, directory, pair):
    original, later = pair
    walk_to_completed(users, original, now=T0)
    center.record_callback(users["callback"], original.pk, reached=True, contacted=True, resolved=True,
                           satisfaction="satisfied", now=T0 + 24 * H)
    later.refresh_from_db()
    assert later.due_at.month == 11  # left undone past its limit: November assesses it
    wangjing, chengguan = directory[WANGJING], directory[CHENGGUAN]
    before = unit_counts(NOV, now=DEC5, rule=rule_for(NOV))
    assert (before[wangjing.pk].assessed, before[chengguan.pk].assessed) == (2, 1)  # counted twice, unmerged

    merge(users, later, original, now=T0 + 48 * H)
    close_month(NOV, now=DEC5)
    assert Scorecard.objects.get(month=NOV, unit=wangjing).assessed == 1
    assert Scorecard.objects.get(month=NOV, unit=directory[DISTRICT]).assessed == 1
    assert not Scorecard.objects.filter(month=NOV, unit=chengguan).exists()  # its only part was the merged order

    due = later.due_at
    repeats.unmerge_repeat(users["dispatcher"], later.pk, "核实为另一栋楼的问题", now=T0 + 49 * H)
    later.refresh_from_db()
    assert later.due_at == due + H  # the hour it spent merged does not count against the units
    close_month(NOV, now=DEC5)
    assert Scorecard.objects.get(month=NOV, unit=wangjing).assessed == 2
    assert Scorecard.objects.get(month=NOV, unit=chengguan).assessed == 1


def test_unmerge_restores_the_stage_parts_and_clocks(client, users, pair):
    original, later = pair
    open_before = {(c.key, c.unit_id): c.due_at for c in Clock.objects.filter(ticket=later, stopped_at=None)}
    merge(users, later, original, now=T0 + 3 * H)
    repeats.unmerge_repeat(users["dispatcher"], later.pk, "核实为另一栋楼的问题", now=T0 + 5 * H)

    later.refresh_from_db()
    assert later.status == Status.SIGNED and later.repeat_of is None
    assert sorted(later.assignments.values_list("role", "status")) == [("assist", "dispatched"), ("lead", "signed")]
    reopened = {(c.key, c.unit_id): c.due_at for c in Clock.objects.filter(ticket=later, stopped_at=None)}
    assert reopened == {key: due + 2 * H for key, due in open_before.items()}
    for ticket in (later, original):
        event = ticket.events.get(action="unmerge_repeat")
        assert event.actor == users["dispatcher"] and "另一栋楼" in event.note
    assert later.events.get(action="unmerge_repeat").to_status == Status.SIGNED

    street = login(client, users["wangjing"])
    assert later.number in street.get("/work/?tab=in_progress").content.decode()
    handling.contact_caller(users["wangjing"], later.pk, "已联系", now=T0 + 6 * H)  # carries on where it stopped
    assert "并入的重复诉求：<a" not in page(street, original)  # the link is gone; the timeline keeps the story


def test_a_completed_order_merged_and_unmerged_keeps_its_result(users, pair):
    original, later = pair
    handling.sign(users["chengguan"], later.pk, now=T0 + 3 * H)
    handling.complete(users["chengguan"], later.pk, result="已配合清理", caller_feedback_method="phone",
                      caller_told_at=T0 + 3 * H, caller_feedback="已告知", now=T0 + 4 * H)
    handling.contact_caller(users["wangjing"], later.pk, "已联系", now=T0 + 3 * H)
    handling.complete(users["wangjing"], later.pk, result="已清理完毕", caller_feedback_method="phone",
                      caller_told_at=T0 + 4 * H, caller_feedback="已告知", now=T0 + 5 * H)
    merge(users, later, original, now=T0 + 10 * H)
    assert later.pk not in center_queue_ids()  # no callback for the merged order while it is merged
    repeats.unmerge_repeat(users["dispatcher"], later.pk, "不是同一问题", now=T0 + 11 * H)
    later.refresh_from_db()
    assert later.status == Status.COMPLETED and later.result == "已清理完毕"
    assert set(later.assignments.values_list("status", flat=True)) == {"completed"}
    assert later.pk in center_queue_ids()


def center_queue_ids():
    return list(callback_queue().values_list("pk", flat=True))


def test_a_pending_extension_of_the_merged_order_is_refused_saying_why(users, pair):
    original, later = pair
    extension = handling.request_extension(users["wangjing"], later.pk, reason="需协调物业",
                                           requested_due_at=T0 + 240 * H, now=T0 + 2 * H)
    assert list(pending_extensions()) == [extension]
    merge(users, later, original)
    extension.refresh_from_db()
    assert extension.status == "refused" and original.number in extension.decision_note
    assert not pending_extensions().exists()  # the dispatcher has nothing left to decide on a merged order


def test_a_street_user_may_not_merge(client, users, pair):
    original, later = pair
    street = login(client, users["wangjing"])
    assert "并入原工单" not in page(street, later)
    url = reverse("hotline:ticket_action", args=[later.pk, "merge_repeat"])
    assert street.post(url, {"original_id": original.number, "reason": "同一问题"}).status_code == 403
    response = client_for(users["wangjing"]).post(f"/api/tickets/{later.pk}/merge-repeat/",
                                                  {"original_id": original.pk, "reason": "同一问题"}, format="json")
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        repeats.unmerge_repeat(users["wangjing"], later.pk, "x")
    later.refresh_from_db()
    assert later.status == Status.SIGNED and later.repeat_of is None
    assert not TicketEvent.objects.filter(action="merge_repeat").exists()


def test_merging_a_closed_order_is_409_and_writes_nothing(users, directory, catalog, pair):
    original, _ = pair
    closed = take_call(users, directory, catalog["sanitation"], now=T0 + 2 * H)
    intake.dispatch_ticket(users["agent"], closed.pk, now=T0 + 2 * H)
    walk_to_completed(users, closed, now=T0 + 2 * H)
    center.record_callback(users["callback"], closed.pk, reached=True, contacted=True, resolved=True,
                           satisfaction="satisfied", now=T0 + 8 * H)
    center.close(users["callback"], closed.pk, now=T0 + 9 * H)
    response = client_for(users["dispatcher"]).post(f"/api/tickets/{closed.pk}/merge-repeat/",
                                                    {"original_id": original.pk, "reason": "同一问题"}, format="json")
    assert response.status_code == 409 and "已结案" in response.json()["detail"]
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED and closed.repeat_of is None
    assert not TicketEvent.objects.filter(action="merge_repeat").exists()


def test_bad_merges_are_refused_with_the_reason(users, directory, catalog, pair):
    original, later = pair
    dispatcher = users["dispatcher"]
    with pytest.raises(InvalidInput, match="自身"):
        repeats.merge_repeat(dispatcher, later.pk, later.pk, "同一问题")
    with pytest.raises(InvalidInput, match="并入理由") as error:
        repeats.merge_repeat(dispatcher, later.pk, original.pk, "  ")
    assert error.value.field == "reason"
    with pytest.raises(InvalidInput, match="更早"):
        repeats.merge_repeat(dispatcher, original.pk, later.pk, "同一问题")
    third = take_call(users, directory, catalog["sanitation"], now=T0 + 4 * H)
    merge(users, later, original)
    with pytest.raises(InvalidTransition, match=f"本身已并入工单{original.number}"):
        repeats.merge_repeat(dispatcher, third.pk, later.pk, "同一问题")
    with pytest.raises(InvalidTransition, match="已并入"):
        repeats.merge_repeat(dispatcher, later.pk, original.pk, "再并一次")
    with pytest.raises(InvalidTransition, match="已有重复诉求并入"):
        repeats.merge_repeat(dispatcher, original.pk, third.pk, "同一问题")
    with pytest.raises(InvalidTransition, match="没有并入"):
        repeats.unmerge_repeat(dispatcher, third.pk, "撤销")
    assert TicketEvent.objects.filter(action="merge_repeat").count() == 2  # the one merge, on both tickets


def test_closed_original_and_open_whistle_are_409_on_the_page(client, users, directory, catalog, pair):
    original, later = pair
    dispatcher = login(client, users["dispatcher"])
    url = reverse("hotline:ticket_action", args=[later.pk, "merge_repeat"])
    response = dispatcher.post(url, {"original_id": "20200101-" + str(original.pk), "reason": "同一问题"})
    assert response.status_code == 400 and "请填写存在的原工单编号" in response.content.decode()
    whistles.raise_whistle(users["wangjing"], later.pk, units=[directory[CHENGGUAN]], reason="需执法")
    assert "并入原工单</button>" not in page(dispatcher, later)  # not offered while the whistle is open
    response = dispatcher.post(url, {"original_id": original.number, "reason": "同一问题"})
    assert response.status_code == 409 and "未完成的吹哨" in response.content.decode()

    walk_to_completed(users, original, now=T0 + 2 * H)
    center.record_callback(users["callback"], original.pk, reached=True, contacted=True, resolved=True,
                           satisfaction="satisfied", now=T0 + 8 * H)
    center.close(users["callback"], original.pk, now=T0 + 9 * H)
    fresh = take_call(users, directory, catalog["sanitation"], now=T0 + 10 * H)
    with pytest.raises(InvalidTransition, match="已结案"):
        repeats.merge_repeat(users["dispatcher"], fresh.pk, original.pk, "同一问题")


def test_api_merge_and_unmerge_show_the_links_and_document_the_bodies(users, pair):
    original, later = pair
    api = client_for(users["dispatcher"])
    response = api.post(f"/api/tickets/{later.pk}/merge-repeat/", {"original_id": original.pk, "reason": "同一问题"},
                        format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == Status.MERGED
    assert data["repeat_of"] == {"id": original.pk, "number": original.number, "status": Status.DISPATCHED}
    assert {a["status"] for a in data["assignments"]} == {"withdrawn"}
    assert api.get(f"/api/tickets/{original.pk}/").json()["repeats"] == [
        {"id": later.pk, "number": later.number, "status": Status.MERGED}]
    bad = api.post(f"/api/tickets/{later.pk}/unmerge-repeat/", {"reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    response = api.post(f"/api/tickets/{later.pk}/unmerge-repeat/", {"reason": "不同问题"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.SIGNED
    assert response.json()["repeat_of"] is None

    schema = client_for(users["admin"]).get("/api/schema/", {"format": "json"}).json()
    merge_op = schema["paths"]["/api/tickets/{id}/merge-repeat/"]["post"]
    body = schema["components"]["schemas"]["MergeRepeat"]
    assert set(body["required"]) == {"original_id", "reason"} and "并入" in merge_op["summary"]
    assert "merged" in merge_op["description"] and "/api/tickets/{id}/unmerge-repeat/" in schema["paths"]
    assert merge_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MergeRepeat")
    result = merge_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"$ref": "#/components/schemas/TicketDetail"} in schema["components"]["schemas"][result]["oneOf"]
    assert {"repeat_of", "repeats"} <= set(schema["components"]["schemas"]["TicketDetail"]["properties"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL")
def test_crossed_merges_of_one_pair_at_once_do_not_deadlock(users, pair):
    original, later = pair
    results = [None, None]
    barrier = threading.Barrier(2)

    def run(index, ticket, into):
        try:
            barrier.wait(timeout=10)
            results[index] = client_for(users["dispatcher"]).post(
                f"/api/tickets/{ticket.pk}/merge-repeat/", {"original_id": into.pk, "reason": "同一问题"},
                format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(0, later, original)),
               threading.Thread(target=run, args=(1, original, later))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # the later one merged; the earlier cannot go into it (400: received first, or 409: its target is merged by
    # then, whichever check the loser reaches first); above all, no deadlock
    assert results[0] == 200 and results[1] in (400, 409)
    assert Ticket.objects.get(pk=later.pk).repeat_of_id == original.pk
