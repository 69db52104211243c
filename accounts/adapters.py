from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Mail goes out in the recipient's language, whatever the page's language was."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
