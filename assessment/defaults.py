"""The Beijing defaults of the assessment app, in one place: time limits and monthly scoring rules.

Time limits (version 1 of the SLA policy; administrators change them by new versions):
- response (contact the caller) = min(tier limit, 24 h): 2 h tier 2 hours, the others 24 hours;
- completion = the tier's own limit: 2 hours, 24 hours, 7 calendar days, 15 calendar days;
- dispatch by dispatch level: emergency 1 h, urgent (utilities, extreme weather) 2 h, normal and complex 24 h;
  the level is the stricter of the urgency and the catalog leaf's dispatch class (dispatch/tiers.py, which also
  picks the tier), so a heating request dispatches within 2 h whatever urgency the agent chose;
- sign: 2 hours after dispatch, for every tier (an emergency order is usually signed at once, but the
  response clock of 2 hours is what the 2 h tier is assessed on);
- whistle: departments report in within 2 (calendar) days and finish within 5 working days (Huangpu practice);
- warn at 75 % of every limit.
Days are calendar days unless a limit says working days (DOMAIN.md "Response tiers").

Scoring rules (the field defaults of assessment.models.AssessmentRule; administrators add rules by period):
score = 30 % response + 35 % resolution + 35 % satisfaction, "basically satisfied" counts 80 %, the class
thresholds, the monthly call-outs, the whistle penalty and the seven-day early warning (DOMAIN.md "Assessment").
"""

from decimal import Decimal

from assessment.clock.choices import LimitKey as K
from assessment.clock.choices import LimitUnit as U

DEFAULT_WARN_FRACTION = Decimal("0.75")

# --- monthly scoring (AssessmentRule defaults)
WEIGHT_RESPONSE = Decimal("0.30")
WEIGHT_RESOLUTION = Decimal("0.35")
WEIGHT_SATISFACTION = Decimal("0.35")
BASIC_CREDIT = Decimal("0.80")  # share of a "basically satisfied" callback counted as satisfied
ADVANCED_SCORE = Decimal("90")  # 先进类 from this score
IMPROVING_DELTA = Decimal("5")  # 进步类: this many points above last month
RECTIFY_BELOW = Decimal("75")  # 整改类 below this score
GOVERNANCE_BELOW = Decimal("60")  # 治理类 below this score
CALLOUT_STREETS = 10  # the bottom streets named each month
CALLOUT_DEPARTMENTS = 1
CALLOUT_ENTERPRISES = 1
REPORT_IN_PENALTY = Decimal("5")  # points lost per whistle report-in missed
HOTSPOT_RATIO = Decimal("2")  # 七天一预警: last 7 days at this multiple of the weekly mean of the 4 weeks before
HOTSPOT_MIN_COUNT = 5

DEFAULT_LIMITS = [
    (K.RESPONSE_2H, 2, U.HOURS),
    (K.RESPONSE_24H, 24, U.HOURS),
    (K.RESPONSE_7D, 24, U.HOURS),
    (K.RESPONSE_15D, 24, U.HOURS),
    (K.COMPLETE_2H, 2, U.HOURS),
    (K.COMPLETE_24H, 24, U.HOURS),
    (K.COMPLETE_7D, 7, U.DAYS),
    (K.COMPLETE_15D, 15, U.DAYS),
    (K.DISPATCH_EMERGENCY, 1, U.HOURS),
    (K.DISPATCH_URGENT, 2, U.HOURS),
    (K.DISPATCH_NORMAL, 24, U.HOURS),
    (K.DISPATCH_COMPLEX, 24, U.HOURS),
    (K.SIGN, 2, U.HOURS),
    (K.WHISTLE_REPORT_IN, 2, U.DAYS),
    (K.WHISTLE_COMPLETE, 5, U.WORKING_DAYS),
]


def create_default_policy(policy_model, limit_model, *, number=1, created_by=None, effective_from=None):
    """Create the default policy as the current version. Takes the model classes so a migration can call it."""
    policy = policy_model.objects.create(
        number=number, label="北京默认时限", is_current=True, effective_from=effective_from,
        warn_fraction=DEFAULT_WARN_FRACTION, created_by=created_by,
    )
    limit_model.objects.bulk_create(
        limit_model(policy=policy, key=key.value, amount=amount, unit=unit.value)
        for key, amount, unit in DEFAULT_LIMITS
    )
    return policy
