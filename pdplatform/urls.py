from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cohorts.certificates import views as certificate_views

from . import calendar, media, views

# The admin has no password form of its own: /admin/login/ sends people to allauth's sign-in, so the
# same per-account and per-IP failure limits, lockout and second factor hold for staff (decision 0111).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("verify/", certificate_views.verify_file, name="certificate_verify_file"),
    path("verify/<str:code>/", certificate_views.verify, name="certificate_verify"),
    path("badges/status/revocation/", certificate_views.badge_status_list, name="badge_status_list"),
    path(".well-known/jwks.json", certificate_views.badge_jwks, name="badge_jwks"),
    path(".well-known/did.json", certificate_views.badge_did, name="badge_did"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/renew/", calendar.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar.personal_feed, name="calendar_feed"),
    path(
        "calendar/<str:token>/cohort/<int:cohort_id>.ics", calendar.cohort_feed, name="calendar_cohort_feed"
    ),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("courses/", include("courses.urls")),
    path("learn/", include("cohorts.urls")),
    path("surveys/", include("surveys.urls")),
    path("communities/", include("communities.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("reports/", include("pdplatform.reports.urls")),
    # Each app adds its API routes here: path("api/v1/", include("<app>.api_urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("api/v1/", include("courses.api_urls")),
    path("api/v1/", include("cohorts.api_urls")),
    path("api/v1/", include("mentoring.api_urls")),
    path("api/v1/", include("surveys.api_urls")),
    path("api/v1/", include("communities.api_urls")),
    path("api/v1/", include("pdplatform.reports.api_urls")),
    # The export log and jobs moved to the reports app (decision 0301): bookmarks of their old admin pages
    # land on the new ones.
    re_path(
        r"^admin/pdplatform/(?P<rest>export(?:log|job)/.*)$",
        RedirectView.as_view(url="/admin/reports/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if not settings.PRODUCTION or settings.STORAGE_URL:
    # Outside production Django serves the public media folders only (pdplatform/media.py); in production
    # nginx does (deploy/nginx.conf), unless the media are in a bucket: then this view redirects to the
    # object everywhere. Private files never have a media URL that answers: their views do.
    urlpatterns += [path("media/<path:path>", media.public_media)]

handler403 = "pdplatform.views.error_403"
handler404 = "pdplatform.views.error_404"
handler500 = "pdplatform.views.error_500"
