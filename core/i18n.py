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


def reading_languages(person=None) -> list[str]:
    """The languages `person` reads courses in: their own first, then the ones they also chose
    ("also show courses in ..." on the profile). Anonymous visitors: the page's language."""
    if person is None or not getattr(person, "is_authenticated", False):
        return [supported_language(translation.get_language())]
    own = language_of(person)
    also = (getattr(person, "also_course_languages", "") or "").split(",")
    return [own, *(code for code in site_languages() if code in also and code != own)]


def language_subsets(codes: list[str] | tuple[str, ...] = ("ru", "uk", "en")) -> list[str]:
    """Every subset of `codes` in their order, comma-joined ("", "ru", "ru,uk", ...): the values a
    stored set of languages may take (held by a check constraint)."""
    out = [""]
    for code in codes:
        out += [f"{prev},{code}" if prev else code for prev in out]
    return sorted(out, key=lambda v: (v.count(","), v))


def language_set_value(codes, order: tuple[str, ...] = ("ru", "uk", "en")) -> str:
    """A set of language codes in its stored, canonical form (`order`, comma-joined; unknown codes dropped)."""
    chosen = set(codes or [])
    return ",".join(code for code in order if code in chosen)
