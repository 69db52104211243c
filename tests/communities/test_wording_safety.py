"""Wording and safety (issue #20 items 3 and 10): leaving a community is named as such and confirmed first;
reports are limited per person; one setting decides which outside images pass the sanitizer and the CSP."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Membership, Report
from core import markup

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


def test_leaving_is_named_and_asks_for_confirmation_first(client):
    club = CommunityFactory(name="Клуб математиков", slug="maths")
    teacher = member(club)
    client.force_login(teacher)
    page = client.get(reverse("communities:detail", args=[club.slug])).content.decode()
    assert "Leave the community</a>" in page
    # a GET (a click on the button, a link scanner) only asks
    confirm = client.get(reverse("communities:leave", args=[club.slug]))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Leave the community “Клуб математиков”?" in text
    assert "This does not sign you out of the site." in text
    assert f'href="{reverse("communities:detail", args=[club.slug])}"' in text  # the way back
    assert Membership.objects.filter(community=club, user=teacher).count() == 1
    left = client.post(reverse("communities:leave", args=[club.slug]))
    assert left.status_code == 302
    assert Membership.objects.filter(community=club, user=teacher).count() == 0


def test_the_confirmation_of_a_closed_community_says_coming_back_needs_approval(client):
    closed = CommunityFactory(is_closed=True, slug="closed")
    client.force_login(member(closed))
    text = client.get(reverse("communities:leave", args=[closed.slug])).content.decode()
    assert "to come back you will have to ask the moderators again" in text


def test_a_non_member_is_sent_back_from_the_leave_page(client):
    club = CommunityFactory(slug="maths")
    client.force_login(member(CommunityFactory()))
    response = client.get(reverse("communities:leave", args=[club.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:detail", args=[club.slug])


def test_reports_are_limited_per_person(client, settings, clock):
    """Attack: one account flooding the moderators with reports is refused past its limit, nothing stored."""
    settings.RATE_LIMITS = "report=2/m"
    club = CommunityFactory(slug="maths")
    author, reporter = member(club), member(club)
    topics = [
        services.topic_create(community=club, author=author, title=f"Topic {n}", body="Some question")
        for n in range(3)
    ]
    client.force_login(reporter)
    for topic in topics[:2]:
        assert (
            client.post(
                reverse("communities:post_report", args=[topic.posts.get().pk]), {"reason": "Spam"}
            ).status_code
            == 302
        )
    refused = client.post(
        reverse("communities:post_report", args=[topics[2].posts.get().pk]), {"reason": "Spam"}
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "Too many attempts in a short time. Please wait 40 s and try again." in refused.content.decode()
    assert Report.objects.count() == 2


def test_one_setting_drives_the_sanitizer_and_the_csp(settings, client):
    from pdplatform import settings as product

    assert product.USER_IMAGE_SOURCES == ["https:"]
    assert product.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:", "https:"]
    text = (
        "![a](https://img.example.org/a.png) ![b](http://plain.example.org/b.png) ![c](/communities/files/3/)"
    )
    assert markup.render(text, profile="post") == (
        '<p><img src="https://img.example.org/a.png" alt="a"> <img alt="b"> <img src="/communities/files/3/" alt="c"></p>\n'
    )
    settings.USER_IMAGE_SOURCES = ["https://img.example.org"]
    assert (
        markup.render(
            "![a](https://img.example.org/a.png) ![x](https://other.example.org/x.png)", profile="post"
        )
        == '<p><img src="https://img.example.org/a.png" alt="a"> <img alt="x"></p>\n'
    )
    settings.USER_IMAGE_SOURCES = []
    assert markup.render("![a](https://img.example.org/a.png)", profile="post") == '<p><img alt="a"></p>\n'


def test_the_page_csp_lets_https_images_show(client):
    club = CommunityFactory(slug="maths")
    client.force_login(member(club))
    policy = client.get(reverse("communities:detail", args=[club.slug]))["Content-Security-Policy"]
    assert "img-src 'self' data: https:" in policy
