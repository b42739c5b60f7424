"""Which scoring rules apply to a month: the latest AssessmentRule starting on or before it, else the defaults
(the model's field defaults, named in assessment/defaults.py)."""

from decimal import Decimal

from assessment.models import AssessmentRule, MonthClose
from core.errors import InvalidInput

SNAPSHOT_FIELDS = [
    "weight_response", "weight_resolution", "weight_satisfaction", "basic_credit", "advanced_score",
    "improving_delta", "rectify_below", "governance_below", "callout_streets", "callout_departments",
    "callout_enterprises", "report_in_penalty", "hotspot_ratio", "hotspot_min_count", "caller_denial_voids_contact",
]
# What a month frozen before a field existed was computed with (its snapshot lacks the field).
BEFORE_FIELD = {"caller_denial_voids_contact": False}


def rule_for(month, using="default"):
    rule = AssessmentRule.objects.using(using).filter(effective_from__lte=month).order_by("-effective_from").first()
    return rule or AssessmentRule(effective_from=month)


def applied_rule(month, using="default"):
    """The rule a month's figures follow: a frozen month's snapshot, else the rule in force for it. ``using``: the
    database alias (the drill-down reads the reports replica)."""
    close = MonthClose.objects.using(using).filter(month=month, status="frozen").only("rule").first()
    return rule_from_snapshot(close.rule) if close and close.rule else rule_for(month, using)


def check_rule(rule):
    """Weights must be non-negative and not all zero; the basic credit lies in [0, 1]."""
    weights = [rule.weight_response, rule.weight_resolution, rule.weight_satisfaction]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InvalidInput("三率权重不能为负且不能全为零", field="weights")
    if not Decimal(0) <= rule.basic_credit <= Decimal(1):
        raise InvalidInput("基本满意折算比例应在0到1之间", field="basic_credit")


def snapshot(rule):
    """The rule as stored on the month (JSON): a frozen month keeps the rule it was computed with."""
    return {name: str(getattr(rule, name)) for name in SNAPSHOT_FIELDS}


def rule_from_snapshot(data):
    """The rule a month was computed with (see snapshot), as an unsaved AssessmentRule."""
    rule = AssessmentRule(**BEFORE_FIELD)
    for name in SNAPSHOT_FIELDS:
        if name in data:
            setattr(rule, name, _parse(getattr(rule, name), data[name]))
    return rule


def _parse(default, text):
    if isinstance(default, bool):
        return text == "True"
    return type(default)(text)
