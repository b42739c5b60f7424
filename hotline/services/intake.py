"""Intake (受理), answering directly, and direct dispatch (直派) to the responsible unit.

The tier an order gets and its dispatch limit are decided in dispatch/tiers.py; intake only checks the agent's
choice against it (a lower tier than suggested needs a reason)."""

import hashlib
import json
import re

from django.db import IntegrityError, models, transaction
from django.db.models import Q

from assessment.clock import clocks
from attachments import services as attachments
from attachments.models import Stage
from attachments.validation import check_uploads
from core.errors import InvalidInput, Unprocessable
from core.permissions import require_role
from dispatch.choices import RequestType, Responsible, Tier, UnitKind
from dispatch.models import LIVE_ASSIGNMENT_STATUSES, Assignment, AssignmentRole, AssignmentStatus
from dispatch.tiers import suggested_tier, tier_rank
from knowledge.services import citable_version

from ..choices import CONTENT_MAX_LENGTH, Channel, Urgency
from ..models import Ticket
from . import alerts
from .checks import check_can_answer, check_can_dispatch
from .common import apply_transition, locked_ticket, now_or, record_event, require_text

PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$")
REQUIRED_TEXT = (("caller_phone", "诉求人电话"), ("address", "事发地址"), ("content", "诉求内容"))


def intake_errors(*, channel, request_type, caller_phone, address, content, district, street, catalog_item, tier,
                  tier_reason, urgency, **_):
    """Every problem of a call's fields at once, as [(field, message)] (the page shows them all beside their
    fields; the service refuses the first)."""
    given = {"caller_phone": caller_phone, "address": address, "content": content}
    errors = [(field, f"{label}不能为空") for field, label in REQUIRED_TEXT if not str(given[field] or "").strip()]
    for field, value, choices, label in (("channel", channel, Channel, "受理渠道"),
                                         ("request_type", request_type, RequestType, "诉求类型"),
                                         ("urgency", urgency, Urgency, "紧急程度")):
        if value not in choices.values:
            errors.append((field, f"请选择{label}"))
    phone = (caller_phone or "").strip().replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        errors.append(("caller_phone", "诉求人电话格式不正确（手机号11位或固定电话）"))
    if len((content or "").strip()) > CONTENT_MAX_LENGTH:
        errors.append(("content", f"诉求内容不能超过{CONTENT_MAX_LENGTH}字（现有{len(content.strip())}字）"))
    if district is None or district.kind != UnitKind.DISTRICT:
        errors.append(("district", "请选择事发地所在的区"))
    elif street is not None and (street.kind != UnitKind.STREET or street.parent_id != district.pk):
        errors.append(("street", f"{street.name}不属于{district.name}，请重新选择街乡镇"))
    if catalog_item is None or not catalog_item.is_leaf or not catalog_item.version.is_current:
        errors.append(("catalog_item", "请选择当前版本派单目录的三级条目"))
    elif tier in Tier.values or tier is None:
        suggested = suggested_tier(catalog_item, urgency if urgency in Urgency.values else Urgency.NORMAL)
        if tier and tier_rank(tier) > tier_rank(suggested) and not (tier_reason or "").strip():
            errors.append(("tier_reason", f"响应级别低于建议的「{suggested.label}」，必须填写降级理由"))
    if tier and tier not in Tier.values:
        errors.append(("tier", "响应级别必须是 2小时/24小时/7天/15天 之一"))
    return errors


def suggested_lead(catalog_item, street, district):
    """The unit the catalog and the address name as lead: the leaf's unit, else the street, else the district;
    None when the leaf names the center itself (matters handled outside the system)."""
    if catalog_item.responsible == Responsible.UNIT and catalog_item.responsible_unit_id:
        unit = catalog_item.responsible_unit
        return None if unit.kind == UnitKind.CENTER else unit
    return street or district


def lead_override_error(suggested, lead_unit, reason):
    """(field, message) when intake names a lead other than the suggested one without a reason, else None."""
    if lead_unit is None or suggested is None or lead_unit.pk == suggested.pk or (reason or "").strip():
        return None
    return ("lead_reason", f"主办单位与目录建议的「{suggested.name}」不同，请填写改变主办单位的理由")


def intake_ticket(actor, *, idempotency_key=None, fingerprint=None, now=None, **call):
    """Record a request (`call`: record_call's fields). Returns (ticket, created). With an idempotency key, the same
    user's ticket under that key is returned when the request is the same (`fingerprint`, default: of `call`);
    a different request under the key is refused (422), the key of another user is no concern of this one."""
    require_role(actor, "intake")
    if not idempotency_key:
        return record_call(actor, now=now, **call), True
    fingerprint = fingerprint or request_fingerprint(**call)
    existing = keyed_ticket(actor, idempotency_key, fingerprint)
    if existing:
        return existing, False
    try:
        return record_call(actor, now=now, idempotency=(idempotency_key, fingerprint), **call), True
    except IntegrityError:
        existing = keyed_ticket(actor, idempotency_key, fingerprint)  # a concurrent retry with the key won the race
        if existing is None:
            raise
        return existing, False


def request_fingerprint(**fields):
    """A digest of what a request asked for: records as ids, lists as sorted ids, the rest as given."""
    def plain(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, (list, tuple, set)):
            return sorted((plain(item) for item in value), key=str)
        return value

    text = json.dumps({name: plain(value) for name, value in fields.items()}, sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def keyed_ticket(actor, key, fingerprint):
    """The actor's ticket under `key`, or None; the key sent with another request is a 422 naming the key."""
    ticket = Ticket.objects.filter(received_by=actor, idempotency_key=key).first()
    if ticket is not None and ticket.idempotency_fingerprint not in (None, fingerprint):
        raise Unprocessable(f"Idempotency-Key「{key}」已用于另一内容的请求；新的请求请使用新的键",
                            field="Idempotency-Key")
    return ticket


def record_call(actor, *, channel, caller_phone, address, district, content, request_type, catalog_item,
                street=None, caller_name="", urgency=Urgency.NORMAL, tier=None, tier_reason="", idempotency=None,
                now=None):
    """Check and record a request with its intake event and dispatch clock; `idempotency`: (key, fingerprint)."""
    key, fingerprint = idempotency or (None, None)
    errors = intake_errors(channel=channel, request_type=request_type, caller_phone=caller_phone, address=address,
                           content=content, district=district, street=street, catalog_item=catalog_item, tier=tier,
                           tier_reason=tier_reason, urgency=urgency)
    if errors:
        raise InvalidInput(errors[0][1], field=errors[0][0])
    caller_phone, address, content = caller_phone.strip().replace(" ", ""), address.strip(), content.strip()
    tier = Tier(tier) if tier else suggested_tier(catalog_item, urgency)
    now = now_or(now)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            channel=channel, caller_phone=caller_phone, caller_name=caller_name.strip(), address=address,
            district=district, street=street, content=content, request_type=request_type, urgency=urgency,
            catalog_item=catalog_item, tier=tier, tier_reason=tier_reason.strip(), received_by=actor,
            received_at=now, idempotency_key=key, idempotency_fingerprint=fingerprint,
        )
        record_event(ticket, "intake", actor=actor, now=now, from_status="",
                     note=f"{ticket.get_channel_display()}受理：{catalog_item.path_names()}")
        clocks.start_dispatch_clock(ticket, actor.unit_id, now)
    return ticket


def answer_directly(actor, ticket_id, answer, now=None, cited_version=None):
    """咨询类: the agent answers from the knowledge base; no dispatch, the callback still follows. `cited_version`
    (an ArticleVersion id, optional): the published article version answered from, kept on the order and its event
    whatever the article becomes later."""
    require_role(actor, "answer_directly")
    answer = require_text(answer, "answer", "答复内容")
    version = citable_version(cited_version)
    now = now_or(now)
    note, data = answer, None
    if version is not None:
        note = f"{answer}\n（依据知识库：{version.citation}）"
        data = {"article": version.article_id, "article_version": version.pk, "version_number": version.number,
                "citation": version.citation}
    with locked_ticket(ticket_id) as ticket:
        check_can_answer(actor, ticket)
        apply_transition(ticket, "answer_directly", "answer_directly", actor=actor, note=note, data=data, now=now,
                         answer=answer, cited_version=version)
        clocks.meet_dispatch(ticket, now)
        alerts.callback_due(ticket, "直接答复", now)
    return ticket


def route(ticket):
    """The unit a ticket goes to (suggested_lead of its leaf and address); None when the leaf names the center."""
    return suggested_lead(ticket.catalog_item, ticket.street, ticket.district)


def dispatch_ticket(actor, ticket_id, *, lead_unit=None, assist_units=(), note="", lead_reason=None, now=None):
    """直派: one lead (default: the route) and any assisting units; the district sees street orders.

    ``lead_reason`` (at intake): a lead other than the route needs it; the event records the route and the reason."""
    require_role(actor, "dispatch")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        check_can_dispatch(actor, ticket)
        suggested = route(ticket)
        lead_unit = lead_unit or suggested
        if lead_unit is None:
            raise InvalidInput("此类诉求由中心转办，请直接答复或指定承办单位", field="lead_unit")
        check_dispatch_units(lead_unit, assist_units)
        data = {"lead": lead_unit.code, "assist": [u.code for u in assist_units]}
        note = note or dispatch_note(ticket, lead_unit, assist_units)
        if lead_reason is not None and suggested is not None and lead_unit.pk != suggested.pk:
            error = lead_override_error(suggested, lead_unit, lead_reason)
            if error:
                raise InvalidInput(error[1], field=error[0])
            data.update(suggested_lead=suggested.code, lead_reason=lead_reason.strip())
            note += f"；改变目录建议的主办单位{suggested.name}，理由：{lead_reason.strip()}"
        apply_transition(ticket, "dispatch", "dispatch", actor=actor, now=now, lead_unit=lead_unit, note=note,
                         data=data)
        assists = create_assignments(ticket, lead_unit, assist_units, now)
        start_clocks(ticket, now)
        alerts.dispatched(ticket, lead_unit, assists, now)
    return ticket


def check_dispatch_units(lead_unit, assist_units):
    allowed = {UnitKind.STREET, UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.ENTERPRISE}
    for field, unit in [("lead_unit", lead_unit), *[("assist_units", u) for u in assist_units]]:
        if unit.kind not in allowed or not unit.is_active:
            raise InvalidInput(f"{unit.name}不能作为承办单位", field=field)
    if lead_unit in assist_units:
        raise InvalidInput("主办单位不能同时是协办单位", field="assist_units")


def dispatch_note(ticket, lead_unit, assist_units):
    text = f"派至{lead_unit.name}（主办）"
    if assist_units:
        text += "，协办：" + "、".join(u.name for u in assist_units)
    if lead_unit.kind == UnitKind.STREET:
        text += f"；抄送{ticket.district.name}"
    return text


def create_assignments(ticket, lead_unit, assist_units, now):
    """Withdraw the parts not yet signed, then add the lead and the assisting units that hold no live part yet
    (an assisting unit that signed keeps its part; one that now leads gives its assisting part up). Returns the
    assisting units given a new part."""
    Assignment.objects.filter(ticket=ticket).filter(
        Q(status=AssignmentStatus.DISPATCHED) | Q(unit=lead_unit, status__in=LIVE_ASSIGNMENT_STATUSES)
    ).update(status=AssignmentStatus.WITHDRAWN, ended_at=now)
    holding = set(Assignment.objects.filter(ticket=ticket, status__in=LIVE_ASSIGNMENT_STATUSES)
                  .values_list("unit_id", flat=True))
    assists = [u for u in dict.fromkeys(assist_units) if u.pk not in holding]
    Assignment.objects.bulk_create(
        [Assignment(ticket=ticket, unit=lead_unit, role=AssignmentRole.LEAD, dispatched_at=now)]
        + [Assignment(ticket=ticket, unit=u, role=AssignmentRole.ASSIST, dispatched_at=now) for u in assists]
    )
    return assists


def start_clocks(ticket, now):
    """(Re)start the sign, contact and completion clocks at this dispatch; the ticket mirrors the lead's."""
    clocks.start_ticket_clocks(ticket, now)


DISPATCH, ANSWER, REPEAT = "dispatch", "answer", "repeat"


def take_call(actor, *, then=None, lead_unit=None, assist_units=(), lead_reason="", answer="", repeat_of=None,
              idempotency_key=None, now=None, photos=(), cited_version=None, **call):
    """受理 a call (`call`: intake_ticket's fields) and, all or nothing, follow it up: `then` = DISPATCH (to
    `lead_unit`, default the route; another unit than the route needs `lead_reason`), ANSWER (with `answer`),
    REPEAT (link to ticket `repeat_of`) or None (record only); `cited_version`: the knowledge-base version an
    ANSWER rests on; `photos`: what the caller sent through a web
    channel. Returns (ticket, created); the user's repeated
    idempotency key returns the first ticket as it is, when the request (the call and its follow-up) is the same."""
    if then not in (None, DISPATCH, ANSWER, REPEAT):
        raise ValueError(f"unknown follow-up {then!r}")
    keyed = {"idempotency_key": idempotency_key, "now": now}
    if idempotency_key:
        reason = {"lead_reason": lead_reason} if lead_reason else {}  # keys sent before it existed keep their digest
        if cited_version:
            reason["cited_version"] = cited_version
        keyed["fingerprint"] = request_fingerprint(then=then, lead_unit=lead_unit, assist_units=assist_units,
                                                   answer=answer, repeat_of=repeat_of, **reason, **call,
                                                   **({"photos": [(p.name, p.size) for p in photos]} if photos else {}))
    checked = check_uploads(photos)  # the caller's photos (web channels), checked before anything is written
    if then is None and not checked:
        return intake_ticket(actor, **keyed, **call)
    # an error in the follow-up or a photo rolls the intake back too
    with attachments.discarded_on_failure() as stored, transaction.atomic():
        ticket, created = intake_ticket(actor, **keyed, **call)
        if not created:
            return ticket, created
        if checked:
            attachments.attach(actor, ticket, checked, stage=Stage.INTAKE, event=ticket.events.first(),
                               now=ticket.received_at, stored=stored)
        if then is None:
            return ticket, created
        if then == REPEAT:  # 重复诉求: answered as part of the earlier order, never dispatched again
            from ..suggest.repeats import link_repeat  # the suggest package loads its models: only when needed

            return link_repeat(actor, ticket.pk, repeat_of, now=now), True
        if then == ANSWER:
            return answer_directly(actor, ticket.pk, answer, now=now, cited_version=cited_version), True
        return dispatch_ticket(actor, ticket.pk, lead_unit=lead_unit, assist_units=assist_units,
                               lead_reason=lead_reason or "", now=now), True
