"""Reads scoped to the acting user. A closed community's content is readable by its active members only.

Two scopes: *listed* communities (what the catalogue shows: every open or closed club, so that a
teacher can ask to join; cohort spaces only to their members) and *readable* communities (whose
topics, posts, materials, events, members and files the user may see).

One file: every read here goes through the two scopes defined at the top (listed and readable
communities, `Access`); kept in one module, the privacy boundary of the communities is audited in one
read.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import (
    Attachment,
    Community,
    CommunityKind,
    Draft,
    Event,
    FollowLevel,
    Material,
    MaterialComment,
    MemberRole,
    Membership,
    MemberState,
    Post,
    Reaction,
    Registration,
    Report,
    Tag,
    Topic,
    TopicFollow,
    TopicRead,
)
from .search import search_query as forum_search_query
from .text import mentioned_handles

POSTS_PER_PAGE = 20


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def active_community_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, state=MemberState.ACTIVE).values("community_id")


def moderated_community_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, state=MemberState.ACTIVE, role=MemberRole.MODERATOR).values(
        "community_id"
    )


def communities_readable_by(user) -> QuerySet[Community]:
    if not _authenticated(user):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(Q(is_closed=False) | Q(pk__in=active_community_ids(user)))


def communities_listed_for(user) -> QuerySet[Community]:
    """The catalogue: open and closed communities, cohort spaces only for their members."""
    if not _authenticated(user):
        return Community.objects.none()
    qs = Community.objects.select_related("subject")
    if user.is_superuser:
        return qs
    return qs.filter(~Q(kind=CommunityKind.COHORT) | Q(pk__in=active_community_ids(user)))


def _space_links(user, cohort_filter: Q) -> list[dict]:
    """Links to the cohort spaces (matching `cohort_filter`) in which `user` is an active member."""
    if not _authenticated(user):
        return []
    spaces = Community.objects.filter(
        cohort_filter, kind=CommunityKind.COHORT, pk__in=active_community_ids(user)
    ).order_by("pk")
    return [
        {"label": _("Cohort discussion"), "url": reverse("communities:detail", args=[space.slug])}
        for space in spaces
    ]


def cohort_space_links(enrollment) -> list[dict]:
    """The player's hook (cohorts.hooks): the cohort's space, for a teacher who is a member of it."""
    return _space_links(enrollment.teacher, Q(cohort_id=enrollment.cohort_id))


def course_page_links(request, course) -> dict:
    """The course page's hook (courses.hooks): the spaces of the viewer's cohorts of this course."""
    return {"related_links": _space_links(request.user, Q(cohort__course_id=course.pk))}


def community_catalogue_for(user, *, kind: str = "", query: str = "") -> QuerySet[Community]:
    """Counted per listed row (a subquery), not by joining every membership: a page costs the same at any size."""
    my_membership = Membership.objects.filter(user=user)
    active_members = (
        Membership.objects.filter(community=OuterRef("pk"), state=MemberState.ACTIVE)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        communities_listed_for(user)
        .annotate(
            member_count=Coalesce(Subquery(active_members), 0),
            my_state=Subquery(my_membership.filter(community=OuterRef("pk")).values("state")[:1]),
        )
        .order_by("name")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(name__fold=query) | Q(description__fold=query))
    return qs


def may_post_somewhere(user) -> bool:
    """Whether the user may write in at least one community (an active member, or a superuser): the
    Markdown preview serves only them."""
    if not _authenticated(user):
        return False
    return bool(user.is_superuser) or Membership.objects.filter(user=user, state=MemberState.ACTIVE).exists()


def membership_of(user, community: Community) -> Membership | None:
    if not _authenticated(user):
        return None
    return Membership.objects.filter(user=user, community=community).first()


@dataclass
class Access:
    """What the user may do in one community (computed once per request from one membership row)."""

    community: Community
    membership: Membership | None
    is_superuser: bool = False

    @property
    def is_member(self) -> bool:
        return self.is_superuser or (
            self.membership is not None and self.membership.state == MemberState.ACTIVE
        )

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.state == MemberState.PENDING

    @property
    def can_read(self) -> bool:
        return self.is_member or not self.community.is_closed

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or (
            self.membership is not None
            and self.membership.state == MemberState.ACTIVE
            and self.membership.role == MemberRole.MODERATOR
        )


def access_for(user, community: Community, membership: Membership | None | EllipsisType = ...) -> Access:
    if membership is ...:
        membership = membership_of(user, community)
    return Access(
        community=community, membership=membership, is_superuser=bool(getattr(user, "is_superuser", False))
    )


def community_get_for(user, *, slug: str) -> Community:
    """404 (DoesNotExist) for what the user may not even see listed."""
    return communities_listed_for(user).get(slug=slug)


def community_members(community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(community=community, state=MemberState.ACTIVE)
        .select_related("user", "user__school")
        .order_by("-role", "user__full_name", "user__email")
    )


def community_pending_requests(community: Community) -> QuerySet[Membership]:
    return Membership.objects.filter(community=community, state=MemberState.PENDING).select_related("user")


# --- Topics and posts --------------------------------------------------------------------------


def topics_visible_to(user) -> QuerySet[Topic]:
    qs = Topic.objects.filter(community__in=communities_readable_by(user))
    if not _authenticated(user) or user.is_superuser:
        return qs
    return qs.filter(Q(is_hidden=False) | Q(community_id__in=moderated_community_ids(user)))


def posts_visible_to(user) -> QuerySet[Post]:
    qs = Post.objects.filter(topic__in=topics_visible_to(user))
    if not _authenticated(user) or user.is_superuser:
        return qs
    return qs.filter(Q(is_hidden=False) | Q(topic__community_id__in=moderated_community_ids(user)))


def topic_list_for(user, *, community: Community, access: Access) -> QuerySet[Topic]:
    """Topics of a community with their author and the user's unread count, in one query."""
    qs = Topic.objects.filter(community=community).select_related("author")
    if not access.is_moderator:
        qs = qs.filter(is_hidden=False)
    last_read = TopicRead.objects.filter(topic=OuterRef("pk"), user=user).values("last_read_number")[:1]
    return qs.annotate(
        last_read=Subquery(last_read),
        unread=ExpressionWrapper(
            F("post_count") - Coalesce(Subquery(last_read), 0), output_field=IntegerField()
        ),
    ).order_by("-is_pinned", "-last_post_at", "-pk")


def topic_with_access(user, *, pk: int) -> tuple[Topic, Access]:
    """A topic the user may read and their access to its community, in two small queries (the topic
    page's hot path): the same rules as topics_visible_to, applied to the one membership row."""
    mine = {"topic": OuterRef("pk"), "user": user}
    topic = (
        Topic.objects.select_related("community")
        .annotate(  # the reader's read marker, following level and draft come along (None when never set)
            my_last_read=Subquery(TopicRead.objects.filter(**mine).values("last_read_number")[:1]),
            my_follow_level=Subquery(TopicFollow.objects.filter(**mine).values("level")[:1]),
            my_draft=Subquery(Draft.objects.filter(**mine).values("body")[:1]),
            my_draft_reply_to=Subquery(Draft.objects.filter(**mine).values("reply_to_id")[:1]),
        )
        .get(pk=pk)
    )
    access = access_for(user, topic.community)
    if not access.can_read or (topic.is_hidden and not access.is_moderator):
        raise Topic.DoesNotExist
    return topic, access


def topic_get_for(user, *, pk: int) -> Topic:
    return topics_visible_to(user).select_related("community", "author", "solution").get(pk=pk)


def page_count(post_count: int, per_page: int = POSTS_PER_PAGE) -> int:
    return max(1, (post_count + per_page - 1) // per_page)


def page_of_number(number: int, per_page: int = POSTS_PER_PAGE) -> int:
    return max(1, (number - 1) // per_page + 1)


def topic_posts_page(user, *, topic: Topic, page: int, per_page: int = POSTS_PER_PAGE) -> list[Post]:
    """One page of a topic by post number range (an index range scan, no OFFSET): constant queries."""
    first = (page - 1) * per_page + 1
    return list(
        Post.objects.filter(topic=topic, number__gte=first, number__lt=first + per_page)
        .select_related("author", "author__school", "reply_to", "reply_to__author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .annotate(found_useful=Exists(Reaction.objects.filter(post=OuterRef("pk"), user=user)))
        .order_by("number")
    )


def topic_post_states(user, *, topic: Topic, page: int, per_page: int = POSTS_PER_PAGE) -> list[dict]:
    """What a page's posts' cached renderings are keyed on (see topic_posts_page for the posts themselves):
    a light query, so a page whose posts are all cached reads no post bodies, authors or attachments."""
    first = (page - 1) * per_page + 1
    return list(
        Post.objects.filter(topic=topic, number__gte=first, number__lt=first + per_page)
        .annotate(found_useful=Exists(Reaction.objects.filter(post=OuterRef("pk"), user=user)))
        .order_by("number")
        .values("pk", "number", "author_id", "edited_at", "is_hidden", "useful_count", "found_useful")
    )


def post_may_notify(post: Post) -> bool:
    """Whether a new post can concern anyone (post_send_notifications decides who): a mention, a reply,
    a watcher of the topic or the community, or a new topic. Most replies concern nobody, and a job that
    sends nothing still costs the worker a task."""
    if post.number == 1 or post.reply_to_id or mentioned_handles(post.body):
        return True
    watchers = (
        Topic.objects.filter(pk=post.topic_id)
        .annotate(  # both asked in one query
            topic_watched=Exists(
                TopicFollow.objects.filter(topic_id=post.topic_id, level=FollowLevel.WATCHING)
            ),
            community_watched=Exists(
                Membership.objects.filter(
                    community_id=post.topic.community_id, state=MemberState.ACTIVE, level=FollowLevel.WATCHING
                )
            ),
        )
        .values_list("topic_watched", "community_watched")
        .first()
    )
    return any(watchers or ())


def draft_for(user, *, community: Community, topic: Topic | None = None) -> Draft | None:
    """The person's own draft of a reply to `topic` (or of a new topic in `community`): one query."""
    if not _authenticated(user):
        return None
    return Draft.objects.filter(user=user, community=community, topic=topic).first()


def post_get_for(user, *, pk: int) -> Post:
    return posts_visible_to(user).select_related("topic", "topic__community", "author").get(pk=pk)


def reports_open_for(community: Community) -> QuerySet[Report]:
    return (
        Report.objects.filter(post__topic__community=community, resolved_at__isnull=True)
        .select_related("post", "post__topic", "post__author", "reporter")
        .order_by("created_at")
    )


# --- Similar topics and search -------------------------------------------------------------------


def folded(field):  # ё read as е, as the stored vectors and core/search.py's substring match do
    return Func(F(field), Value("Ёё"), Value("Ее"), function="translate", output_field=TextField())


_WORD = re.compile(r"\w{3,}", re.UNICODE)


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def topic_suggestions(user, *, community: Community, title: str, limit: int = 5) -> list[Topic]:
    """Existing topics like the title being typed: trigram + full text on PostgreSQL, words on SQLite."""
    title = title.strip()[:200]
    if len(title) < 4:
        return []
    qs = topics_visible_to(user).filter(community=community, is_hidden=False)
    if _on_postgres():
        from django.contrib.postgres.search import (
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )

        words = _WORD.findall(title)
        query = forum_search_query(" or ".join(words)) if words else None
        qs = qs.annotate(similarity=TrigramWordSimilarity(title, "title"))
        condition = Q(similarity__gte=0.35)
        if query is not None:
            title_vector = SearchVector(folded("title"), config="russian") + SearchVector(
                folded("title"), config="simple"
            )
            qs = qs.annotate(rank=SearchRank(title_vector, query))
            condition |= Q(rank__gt=0.05)
        else:
            qs = qs.annotate(rank=Value(0.0))
        qs = qs.filter(condition).order_by("-similarity", "-rank", "-last_post_at")
    else:
        words = _WORD.findall(title.lower())[:8]
        if not words:
            return []
        condition = Q()
        for word in words:
            condition |= Q(title__fold=word)
        qs = qs.filter(condition).order_by("-last_post_at")
    return list(qs.select_related("community")[:limit])


HL_START, HL_STOP = "\u2063\u2064", "\u2064\u2063"  # invisible sentinels, turned into <mark> after escaping


def _highlight(text: str) -> str:
    """Escape everything, then mark the sentinel-wrapped matches: the snippet can never carry markup."""
    return mark_safe(  # noqa: S308 - the text is escaped first; only our own <mark> tags are added
        escape(text).replace(HL_START, "<mark>").replace(HL_STOP, "</mark>")
    )


def _plain_snippet(body: str, words: list[str], width: int = 220) -> str:
    lower = body.lower()
    positions = [lower.find(w) for w in words if lower.find(w) >= 0]
    start = max(0, min(positions) - 60) if positions else 0
    snippet = body[start : start + width]
    for word in sorted(set(words), key=len, reverse=True):
        snippet = re.sub(
            re.escape(word), lambda m: f"{HL_START}{m.group(0)}{HL_STOP}", snippet, flags=re.IGNORECASE
        )
    return ("…" if start else "") + snippet + ("…" if start + width < len(body) else "")


def post_search(user, *, query: str, limit: int = 20) -> Sequence[Post]:
    """Posts the user may read matching the query, best first, each with a highlighted `snippet`."""
    query = query.strip()[:200]
    words = [w.lower() for w in _WORD.findall(query)][:10]
    if not words:
        return []
    qs = posts_visible_to(user).filter(is_hidden=False, topic__is_hidden=False)
    qs = qs.select_related("topic", "topic__community", "author")
    if _on_postgres():
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        # The stored, GIN-indexed vector (communities/search.py): 'russian' stems, 'simple' exact words.
        search_query = forum_search_query(query)
        qs = qs.filter(search_vector=search_query).annotate(rank=SearchRank(F("search_vector"), search_query))
        results = list(
            qs.annotate(
                headline=SearchHeadline(
                    "body",  # the text as written; ё words highlight when typed with ё
                    search_query,
                    config="russian",
                    start_sel=HL_START,
                    stop_sel=HL_STOP,
                    max_words=35,
                    min_words=15,
                )
            ).order_by("-rank", "-created_at")[:limit]
        )
        for post in results:
            post.snippet = _highlight(post.headline)
            post.page = page_of_number(post.number)
        return results
    condition = Q()
    for word in words:
        condition &= Q(body__fold=word) | Q(topic__title__fold=word)
    found = list(qs.filter(condition).order_by("-created_at")[:limit])
    for hit in found:
        hit.snippet = _highlight(_plain_snippet(hit.body, words))
        hit.page = page_of_number(hit.number)
    return found


# --- Materials ------------------------------------------------------------------------------------

MATERIAL_SORTS = {
    "relevance": ("-rank", "-created_at"),  # only with a search (PostgreSQL ranks; SQLite: newest)
    "useful": ("-rating_sum", "-rating_count", "-created_at"),
    "newest": ("-created_at",),
    "discussed": ("-comment_count", "-created_at"),
    "title": ("title", "pk"),
}


@dataclass(frozen=True)
class MaterialFilter:
    """What the library is narrowed to; empty values narrow nothing (forms.MaterialFilterForm)."""

    query: str = ""
    subject_id: int | None = None
    grade: int | None = None
    kind: str = ""
    tag: str = ""


def materials_for(
    user, *, community: Community, sort: str = "useful", filters: MaterialFilter | None = None
) -> QuerySet[Material]:
    """The library of a community the user may read, narrowed by subject, grade (a material covers
    grade g when g is within its from–to; one grade when only "from" is set), kind, tag and words.
    Words: the stored vector on PostgreSQL (stems, ranked; communities/search.py), each word as a folded
    substring of the title, description or a tag on SQLite. Constant queries per page."""
    filters = filters or MaterialFilter()
    qs = Material.objects.filter(community=community, community__in=communities_readable_by(user))
    if filters.subject_id:
        qs = qs.filter(subject_id=filters.subject_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.grade:
        g = filters.grade
        qs = qs.filter(Q(grade_from__lte=g) & (Q(grade_to__gte=g) | Q(grade_to__isnull=True, grade_from=g)))
    if filters.tag:
        qs = qs.filter(Exists(Tag.objects.filter(materials=OuterRef("pk"), name=filters.tag.strip().lower())))
    query = filters.query.strip()[:200]
    words = [w.lower() for w in _WORD.findall(query)][:10]
    ranked = False
    if words and _on_postgres():
        from django.contrib.postgres.search import SearchRank

        search_query = forum_search_query(query)
        qs = qs.filter(search_vector=search_query).annotate(rank=SearchRank(F("search_vector"), search_query))
        ranked = True
    elif words:
        for word in words:
            tagged = Tag.objects.filter(materials=OuterRef("pk"), name__fold=word)
            qs = qs.filter(Q(title__fold=word) | Q(description__fold=word) | Exists(tagged))
    if sort == "relevance" and not ranked:
        sort = "newest"
    order = MATERIAL_SORTS.get(sort, MATERIAL_SORTS["useful"])
    return (
        qs.select_related("author", "subject")
        .prefetch_related("tags", Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .annotate(comment_count=Count("comments", distinct=True))
        .order_by(*order)
    )


def material_tags_in(community: Community) -> list[str]:
    """The tags used in a community's library, for its filter (one query)."""
    return list(
        Tag.objects.filter(materials__community=community)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def material_get_for(user, *, pk: int) -> Material:
    return (
        Material.objects.filter(community__in=communities_readable_by(user))
        .select_related("community", "author", "subject")
        .prefetch_related("tags", "attachments")
        .get(pk=pk)
    )


def material_comments(material: Material) -> QuerySet[MaterialComment]:
    return material.comments.select_related("author").order_by("created_at")


def material_rating_of(user, material: Material) -> int | None:
    return material.ratings.filter(user=user).values_list("score", flat=True).first()


# --- Events ----------------------------------------------------------------------------------------


def events_visible_to(user) -> QuerySet[Event]:
    return Event.objects.filter(community__in=communities_readable_by(user)).select_related("community")


def events_for_community(user, *, community: Community, past: bool = False) -> QuerySet[Event]:
    now = timezone.now()
    qs = events_visible_to(user).filter(community=community)
    qs = qs.annotate(registered=Exists(Registration.objects.filter(event=OuterRef("pk"), user=user)))
    return qs.filter(ends_at__lt=now).order_by("-starts_at") if past else qs.filter(ends_at__gte=now)


def event_get_for(user, *, pk: int) -> Event:
    return events_visible_to(user).select_related("created_by").get(pk=pk)


def event_is_registered(user, event: Event) -> bool:
    return Registration.objects.filter(event=event, user=user).exists()


def events_upcoming_for(user, limit: int = 5) -> list[Event]:
    """The cabinet: upcoming events of the user's communities and the ones they registered for."""
    if not _authenticated(user):
        return []
    mine = Registration.objects.filter(event=OuterRef("pk"), user=user)
    return list(
        events_visible_to(user)
        .filter(Q(community_id__in=active_community_ids(user)) | Q(Exists(mine)), ends_at__gte=timezone.now())
        .annotate(registered=Exists(mine))
        .order_by("starts_at")[:limit]
    )


def events_for_feed(community: Community) -> QuerySet[Event]:
    since = timezone.now() - dt.timedelta(days=180)
    return Event.objects.filter(community=community, ends_at__gte=since).order_by("starts_at")


# --- Attachments ----------------------------------------------------------------------------------


def attachment_get_for(user, *, pk: int) -> Attachment:
    """A file is readable exactly when its post or material is."""
    return Attachment.objects.filter(
        Q(post__in=posts_visible_to(user)) | Q(material__community__in=communities_readable_by(user))
    ).get(pk=pk)


def events_registered_by(user) -> QuerySet[Event]:
    """The events the person registered for, in communities they may still read (the personal feed)."""
    since = timezone.now() - dt.timedelta(days=180)
    return Event.objects.filter(
        registrations__user=user, community__in=communities_readable_by(user), ends_at__gte=since
    ).order_by("starts_at", "pk")
