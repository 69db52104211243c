"""The reverse proxy is part of the deployment (docs/decisions/0363-reverse-proxy-page-cache.md): nginx serves
the collected static files from the volume the web service fills, and keeps anonymous catalogue and course
pages only as the application's headers allow (tests/pdplatform/test_public_page_cache.py checks those
headers; the configuration was run against gunicorn with Debian's nginx: HIT, a copy per language,
BYPASS with a session cookie)."""

import re

import yaml
from django.conf import settings

from tests.pdplatform.test_private_files_production import ROOT, _nginx_locations


def test_static_files_come_from_the_volume_collectstatic_fills():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert "python manage.py collectstatic --noinput" in web["command"]
    assert "static:/app/staticfiles" in web["volumes"]
    assert "static:/app/staticfiles:ro" in compose["services"]["proxy"]["volumes"]
    static = _nginx_locations()[settings.STATIC_URL]
    assert "alias /app/staticfiles/;" in static
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in static


def test_the_proxy_caches_public_pages_by_their_headers_only():
    text = re.sub(r"#.*", "", (ROOT / "deploy" / "nginx.conf").read_text())  # the directives, not comments
    # Nothing is kept on nginx's own say: no default lifetime, no header of the app ignored.
    assert "proxy_cache_valid" not in text
    assert "proxy_ignore_headers" not in text
    assert re.search(r'map "\$cookie_sessionid\$http_authorization" \$personal', text)
    courses = _nginx_locations()["/courses/"]
    assert "proxy_cache pages;" in courses
    assert "proxy_cache_bypass $personal;" in courses
    assert "proxy_no_cache $personal;" in courses
    assert settings.SESSION_COOKIE_NAME == "sessionid"  # the cookie the map above looks for
    # The rest of the site is never cached by the proxy (and streams: exports, ZIPs).
    rest = _nginx_locations()["/"]
    assert "proxy_cache" not in rest
    assert "proxy_buffering off;" in rest
