"""Whole-page cache for anonymous visitors of public pages (the catalogue and course pages).

Anonymous visitors all see the same page for the same address and language, so it is rendered once
and served from the shared cache (Redis) for PUBLIC_PAGE_CACHE_SECONDS. Signed-in people, non-GET
requests, pages with flash messages and non-200 answers are never cached. The one per-visitor part,
the CSRF token of the page's forms (language switcher, enrol), is cut out before storing and the
visitor's own token is put back on each hit. `public_pages_changed()` drops every cached page
(courses call it on publish/archive); anything else (seats left in a cohort) may lag by the timeout.
"""

import functools
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
TOKEN_SLOT = "@@csrf-token@@"  # noqa: S105 - a placeholder, not a secret
# The base template renders the token in the htmx headers and in every form (one value per page).
TOKEN_IN_PAGE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def public_pages_changed() -> None:
    """Every cached public page becomes stale at once (a new version in all keys)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def _key(request) -> str:
    version = cache.get_or_set(VERSION_KEY, 1, None)
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    return f"public-page:{version}:{get_language()}:{request.path}?{query}"


def _cacheable(request) -> bool:
    return (request.method == "GET" and not request.user.is_authenticated and not len(get_messages(request))
            and not getattr(request, "htmx", False))


def cache_for_anonymous(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content.replace(TOKEN_SLOT.encode(), get_token(request).encode()),
                                    content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            content = response.content
            token = TOKEN_IN_PAGE.search(content)
            if token:
                content = content.replace(token.group(1) or token.group(2), TOKEN_SLOT.encode())
            cache.set(key, (content, response["Content-Type"]), seconds)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
