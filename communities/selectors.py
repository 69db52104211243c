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
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
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
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import markup
from core.caching import scope_token
from core.search import fold_text

from .models import (
    REACTION_EMOJI,
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
    PostRevision,
    Reaction,
    ReactionKind,
    Registration,
    RegistrationStatus,
    Report,
    Tag,
    Topic,
    TopicFollow,
    TopicInvolvement,
    TopicRead,
)
from .search import search_query as forum_search_query

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
            unread_topics=_unread_topics_in_community(user),
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


def mention_candidates(community: Community, *, query: str, limit: int = 8) -> list[Membership]:
    """The @ autocomplete: active members of the community whose name contains every typed word (case-
    and ё-insensitive on every database), by name; one query. Names only: never a part of an e-mail."""
    words = fold_text(query).split()[:4]
    if not words or len(query) > 100:
        return []
    qs = Membership.objects.filter(
        community=community, state=MemberState.ACTIVE, user__is_active=True
    ).exclude(user__full_name="")
    for word in words:
        qs = qs.filter(user__full_name__fold=word)
    return list(qs.select_related("user", "user__school").order_by("user__full_name", "user_id")[:limit])


@dataclass
class UserCard:
    person: Any
    shared_communities: list[Community]


def user_card_for(viewer, *, pk: int) -> UserCard:
    """A person's card (name, school, subjects, the communities both are in) for someone who shares an
    active membership of a community with them, or for themselves; DoesNotExist otherwise (a 404: a
    stranger's card by URL tells nothing, not even that the id exists). Three queries."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(pk=pk, is_active=True)
    if not _authenticated(viewer):
        raise get_user_model().DoesNotExist
    if not viewer.is_superuser and viewer.pk != pk:
        people = people.filter(
            community_memberships__state=MemberState.ACTIVE,
            community_memberships__community_id__in=active_community_ids(viewer),
        )
    person = (
        people.select_related("school", "school__municipality").prefetch_related("subjects").distinct().get()
    )
    shared = (
        Community.objects.filter(memberships__user=person, memberships__state=MemberState.ACTIVE)
        .filter(pk__in=active_community_ids(viewer))
        .order_by("name")
    )
    return UserCard(person=person, shared_communities=list(shared[:20]))


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


# --- Reading: what the following level counts and shows (the rule, communities/README.md) ----------
# A topic's level is the person's own for it (TopicFollow), else their community's (Membership), else
# normal. muted: hidden from the lists, never counted. normal: counted only when they took part in
# the topic or were mentioned in it (TopicInvolvement, services.topic_involve). tracking and watching:
# every post after their read marker counts (a topic never opened: all of its posts).
# The badges (communities list, navbar, cabinet) count *topics* with unread posts, the same topics the
# Unread view lists; hidden topics count for nobody.

FORUM_SCOPE = "communities-forum"  # renewed by every new, hidden or moved post or topic (scopes.py)
READING_VIEWS = ("latest", "new", "unread")


def reader_scope(user_id: int) -> str:
    """Renewed when the person's read markers, levels or involvements change (services, scopes.py)."""
    return f"communities-reader:{user_id}"


def with_reading(user, qs: QuerySet[Topic]) -> QuerySet:  # annotated: my_level, last_read, unread
    """`my_level`, `last_read` (None: never opened) and the counted `unread` posts, as subqueries of the
    same query: constant queries at any size."""
    mine = {"topic": OuterRef("pk"), "user": user}
    community_level = Membership.objects.filter(community=OuterRef("community_id"), user=user)
    qs = qs.annotate(
        last_read=Subquery(TopicRead.objects.filter(**mine).values("last_read_number")[:1]),
        my_level=Coalesce(
            Subquery(TopicFollow.objects.filter(**mine).values("level")[:1]),
            Subquery(community_level.values("level")[:1]),
            Value(FollowLevel.NORMAL),
        ),
        my_involved=Exists(TopicInvolvement.objects.filter(**mine)),
    )
    return qs.annotate(
        unread=Case(
            When(my_level=FollowLevel.MUTED, then=Value(0)),
            When(Q(my_level=FollowLevel.NORMAL) & Q(my_involved=False), then=Value(0)),
            default=ExpressionWrapper(
                F("post_count") - Coalesce(F("last_read"), 0), output_field=IntegerField()
            ),
            output_field=IntegerField(),
        )
    )


def topic_list_for(user, *, community: Community, access: Access, muted: bool = False) -> QuerySet[Topic]:
    """Topics of a community with their first author, last poster and the user's counted unread posts,
    in one query. Muted topics are left out (`muted=True`: only they, to unmute one)."""
    topics = Topic.objects.filter(community=community).select_related("author", "last_poster")
    if not access.is_moderator:
        topics = topics.filter(is_hidden=False)
    qs = with_reading(user, topics)
    qs = qs.filter(my_level=FollowLevel.MUTED) if muted else qs.exclude(my_level=FollowLevel.MUTED)
    return qs.order_by("-is_pinned", "-last_post_at", "-pk")


def muted_topic_count(user, *, community: Community) -> int:
    if not _authenticated(user):
        return 0
    return (
        with_reading(user, Topic.objects.filter(community=community, is_hidden=False))
        .filter(my_level=FollowLevel.MUTED)
        .count()
    )


def _my_topics(user) -> QuerySet:
    """Topics of the communities the person is an active member of (not hidden), with their reading."""
    qs = Topic.objects.filter(community_id__in=active_community_ids(user), is_hidden=False)
    return with_reading(user, qs)


def topics_reading_for(user, *, view: str) -> QuerySet[Topic]:
    """Latest (every topic not muted, by last activity), New (never opened, newest first) and Unread
    (counted unread posts, by last activity) across all the person's communities."""
    if not _authenticated(user):
        return Topic.objects.none()
    qs = (
        _my_topics(user)
        .exclude(my_level=FollowLevel.MUTED)
        .select_related("community", "author", "last_poster")
    )
    if view == "new":
        return qs.filter(last_read__isnull=True).order_by("-created_at", "-pk")
    if view == "unread":
        return qs.filter(unread__gt=0).order_by("-last_post_at", "-pk")
    return qs.order_by("-last_post_at", "-pk")


def unread_topic_count(user) -> int:
    """How many topics of the person's communities have counted unread posts: one COUNT query."""
    if not _authenticated(user):
        return 0
    return _my_topics(user).filter(unread__gt=0).count()


UNKNOWN = -1  # not in the cache: a page shows a placeholder that asks views.unread_badge for it


def unread_topic_count_cached(user, *, compute: bool = True) -> int:
    """The navbar's and the cabinet's badge: kept in the cache under the tokens of what it counts (any
    new or hidden post; the person's memberships, markers, levels and involvements), so it is counted
    once per change. `compute=False` (what every page asks): never a query, UNKNOWN when not cached."""
    if not _authenticated(user):
        return 0
    token = scope_token(FORUM_SCOPE, f"person:{user.pk}", reader_scope(user.pk))
    key = f"communities-unread:{user.pk}:{token}"
    count = cache.get(key)
    if count is None:
        if not compute:
            return UNKNOWN
        count = unread_topic_count(user)
        cache.set(key, count, 3600)
    return int(count)


def _unread_topics_in_community(user):
    topics = (
        _my_topics(user)
        .filter(community=OuterRef("pk"), unread__gt=0)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(topics), 0)


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
        .order_by("number")
    )


def topic_post_states(user, *, topic: Topic, page: int, per_page: int = POSTS_PER_PAGE) -> list[dict]:
    """What a page's posts' cached renderings are keyed on (see topic_posts_page for the posts themselves):
    a light query, so a page whose posts are all cached reads no post bodies, authors or attachments."""
    first = (page - 1) * per_page + 1
    rows = (
        Post.objects.filter(topic=topic, number__gte=first, number__lt=first + per_page)
        .order_by("number")
        .values(
            "pk",
            "number",
            "author_id",
            "created_at",
            "edited_at",
            "is_hidden",
            "deleted_at",
            "useful_count",
        )
    )
    return [dict(row) for row in rows]


def post_may_notify(post: Post) -> bool:
    """Whether a new post can concern anyone (post_send_notifications decides who): a mention, a reply,
    a watcher of the topic or the community, or a new topic. Most replies concern nobody, and a job that
    sends nothing still costs the worker a task."""
    if post.number == 1 or post.reply_to_id or markup.has_mention(post.body):
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


def edit_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.COMMUNITIES_EDIT_WINDOW_HOURS)


def post_may_edit(user, post: Post, access: Access) -> bool:
    """Moderators edit any post that is not deleted; its author, a member, within the edit window
    (COMMUNITIES_EDIT_WINDOW_HOURS after posting) and not in a locked topic."""
    if post.deleted_at is not None or not access.is_member:
        return False
    if access.is_moderator:
        return True
    return (
        post.author_id == user.pk
        and not post.topic.is_locked
        and timezone.now() - post.created_at <= edit_window()
    )


def post_edit_refusal(user, post: Post, access: Access) -> str:
    """Why post_may_edit said no, in the user's words."""
    if post.deleted_at is not None:
        return _("This post is deleted.")
    if post.author_id != user.pk:
        return _("You can edit only your own posts.")
    if not access.is_member:
        return _("Only members of this community can do this.")
    if post.topic.is_locked:
        return _("This topic is closed for new replies.")
    return _("Posts can be edited within %(hours)d hours of posting; this time has passed.") % {
        "hours": settings.COMMUNITIES_EDIT_WINDOW_HOURS
    }


def post_may_delete(user, post: Post, access: Access) -> bool:
    """A reply (not the question, post #1) that is not deleted yet: by its author (a member) or a moderator."""
    if post.deleted_at is not None or post.number == 1 or not access.is_member:
        return False
    return access.is_moderator or post.author_id == user.pk


def reaction_summaries(user, post_ids: Sequence[int]) -> dict[int, list[dict]]:
    """For each post, every reaction kind with its count and whether `user` gave it: one GROUP BY query."""
    counts: dict[int, dict[str, tuple[int, bool]]] = {pk: {} for pk in post_ids}
    if post_ids:
        rows = (
            Reaction.objects.filter(post_id__in=post_ids)
            .values("post_id", "kind")
            .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=getattr(user, "pk", None))))
            .order_by()
        )
        for row in rows:
            counts[row["post_id"]][row["kind"]] = (row["n"], bool(row["mine"]))
    return {
        pk: [
            {
                "kind": kind.value,
                "emoji": REACTION_EMOJI[kind],
                "label": kind.label,
                "count": by_kind.get(kind.value, (0, False))[0],
                "mine": by_kind.get(kind.value, (0, False))[1],
            }
            for kind in ReactionKind
        ]
        for pk, by_kind in counts.items()
    }


REACTORS_SHOWN = 50  # names per kind on the who-reacted list; the rest as "and N more"


def post_reactors(post: Post) -> list[dict]:
    """Who reacted to a post, per kind: names (never e-mail addresses), newest first, at most
    REACTORS_SHOWN each: two queries whatever the numbers."""
    totals = dict(
        Reaction.objects.filter(post=post).values("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    ranked = (
        Reaction.objects.filter(post=post)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("kind")], order_by=[F("created_at").desc(), F("pk").desc()]
            )
        )
        .values("kind", "rank", "user__full_name", "user_id")
    )
    names: dict[str, list[dict]] = {kind.value: [] for kind in ReactionKind}
    for row in ranked:
        if row["rank"] <= REACTORS_SHOWN:
            names[row["kind"]].append({"user_id": row["user_id"], "name": row["user__full_name"]})
    return [
        {
            "kind": kind.value,
            "emoji": REACTION_EMOJI[kind],
            "label": kind.label,
            "people": names[kind.value],
            "more": max(totals.get(kind.value, 0) - REACTORS_SHOWN, 0),
        }
        for kind in ReactionKind
        if totals.get(kind.value)
    ]


def post_revisions(post: Post) -> QuerySet[PostRevision]:
    """A post's earlier texts, newest first, with who changed them (moderators' view)."""
    return PostRevision.objects.filter(post=post).select_related("edited_by").order_by("-edited_at", "-pk")


def reports_resolved_for(community: Community, limit: int = 20) -> list[Report]:
    """The community's latest handled reports, with who handled them and when."""
    return list(
        Report.objects.filter(post__topic__community=community, resolved_at__isnull=False)
        .select_related("post", "post__topic", "post__author", "reporter", "resolved_by")
        .order_by("-resolved_at", "-pk")[:limit]
    )


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
    qs = posts_visible_to(user).filter(is_hidden=False, topic__is_hidden=False, deleted_at__isnull=True)
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
    qs = qs.annotate(
        registered=Exists(_places().filter(event=OuterRef("pk"), user=user)),
        waiting=Exists(_waiting().filter(event=OuterRef("pk"), user=user)),
    )
    return qs.filter(ends_at__lt=now).order_by("-starts_at") if past else qs.filter(ends_at__gte=now)


def event_get_for(user, *, pk: int) -> Event:
    return events_visible_to(user).select_related("created_by").get(pk=pk)


def _places() -> QuerySet[Registration]:
    """Registrations holding a place (the waiting list is not registered: no join link, no feed entry)."""
    return Registration.objects.filter(status=RegistrationStatus.REGISTERED)


def _waiting() -> QuerySet[Registration]:
    return Registration.objects.filter(status=RegistrationStatus.WAITING)


def event_is_registered(user, event: Event) -> bool:
    return _places().filter(event=event, user=user).exists()


def event_registration_of(user, event: Event) -> tuple[Registration | None, int | None]:
    """The person's registration and, when they wait, their place in the queue (1 = next to get a place)."""
    if not _authenticated(user):
        return None, None
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is None or registration.status != RegistrationStatus.WAITING:
        return registration, None
    ahead = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return registration, ahead.count() + 1


def event_may_manage(user, event: Event, access: Access) -> bool:
    """The registration list and the edit form: the community's moderators and the event's organiser."""
    return access.is_moderator or (access.is_member and event.created_by_id == user.pk)


def event_registrations(event: Event, *, status: str) -> QuerySet[Registration]:
    """One list of an event (registered, or the waiting list), in the order people asked."""
    return (
        Registration.objects.filter(event=event, status=status)
        .select_related("user", "user__school")
        .order_by("created_at", "pk")
    )


def event_waiting_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).count()


def events_upcoming_for(user, limit: int = 5) -> list[Event]:
    """The cabinet: upcoming events of the user's communities and the ones they registered for."""
    if not _authenticated(user):
        return []
    mine = Registration.objects.filter(event=OuterRef("pk"), user=user)
    placed = _places().filter(event=OuterRef("pk"), user=user)
    return list(
        events_visible_to(user)
        .filter(Q(community_id__in=active_community_ids(user)) | Q(Exists(mine)), ends_at__gte=timezone.now())
        .annotate(
            registered=Exists(placed), waiting=Exists(_waiting().filter(event=OuterRef("pk"), user=user))
        )
        .order_by("starts_at")[:limit]
    )


def events_for_feed(community: Community) -> QuerySet[Event]:
    since = timezone.now() - dt.timedelta(days=180)
    return Event.objects.filter(community=community, ends_at__gte=since).order_by("starts_at")


# --- Attachments ----------------------------------------------------------------------------------


def attachment_get_for(user, *, pk: int) -> Attachment:
    """A file is readable exactly when its post or material is."""
    return Attachment.objects.filter(
        Q(post__in=posts_visible_to(user).filter(deleted_at__isnull=True))
        | Q(material__community__in=communities_readable_by(user))
    ).get(pk=pk)


def events_registered_by(user) -> QuerySet[Event]:
    """The events the person registered for, in communities they may still read (the personal feed)."""
    since = timezone.now() - dt.timedelta(days=180)
    return Event.objects.filter(
        registrations__user=user,
        registrations__status=RegistrationStatus.REGISTERED,
        community__in=communities_readable_by(user),
        ends_at__gte=since,
    ).order_by("starts_at", "pk")
