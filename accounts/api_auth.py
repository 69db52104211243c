"""The one API authentication by token: `Authorization: Token <secret>` with a person's own API token
(accounts.ApiToken, made on the profile page; only the secret's hash is stored).

It also settles the caller's language. A token caller never passes through the session, so
`accounts.middleware.PreferredLanguageMiddleware` cannot see who they are; once the token is known, the
person's language is activated here, so refusals and validation messages speak it (as pages do for
signed-in people). Callers without a token keep the language their client asks for (Accept-Language).
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from core.i18n import language_of

from .models import ApiToken
from .selectors import api_token_for_secret

LAST_USED_EVERY = timedelta(minutes=1)


def api_token_touch(token: ApiToken) -> None:
    """Record the use at most once a minute per token: one conditional UPDATE, none within the minute."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing and `WWW-Authenticate: Token` (a bad credential is a 401), our token model."""

    def authenticate_credentials(self, key):
        token = api_token_for_secret(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        api_token_touch(token)
        return token.user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            translation.activate(language_of(result[0]))
            request._request.LANGUAGE_CODE = translation.get_language()
        return result
