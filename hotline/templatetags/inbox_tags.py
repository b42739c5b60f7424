"""The header's unread-notification count (one COUNT over the unread partial index, nothing else) and how often
static/js/alerts.js polls it again (settings.ALERTS_POLL_SECONDS)."""

from django import template
from django.conf import settings

from assessment.clock.selectors import unread_notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context):
    user = context.get("user")
    if user is None or not user.is_authenticated or user.unit_id is None:
        return 0
    return unread_notifications(user).count()


@register.simple_tag
def alerts_poll_ms():
    return int(float(getattr(settings, "ALERTS_POLL_SECONDS", 20)) * 1000)
