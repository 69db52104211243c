import pytest

from communities import services
from communities.models import Post

from .factories import CommunityFactory, EventFactory, member

pytestmark = pytest.mark.django_db


def test_member_reads_and_writes_through_the_api(client):
    club = CommunityFactory(slug="api-club")
    teacher = member(club)
    client.force_login(teacher)
    communities = client.get("/api/v1/communities/").json()["results"]
    assert [c["slug"] for c in communities] == ["api-club"] and communities[0]["my_state"] == "active"
    created = client.post(
        "/api/v1/community-topics/",
        {"community": "api-club", "title": "Via API", "body": "**bold** <script>x</script>"},
        content_type="application/json",
    )
    assert created.status_code == 201
    topic_id = created.json()["id"]
    reply = client.post(
        "/api/v1/community-posts/", {"topic": topic_id, "body": "reply"}, content_type="application/json"
    )
    assert reply.status_code == 201 and reply.json()["number"] == 2
    posts = client.get("/api/v1/community-posts/", {"topic": topic_id}).json()["results"]
    assert [p["body_html"] for p in posts] == [
        "<p><strong>bold</strong> &lt;script&gt;x&lt;/script&gt;</p>\n",
        "<p>reply</p>\n",
    ]
    topics = client.get("/api/v1/community-topics/", {"community": "api-club"}).json()["results"]
    assert [t["title"] for t in topics] == ["Via API"]


def test_bad_input_and_locked_topic_through_the_api(client):
    club = CommunityFactory(slug="api-lock")
    teacher = member(club)
    moderator = member(club, role="moderator")
    topic = services.topic_create(community=club, author=teacher, title="T topic", body="b text")
    services.topic_moderate(topic=topic, by=moderator, locked=True)
    client.force_login(teacher)
    response = client.post(
        "/api/v1/community-posts/", {"topic": topic.pk, "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "closed for new replies" in str(response.json())
    assert (
        client.post(
            "/api/v1/community-posts/", {"topic": topic.pk, "body": ""}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/community-posts/", {"topic": "abc", "body": "x"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert Post.objects.filter(topic=topic).count() == 1


def test_join_and_register_through_the_api(client):
    club = CommunityFactory(slug="api-join")
    closed = CommunityFactory(slug="api-closed", is_closed=True)
    teacher = member(CommunityFactory())
    client.force_login(teacher)
    assert client.post("/api/v1/communities/api-join/join/").json() == {"state": "active"}
    assert client.post("/api/v1/communities/api-closed/join/").json() == {"state": "pending"}
    event = EventFactory(community=club, capacity=1)
    assert client.post(f"/api/v1/community-events/{event.pk}/register/").json() == {
        "registered": True,
        "waiting": False,
    }
    other = member(club)
    client.force_login(other)
    response = client.post(f"/api/v1/community-events/{event.pk}/register/")  # full: the waiting list
    assert response.status_code == 200
    assert response.json() == {"registered": False, "waiting": True}
    assert closed.memberships.get().state == "pending"


def test_schema_documents_the_endpoints(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    schema = client.get("/api/schema/").content.decode()
    for path in [
        "/api/v1/communities/",
        "/api/v1/community-topics/",
        "/api/v1/community-posts/",
        "/api/v1/community-events/{id}/register/",
    ]:
        assert path in schema
