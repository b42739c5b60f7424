"""申诉 and 不合理诉求审核: the writes that take an order out of a unit's (or every unit's) assessment.

Every step is audited on the order's trail (TicketEvent). A granted appeal on a frozen month corrects the
month's scorecards through correction rows; on an open month the next computation simply leaves the order out.
"""

from django.db import IntegrityError, transaction

from assessment.models import Appeal, Exclusion, MonthClose, UnreasonableReview
from assessment.monthly import months, scorecards
from assessment.monthly.choices import AppealStatus, ExclusionSource
from assessment.monthly.month_close import correct_frozen_month
from core.errors import InvalidInput, InvalidTransition, NotFoundInScope, NotPermitted
from core.permissions import require_role
from dispatch.models import LIVE_ASSIGNMENT_STATUSES, Assignment
from hotline.services.common import locked_ticket, now_or, record_event, require_text


def _assessed_month(ticket, month, now):
    """The month the appeal is about (given as YYYY-MM or a date, or found): one of the months that assess the
    order (scorecards.assessed_months, the rule the scorecards count by); by default the latest of them."""
    if isinstance(month, str) and month:
        month = months.parse_month(month)
    elif month:
        month = months.first_of(month)
    assessed = scorecards.assessed_months(ticket, now)
    if not assessed:
        if ticket.repeat_of_id is not None:
            raise InvalidInput("该工单为重复工单，由原工单计入考核，无需申诉", field="ticket")
        raise InvalidInput("该工单尚未回访，还未计入考核，无需申诉", field="ticket")
    if not month:
        return assessed[-1]
    if month not in assessed:
        if ticket.overdue_at(now):
            raise InvalidInput(f"该工单逾期，计入办结时限所在的{months.label(assessed[0])}考核", field="month")
        raise InvalidInput(f"该工单未在{months.label(month)}回访，不计入该月考核", field="month")
    return month


def file_appeal(actor, ticket_id, *, reason, month=None, now=None):
    """A handling unit contests the order's effect on its score for one month."""
    require_role(actor, "appeal")
    reason = require_text(reason, "reason", "申诉理由")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        mine = Assignment.objects.filter(ticket=ticket, unit_id=actor.unit_id, status__in=LIVE_ASSIGNMENT_STATUSES)
        if not mine.exists():
            raise NotPermitted("只有承办此工单的单位可以申诉")
        month = _assessed_month(ticket, month, now)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(ticket=ticket, unit_id=actor.unit_id, month=month, reason=reason,
                                               appealed_by=actor, appealed_at=now)
        except IntegrityError:
            raise InvalidTransition("该工单本月已有待裁定或已成立的申诉") from None
        record_event(ticket, "appeal", actor=actor, now=now, note=f"{months.label(month)}考核申诉：{reason}",
                     data={"appeal": appeal.pk, "month": f"{month:%Y-%m}"})
    return appeal


def rule_appeal(actor, appeal_id, *, grant, ruling, now=None):
    """The center grants (the order leaves the unit's assessment) or refuses; a frozen month gets corrections."""
    require_role(actor, "rule_appeal")
    ruling = require_text(ruling, "ruling", "裁定意见")
    now = now_or(now)
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFoundInScope("申诉不存在")
    with locked_ticket(appeal.ticket_id) as ticket:
        appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
        if appeal.status != AppealStatus.PENDING:
            raise InvalidTransition("该申诉已裁定")
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.REFUSED
        appeal.ruled_by, appeal.ruled_at, appeal.ruling = actor, now, ruling
        appeal.save(update_fields=["status", "ruled_by", "ruled_at", "ruling"])
        corrected = []
        if grant:
            Exclusion.objects.create(ticket=ticket, unit_id=appeal.unit_id, month=appeal.month,
                                     source=ExclusionSource.APPEAL, appeal=appeal, created_at=now)
            if MonthClose.objects.filter(month=appeal.month, status="frozen").exists():
                corrected = correct_frozen_month(appeal.month, appeal.unit_id, ticket.pk, appeal=appeal, actor=actor,
                                                 reason=f"申诉成立：{ruling}", now=now)
        verdict = "申诉成立，核减该工单" if grant else "申诉不成立"
        record_event(ticket, "rule_appeal", actor=actor, now=now, note=f"{verdict}：{ruling}",
                     data={"appeal": appeal.pk, "granted": grant, "corrected_scorecards": len(corrected)})
    return appeal


def review_unreasonable(actor, ticket_id, *, unreasonable, reason, now=None):
    """不合理诉求审核: an unreasonable request leaves every unit's assessment (the order is still answered).
    A later review finding it reasonable puts it back (for months not yet frozen)."""
    require_role(actor, "review_unreasonable")
    reason = require_text(reason, "reason", "审核意见")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        review = UnreasonableReview.objects.create(ticket=ticket, unreasonable=unreasonable, reason=reason,
                                                   reviewed_by=actor, reviewed_at=now)
        current = Exclusion.objects.filter(ticket=ticket, unit__isnull=True, source=ExclusionSource.UNREASONABLE)
        if unreasonable and not current.exists():
            Exclusion.objects.create(ticket=ticket, source=ExclusionSource.UNREASONABLE, review=review, created_at=now)
        elif not unreasonable:
            current.delete()
        verdict = "认定为不合理诉求，不计入考核" if unreasonable else "认定为合理诉求，计入考核"
        record_event(ticket, "review_unreasonable", actor=actor, now=now, note=f"{verdict}：{reason}",
                     data={"review": review.pk, "unreasonable": unreasonable})
    return review
