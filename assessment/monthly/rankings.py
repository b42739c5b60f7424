"""Ranking within each group (streets city-wide, districts, departments, enterprises), classes and call-outs.

Works on the few hundred scorecards of a month, never on orders. 点名 names the bottom N of a group (N per
rule), leaving out any 先进 unit among them. At equal scores the unit assessed on more orders ranks first (the
same score held over more orders: otherwise every small street with a perfect handful ties at rank 1); units equal
in both share a rank (1, 2, 2, 4), listed by unit code, so the same inputs always give the same rows.
"""

from assessment.monthly.choices import RankClass, RankGroup
from dispatch.choices import UnitKind

CALLOUT_RULE_FIELD = {
    RankGroup.STREET: "callout_streets",
    RankGroup.DEPARTMENT: "callout_departments",
    RankGroup.ENTERPRISE: "callout_enterprises",
}


def group_of(unit):
    return unit.kind if unit.kind in RankGroup.values else None


def district_of(unit):
    if unit.kind == UnitKind.DISTRICT:
        return unit.pk
    return unit.parent_id if unit.kind in (UnitKind.STREET, UnitKind.ZONE) else None


def classify(card, rule):
    """先进 (score ≥ advanced), else 进步 (up ≥ delta on last month), else 治理 / 整改 below their thresholds."""
    if card.score >= rule.advanced_score:
        return RankClass.ADVANCED
    if card.prev_score is not None and card.score - card.prev_score >= rule.improving_delta:
        return RankClass.IMPROVING
    if card.score < rule.governance_below:
        return RankClass.GOVERNANCE
    if card.score < rule.rectify_below:
        return RankClass.RECTIFY
    return RankClass.NONE


def rank_group(cards, rule, codes):
    """Set rank, group_size, klass and called_out on one group's cards (in place); returns them ranked."""
    ordered = sorted(cards, key=lambda c: (-c.score, -c.assessed, codes[c.unit_id]))
    previous, rank = None, 0
    for position, card in enumerate(ordered, start=1):
        if (card.score, card.assessed) != previous:
            rank, previous = position, (card.score, card.assessed)
        card.rank, card.group_size = rank, len(ordered)
        card.klass = classify(card, rule)
        card.called_out = False
    callout_field = CALLOUT_RULE_FIELD.get(cards[0].group) if cards else None
    if callout_field:
        bottom = ordered[len(ordered) - min(getattr(rule, callout_field), len(ordered)):]
        for card in bottom:  # a small group's bottom may hold 先进 units: those are never named
            card.called_out = card.klass != RankClass.ADVANCED
    return ordered


def rank_all(cards, rule, codes):
    by_group = {}
    for card in cards:
        by_group.setdefault(card.group, []).append(card)
    for group_cards in by_group.values():
        rank_group(group_cards, rule, codes)
    return cards
