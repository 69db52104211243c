"""The Markdown preview: only for people who may post somewhere, and limited per person (429)."""

import pytest
from django.urls import reverse

from core import ratelimit
from tests.factories import TeacherFactory

from .factories import CommunityFactory, MembershipFactory, member

pytestmark = pytest.mark.django_db


def test_a_signed_in_non_member_gets_403_and_no_rendering(client):
    CommunityFactory(slug="open")
    pending = TeacherFactory()
    MembershipFactory(
        community=CommunityFactory(slug="closed", is_closed=True), user=pending, state="pending"
    )
    for outsider in (TeacherFactory(), pending):
        client.force_login(outsider)
        response = client.post(reverse("communities:preview"), {"body": "**bold**"})
        assert response.status_code == 403
        assert b"<strong>" not in response.content


def test_a_member_sees_the_sanitized_preview_and_a_too_long_text_gets_the_limit_message(client):
    client.force_login(member(CommunityFactory()))
    response = client.post(reverse("communities:preview"), {"body": "**hi** <script>x</script>"})
    assert response.status_code == 200
    assert response.content.decode() == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\n\n"
    response = client.post(reverse("communities:preview"), {"body": "x" * 20_001})
    assert response.status_code == 200
    assert "The text is too long: 20001 characters, at most 20000." in response.content.decode()


def test_the_preview_past_the_limit_gets_429_with_the_message_and_others_are_not_affected(
    client, settings, clock
):
    settings.RATE_LIMITS = "preview=3/m,post=10/m"
    club = CommunityFactory()
    eager, other = member(club), member(club)
    client.force_login(eager)
    for _attempt in range(3):
        assert client.post(reverse("communities:preview"), {"body": "*a*"}).status_code == 200
    limited = client.post(reverse("communities:preview"), {"body": "*a*"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "40"
    assert "Too many attempts in a short time. Please wait 40 s and try again." in limited.content.decode()
    assert "<em>" not in limited.content.decode()
    client.force_login(other)
    assert client.post(reverse("communities:preview"), {"body": "*a*"}).status_code == 200
    clock.value += 40  # the next window
    client.force_login(eager)
    assert client.post(reverse("communities:preview"), {"body": "*a*"}).status_code == 200


def test_rates_are_read_from_the_setting():
    assert ratelimit.parse_rates("preview=30/m, post=10/5m,topic=2/h") == {
        "preview": ratelimit.Rate(30, 60),
        "post": ratelimit.Rate(10, 300),
        "topic": ratelimit.Rate(2, 3600),
    }
    with pytest.raises(ratelimit.ImproperlyConfigured):
        ratelimit.parse_rates("preview=lots")
