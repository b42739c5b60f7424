"""Writes on SLA policy versions: the default policy (assessment/defaults.py), drafts copied from a version,
activation. Which limit applies to an order: dispatch/tiers.py."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assessment.clock.choices import LimitKey
from assessment.defaults import create_default_policy
from assessment.models import SlaLimit, SlaPolicy
from core.errors import InvalidInput, InvalidTransition


def ensure_default_policy():
    """The current policy, creating the default version 1 if there is none (idempotent, safe when racing)."""
    policy = SlaPolicy.objects.filter(is_current=True).first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            number = (SlaPolicy.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            return create_default_policy(SlaPolicy, SlaLimit, number=number, effective_from=timezone.now())
    except IntegrityError:  # another process created it first
        return SlaPolicy.objects.get(is_current=True)


@transaction.atomic
def create_draft(actor, source=None, label=""):
    """A new, editable, not yet current version copied from ``source`` (default: the current policy)."""
    source = source or ensure_default_policy()
    number = (SlaPolicy.objects.aggregate(n=Max("number"))["n"] or 0) + 1  # unique: a racing copy fails cleanly
    draft = SlaPolicy.objects.create(
        number=number, label=label or f"由 v{source.number} 复制", warn_fraction=source.warn_fraction,
        cap_whistle_limits=source.cap_whistle_limits, created_by=actor,
    )
    SlaLimit.objects.bulk_create(
        SlaLimit(policy=draft, key=row.key, amount=row.amount, unit=row.unit) for row in source.limits.all()
    )
    return draft


@transaction.atomic
def activate_policy(policy, now=None):
    """Make a complete draft the current version. Already stored deadlines keep the version they were computed with."""
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    if not policy.is_draft:
        raise InvalidTransition(f"时限策略 v{policy.number} 已启用过，不能再次启用；请复制为新版本", field="policy")
    missing = set(LimitKey.values) - set(policy.limits.values_list("key", flat=True))
    if missing:
        labels = "、".join(LimitKey(key).label for key in sorted(missing))
        raise InvalidInput(f"时限策略缺少以下时限：{labels}", field="limits")
    SlaPolicy.objects.filter(is_current=True).update(is_current=False)
    policy.is_current = True
    policy.effective_from = now or timezone.now()
    policy.save(update_fields=["is_current", "effective_from"])
    return policy
