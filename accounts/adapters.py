from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """Mail goes out in the recipient's language, whatever the page's language was."""

    def send_mail(self, template_prefix, email, context):
        # "Someone tried to sign up with your address" carries no user: its owner's language still applies.
        user = context.get("user") or User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
