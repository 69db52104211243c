import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities import services
from communities.models import Attachment, MemberState, Post, Registration, Topic, TopicRead
from communities.services import CommunityError
from tests.factories import TeacherFactory

from .factories import EXE, PDF, PNG, CommunityFactory, EventFactory, MaterialFactory, member

pytestmark = pytest.mark.django_db


def test_join_open_is_immediate_and_closed_waits_for_a_moderator():
    teacher = TeacherFactory()
    open_club = CommunityFactory()
    closed = CommunityFactory(is_closed=True)
    moderator = member(closed, role="moderator")
    assert services.membership_join(community=open_club, user=teacher).state == MemberState.ACTIVE
    request = services.membership_join(community=closed, user=teacher, message="Hi")
    assert request.state == MemberState.PENDING
    with pytest.raises(CommunityError):
        services.membership_decide(membership=request, by=teacher, approve=True)
    assert (
        services.membership_decide(membership=request, by=moderator, approve=True).state == MemberState.ACTIVE
    )


def test_topic_and_replies_are_numbered_and_mark_the_author_read():
    club = CommunityFactory()
    author, other = member(club), member(club)
    topic = services.topic_create(
        community=club, author=author, title="Fractions in grade 5", body="How do you *start*?"
    )
    reply = services.post_create(topic=topic, author=other, body="With pizza")
    topic.refresh_from_db()
    assert topic.post_count == 2 and reply.number == 2
    assert Post.objects.get(topic=topic, number=1).body_html == "<p>How do you <em>start</em>?</p>\n"
    assert TopicRead.objects.get(topic=topic, user=other).last_read_number == 2
    assert TopicRead.objects.get(topic=topic, user=author).last_read_number == 1


def test_locked_topic_and_non_member_get_a_clear_message_and_nothing_is_stored():
    club = CommunityFactory(is_closed=True)
    author = member(club)
    moderator = member(club, role="moderator")
    topic = services.topic_create(community=club, author=author, title="Question", body="Text text")
    services.topic_moderate(topic=topic, by=moderator, locked=True)
    with pytest.raises(CommunityError, match="closed for new replies"):
        services.post_create(topic=topic, author=author, body="more")
    outsider = TeacherFactory()
    with pytest.raises(CommunityError, match="Only members of this closed community"):
        services.post_create(topic=topic, author=outsider, body="spam")
    with pytest.raises(CommunityError, match="Only members of this closed community"):
        services.topic_create(community=club, author=outsider, title="spam topic", body="spam text")
    assert Post.objects.filter(topic=topic).count() == 1
    assert Topic.objects.filter(community=club).count() == 1
    # A moderator may still answer in a locked topic.
    services.post_create(topic=topic, author=moderator, body="Closed as answered")


def test_edit_marks_edited_and_only_author_or_moderator():
    club = CommunityFactory()
    author, other = member(club), member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="old text")
    post = topic.posts.get()
    with pytest.raises(CommunityError):
        services.post_edit(post=post, by=other, body="hacked")
    services.post_edit(post=post, by=author, body="new **text**")
    post.refresh_from_db()
    assert post.edited_at is not None and post.body_html == "<p>new <strong>text</strong></p>\n"


def test_useful_toggles_and_not_on_own_post():
    club = CommunityFactory()
    author, other = member(club), member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="x text")
    post = topic.posts.get()
    with pytest.raises(CommunityError):
        services.post_react(post=post, user=author, kind="useful")
    assert services.post_react(post=post, user=other, kind="useful") is True
    post.refresh_from_db()
    assert post.useful_count == 1
    assert services.post_react(post=post, user=other, kind="useful") is False
    post.refresh_from_db()
    assert post.useful_count == 0


def test_solution_by_topic_author_only_a_reply():
    club = CommunityFactory()
    author, other = member(club), member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="q text")
    reply = services.post_create(topic=topic, author=other, body="a text")
    with pytest.raises(CommunityError):
        services.topic_mark_solution(topic=topic, post=reply, by=other)
    with pytest.raises(CommunityError):
        services.topic_mark_solution(topic=topic, post=topic.posts.get(number=1), by=author)
    services.topic_mark_solution(topic=topic, post=reply, by=author)
    topic.refresh_from_db()
    assert topic.solution_id == reply.pk


def test_report_once_and_resolve():
    club = CommunityFactory()
    author, other = member(club), member(club)
    moderator = member(club, role="moderator")
    topic = services.topic_create(community=club, author=author, title="T topic", body="rude text")
    post = topic.posts.get()
    report = services.post_report(post=post, reporter=other, reason="Rude words")
    with pytest.raises(CommunityError):
        services.post_report(post=post, reporter=other, reason="again")
    with pytest.raises(CommunityError):
        services.report_resolve(report=report, by=other)
    assert services.report_resolve(report=report, by=moderator).resolved_by == moderator


def test_read_marker_only_moves_forward():
    club = CommunityFactory()
    author = member(club)
    reader = member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="1 text")
    for i in range(4):
        services.post_create(topic=topic, author=author, body=f"reply {i}")
    topic.refresh_from_db()
    services.topic_mark_read(topic=topic, user=reader, number=4)
    services.topic_mark_read(topic=topic, user=reader, number=2)
    services.topic_mark_read(topic=topic, user=reader, number=99)
    assert TopicRead.objects.get(topic=topic, user=reader).last_read_number == 5


def test_attachments_checked_by_content(settings):
    club = CommunityFactory()
    author = member(club)
    image = SimpleUploadedFile("../../etc/photo<script>.png", PNG, content_type="image/png")
    topic = services.topic_create(
        community=club, author=author, title="T topic", body="see text", files=[image]
    )
    attachment = Attachment.objects.get(post__topic=topic)
    assert attachment.is_image and attachment.extension == "png"
    assert attachment.original_name == "photo<script>.png"
    assert attachment.file.name.endswith(".png") and "photo" not in attachment.file.name
    fake_pdf = SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")
    with pytest.raises(CommunityError, match="“report.pdf” is not an accepted file type"):
        services.topic_create(
            community=club, author=author, title="T2 topic", body="x text", files=[fake_pdf]
        )
    assert not Topic.objects.filter(title="T2 topic").exists()
    assert Attachment.objects.count() == 1
    real_pdf = SimpleUploadedFile("r.exe", PDF, content_type="application/x-msdownload")
    material = services.material_create(
        community=club, author=author, title="M", description="d", files=[real_pdf]
    )
    assert material.attachments.get().content_type == "application/pdf"


def test_too_large_upload_refused(settings):
    settings.COMMUNITIES_MAX_UPLOAD_SIZE = 100
    club = CommunityFactory()
    author = member(club)
    with pytest.raises(CommunityError, match="too large"):
        services.topic_create(
            community=club,
            author=author,
            title="T topic",
            body="x text",
            files=[SimpleUploadedFile("a.pdf", PDF + b" " * 200)],
        )


def test_material_rating_and_grades():
    club = CommunityFactory()
    author, rater = member(club), member(club)
    with pytest.raises(CommunityError):
        services.material_create(
            community=club, author=author, title="M", description="d", grade_from=9, grade_to=5
        )
    material = services.material_create(
        community=club, author=author, title="M", description="d", tags="Fractions, ОГЭ, fractions"
    )
    assert sorted(material.tags.values_list("name", flat=True)) == ["fractions", "огэ"]
    with pytest.raises(CommunityError):
        services.material_rate(material=material, user=author, score=5)
    with pytest.raises(CommunityError):
        services.material_rate(material=material, user=rater, score=6)
    services.material_rate(material=material, user=rater, score=4)
    material = services.material_rate(material=material, user=rater, score=2)
    assert (material.rating_sum, material.rating_count) == (2, 1)


def test_event_registration_limit():
    club = CommunityFactory()
    event = EventFactory(community=club, capacity=1)
    first, second = member(club), member(club)
    services.event_register(event=event, user=first)
    services.event_register(event=event, user=first)  # idempotent
    assert services.event_register(event=event, user=second).status == "waiting"  # full: the waiting list
    event.refresh_from_db()
    assert event.registered_count == 1
    services.event_unregister(event=event, user=first)  # the first waiting takes the place
    assert list(Registration.objects.filter(event=event).values_list("user_id", "status")) == [
        (second.pk, "registered")
    ]
    event.refresh_from_db()
    assert event.registered_count == 1


def test_event_update_cannot_go_below_registrations():
    club = CommunityFactory()
    moderator = member(club, role="moderator")
    event = EventFactory(community=club, capacity=3)
    for _ in range(2):
        services.event_register(event=event, user=member(club))
    with pytest.raises(CommunityError):
        services.event_update(event=event, by=moderator, capacity=1)
    event = services.event_update(event=event, by=moderator, recording_url="https://video.example.org/1")
    assert event.sequence == 1


def test_last_moderator_cannot_leave():
    club = CommunityFactory()
    moderator = member(club, role="moderator")
    with pytest.raises(CommunityError):
        services.membership_leave(community=club, user=moderator)


def test_material_factory_smoke():
    assert MaterialFactory().rating_average is None
