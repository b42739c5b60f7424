"""API tokens that expire (TOKEN_TTL_HOURS after they were issued, default a working day) and that their owner
revokes (DELETE /api/auth/token/); the admin deletes any under 认证令牌."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


def expires_at(created):
    return created + dt.timedelta(hours=settings.TOKEN_TTL_HOURS)


def is_expired(created, now=None):
    return expires_at(created) <= (now or timezone.now())


def issue_token(user):
    """The user's token while it lasts, else a fresh one: an expired key never works again."""
    token, _created = Token.objects.get_or_create(user=user)
    if is_expired(token.created):
        Token.objects.filter(pk=token.pk).delete()
        token, _created = Token.objects.get_or_create(user=user)
    return token


def revoke_token(user):
    """Delete the user's token; True when there was one."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)


def _aware(value):
    """A raw query's datetime column: PostgreSQL returns it aware, SQLite as text in UTC."""
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check as one raw join (the ORM's select_related get costs ~1 ms of CPU on every request), refusing
    a token older than TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key):
        user_model = get_user_model()
        sql = (f"SELECT u.*, t.created AS token_created FROM {user_model._meta.db_table} u "
               f"JOIN {Token._meta.db_table} t ON t.user_id = u.id WHERE t.key = %s")
        user = next(iter(user_model.objects.raw(sql, [key])), None) if "\x00" not in key else None
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))  # DRF's own (translated) messages
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        created = _aware(user.token_created)
        if is_expired(created):
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取（POST /api/auth/token/）")
        return user, Token(key=key, user=user, created=created)
