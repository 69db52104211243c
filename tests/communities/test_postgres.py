"""PostgreSQL-only behaviour: full-text search with ranking and headlines, trigram suggestions, row locks."""

import threading

import pytest
from django.db import connection, connections

from communities import selectors, services
from communities.models import Registration, RegistrationStatus

from ..conftest import requires_postgres
from .factories import CommunityFactory, EventFactory, member

pytestmark = [requires_postgres(), pytest.mark.postgres]


@pytest.mark.django_db
def test_trigram_extension_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_search_ranks_title_matches_first_and_escapes_headlines():
    club = CommunityFactory()
    author = member(club)
    weak = services.topic_create(
        community=club, author=author, title="Разное", body="Кстати, проектная деятельность тоже бывает."
    )
    strong = services.topic_create(
        community=club,
        author=author,
        title="Проектная деятельность в 5 классе",
        body="Как организовать <script>alert(1)</script> проектная работа, если 1 < 2 & 3 > 2?",
    )
    results = selectors.post_search(author, query="проектная")
    assert [p.topic_id for p in results] == [strong.pk, weak.pk]
    snippet = str(results[0].snippet)
    assert "<mark>проектная</mark>" in snippet.lower() and "<script" not in snippet
    assert "1 &lt; 2 &amp; 3 &gt; 2" in snippet
    assert selectors.post_search(author, query="отсутствует") == []


@pytest.mark.django_db
def test_suggestions_find_similar_titles_with_typos():
    club = CommunityFactory()
    author = member(club)
    target = services.topic_create(
        community=club, author=author, title="Как готовить детей к ВПР по математике", body="... text"
    )
    services.topic_create(community=club, author=author, title="Экскурсия в музей", body="... text")
    other_club = CommunityFactory()
    services.topic_create(
        community=other_club,
        author=member(other_club),
        title="Подготовка к ВПР по математике",
        body="... text",
    )
    found = selectors.topic_suggestions(author, community=club, title="подготовка к впр математка")
    assert [t.pk for t in found] == [target.pk]


@pytest.mark.django_db(transaction=True)
def test_registration_limit_holds_under_concurrency():
    club = CommunityFactory()
    event = EventFactory(community=club, capacity=3)
    people = [member(club) for _ in range(8)]
    errors = []
    barrier = threading.Barrier(len(people))

    def register(user):
        try:
            barrier.wait(timeout=30)
            services.event_register(event=event, user=user)
        except services.CommunityError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    event.refresh_from_db()
    placed = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    assert event.registered_count == 3 == placed.count()
    assert Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).count() == 5
    assert errors == []  # the late ones wait in line, none is refused


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_the_queue_in_order_and_never_overbook():
    club = CommunityFactory()
    event = EventFactory(community=club, capacity=2)
    placed = [member(club) for _ in range(2)]
    queued = [member(club) for _ in range(4)]
    for person in [*placed, *queued]:
        services.event_register(event=event, user=person)
    barrier = threading.Barrier(len(placed) + 1)

    def cancel(user):
        try:
            barrier.wait(timeout=30)
            services.event_unregister(event=event, user=user)
        finally:
            connections.close_all()

    def late_register(user):
        try:
            barrier.wait(timeout=30)
            services.event_register(event=event, user=user)
        finally:
            connections.close_all()

    late = member(club)
    threads = [threading.Thread(target=cancel, args=(p,)) for p in placed]
    threads.append(threading.Thread(target=late_register, args=(late,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    event.refresh_from_db()
    statuses = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert event.registered_count == 2
    assert [u.pk for u in queued if statuses[u.pk] == RegistrationStatus.REGISTERED] == [
        queued[0].pk,
        queued[1].pk,
    ]
    assert statuses[late.pk] == RegistrationStatus.WAITING
