"""Pages that compose several apps (home, cabinet) and the platform's own endpoints."""

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from accounts.roles import Role
from accounts.selectors import user_has_role
from accounts.services import AccountError, user_set_language
from cohorts.selectors import cabinet_for_teacher, cabinet_scopes
from core.caching import personal_cache
from core.unavailable import is_outage, service_unavailable

from .health import ROLES, health_report


def home(request):
    return render(request, "home.html")


@login_required
def cabinet(request):
    """ "My learning": later issues add cohorts, deadlines, nominations, surveys, events here."""
    user = request.user
    if user_has_role(user, Role.TEACHER) and not user.is_superuser and not user.profile_complete:
        return redirect("profile_edit")

    return render(
        request,
        "cabinet.html",
        {
            "profile_user": user,
            # read only when the cached content is missing or stale (each app's scopes.py, core/caching.py)
            "learning": SimpleLazyObject(lambda: cabinet_for_teacher(user)),
            **personal_cache(request, *cabinet_scopes(user)),
        },
    )


def _language_link(request):
    """An anonymous visitor's switcher is a GET form (public pages carry no CSRF token, core/caching.py):
    it sets only the language cookie, for a known language, and goes back to an address of this site."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    add_never_cache_headers(response)
    language = request.GET.get("language", "")
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_http_methods(["GET", "POST"])
def set_language(request):
    """The switcher sets the session language and, for a signed-in user, their saved preference (POST
    only: a link or an <img> on another site must not change it); anonymous visitors may use a GET."""
    if request.method == "GET":
        if request.user.is_authenticated:
            return HttpResponseNotAllowed(["POST"])
        return _language_link(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=language)
        except AccountError:
            next_url = request.POST.get("next", "/")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = "/"
            return HttpResponseRedirect(next_url)
    return django_set_language(request)


ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/cabinet/",
    "/learn/",
    "/reports/",
    "/notifications/",
    "/mentoring/",
    "/surveys/",
    "/communities/",
    "/api/",
    "/verify/",
]


@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Crawlers may index the public catalogue only. No database, no template: bench/run measures this
    view as the ceiling of the stack (gunicorn + the whole middleware chain)."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /courses/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """200 when every configured dependency answers, 503 otherwise; `?role=worker` also needs a live beat
    (pdplatform/health.py)."""
    role = request.GET.get("role", "web")
    if role not in ROLES:
        return JsonResponse({"detail": str(_("Unknown role: use web or worker."))}, status=400)
    healthy, body = health_report(role)
    return JsonResponse(body, status=200 if healthy else 503)


def error_404(request, exception=None):
    """An address under /api/ that matches no route answers in the API's error shape, not with a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    """Rendered without the request: its context processors read the database, which may be what failed.
    Called while the error is being handled, so a dependency that is down answers 503 (core/unavailable.py)."""
    if is_outage(sys.exc_info()[1]):
        return service_unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    return render(
        request, "403.html", {"reason": _("Your session has expired. Please reload the page.")}, status=403
    )
