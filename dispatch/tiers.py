"""Which response tier (四级响应) and which dispatch limit (派单时限) an order gets: the one home of these rules.

- Tier values: dispatch.choices.Tier (what the models store), most urgent first; TIER_ORDER / tier_rank here.
- Tier of an order: suggested_tier(leaf, urgency) — the leaf's default tier, raised to the urgency's floor
  (URGENCY_TIER_FLOOR), lengthened to 15 d for 疑难. The agent may raise it; lowering it needs a reason
  (hotline/services/intake.py checks that with tier_rank).
- Dispatch limit of an order: dispatch_level(leaf, urgency) — the stricter of the urgency and the leaf's
  dispatch class (CatalogItem.dispatch_class); the center's dispatch clock uses limit dispatch:<level>.
- How long each limit is: the SLA policy (assessment/defaults.py holds the Beijing defaults, administrators edit
  versions), keyed by assessment.clock.choices response_key / complete_key (tier) and dispatch_key (level).
"""

from hotline.choices import Urgency

from .choices import DispatchClass, Tier

TIER_ORDER = list(Tier)
# 紧急 → at least the 2 h tier, 较急 → at least 24 h (DOMAIN.md "Response tiers").
URGENCY_TIER_FLOOR = {Urgency.EMERGENCY: Tier.H2, Urgency.URGENT: Tier.H24}
FALLBACK_TIER = Tier.D7  # a leaf without a default tier is an ordinary request

# A leaf's dispatch class dispatches like this urgency (DOMAIN.md "Dispatch time limits": emergencies 1 h,
# water/power/gas/heating and extreme weather 2 h, everything else 24 h — the 紧急/较急/一般 limits).
DISPATCH_CLASS_LEVEL = {DispatchClass.EMERGENCY: Urgency.EMERGENCY, DispatchClass.UTILITIES: Urgency.URGENT}
_DISPATCH_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1}  # 一般 and 疑难 share the ordinary limit (rank 2)


def tier_rank(tier):
    """0 for the most urgent tier; raising a tier means a lower rank."""
    return TIER_ORDER.index(Tier(tier))


def suggested_tier(catalog_item, urgency):
    """The catalog leaf's tier, raised by urgency (紧急 → 2h, 较急 → 24h) and lengthened for 疑难 (→ 15d)."""
    tier = Tier(catalog_item.default_tier or FALLBACK_TIER)
    floor = URGENCY_TIER_FLOOR.get(urgency)
    if floor and tier_rank(floor) < tier_rank(tier):
        tier = floor
    if urgency == Urgency.COMPLEX and tier == Tier.D7:
        tier = Tier.D15
    return tier


def dispatch_level(catalog_item, urgency):
    """The urgency whose dispatch limit applies: the stricter of the agent's ``urgency`` and the leaf's class.

    Why a field on the leaf (CatalogItem.dispatch_class, a column of the catalog file) rather than the leaf's
    default tier or the unit it names: the 24 h response tier also holds time-critical matters the standard
    dispatches within 24 h (garbage not collected, night-time construction, lifts out of order, unpaid wages),
    and the units that run water, power, gas and heating also handle matters that are not about those services;
    extreme weather (waterlogging, flood control) is handled by neither. So the category is stated per leaf,
    by the administrator who maintains the catalog, without a deploy; the starter catalog sets it
    (dispatch/catalog/starter.py DISPATCH_RULES). A leaf without a class dispatches by the urgency alone.
    """
    level = DISPATCH_CLASS_LEVEL.get(catalog_item.dispatch_class) if catalog_item is not None else None
    if level is not None and _DISPATCH_RANK[level] < _DISPATCH_RANK.get(urgency, len(_DISPATCH_RANK)):
        return level
    return Urgency(urgency)
