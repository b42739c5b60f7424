"""Repeat requests (重复诉求): find earlier open tickets, link the new one, never dispatch it."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import InvalidInput, InvalidTransition, NotPermitted
from hotline.choices import Channel, Status
from hotline.models import Ticket
from hotline.services.intake import dispatch_ticket
from hotline.suggest import find_repeats, link_repeat

NOW = timezone.make_aware(dt.datetime(2026, 1, 10, 10, 0))


@pytest.fixture
def make_ticket(directory, demo_users, catalog):
    def make(content="小区门口垃圾堆了三天没人清运，臭气熏天", phone="13800001111", street="110105026",
             hours_ago=1, **fields):
        street = directory[street]
        return Ticket.objects.create(
            channel=Channel.PHONE, caller_phone=phone, address="望京西园", district=street.parent, street=street,
            content=content, request_type="complaint", catalog_item=catalog["sanitation"], tier="7d",
            received_by=demo_users["agent"], received_at=NOW - dt.timedelta(hours=hours_ago), **fields,
        )
    return make


def test_same_phone_within_the_window_is_found(make_ticket, directory):
    earlier = make_ticket(content="暖气不热")
    found = find_repeats("138 0000 1111", "完全不同的事情", directory["110105026"], now=NOW)
    assert found == [earlier] and found[0].repeat_reason == "同一来电号码"


def test_near_identical_text_at_the_same_street_is_found(make_ticket, directory):
    earlier = make_ticket(phone="13900002222")
    make_ticket(phone="13900003333", street="110105001")  # same text, another street
    make_ticket(phone="13900004444", content="楼上装修噪音太大")  # same street, other matter
    found = find_repeats("13700009999", "小区门口垃圾堆了三天了没人清运，很臭", directory["110105026"], now=NOW)
    assert found == [earlier] and "相似" in found[0].repeat_reason


def test_outside_the_window_or_closed_is_not_a_repeat(make_ticket, directory):
    make_ticket(hours_ago=24 * 8)
    make_ticket(status=Status.CLOSED)
    assert find_repeats("13800001111", "垃圾没人清运", directory["110105026"], now=NOW) == []
    assert len(find_repeats("13800001111", "", None, now=NOW, window=dt.timedelta(days=9))) == 1


def test_link_answers_the_new_ticket_as_a_repeat_and_it_cannot_be_dispatched(make_ticket, demo_users):
    original = make_ticket(hours_ago=5)
    new = make_ticket(hours_ago=0)
    link_repeat(demo_users["agent"], new.pk, original.pk, now=NOW)
    new.refresh_from_db()
    original.refresh_from_db()
    assert new.repeat_of == original and new.status == Status.ANSWERED and original.number in new.answer
    event = new.events.get(action="link_repeat")
    assert event.from_status == Status.RECEIVED and event.data == {"original": original.pk}
    assert original.events.filter(action="link_repeat", data={"repeat": new.pk}).exists()
    with pytest.raises(InvalidTransition):
        dispatch_ticket(demo_users["dispatcher"], new.pk)


def test_a_third_call_links_to_the_first_order(make_ticket, demo_users, directory):
    first, second, third = make_ticket(hours_ago=5), make_ticket(hours_ago=3), make_ticket(hours_ago=0)
    link_repeat(demo_users["agent"], second.pk, first.pk, now=NOW)
    link_repeat(demo_users["agent"], third.pk, second.pk, now=NOW)
    third.refresh_from_db()
    assert third.repeat_of == first
    found = find_repeats("13800001111", "", directory["110105026"], now=NOW, exclude_id=third.pk)
    assert found == [first]


def test_bad_links_are_refused_without_writing(make_ticket, demo_users):
    agent = demo_users["agent"]
    original, new = make_ticket(hours_ago=5), make_ticket(hours_ago=0)
    closed = make_ticket(hours_ago=6, status=Status.CLOSED)
    with pytest.raises(InvalidInput, match="自身"):
        link_repeat(agent, new.pk, new.pk)
    with pytest.raises(InvalidInput, match="更早"):
        link_repeat(agent, original.pk, new.pk)
    with pytest.raises(InvalidInput, match="已结案"):
        link_repeat(agent, new.pk, closed.pk)
    with pytest.raises(NotPermitted):
        link_repeat(demo_users["wangjing"], new.pk, original.pk)
    new.refresh_from_db()
    assert new.repeat_of is None and new.status == Status.RECEIVED and not new.events.exists()
