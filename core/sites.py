"""The Sites record names the platform (mails greet with it), so it follows SITE_NAME and SITE_URL.

Kept in step after every `migrate` (post_migrate, see CoreConfig) and by `seed_demo`: no mail ever
says "example.com".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_sync_from_settings(**_signal_kwargs) -> None:
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
    Site.objects.clear_cache()
