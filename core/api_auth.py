"""API authentication that also settles the caller's language.

A token caller never passes through the session, so `accounts.middleware.PreferredLanguageMiddleware`
cannot see who they are; once DRF has authenticated the token, their profile's language is activated
here, so refusals and validation messages speak it (as pages do for signed-in people). Callers without
a token keep the language their client asks for (Accept-Language, via LocaleMiddleware).
"""

from django.utils import translation
from rest_framework import authentication

from core.i18n import language_of


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            translation.activate(language_of(result[0]))
            request._request.LANGUAGE_CODE = translation.get_language()
        return result
