"""Who may do what, and which units' orders a user may see.

Two questions, asked by every service and selector:
- role_may(user, action): does the user's role allow this kind of action at all?
- visible_unit_ids(user): which units' orders may the user see (None = every unit)?
- address_district_id(user): the district whose addresses' orders the user also sees, whoever leads them
  (a district supervisor: the street-led orders through the streets, the department- or enterprise-led ones at
  addresses in the district through this); hotline/selectors.py visible_tickets composes the two.
Unit-level checks (is this the unit the order is assigned to?) stay with the service that knows the order.
"""

from core.errors import NotPermitted
from dispatch.choices import Role, UnitKind

CENTER_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.CITY_LEADER, Role.ADMIN})
HANDLER_ROLES = frozenset({Role.STREET_STAFF, Role.STREET_LEADER, Role.DEPARTMENT_STAFF})
STREET_ROLES = frozenset({Role.STREET_STAFF, Role.STREET_LEADER})

# action → roles allowed to perform it (on top of the unit check the service does).
ACTION_ROLES = {
    "intake": {Role.AGENT, Role.DISPATCHER},
    "answer_directly": {Role.AGENT},
    "link_repeat": {Role.AGENT, Role.DISPATCHER},
    "merge_repeat": {Role.DISPATCHER},  # 并单: a later request joins its original at any stage before close
    "unmerge_repeat": {Role.DISPATCHER},
    "dispatch": {Role.AGENT, Role.DISPATCHER},
    "redispatch": {Role.DISPATCHER},
    "rule_return": {Role.DISPATCHER},
    "sign": HANDLER_ROLES,
    "return": HANDLER_ROLES,
    "contact": HANDLER_ROLES,
    "complete": HANDLER_ROLES,
    "request_extension": HANDLER_ROLES,
    "decide_extension": {Role.DISPATCHER},
    "raise_whistle": STREET_ROLES,
    "approve_whistle": {Role.STREET_LEADER},
    "report_in": {Role.DEPARTMENT_STAFF},
    "rate_department": STREET_ROLES,
    "callback": {Role.CALLBACK_AGENT},
    "close": {Role.CALLBACK_AGENT},
    "rehandle": {Role.CALLBACK_AGENT, Role.DISPATCHER},
    "urge": {Role.DISPATCHER, Role.DISTRICT_SUPERVISOR},
    "district_orders": {Role.DISTRICT_SUPERVISOR},  # 本区工单: the district's orders, whoever leads them
    "batch_dispatch": {Role.DISPATCHER},  # 批量派单 from the dispatcher's queue, each order its own dispatch
    "appeal": HANDLER_ROLES,
    "rule_appeal": {Role.DISPATCHER, Role.ADMIN},
    "review_unreasonable": {Role.DISPATCHER, Role.ADMIN},
    "close_month": {Role.DISPATCHER, Role.ADMIN},
    "view_rankings": {Role.CITY_LEADER, Role.DISTRICT_SUPERVISOR, Role.DISPATCHER, Role.ADMIN},
    "manage_catalog": {Role.ADMIN},
    # 查看完整号码: the roles that may have to call the caller; whether they must now is hotline/privacy.py's rule
    "reveal_caller": {Role.AGENT, Role.DISPATCHER, Role.CALLBACK_AGENT, *HANDLER_ROLES},
    "audit_caller_reveals": {Role.AUDITOR, Role.ADMIN},
    "audit_list_exports": {Role.AUDITOR, Role.ADMIN},  # who exported which list (hotline/exports.py)
    # 知识库 (knowledge/): everyone who answers or handles calls reads the published articles; a unit's staff write
    # their own unit's articles (the service checks the unit; the center's are written by its dispatchers and
    # administrators); the center's dispatchers and administrators review and publish (not a version they wrote).
    "kb_read": {Role.AGENT, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.CITY_LEADER, Role.ADMIN, *HANDLER_ROLES,
                Role.DISTRICT_SUPERVISOR},
    "kb_write": {*HANDLER_ROLES, Role.DISTRICT_SUPERVISOR, Role.DISPATCHER, Role.ADMIN},
    "kb_publish": {Role.DISPATCHER, Role.ADMIN},
    # 大屏: the command center's live screen; a district supervisor's shows their district only (bigscreen/)
    "view_big_screen": {Role.CITY_LEADER, Role.DISPATCHER, Role.ADMIN, Role.DISTRICT_SUPERVISOR},
    # 每月一题 (topics/): the leader picks, starts and closes topics; the units involved report progress; who sees
    # which topic (the center all, a unit those it leads or is named in) is topics/selectors.py visible_topics
    "manage_topics": {Role.CITY_LEADER},
    "view_topics": {Role.CITY_LEADER, Role.DISPATCHER, Role.ADMIN, Role.DISTRICT_SUPERVISOR, *HANDLER_ROLES},
    "report_topic": {*HANDLER_ROLES, Role.DISTRICT_SUPERVISOR},
}


def role_may(user, action):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in ACTION_ROLES[action]


def require_role(user, action, message=None):
    if not role_may(user, action):
        role = user.get_role_display() if getattr(user, "is_authenticated", False) else "未登录用户"
        raise NotPermitted(message or f"{role}无权执行此操作")


def visible_unit_ids(user):
    """None when the user sees every unit; else the set of unit ids whose orders they may see."""
    if user.role in CENTER_ROLES:
        return None
    if user.unit_id is None:
        return set()
    if user.role == Role.DISTRICT_SUPERVISOR and user.unit.kind == UnitKind.DISTRICT:
        return {user.unit_id, *user.unit.children.values_list("id", flat=True)}
    return {user.unit_id}


def address_district_id(user):
    """The district whose dispatched orders a district supervisor sees by their address (any lead unit), else None.
    Orders not yet dispatched stay the center's."""
    if user.role == Role.DISTRICT_SUPERVISOR and user.unit_id and user.unit.kind == UnitKind.DISTRICT:
        return user.unit_id
    return None


def acts_for_unit(user, unit_id):
    """True when the user works in the given unit (handlers act only for their own unit)."""
    return user.unit_id is not None and user.unit_id == unit_id
