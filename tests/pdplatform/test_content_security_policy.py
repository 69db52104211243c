"""The Content-Security-Policy header: no <base> or plug-in tricks, frames only from the allowed video players.

Attacks played: an injected `<base href>` that would re-point every relative script and form; an
`<object>`/`<embed>` plug-in; an iframe to any https site smuggled through a lesson's video link.
"""

import pytest
from django.test import override_settings

from courses.models import video_embed_url

pytestmark = pytest.mark.django_db


def _policy(client) -> dict[str, list[str]]:
    header = client.get("/").headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_no_base_element_can_re_point_the_page(client):
    assert _policy(client)["base-uri"] == ["'none'"]


def test_no_plugins(client):
    assert _policy(client)["object-src"] == ["'none'"]


def test_frames_only_from_the_allowed_video_players(client, settings):
    assert _policy(client)["frame-src"] == ["'self'", *settings.VIDEO_EMBED_ORIGINS]
    assert "https:" not in _policy(client)["frame-src"]


def test_the_default_players_are_the_known_hosts(settings):
    assert settings.VIDEO_EMBED_ORIGINS == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://rutube.ru",
    ]


def test_a_player_outside_the_allow_list_is_a_plain_link():
    with override_settings(VIDEO_EMBED_ORIGINS=["https://rutube.ru"]):
        assert video_embed_url("https://youtu.be/abcDEF12345") == ""
        assert video_embed_url("https://rutube.ru/video/abc123/") == "https://rutube.ru/play/embed/abc123"


def test_known_players_embed_by_default():
    assert video_embed_url("https://www.youtube.com/watch?v=abcDEF12345") == (
        "https://www.youtube-nocookie.com/embed/abcDEF12345"
    )
    assert video_embed_url("https://vimeo.com/12345") == "https://player.vimeo.com/video/12345"
