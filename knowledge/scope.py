"""Which articles a user may open (the one home of the knowledge base's read scope)."""

from django.db.models import Q

from core.permissions import role_may

from .models import Article


def manages_all(user):
    """The center's reviewers read every article in every state."""
    return role_may(user, "kb_publish")


def visible_articles(user):
    """Articles the user may open: the published ones (kb_read), their own unit's in any state (kb_write), every
    one for the center's reviewers."""
    if manages_all(user):
        return Article.objects.all()
    scope = Q(pk__in=[])
    if role_may(user, "kb_read"):
        scope |= Q(live_version__isnull=False)
    if role_may(user, "kb_write") and user.unit_id:
        scope |= Q(owner_id=user.unit_id)
    return Article.objects.filter(scope)
