"""Fill the database with a realistic demo: safe to run again (everything is keyed, nothing doubles)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from accounts import demo as accounts_demo
from cohorts import demo as cohorts_demo
from cohorts.certificates import demo as certificates_demo
from communities import demo as communities_demo
from core.sites import site_sync_from_settings
from courses import demo as courses_demo
from mentoring import demo as mentoring_demo
from notifications import demo as notifications_demo
from surveys import demo as surveys_demo

# Order follows the dependencies: each app's seed may use what the ones before it made.
APP_SEEDS = [notifications_demo, courses_demo, cohorts_demo, surveys_demo, communities_demo, mentoring_demo]


class Command(BaseCommand):
    help = "Create demo data for every feature and print the demo logins (idempotent)."

    def handle(self, *args, **options):
        # Demo people get no mail: notifications the demo triggers stay in the site only. The demo writes
        # through the services for many people at once: the per-person write limits are not for it.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", RATE_LIMITS=""),
            transaction.atomic(),
        ):
            site_sync_from_settings()
            people = accounts_demo.seed()
            for app_demo in APP_SEEDS:
                app_demo.seed(people)
            calendar_token = accounts_demo.seed_calendar_feed(people["teachers"][0])
            accounts_demo.seed_api_token(
                people["teachers"][0], name="Электронный дневник ученика", used_days_ago=2
            )
            api_token = accounts_demo.seed_api_token(
                people["school_admins"][0], name="Электронный журнал школы", used_days_ago=0
            )
            accounts_demo.seed_api_token(people["school_admins"][0], name="Таблиця для методиста")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo account's password: {accounts_demo.DEMO_PASSWORD}")
        rows = [
            ("superuser", people["admin"].email),
            ("methodologist", people["methodologists"][0].email),
            ("curator", people["curators"][0].email),
            ("school administrator", people["school_admins"][0].email),
            ("municipal administrator", people["municipal_admin"].email),
            ("teacher", people["teachers"][0].email),
            ("young teacher (<3 years)", next(t.email for t in people["teachers"] if t.is_young_teacher)),
        ]
        for role, email in rows:
            self.stdout.write(f"  {role:<26} {email}")
        feed = reverse("calendar_feed", args=[calendar_token])
        self.stdout.write(f"The demo teacher's calendar feed: {settings.SITE_URL.rstrip('/')}{feed}")
        self.stdout.write(
            "The demo school administrator's API token (their heat map): curl -H 'Authorization: Token "
            f"{api_token}' {settings.SITE_URL.rstrip('/')}{reverse('api-surveys-heatmap')}"
        )
        badge = certificates_demo.badge_example()
        if badge is not None:
            page = reverse("cohorts:certificate_page", args=[badge.enrollment_id])
            self.stdout.write(
                f"An Open Badge to download ({badge.enrollment.teacher.email}): "
                f"{settings.SITE_URL.rstrip('/')}{page}; check it at {settings.SITE_URL.rstrip('/')}/verify/"
            )
