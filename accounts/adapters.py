from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _

from core.caching import cache_failures
from core.i18n import in_language_of

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """Mail goes out in the recipient's language, whatever the page's language was."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "sign_in_paused": _(
            "Signing in is paused for a moment: the service that counts sign-in attempts is "
            "unavailable. Please try again in a minute."
        ),
    }

    def send_mail(self, template_prefix, email, context):
        # "Someone tried to sign up with your address" carries no user: its owner's language still applies.
        user = (
            context.get("user") or User.objects.filter(email__iexact=email).only("preferred_language").first()
        )
        if user is None:  # an address with no account: the language of the page that asked
            return super().send_mail(template_prefix, email, context)
        with in_language_of(user):
            return super().send_mail(template_prefix, email, context)

    def pre_authenticate(self, request, **credentials):
        """Failed sign-ins are counted in the shared cache (allauth's rate limit). When it cannot count them
        (Redis unreachable), signing in is refused rather than left unlimited to password guessing; every
        other rate limit lets requests through while Redis is down (core/redis_cache.py)."""
        failures = cache_failures()
        super().pre_authenticate(request, **credentials)
        if cache_failures() != failures:
            raise self.validation_error("sign_in_paused")
