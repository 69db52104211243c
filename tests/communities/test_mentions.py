"""Mentions by name (issue 20, item 5) and the user card (item 4), played as the attacks they must hold
against: a forged label, a quoted mention, an outsider fishing for a closed community's topic, a stranger's
card by URL, the member list and the autocomplete giving away e-mail addresses."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Post
from core import markup
from notifications.models import Notification
from tests.factories import SubjectFactory, TeacherFactory

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


def ref(user) -> str:
    return markup.mention_reference(user.pk, user.full_name)


@pytest.fixture
def club():
    return CommunityFactory(name="Математики", slug="maths")


@pytest.fixture
def olga(club):
    return member(club, TeacherFactory(full_name="Ольга Бондаренко", email="o.bond@example.org"))


@pytest.fixture
def anna(club):
    return member(
        club, TeacherFactory(full_name="Анна Иванова", email="anna.iv@example.org", preferred_language="ru")
    )


@pytest.fixture
def topic(club, anna):
    return services.topic_create(community=club, author=anna, title="Дроби в 5 классе", body="С чего начать?")


def _mentions(user):
    return list(Notification.objects.filter(recipient=user, kind="mention").values_list("title", "url"))


# --- rendering and reading the references (core/markup.py) ----------------------------------------


def test_a_reference_renders_as_a_link_to_the_card_and_a_user_scheme_link_goes_nowhere():
    html = markup.render("Спасибо, @[Ольга <b>Б</b>](user:12)! [тут](user:7)", profile="post")
    assert html == (
        '<p>Спасибо, <a href="/communities/people/12/" class="mention" rel="nofollow ugc noopener">'
        '@Ольга &lt;b&gt;Б&lt;/b&gt;</a>! <a rel="nofollow ugc noopener">тут</a></p>\n'
    )
    assert markup.excerpt("Спасибо, @[Ольга Бондаренко](user:12)!") == "Спасибо, @Ольга Бондаренко!"


def test_mentions_inside_quotes_and_code_are_not_mentions():
    text = (
        "> **Анна:**\n> спросите @[Пётр](user:5)\n\n"
        "`@[Код](user:6)`\n\n```\n@[Блок](user:8)\n```\n\n"
        "А вот @[Ольга](user:12) и ещё раз @[Ольга](user:12), @[Иван](user:3)"
    )
    assert markup.mentioned_user_ids(text) == [12, 3]


def test_a_class_other_than_mention_never_passes_the_sanitizer():
    assert markup.sanitize('<a href="/x" class="btn stretched-link">x</a>') == (
        '<a href="/x" rel="nofollow ugc noopener">x</a>'
    )


# --- what the services store --------------------------------------------------------------------


def test_a_typed_full_name_of_a_member_becomes_a_stable_reference(topic, olga, anna):
    post = services.post_create(topic=topic, author=anna, body="@ольга бондаренко, спасибо! и @Никто Такой")
    assert post.body == f"{ref(olga)}, спасибо! и @Никто Такой"
    assert f'href="/communities/people/{olga.pk}/"' in post.body_html


def test_a_forged_label_is_replaced_by_the_persons_real_name_and_a_reference_to_nobody_is_text(
    topic, olga, anna
):
    post = services.post_create(
        topic=topic, author=anna, body=f"@[Администратор](user:{olga.pk}) и @[Призрак](user:999999)"
    )
    assert post.body == f"{ref(olga)} и @Призрак"


def test_two_members_of_one_name_are_never_guessed(club, topic, anna):
    member(club, TeacherFactory(full_name="Ольга Бондаренко"))
    member(club, TeacherFactory(full_name="Ольга Бондаренко"))
    post = services.post_create(topic=topic, author=anna, body="@Ольга Бондаренко, привет")
    assert post.body == "@Ольга Бондаренко, привет"


# --- who is told ------------------------------------------------------------------------------------


def test_the_mentioned_member_is_told_and_a_quote_of_that_post_tells_nobody_again(
    topic, olga, anna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.post_create(topic=topic, author=anna, body=f"{ref(olga)}, как вы объясняете?")
    assert _mentions(olga) == [
        (
            "Анна Иванова mentioned you in “Дроби в 5 классе”",
            f"/communities/t/{topic.pk}/?page=1#post-{first.number}",
        )
    ]
    quoting = member(topic.community, TeacherFactory(full_name="Пётр Сидоров"))
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            topic=topic, author=quoting, body=f"> **Анна:**\n> {ref(olga)}, как?\n\nСогласен"
        )
    assert len(_mentions(olga)) == 1


def test_a_non_member_mentioned_in_an_open_community_is_told_with_the_topics_link(
    topic, anna, django_capture_on_commit_callbacks
):
    guest = TeacherFactory(full_name="Ирина Гость")
    district = CommunityFactory(name="Методисты района")
    member(district, guest)
    member(district, anna)  # they know each other from another community
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(topic=topic, author=anna, body=f"Позовём {ref(guest)}?")
    assert _mentions(guest) == [
        (
            "Анна Иванова mentioned you in “Дроби в 5 классе”",
            f"/communities/t/{topic.pk}/?page=1#post-{post.number}",
        )
    ]


def test_an_outsider_mentioned_in_a_closed_community_learns_nothing(django_capture_on_commit_callbacks):
    closed = CommunityFactory(is_closed=True)
    insider = member(closed, TeacherFactory(full_name="Анна Иванова"))
    outsider = TeacherFactory(full_name="Ирина Чужая")
    district = CommunityFactory(name="Методисты района")
    member(district, outsider)
    member(district, insider)  # the reference stays: they know each other, yet nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(
            community=closed, author=insider, title="Секретная тема", body=f"Привет, {ref(outsider)}"
        )
        post = services.post_create(topic=topic, author=insider, body=f"Ещё раз {ref(outsider)}")
    assert post.body == f"Ещё раз {ref(outsider)}"
    assert Notification.objects.filter(recipient=outsider).count() == 0


def test_an_id_typed_by_hand_reveals_no_strangers_name_and_sends_them_nothing(
    topic, anna, django_capture_on_commit_callbacks
):
    stranger = TeacherFactory(full_name="Секретная Фамилия")
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(topic=topic, author=anna, body=f"Кто это? @[?](user:{stranger.pk})")
    assert post.body == "Кто это? @?"
    assert "Секретная" not in post.body_html
    assert Notification.objects.filter(recipient=stranger).count() == 0


# --- the autocomplete ------------------------------------------------------------------------------


def _suggest(client, club, q):
    return client.get(reverse("communities:mention_suggestions", args=[club.slug]), {"q": q})


def test_the_autocomplete_offers_members_by_name_case_insensitively_and_never_their_address(
    client, club, olga, anna
):
    member(club, TeacherFactory(full_name="Борис Петров"))
    TeacherFactory(full_name="Ольга Бондарева")  # not a member
    client.force_login(anna)
    response = _suggest(client, club, "бон")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="list-group-item list-group-item-action mention-option"') == 1
    assert f'data-mention="@[Ольга Бондаренко](user:{olga.pk})"' in page
    assert "o.bond" not in page and "@example.org" not in page
    assert (
        "В сообществе нет участника с именем «Зинаида»." in _suggest(client, club, "Зинаида").content.decode()
    )


def test_the_autocomplete_is_for_members_only(client, club, olga):
    client.force_login(TeacherFactory())
    assert _suggest(client, club, "Бон").status_code == 403
    closed = CommunityFactory(is_closed=True)
    member(closed, TeacherFactory(full_name="Ольга Бондаренко"))
    assert _suggest(client, closed, "Бон").status_code == 404
    client.logout()
    assert _suggest(client, club, "Бон").status_code == 302


def test_the_autocomplete_is_rate_limited(client, settings, club, anna, clock):
    settings.RATE_LIMITS = "mention=2/m"
    client.force_login(anna)
    assert [_suggest(client, club, "О").status_code for _ in range(3)] == [200, 200, 429]


def test_the_autocomplete_costs_the_same_queries_for_few_and_many_members(
    client, club, anna, django_assert_max_num_queries
):
    client.force_login(anna)
    for count in (2, 30):
        for number in range(count):
            member(club, TeacherFactory(full_name=f"Ольга Вариант{number}"))
        with django_assert_max_num_queries(8):
            assert _suggest(client, club, "Ольга").status_code == 200


# --- the user card and the member list ------------------------------------------------------------


def test_the_card_shows_name_school_and_subject_to_someone_sharing_a_community(client, olga, anna):
    olga.subjects.add(SubjectFactory(name="Математика"))
    client.force_login(anna)
    response = client.get(reverse("communities:user_card", args=[olga.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ольга Бондаренко" in page and str(olga.school) in page and "Математика" in page
    assert "o.bond" not in page


def test_a_strangers_card_by_url_is_404(client, olga):
    stranger = TeacherFactory()
    other_club = CommunityFactory()
    member(other_club, stranger)
    client.force_login(stranger)
    assert client.get(reverse("communities:user_card", args=[olga.pk])).status_code == 404
    assert client.get(reverse("communities:user_card", args=[999999])).status_code == 404
    # a former member shares nothing any more
    client.force_login(olga)
    assert client.get(reverse("communities:user_card", args=[stranger.pk])).status_code == 404


def test_the_member_list_shows_names_and_avatars_never_address_parts(
    client, club, olga, anna, django_assert_max_num_queries
):
    client.force_login(anna)
    for count in (3, 40):
        for number in range(count):
            member(club, TeacherFactory(email=f"secret.handle{count}.{number}@example.org"))
        with django_assert_max_num_queries(12):
            response = client.get(reverse("communities:members", args=[club.slug]))
        page = response.content.decode()
        assert "secret.handle" not in page and "o.bond" not in page
        assert "Ольга Бондаренко" in page
        assert 'class="avatar avatar-md' in page


def test_posts_show_the_authors_avatar_and_a_link_to_their_card(client, topic, anna):
    client.force_login(anna)
    page = client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    assert f'href="/communities/people/{anna.pk}/">Анна Иванова</a>' in page
    assert f'avatar-c{anna.pk % 12}" aria-hidden="true">АИ</span>' in page
    assert Post.objects.filter(topic=topic).count() == 1


def test_the_demo_mentions_colleagues_by_name_and_its_quote_notifies_nobody_again():
    from communities.demo import MENTION_TOPICS, _with_mentions

    cast = [TeacherFactory(full_name=f"Учитель Номер{n}") for n in range(6)]
    for _slug, _title, posts in MENTION_TOPICS:
        for _author, text in posts:
            body = _with_mentions(text, cast)
            assert "@{" not in body
            assert 'class="mention"' in markup.render(body, profile="post")
    quoting = _with_mentions(MENTION_TOPICS[0][2][1][1], cast)
    assert markup.mentioned_user_ids(quoting) == [cast[1].pk]


def test_nobody_is_shown_by_their_address_not_even_without_a_name(client, club, topic, anna):
    nameless = member(club, TeacherFactory(full_name="", email="hidden.person@example.org"))
    services.post_create(topic=topic, author=nameless, body="Согласна с коллегами")
    moderator = member(club, TeacherFactory(full_name="Модератор Клуба"), role="moderator")
    closed = CommunityFactory(is_closed=True, slug="closed")
    member(closed, moderator, role="moderator")
    services.membership_join(
        community=closed, user=TeacherFactory(full_name="", email="applicant.x@example.org")
    )
    client.force_login(moderator)
    pages = [
        client.get(reverse("communities:topic", args=[topic.pk])),
        client.get(reverse("communities:detail", args=[club.slug])),
        client.get(reverse("communities:members", args=[club.slug])),
        client.get(reverse("communities:members", args=[closed.slug])),
        client.get("/api/v1/community-posts/", {"topic": topic.pk}),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200, 200, 200]
    for page in pages:
        text = page.content.decode()
        assert "hidden.person" not in text and "applicant.x" not in text
    assert f"Participant #{nameless.pk}" in pages[2].content.decode()
    assert {"id": nameless.pk, "name": f"Participant #{nameless.pk}"} in [
        post["author"] for post in pages[4].json()["results"]
    ]


def test_the_topic_list_shows_the_authors_avatar(client, club, topic, anna):
    client.force_login(anna)
    page = client.get(reverse("communities:detail", args=[club.slug])).content.decode()
    avatar = f'<span class="avatar avatar-sm avatar-c{anna.pk % 12}" aria-hidden="true">АИ</span>'
    row = page[page.index(avatar) :]
    assert row.startswith(avatar + ' <span class="topic-started">')
    assert "Анна Иванова</span>" in row[: row.index("</span>", len(avatar)) + 7]


def test_the_card_costs_the_same_queries_however_many_communities_are_shared(
    client, club, olga, anna, django_assert_max_num_queries
):
    client.force_login(anna)
    for count in (1, 15):
        for _ in range(count):
            other = CommunityFactory()
            member(other, olga)
            member(other, anna)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("communities:user_card", args=[olga.pk])).status_code == 200


def test_an_edit_resolves_a_typed_name_too(topic, olga, anna):
    post = services.post_create(topic=topic, author=anna, body="Спасибо всем")
    edited = services.post_edit(post=post, by=anna, body="Спасибо, @Ольга Бондаренко")
    assert edited.body == f"Спасибо, {ref(olga)}"
    assert 'class="mention"' in edited.body_html
