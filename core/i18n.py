"""One way to speak a person's language.

Everything *sent* to a person (notifications, mails, digests, certificates, exports) is rendered
inside `in_language_of(recipient)`; nothing reads `preferred_language` by hand. A person's language
is settled once, at sign-up, from what the browser asked for (`language_from_request`), and changes
only in the profile or with the site's language switcher.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def site_language() -> str:
    """The site's default language (`DJANGO_LANGUAGE_CODE`, Russian unless set)."""
    return settings.LANGUAGE_CODE


def supported_language(code: str | None) -> str:
    """`code` if the site speaks it (also "ru-RU" → "ru"), else the site's default."""
    code = (code or "").strip().lower().replace("_", "-")
    languages = site_languages()
    if code in languages:
        return code
    base = code.split("-")[0]
    return base if base in languages else site_language()


def language_from_request(request=None) -> str:
    """The language the browser asked for (Accept-Language, the switcher's cookie), one the site speaks."""
    if request is not None:
        return supported_language(translation.get_language_from_request(request))
    return supported_language(translation.get_language())


def language_of(person) -> str:
    """The language to speak to `person` in: theirs if the site speaks it, else the site's default."""
    return supported_language(getattr(person, "preferred_language", "") or "")


def in_language_of(person):
    """`with in_language_of(recipient): ...` renders everything inside in the recipient's language."""
    return translation.override(language_of(person))
