"""{% shared_fragment %}: Django's {% cache %} for fragments many people see alike, forms included.

    {% load pd_cache %}
    {% shared_fragment 600 "post" post.pk post.edited_at access.is_moderator %} … {% endshared_fragment %}

The key is the name, every value after it, the language and the time zone: put into it everything the fragment
shows that differs between viewers or changes (the rest may lag by the timeout). A fragment with a
form carries a CSRF token, which belongs to one visitor: it is stored as a placeholder and each
visitor's own token is put back on the way out. Anonymous visitors' fragments carry no token at all.
A timeout of 0 renders the fragment without the cache.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from core.caching import CSRF_FIELD, TOKEN_SLOT

register = template.Library()


def fragment_key(name: str, parts: list) -> str:
    """The cache key of {% shared_fragment timeout name *parts %} in this request's language and time
    zone (a view may read many fragments in one round trip: cache.get_many of these keys)."""
    digest = hashlib.md5("\x1f".join(str(part) for part in parts).encode(), usedforsecurity=False).hexdigest()
    return f"fragment:{name}:{get_language()}:{get_current_timezone_name()}:{digest}"


def restore_token(html: str, request) -> str:
    """A fragment read from the cache by a view, with this visitor's CSRF token put back (masked once
    per request: masking draws 32 random characters, and a page may restore twenty fragments)."""
    if not hasattr(request, "_fragment_token"):
        request._fragment_token = get_token(request)
    return mark_safe(html.replace(TOKEN_SLOT, request._fragment_token))  # noqa: S308 - our own output


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, timeout, name, vary_on):
        self.nodelist, self.timeout, self.name, self.vary_on = nodelist, timeout, name, vary_on

    def render(self, context):
        timeout = int(self.timeout.resolve(context))
        if timeout <= 0:  # e.g. a form sent back with errors: never stored, never served from the cache
            return self.nodelist.render(context)
        key = fragment_key(self.name.resolve(context), [var.resolve(context) for var in self.vary_on])
        request = context.get("request")
        # Anonymous visitors' fragments hold no form with a token (their language switcher is a GET form):
        # asking for one would set a CSRF cookie and make a public page unshareable (core/caching.py).
        anonymous = request is not None and not request.user.is_authenticated
        token = "" if anonymous else str(context.get("csrf_token") or "")
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if anonymous and CSRF_FIELD.decode() in html:
                return html  # a form with this visitor's token after all: never shared
            cache.set(key, html.replace(token, TOKEN_SLOT) if token else html, timeout)
            return html
        return mark_safe(html.replace(TOKEN_SLOT, token))  # noqa: S308 - our own rendered template output


@register.tag("shared_fragment")
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a timeout and a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
