"""Whole-page cache for anonymous visitors of public pages (the catalogue and course pages).

Anonymous visitors all see the same page for the same address and language: the page carries no
per-visitor part (no CSRF token: the language switcher is a GET form for them and "enrol" a link to sign
in), so it is rendered once and served from the shared cache (Redis) for PUBLIC_PAGE_CACHE_SECONDS, and
it says so in standard headers (`Cache-Control: public, max-age=…`, `Vary: Accept-Language, Cookie`) for
the reverse proxy in front (deploy/nginx.conf, docs/decisions/0363-reverse-proxy-page-cache.md).
Signed-in people, non-GET requests, pages with flash messages, non-200 answers and a page that holds a
token after all are never cached and are `private`. `public_pages_changed()` drops every cached page
(courses call it on publish/archive); anything else (seats left in a cohort) may lag by the timeout.
"""

import functools
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
# A fragment with a form stores this placeholder instead of the visitor's token (core/templatetags/pd_cache.py).
TOKEN_SLOT = "@@csrf-token@@"  # noqa: S105 - a placeholder, not a secret
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


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
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))
        and not getattr(request, "htmx", False)
    )


def _shared(response, seconds: int):
    """The same for every anonymous visitor of this address and language: any cache may keep it."""
    patch_cache_control(response, public=True, max_age=seconds)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def cache_for_anonymous(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return _shared(response, seconds)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and CSRF_FIELD not in response.content  # a visitor's own token is never shared
        ):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            response["X-Page-Cache"] = "miss"
            return _shared(response, seconds)
        patch_cache_control(response, private=True)
        return response

    return wrapper


# --- Signed-in people's pages: fragments keyed on the scopes they read ----------------------------
# A person's cabinet, course player, review queue or school report is rendered from rows that belong
# to a few "scopes" (person:<user id>, cohort:<id>, school:<id>, municipality:<id>, region, everyone).
# Each scope has a token in the cache; each app's scopes.py (scopes_declare) gives a scope a new token whenever one of its
# rows is saved or deleted, and a page caches its content under the tokens of the scopes it reads
# ({% shared_fragment %} with `scope_token(...)` in the key), so a change shows on the next view and
# nothing is ever deleted by pattern. What changes without a saved row (the time, bulk updates that
# call no signal) lags by at most PERSONAL_PAGE_CACHE_SECONDS.


def _scope_key(scope: str) -> str:
    return f"scope:{scope}"


def scope_token(*scopes: str) -> str:
    """One token for the current state of all these scopes (one cache round trip)."""
    keys = [_scope_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # first use, or evicted: start it (add: a concurrent change wins)
            cache.add(key, uuid.uuid4().hex, None)
            # Still unknown (Redis unreachable, or evicted again): a token of this view alone, so what is
            # rendered under it is never served to anyone, nor shared between people whose tokens are unknown.
            found[key] = cache.get(key) or uuid.uuid4().hex
    return ".".join(str(found[key]) for key in keys)


def cache_failures() -> int:
    """How many cache operations of this thread did not reach the shared cache so far (always 0 for a
    local-memory cache): code that must fail closed compares it before and after (core/redis_cache.py)."""
    return getattr(cache, "failures", 0)


def scopes_changed(*scopes: str) -> None:
    """New tokens for these scopes: now, and inside a transaction again when it commits (a page rendered
    between the change and the commit would otherwise be cached with the old rows under the new token)."""
    scopes = tuple(dict.fromkeys(scope for scope in scopes if scope))
    if not scopes:
        return

    def renew():
        cache.set_many({_scope_key(scope): uuid.uuid4().hex for scope in scopes}, None)

    renew()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)


def personal_cache(request, *scopes: str, cacheable: bool = True) -> dict:
    """Context for a page's {% shared_fragment cache_seconds "name" … cache_token %}: how long it may be
    kept (0, i.e. rendered afresh, for a form sent back or filters with errors) and the token of what it
    reads and today's date (deadlines and "upcoming" lists change at midnight)."""
    if not cacheable or request.method != "GET" or not settings.PERSONAL_PAGE_CACHE_SECONDS:
        return {"cache_seconds": 0, "cache_token": ""}
    return {
        "cache_seconds": settings.PERSONAL_PAGE_CACHE_SECONDS,
        "cache_token": f"{scope_token(*scopes)}:{timezone.localdate().isoformat()}",
    }


# --- Which scopes a saved or deleted row renews: declared by each app beside its models -----------
# Each app's `scopes.py` calls scopes_declare() for every model a cached page shows, from its
# AppConfig.ready(). A save whose update_fields touch only fields no page shows (a login's
# `last_login`) renews nothing. tests/pdplatform/test_scope_completeness.py fails when a model a
# cached page reads has no declaration and is not on its reasoned "lag accepted" list.

EVERYONE = ("everyone",)
DECLARED: dict[str, "ScopeDeclaration"] = {}


class ScopeDeclaration:
    def __init__(self, model, scopes_of, unseen_fields: frozenset[str]):
        self.model = model
        self.scopes_of = scopes_of
        self.unseen_fields = unseen_fields


def _changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:  # fixtures (loaddata) load rows as they are
        return
    declaration = DECLARED[sender._meta.label]
    if update_fields is not None and set(update_fields) <= declaration.unseen_fields:
        return  # nothing a page shows changed
    try:
        scopes = declaration.scopes_of(instance)
    except ObjectDoesNotExist:  # a parent gone in the same cascade: renew everything rather than guess
        scopes = EVERYONE
    scopes_changed(*scopes)


def _relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        scopes_changed(*EVERYONE)


def scopes_declare(model, scopes_of, *, unseen_fields=(), relations: bool = False) -> None:
    """Declare the scopes one row of `model` belongs to (a function row → scope names): every save or
    delete renews them. `unseen_fields`: fields no cached page shows (saving only those renews
    nothing). `relations`: a change of the model's many-to-many fields renews everyone."""
    label = model._meta.label
    DECLARED[label] = ScopeDeclaration(model, scopes_of, frozenset(unseen_fields))
    post_save.connect(_changed, sender=model, dispatch_uid=f"scopes-save-{label}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"scopes-delete-{label}")
    if relations:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relation_changed, sender=through, dispatch_uid=f"scopes-m2m-{label}-{field.name}"
            )
            DECLARED[through._meta.label] = ScopeDeclaration(through, lambda row: EVERYONE, frozenset())


def people_scopes(*user_ids) -> list[str]:
    return [f"person:{pk}" for pk in user_ids if pk]


def area_scopes(person, school, *municipalities) -> list[str]:
    """person + school + municipalities (what reports of that area read)."""
    return [
        f"person:{person}",
        f"school:{school}" if school else "",
        *(f"municipality:{m}" for m in municipalities if m),
    ]
