"""Per-request rules about the signed-in person: their language, and the admin's second factor."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from core.i18n import language_of


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = language_of(user) if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


class SuperuserAdminMFAMiddleware:
    """A superuser without an authenticator app is sent to set one up before any admin page opens.

    On when ADMIN_REQUIRE_MFA_FOR_SUPERUSERS (the default in production): a superuser's password alone
    must not open everything. Signing out of the admin stays possible.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS:
            return None
        match = request.resolver_match
        if match is None or match.app_name != "admin" or match.url_name == "logout":
            return None
        user = request.user
        if not (user.is_authenticated and user.is_superuser):
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]):
            return None
        messages.warning(request, _("Set up an authenticator app before you open the administration."))
        return redirect("mfa_activate_totp")
