"""Which actions a user may take on a ticket right now: pages show a button only for these.

Each action is offered exactly when its service's own check (hotline/services/checks.py) passes on the rows the
page already holds; an action that is blocked (ActionBlocked) keeps its message for the page to show.
Templates never test roles or statuses themselves.
"""

from core.errors import ActionBlocked, DomainError
from core.permissions import role_may
from hotline.services import checks

# the ticket page's ticket-level actions (hotline/views/actions.py) → the check of the service each runs
TICKET_CHECKS = {
    "dispatch": checks.check_can_dispatch, "answer_directly": checks.check_can_answer,
    "redispatch": checks.check_can_redispatch, "rule_return": checks.check_can_rule_return,
    "sign": checks.check_can_sign, "return": checks.check_can_return, "contact": checks.check_can_contact,
    "complete": checks.check_can_complete, "request_extension": checks.check_can_request_extension,
    "raise_whistle": checks.check_can_raise_whistle, "callback": checks.check_can_callback,
    "close": checks.check_can_close, "rehandle": checks.check_can_rehandle, "urge": checks.check_can_urge,
    "merge_repeat": checks.check_can_merge_repeat, "unmerge_repeat": checks.check_can_unmerge_repeat,
    "upload": checks.check_can_upload,
}


def refusal(check, *args):
    """The domain error the check raises, or None when it passes."""
    try:
        check(*args)
    except DomainError as error:
        return error
    return None


def passes(check, *args):
    return refusal(check, *args) is None


def ticket_actions(user, ticket, facts):
    """(offered, reasons): the ticket-level actions open to the user, and why each blocked one waits."""
    offered, reasons = set(), {}
    for action, check in TICKET_CHECKS.items():
        error = refusal(check, user, ticket, facts)
        if error is None:
            offered.add(action)
        elif isinstance(error, ActionBlocked):
            reasons[action] = error.message
    return offered, reasons


def mark_whistle_actions(user, whistles):
    """Set can_decide on each whistle and can_report_in / can_act / can_rate on each of its targets."""
    for whistle in whistles:
        whistle.can_decide = passes(checks.check_can_decide_whistle, user, whistle)
        for target in whistle.targets.all():
            mark_whistle_call(user, whistle, target)
            target.can_rate = passes(checks.check_can_rate, user, whistle, target)
    return whistles


def mark_whistle_call(user, whistle, target):
    """can_report_in / can_act on a department's place on a whistle."""
    target.can_report_in = passes(checks.check_can_report_in, user, whistle, target)
    target.can_act = passes(checks.check_can_record_action, user, whistle, target)
    return target


def mark_extension_actions(user, extensions):
    for extension in extensions:
        extension.can_decide = passes(checks.check_can_decide_extension, user, extension)
    return extensions


def may_urge(user, ticket):
    return passes(checks.check_can_urge, user, ticket)


def may_review_unreasonable(user):
    return role_may(user, "review_unreasonable")
