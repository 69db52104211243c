"""{% shared_fragment %}: Django's {% cache %} for fragments many people see alike, forms included.

    {% load pd_cache %}
    {% shared_fragment 600 "post" post.pk post.edited_at access.is_moderator %} … {% endshared_fragment %}

The key is the name, every value after it and the language: put into it everything the fragment
shows that differs between viewers or changes (the rest may lag by the timeout). A fragment with a
form carries a CSRF token, which belongs to one visitor: it is stored as a placeholder and each
visitor's own token is put back on the way out (pdplatform.caching does the same for whole pages).
"""

import hashlib

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pdplatform.caching import TOKEN_SLOT

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, timeout, name, vary_on):
        self.nodelist, self.timeout, self.name, self.vary_on = nodelist, timeout, name, vary_on

    def render(self, context):
        parts = [str(var.resolve(context)) for var in self.vary_on]
        digest = hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"fragment:{self.name.resolve(context)}:{get_language()}:{digest}"
        token = str(context.get("csrf_token") or "")
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html.replace(token, TOKEN_SLOT) if token else html, int(self.timeout.resolve(context)))
            return html
        return mark_safe(html.replace(TOKEN_SLOT, token))  # noqa: S308 - our own rendered template output


@register.tag("shared_fragment")
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a timeout and a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]),
                              [parser.compile_filter(bit) for bit in bits[3:]])
