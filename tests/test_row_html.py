"""The list rows built in Python (hotline/row_html.py) are the markup the templates made before, byte for byte: the
old _ticket_table.html with its inclusion tags (_due.html, _countdown.html) is kept in row_html_reference/ and both
render the same orders: waiting for dispatch (deadline ahead, past), returned, dispatched with the unit's running
clocks (running, in warning, past), content to escape, mask and cut, no street, no lead unit, the batch checkbox."""

import datetime as dt
from pathlib import Path

import pytest
from django import template
from django.template import Context, Engine, engines
from django.test.utils import override_script_prefix
from django.utils import timezone

from assessment.clock import countdown as countdowns
from assessment.clock.overdue import is_past
from assessment.models import Clock
from hotline import selectors
from hotline.choices import OPEN_STATUSES

from .lifecycle_helpers import handling, intake, take_call
from .page_helpers import street_order

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parent / "row_html_reference"  # the templates as they were
OLD_TABLE = (REFERENCE / "_ticket_table.html").read_text().replace("{% load hotline_tags %}",
                                                              "{% load hotline_tags old_row_tags %}", 1)
OLD_DUE = template.Template((REFERENCE / "_due.html").read_text().strip("\n"))
OLD_COUNTDOWN = template.Template((REFERENCE / "_countdown.html").read_text().strip("\n"))

register = template.Library()  # the inclusion tags as they were ({% load old_row_tags %} in OLD_TABLE)


@register.inclusion_tag(OLD_DUE)
def due(ticket):
    late = ticket.status in OPEN_STATUSES and is_past(ticket.due_at, timezone.now())
    return {"due_at": ticket.due_at, "state": "overdue" if late else ""}


@register.inclusion_tag(OLD_COUNTDOWN)
def countdown(clock, now=None):
    now = now or timezone.now()
    return {"clock": clock, "label": countdowns.short_label(clock.key),
            "state": countdowns.state(clock.due_at, clock.warn_at, now),
            "text": countdowns.remaining(clock.due_at, now)}


@register.inclusion_tag(OLD_DUE)
def dispatch_due(due_at):
    return {"due_at": due_at, "state": "overdue" if due_at and is_past(due_at, timezone.now()) else ""}


def old_and_new(tickets, **context):
    django_engine = engines["django"].engine
    old_engine = Engine(dirs=django_engine.dirs, app_dirs=True,
                        libraries={**django_engine.libraries, "old_row_tags": __name__})
    context = {"tickets": tickets, "filters": None, "caption": "表", **context}
    old = old_engine.from_string(OLD_TABLE).render(Context(context))
    new = django_engine.get_template("hotline/_ticket_table.html").render(Context(context))
    return old, new


@pytest.fixture
def frozen(monkeypatch):
    """One instant for both renderings (a countdown's minutes must not tick between them)."""
    moment = timezone.now().replace(microsecond=123456)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_queue_rows_render_as_the_template_did(users, directory, catalog, frozen):
    now = frozen
    late = take_call(users, directory, catalog["heating"], content="暖气不热<b>&amp;</b> 请回电13812345678，"
                     + "楼里很多户都不热" * 8, now=now - dt.timedelta(hours=5))
    soon = take_call(users, directory, catalog["sanitation"], content="垃圾", now=now - dt.timedelta(minutes=7))
    returned = street_order(users, directory, catalog, now - dt.timedelta(days=2))
    handling.return_order(users["wangjing"], returned.pk, "不属于本街道", now=now - dt.timedelta(days=1))
    rows = list(selectors.dispatch_queue())
    assert {row.pk for row in rows} == {late.pk, soon.pk, returned.pk}
    rows[0].street = None  # a district-level order
    for row, (can_dispatch, selected) in zip(rows, [(True, True), (True, False), (False, False)], strict=True):
        row.can_dispatch, row.selected = can_dispatch, selected
    old, new = old_and_new(rows, select=True)
    assert "派单时限" in new and "已超期" in new and 'checked' in new and "&lt;b&gt;" in new and "138****" in new
    assert new == old
    old, new = old_and_new(rows)
    assert new == old
    with override_script_prefix("/hotline/"):  # behind a path prefix the links keep it
        old, new = old_and_new(rows)
    assert f'href="/hotline/tickets/{rows[0].pk}/"' in new and new == old


def test_worklist_rows_with_running_clocks_render_as_the_template_did(users, directory, catalog, frozen):
    now = frozen
    fresh = street_order(users, directory, catalog, now - dt.timedelta(minutes=30))
    warned = street_order(users, directory, catalog, now - dt.timedelta(hours=20))
    past = street_order(users, directory, catalog, now - dt.timedelta(days=9))
    handling.sign(users["wangjing"], past.pk, now=now - dt.timedelta(days=8))
    running = Clock.objects.filter(ticket=warned, stopped_at__isnull=True, due_at__gt=now)
    running.update(warn_at=now - dt.timedelta(minutes=1))
    rows = []
    for tab in ("to_sign", "in_progress", "overdue"):
        rows += list(selectors.unit_worklist(users["wangjing"], tab, now))
    assert {row.pk for row in rows} >= {fresh.pk, warned.pk, past.pk}
    assert any(row.running_clocks for row in rows)
    rows[-1].lead_unit = None
    old, new = old_and_new(rows)
    assert "countdown warn" in new and "countdown overdue" in new and "countdown running" in new
    assert new == old


def test_an_answered_order_without_a_deadline(users, directory, catalog, frozen):
    ticket = take_call(users, directory, catalog["policy"], content="咨询", now=frozen)
    intake.answer_directly(users["agent"], ticket.pk, "已答复政策", now=frozen)
    rows = list(selectors.callback_queue())
    old, new = old_and_new(rows)
    assert "—" in new and new == old
