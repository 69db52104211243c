from allauth.account.adapter import DefaultAccountAdapter

from core.i18n import in_language_of


class AccountAdapter(DefaultAccountAdapter):
    """Mail goes out in the recipient's language, whatever the page's language was."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        if user is None:  # a mail to an address with no account: the language of the page that asked
            return super().send_mail(template_prefix, email, context)
        with in_language_of(user):
            return super().send_mail(template_prefix, email, context)
