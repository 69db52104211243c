"""Writes on communities. Each function states the rule it enforces; views, API, admin and tasks call these.

Rules: only active members write in a community (a closed one is joined by a moderator's approval);
nobody posts in a locked or hidden topic except moderators; posts are numbered under the topic's row
lock; event registration honours the limit under the event's row lock; user text is stored as typed
and rendered once, sanitized, at write time (core/markup.py) BEFORE any transaction opens, so a slow text
never holds a topic's row lock while others wait to reply; uploads are checked by content.

One file: the app's write side; every rule goes through the same access checks and text cleaning at the
top (`_access`, `_require_member`, `_clean_markup`) and raises one CommunityError.
"""

from __future__ import annotations

import functools
import logging
import zoneinfo
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import markup
from core.caching import scopes_changed
from core.i18n import in_language_of, supported_language
from core.ratelimit import rate_limit_hit
from core.search import fold_text
from core.timezones import time_zone_label
from core.uploads import DOCUMENTS, IMAGES, UploadRefused, inspect_upload
from notifications.services import notification_send, notification_withdraw_text

from . import selectors
from .models import (
    Attachment,
    Community,
    CommunityKind,
    Draft,
    Event,
    FollowLevel,
    Material,
    MaterialComment,
    MaterialKind,
    MaterialRating,
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
    validate_time_zone,
)
from .search import refresh_material_vectors, refresh_search_vectors
from .text import typed_mention_words, typed_mentions_resolve

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 5
NOTIFICATION_EXCERPT_LENGTH = 300  # a post in the notification list: its plain text, cut at a word
MENTION_CANDIDATES_MAX = 200  # members read to resolve the typed `@Names` of one post
MENTION_SUGGESTIONS = 8  # names offered by the @ autocomplete
# The shortest texts a member may post (characters, after trimming spaces): "x" is not a topic.
MIN_TITLE_LENGTH = 5
MIN_TOPIC_LENGTH = 5
MIN_REPLY_LENGTH = 2
# What an attachment may be, read from its content (core/uploads.py).
ATTACHMENT_KINDS = (IMAGES | DOCUMENTS) - {"rtf"}


class CommunityError(ValidationError):
    """A community rule was broken; the message is shown to the user as is."""


# --- helpers ---------------------------------------------------------------------------------------


def _access(user, community: Community) -> selectors.Access:
    return selectors.access_for(user, community)


def _require_member(user, community: Community) -> selectors.Access:
    access = _access(user, community)
    if not access.is_member:
        if community.is_closed:
            raise CommunityError(_("Only members of this closed community can do this. Ask to join first."))
        raise CommunityError(_("Join the community first."))
    return access


def _require_moderator(user, community: Community) -> selectors.Access:
    access = _access(user, community)
    if not access.is_moderator:
        raise CommunityError(_("Only the community's moderators can do this."))
    return access


def _clean_text(text: str, *, field: str, max_length: int) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise CommunityError(_("%(field)s cannot be empty.") % {"field": field})
    if len(text) > max_length:
        raise CommunityError(
            _("%(field)s is too long (at most %(max)d characters).") % {"field": field, "max": max_length}
        )
    return text


def _clean_markup(text: str, *, field: str, profile: str = "post", min_length: int = 0) -> str:
    """Text written in Markdown: not empty, at least `min_length` and within its kind's length
    (core/markup profiles)."""
    if not (text or "").replace("\x00", "").strip():
        raise CommunityError(_("%(field)s cannot be empty.") % {"field": field})
    try:
        return markup.check_length(text, profile=profile, min_length=min_length)
    except ValidationError as exc:
        raise CommunityError(exc.messages[0], code=exc.code) from exc


def _mentions_written(text: str, *, community: Community, author) -> str:
    """Mentions as stored: every `@[…](user:id)` carries the person's current name, so a label can never
    pose as someone else. Only people the author may know keep their reference — active members of this
    community, or people who share an active membership with the author (whose card the author may open);
    a reference to anyone else (or nobody) becomes plain text, so an id typed by hand neither reveals a
    stranger's name nor sends them anything. A typed `@Full Name` of exactly one active member of the
    community becomes their reference. Two queries at most, before any transaction; rendering and
    notifications then read only the stable references (core/markup.py)."""
    ids = {int(found) for _label, found in markup.MENTION.findall(text)}
    if ids:
        known = Q(community_memberships__community=community) | Q(
            community_memberships__community__in=selectors.active_community_ids(author)
        )
        names = {
            user.pk: user.display_name
            for user in get_user_model()
            .objects.filter(pk__in=ids, is_active=True)
            .filter(known, community_memberships__state=MemberState.ACTIVE)
            .only("pk", "full_name")
            .distinct()
        }

        def reference(match) -> str:
            user_id = int(match.group(2))
            if user_id in names:
                return markup.mention_reference(user_id, names[user_id])
            return f"@{match.group(1)}"

        text = markup.MENTION.sub(reference, text)
    words = typed_mention_words(text)
    if not words:
        return text
    starts = Q()
    for word in words:
        starts |= Q(user__full_name__fold=word)
    members: dict[str, tuple[int, str] | None] = {}
    for user_id, full_name in (
        Membership.objects.filter(community=community, state=MemberState.ACTIVE, user__is_active=True)
        .filter(starts)
        .exclude(user__full_name="")
        .values_list("user_id", "user__full_name")[:MENTION_CANDIDATES_MAX]
    ):
        name = " ".join(full_name.split())
        key = fold_text(name)
        members[key] = None if key in members else (user_id, name)  # two members of one name: none guessed

    def resolve(typed: str) -> str | None:
        found = members.get(fold_text(typed))
        return None if found is None else markup.mention_reference(*found)

    return typed_mentions_resolve(text, resolve=resolve)


def _clean_title(title: str) -> str:
    title = _clean_text(title, field=_("Title"), max_length=200)
    if len(title) < MIN_TITLE_LENGTH:
        raise CommunityError(
            _("The title is too short: write at least %(min)d characters.") % {"min": MIN_TITLE_LENGTH},
            code="too_short",
        )
    return title


def _attach_files(
    *, files: Sequence, user, post: Post | None = None, material: Material | None = None
) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise CommunityError(_("At most %(count)d files can be attached.") % {"count": MAX_ATTACHMENTS})
    max_bytes = int(getattr(settings, "COMMUNITIES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024))
    checked = []
    for upload in files:
        try:
            checked.append((upload, inspect_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=max_bytes)))
        except UploadRefused as exc:
            raise CommunityError(exc.messages[0]) from exc
    for upload, check in checked:
        # Stored as <random>.<checked extension> (CheckedFileField); the checked content type is kept
        # for serving, the user's name only as display text.
        attachment = Attachment(
            post=post,
            material=material,
            uploaded_by=user,
            original_name=check.display_name,
            content_type=check.content_type,
            extension=check.extension,
            size=check.size,
            is_image=check.is_image,
        )
        try:  # the object first, then the row; the store down: nothing of the post is kept (atomic)
            attachment.file.save(check.display_name, upload, save=False)
        except UploadRefused as exc:
            raise CommunityError(exc.messages[0]) from exc
        attachment.save()


def _notify(
    *,
    recipient,
    kind: str,
    title,
    body="",
    url: str = "",
    dedupe_key: str | None = None,
    body_html: str = "",
):
    """Through the platform's notifications module (preferences: immediately, daily digest, off).
    `title` and `body` may be functions: they are then called in the recipient's language. `body` is plain text;
    a post goes as its excerpt (`body`) and its rendering (`body_html`, for the mail), never as Markdown."""
    if callable(title) or callable(body):
        with in_language_of(recipient):
            title = title() if callable(title) else title
            body = body() if callable(body) else body
    notification_send(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        body_html=body_html,
    )


# --- communities and membership ------------------------------------------------------------------


@transaction.atomic
def community_create(
    *,
    name: str,
    kind: str = CommunityKind.SUBJECT_CLUB,
    is_closed: bool = False,
    description: str = "",
    rules: str = "",
    subject=None,
    slug: str = "",
    moderators: Iterable = (),
) -> Community:
    """A community with its first moderators; a cohort space is always closed (see cohort_community_sync)."""
    name = _clean_text(name, field=_("Name"), max_length=200)
    candidate = _unique_slug(slug or name)
    community = Community(
        name=name,
        slug=candidate,
        kind=kind,
        is_closed=is_closed or kind == CommunityKind.COHORT,
        description=description,
        rules=rules,
        subject=subject,
    )
    community.full_clean()
    community.save()
    for user in moderators:
        Membership.objects.update_or_create(
            community=community,
            user=user,
            defaults={"role": MemberRole.MODERATOR, "state": MemberState.ACTIVE},
        )
    return community


@transaction.atomic
def membership_join(*, community: Community, user, message: str = "") -> Membership:
    """Open: a member at once. Closed: a request that a moderator approves. Cohort spaces follow the cohort."""
    if community.kind == CommunityKind.COHORT:
        raise CommunityError(_("Members of a cohort's community are the cohort's teachers and curators."))
    existing = Membership.objects.select_for_update().filter(community=community, user=user).first()
    if existing is not None:
        return existing
    state = MemberState.PENDING if community.is_closed else MemberState.ACTIVE
    membership = Membership.objects.create(
        community=community, user=user, state=state, request_message=(message or "").strip()[:500]
    )
    if state == MemberState.PENDING:
        url = reverse("communities:members", args=[community.slug])
        for moderator in Membership.objects.filter(
            community=community, role=MemberRole.MODERATOR, state=MemberState.ACTIVE
        ).select_related("user"):
            transaction.on_commit(
                functools.partial(
                    _notify,
                    recipient=moderator.user,
                    kind="community_post",
                    title=lambda: (
                        _("%(user)s asks to join %(community)s")
                        % {"user": user.display_name, "community": community}
                    ),
                    url=url,
                    dedupe_key=f"community-join:{membership.pk}:{moderator.user.pk}",
                )
            )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, by, approve: bool) -> Membership | None:
    """A moderator approves (the person becomes a member) or rejects (the request is removed) a join request."""
    _require_moderator(by, membership.community)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state != MemberState.PENDING:
        raise CommunityError(_("This request has already been decided."))
    if not approve:
        membership.delete()
        return None
    membership.state = MemberState.ACTIVE
    membership.save(update_fields=["state"])
    transaction.on_commit(
        lambda: _notify(
            recipient=membership.user,
            kind="community_post",
            title=lambda: _("You are now a member of %(community)s") % {"community": membership.community},
            url=reverse("communities:detail", args=[membership.community.slug]),
            dedupe_key=f"community-approved:{membership.pk}",
        )
    )
    return membership


@transaction.atomic
def membership_leave(*, community: Community, user) -> None:
    """Anyone may leave, except the last moderator and cohort members (they follow the cohort)."""
    membership = Membership.objects.select_for_update().filter(community=community, user=user).first()
    if membership is None:
        return
    if membership.from_cohort:
        raise CommunityError(_("You are in this community because of your cohort."))
    if membership.role == MemberRole.MODERATOR:
        others = Membership.objects.filter(community=community, role=MemberRole.MODERATOR).exclude(
            pk=membership.pk
        )
        if not others.exists():
            raise CommunityError(_("You are the last moderator; appoint another one before leaving."))
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership: Membership, by, role: str) -> Membership:
    _require_moderator(by, membership.community)
    if role not in MemberRole.values:
        raise CommunityError(_("Unknown role."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state != MemberState.ACTIVE:
        raise CommunityError(_("Approve the request first."))
    if role == MemberRole.MEMBER and membership.role == MemberRole.MODERATOR:
        others = Membership.objects.filter(community=membership.community, role=MemberRole.MODERATOR).exclude(
            pk=membership.pk
        )
        if not others.exists():
            raise CommunityError(_("A community needs at least one moderator."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_set_following(*, community: Community, user, level: str, watch_new_topics: bool) -> Membership:
    """The community-wide level applies to topics the member has not set a level for."""
    if level not in FollowLevel.values:
        raise CommunityError(_("Unknown following level."))
    access = _require_member(user, community)
    membership = access.membership
    if membership is None:  # a superuser who is not a member
        raise CommunityError(_("Join the community first."))
    membership.level = level
    membership.watch_new_topics = bool(watch_new_topics)
    membership.save(update_fields=["level", "watch_new_topics"])
    return membership


# --- topics and posts ------------------------------------------------------------------------------


def topic_create(*, community: Community, author, title: str, body: str, files: Sequence = ()) -> Topic:
    """Members open topics; the first post carries the question. The author tracks the topic.
    A title of at least MIN_TITLE_LENGTH characters, a question of at least MIN_TOPIC_LENGTH; the author's
    new-topic draft in the community is deleted with the same commit.
    The question is rendered before the transaction opens (see the module's docstring).
    Limited per person (PDP_RATE_LIMITS "topic"): past it RateLimited, nothing stored."""
    _require_member(author, community)
    rate_limit_hit(action="topic", key=author.pk)
    title = _clean_title(title)
    body = _clean_markup(body, field=_("Text"), min_length=MIN_TOPIC_LENGTH)
    body = _mentions_written(body, community=community, author=author)
    body_html = markup.render(body, profile="post")
    with transaction.atomic():
        topic = Topic.objects.create(
            community=community, title=title, author=author, last_post_at=timezone.now()
        )
        post = _post_add(
            topic=topic, author=author, body=body, body_html=body_html, files=files, reply_to=None
        )
        Draft.objects.filter(user=author, community=community, topic__isnull=True).delete()
        transaction.on_commit(lambda: _queue_post_notifications(post.pk))
    return topic


def _post_add(
    *,
    topic: Topic,
    author,
    body: str,
    body_html: str,
    files: Sequence,
    reply_to: Post | None,
    locked: bool = False,
) -> Post:
    """Inside the caller's transaction, with the text already checked and rendered (never under the lock).
    `locked`: the caller holds the topic row locked (select_for_update) and passes that fresh row."""
    if not locked:
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
    number = topic.post_count + 1
    post = Post.objects.create(
        topic=topic, number=number, author=author, body=body, body_html=body_html, reply_to=reply_to
    )
    refresh_search_vectors(post_ids=[post.pk])
    if files:
        _attach_files(files=files, user=author, post=post)
    Topic.objects.filter(pk=topic.pk).update(
        post_count=number, last_post_at=post.created_at, last_poster=author
    )
    # the author has read their own post: one upsert (update_or_create took a savepoint and two queries)
    TopicRead.objects.bulk_create(
        [TopicRead(topic=topic, user=author, last_read_number=number)],
        update_conflicts=True,
        unique_fields=["topic", "user"],
        update_fields=["last_read_number"],
    )
    TopicFollow.objects.get_or_create(topic=topic, user=author, defaults={"level": FollowLevel.TRACKING})
    topic_involve(topic=topic, user_ids=[author.pk])
    return post


def topic_involve(*, topic: Topic, user_ids: Iterable[int]) -> None:
    """These people take part in the topic (wrote in it) or were mentioned in it: on the "normal"
    following level such a topic counts as unread for them (selectors.with_reading). Idempotent, one
    statement: one row per person and topic (topic_involvement_unique), a repeat is ignored."""
    ids = sorted({int(pk) for pk in user_ids if pk})
    if not ids:
        return
    TopicInvolvement.objects.bulk_create(
        [TopicInvolvement(topic_id=topic.pk, user_id=pk) for pk in ids], ignore_conflicts=True
    )
    scopes_changed(*(selectors.reader_scope(pk) for pk in ids))


def post_create(
    *, topic: Topic, author, body: str, reply_to: Post | None = None, files: Sequence = ()
) -> Post:
    """A reply of at least MIN_REPLY_LENGTH characters. Members only; not in a locked or hidden topic
    (moderators excepted). The author's draft of a reply to the topic is deleted with the same commit.
    Rendered first, then the transaction opens and the topic's row is locked only to number the post.
    Limited per person (PDP_RATE_LIMITS "post"): past it RateLimited, nothing stored."""
    access = _require_member(author, topic.community)
    rate_limit_hit(action="post", key=author.pk)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise CommunityError(_("You can only reply to a post in the same topic."))
    if (
        topic.is_locked or topic.is_hidden
    ) and not access.is_moderator:  # said first; checked again under the lock
        raise CommunityError(_("This topic is closed for new replies."))
    body = _clean_markup(body, field=_("Text"), min_length=MIN_REPLY_LENGTH)
    body = _mentions_written(body, community=topic.community, author=author)
    body_html = markup.render(body, profile="post")
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if (locked.is_locked or locked.is_hidden) and not access.is_moderator:
            raise CommunityError(_("This topic is closed for new replies."))
        locked.community = topic.community
        post = _post_add(
            topic=locked,
            author=author,
            body=body,
            body_html=body_html,
            files=files,
            reply_to=reply_to,
            locked=True,
        )
        Draft.objects.filter(user=author, topic=topic).delete()
        if selectors.post_may_notify(post):
            transaction.on_commit(lambda: _queue_post_notifications(post.pk))
    return post


def _queue_post_notifications(post_id: int) -> None:
    from .tasks import post_notify  # tasks imports this module

    post_notify.delay(post_id)


# --- drafts -------------------------------------------------------------------------------------


def draft_save(
    *,
    user,
    community: Community,
    topic: Topic | None = None,
    title: str = "",
    body: str = "",
    reply_to_id: int | None = None,
) -> Draft | None:
    """Keep what a member is writing: a reply to `topic`, or a new topic in `community` (topic None).

    Only those who may write there keep drafts; one per person and topic (or community, for a new topic),
    replaced on every save (limited per person: PDP_RATE_LIMITS "draft"). An emptied draft is deleted and
    None returned. Text over the post limit is refused with the limit's message (nothing changes)."""
    _require_member(user, community)
    if topic is not None and topic.community_id != community.pk:
        raise CommunityError(_("You can only reply to a post in the same topic."))
    rate_limit_hit(action="draft", key=user.pk)
    title = (title or "").replace("\x00", "")[:200] if topic is None else ""
    body = (
        (body or "").replace("\x00", "").replace("\r\n", "\n")
    )  # browsers send a textarea's lines with CRLF
    if len(body.strip()) > Draft.MAX_LENGTH:
        raise CommunityError(
            _("The text is too long: %(length)d characters, at most %(max)d.")
            % {"length": len(body.strip()), "max": Draft.MAX_LENGTH},
            code="too_long",
        )
    body = body.rstrip()[: Draft.MAX_LENGTH]
    lookup = {"user": user, "community": community, "topic": topic}
    if not title.strip() and not body.strip():
        Draft.objects.filter(**lookup).delete()
        return None
    reply_to = None
    if topic is not None and reply_to_id:
        reply_to = Post.objects.filter(pk=reply_to_id, topic=topic).first()
    values = {"title": title, "body": body, "reply_to": reply_to, "updated_at": timezone.now()}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                draft, _created = Draft.objects.update_or_create(**lookup, defaults=values)
            return draft
        except IntegrityError:  # saved at the same moment by another request (two tabs): update that one
            continue
    return Draft.objects.get(**lookup)


def post_edit(*, post: Post, by, body: str) -> Post:
    """Authors edit their own posts within COMMUNITIES_EDIT_WINDOW_HOURS of posting (not in a locked topic);
    moderators edit any post at any time (selectors.post_may_edit). Each edit keeps the previous text with
    who and when (PostRevision, shown to moderators); the post shows an "edited" mark."""
    access = _access(by, post.topic.community)
    if not selectors.post_may_edit(by, post, access):
        raise CommunityError(selectors.post_edit_refusal(by, post, access))
    body = _clean_markup(
        body, field=_("Text"), min_length=MIN_TOPIC_LENGTH if post.number == 1 else MIN_REPLY_LENGTH
    )
    body = _mentions_written(body, community=post.topic.community, author=post.author or by)
    if body == post.body:
        return post
    previous = post.body
    post.body = body
    post.body_html = markup.render(body, profile="post")  # before the write, outside any transaction
    post.edited_at = timezone.now()
    with transaction.atomic():  # the new words are found, the old ones not, from the same commit
        PostRevision.objects.create(post=post, body=previous, edited_by=by, edited_at=post.edited_at)
        post.save(update_fields=["body", "body_html", "edited_at"])
        refresh_search_vectors(post_ids=[post.pk])
        _tell_author(post=post, by=by, action="edited")
    return post


def post_delete(*, post: Post, by) -> Post:
    """Authors delete their own replies at any time, moderators any reply (the question, post #1, is not
    deleted: its topic would lose its sense; a moderator hides the topic instead). Soft: the post keeps
    its number and place ("post deleted"), so page numbers, unread counts and replies to it hold; its text
    and rendering are emptied (out of the page, the search and the notifications sent about it), its
    reactions removed, its files no longer served; the last text stays in its history for moderators.
    A moderator's deletion closes the post's open reports and tells the reporters."""
    access = _access(by, post.topic.community)
    if not selectors.post_may_delete(by, post, access):
        if post.is_deleted:
            raise CommunityError(_("This post is already deleted."))
        if post.number == 1:
            raise CommunityError(_("The first post of a topic cannot be deleted; edit it instead."))
        raise CommunityError(_("You can delete only your own posts."))
    now = timezone.now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.deleted_at is not None:
            raise CommunityError(_("This post is already deleted."))
        PostRevision.objects.create(
            post=locked, body=locked.body, edited_by=by, edited_at=now, was_deletion=True
        )
        Reaction.objects.filter(post=locked).delete()
        Post.objects.filter(pk=locked.pk).update(
            body="", body_html="", deleted_at=now, deleted_by=by, useful_count=0, search_vector=None
        )
        Topic.objects.filter(pk=locked.topic_id, solution_id=locked.pk).update(solution=None)
        notification_withdraw_text(dedupe_prefix=f"community-post:{locked.pk}:")
        if access.is_moderator and locked.author_id != by.pk:
            _reports_close(post=locked, by=by, hidden=False)
            _tell_author(post=post, by=by, action="deleted")
    post.refresh_from_db()
    return post


def _reports_close(*, post: Post, by, hidden: bool) -> int:
    """The post's open reports are resolved by `by`, now; each reporter is told (in their language) that
    the moderators acted on the post they reported. Inside the caller's transaction."""
    now = timezone.now()
    reports = list(
        Report.objects.filter(post=post, resolved_at__isnull=True).select_related("reporter").order_by("pk")
    )
    if not reports:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(resolved_at=now, resolved_by=by)
    topic_title = post.topic.title
    url = reverse("communities:topic", args=[post.topic_id])
    for report in reports:
        if hidden:

            def title(topic_title=topic_title):
                return _("The post you reported in “%(topic)s” was hidden by a moderator") % {
                    "topic": topic_title
                }
        else:

            def title(topic_title=topic_title):
                return _("The post you reported in “%(topic)s” was deleted by a moderator") % {
                    "topic": topic_title
                }

        transaction.on_commit(
            functools.partial(
                _notify,
                recipient=report.reporter,
                kind="community_post",
                title=title,
                body=report.reason,
                url=url,
                dedupe_key=f"community-report-closed:{report.pk}",
            )
        )
    return len(reports)


def _tell_author(*, post: Post, by, action: str) -> None:
    """A moderator changed someone else's post (hid, deleted or edited it): its author is told, in their
    language, once per post and action. Inside the caller's transaction (sent on commit)."""
    if post.author_id == by.pk:
        return
    topic_title = post.topic.title
    titles = {
        "hidden": lambda: _("A moderator hid your post in “%(topic)s”") % {"topic": topic_title},
        "deleted": lambda: _("A moderator deleted your post in “%(topic)s”") % {"topic": topic_title},
        "edited": lambda: _("A moderator edited your post in “%(topic)s”") % {"topic": topic_title},
    }
    url = reverse("communities:topic", args=[post.topic_id])
    if action != "deleted":
        url += f"?page={selectors.page_of_number(post.number)}#post-{post.number}"
    stamp = f"{post.edited_at:%Y%m%d%H%M%S%f}" if action == "edited" and post.edited_at else ""
    transaction.on_commit(
        functools.partial(
            _notify,
            recipient=post.author,
            kind="community_post",
            title=titles[action],
            url=url,
            dedupe_key=f"community-post-moderated:{post.pk}:{action}{stamp}",
        )
    )


def topic_title_changed(*, topic: Topic) -> None:
    """After a topic's title was written (the admin): its posts are found by the new title, in the same
    transaction as the write."""
    refresh_search_vectors(topic_ids=[topic.pk])


def post_react(*, post: Post, user, kind: str) -> bool:
    """A member puts one of the fixed reactions (ReactionKind: 👍 useful, ❤️ thanks, 💡 idea, ✅ tried) on
    someone else's post, or takes it back; returns whether it is now on. One of each kind per person
    and post (a DB constraint); "useful" keeps Post.useful_count (ordering, the API). Not on a deleted
    post. Limited per person (PDP_RATE_LIMITS "reaction")."""
    if kind not in ReactionKind.values:
        raise CommunityError(_("Unknown reaction."))
    _require_member(user, post.topic.community)
    if post.author_id == user.pk:
        raise CommunityError(_("You cannot react to your own post."))
    if post.is_deleted:
        raise CommunityError(_("This post is deleted."))
    rate_limit_hit(action="reaction", key=user.pk)
    counter = {"useful_count": F("useful_count") - 1} if kind == ReactionKind.USEFUL else None
    with transaction.atomic():
        deleted, _details = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        if deleted:
            if counter:
                Post.objects.filter(pk=post.pk).update(**counter)
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, user=user, kind=kind)
        except IntegrityError:  # the same click twice at once: it is on
            return True
        if kind == ReactionKind.USEFUL:
            Post.objects.filter(pk=post.pk).update(useful_count=F("useful_count") + 1)
    return True


@transaction.atomic
def topic_mark_solution(*, topic: Topic, post: Post | None, by) -> Topic:
    """The topic's author or a moderator marks a reply as the solution (None clears it)."""
    access = _access(by, topic.community)
    if topic.author_id != by.pk and not access.is_moderator:
        raise CommunityError(_("Only the author of the topic or a moderator can mark the solution."))
    if post is not None:
        if post.topic_id != topic.pk:
            raise CommunityError(_("The solution must be a reply in this topic."))
        if post.number == 1:
            raise CommunityError(_("The question itself cannot be its solution."))
        if post.is_hidden:
            raise CommunityError(_("A hidden post cannot be the solution."))
        if post.is_deleted:
            raise CommunityError(_("This post is deleted."))
    topic.solution = post
    topic.save(update_fields=["solution"])
    return topic


@transaction.atomic
def topic_moderate(
    *, topic: Topic, by, pinned: bool | None = None, locked: bool | None = None, hidden: bool | None = None
) -> Topic:
    _require_moderator(by, topic.community)
    fields = []
    for name, value in (("is_pinned", pinned), ("is_locked", locked), ("is_hidden", hidden)):
        if value is not None:
            setattr(topic, name, bool(value))
            fields.append(name)
    if fields:
        topic.save(update_fields=fields)
    return topic


@transaction.atomic
def post_set_hidden(*, post: Post, by, hidden: bool) -> Post:
    """Moderators hide a reply from members (or show it again). Hiding closes the post's open reports
    (resolved by the moderator, now) and tells each reporter, and the post's author."""
    _require_moderator(by, post.topic.community)
    if post.number == 1 and hidden:
        raise CommunityError(_("Hide the whole topic instead of its first post."))
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    if hidden and post.topic.solution_id == post.pk:
        Topic.objects.filter(pk=post.topic_id).update(solution=None)
    if hidden:  # hiding is the moderators' answer to the reports on it: they are closed, the reporters told
        _reports_close(post=post, by=by, hidden=True)
        _tell_author(post=post, by=by, action="hidden")
    return post


@transaction.atomic
def post_report(*, post: Post, reporter, reason: str) -> Report:
    """A member reports a post to the moderators with a reason; one open report per person and post.
    Limited per person (PDP_RATE_LIMITS "report"): past it RateLimited, nothing stored, nobody notified."""
    _require_member(reporter, post.topic.community)
    rate_limit_hit(action="report", key=reporter.pk)
    reason = _clean_text(reason, field=_("Reason"), max_length=1000)
    if post.is_deleted:
        raise CommunityError(_("This post is deleted."))
    if Report.objects.filter(post=post, reporter=reporter, resolved_at__isnull=True).exists():
        raise CommunityError(_("You have already reported this post; the moderators will look at it."))
    report = Report.objects.create(post=post, reporter=reporter, reason=reason)
    community = post.topic.community
    url = reverse("communities:reports", args=[community.slug])
    moderators = [
        m.user
        for m in Membership.objects.filter(
            community=community, role=MemberRole.MODERATOR, state=MemberState.ACTIVE
        ).select_related("user")
    ]
    for moderator in moderators:
        transaction.on_commit(
            functools.partial(
                _notify,
                recipient=moderator,
                kind="community_post",
                title=lambda: _("A post in “%(topic)s” was reported") % {"topic": post.topic.title},
                body=reason,
                url=url,
                dedupe_key=f"community-report:{report.pk}:{moderator.pk}",
            )
        )
    return report


@transaction.atomic
def report_resolve(*, report: Report, by) -> Report:
    _require_moderator(by, report.post.topic.community)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
    return report


def topic_mark_read(*, topic: Topic, user, number: int, current: int | None = -1) -> None:
    """Moves the read marker forward only (reading page 1 again does not make later posts unread).
    `current` is the marker the caller already read (None: no marker yet; -1: unknown, look it up)."""
    number = min(max(number, 0), topic.post_count)
    if current == -1:
        current = (
            TopicRead.objects.filter(topic=topic, user=user)
            .values_list("last_read_number", flat=True)
            .first()
        )
    if current is None:
        try:
            with transaction.atomic():
                TopicRead.objects.create(topic=topic, user=user, last_read_number=number)
            scopes_changed(selectors.reader_scope(user.pk))
            return
        except IntegrityError:  # created meanwhile by another request: fall through to the update
            pass
    elif current >= number:
        return
    if TopicRead.objects.filter(topic=topic, user=user, last_read_number__lt=number).update(
        last_read_number=number
    ):
        scopes_changed(selectors.reader_scope(user.pk))


def topic_set_following(*, topic: Topic, user, level: str) -> TopicFollow:
    if level not in FollowLevel.values:
        raise CommunityError(_("Unknown following level."))
    access = _access(user, topic.community)
    if not access.can_read:
        raise CommunityError(_("Only members of this closed community can do this. Ask to join first."))
    follow, _created = TopicFollow.objects.update_or_create(topic=topic, user=user, defaults={"level": level})
    return follow


# --- notifications for a new post -------------------------------------------------------------------


def post_send_notifications(*, post: Post) -> int:
    """Followers hear of a new post once each, by the strongest reason; muted topics stay silent.

    watching (topic, or community level) → every post; mentioned people → "mention" (unless muted): members,
    and in an open community also non-members (with the topic's link; a closed community tells no outsider);
    the author of the post replied to → a reply notice (unless muted); a new topic → members who watch
    new topics. Only people who may read the community are notified. Returns how many were sent.
    """
    topic = post.topic
    community = topic.community
    if post.is_hidden or topic.is_hidden or post.deleted_at is not None:
        return 0
    # Only the members concerned are read (mentioned, watching, replied to), never the whole
    # membership: a community of a region has hundreds of members and posts arrive all day.
    active = Membership.objects.filter(community=community, state=MemberState.ACTIVE)
    topic_levels = dict(TopicFollow.objects.filter(topic=topic).values_list("user_id", "level"))

    reasons: dict[int, str] = {}
    # the one place that says who a post mentions: stable references outside quotes and code
    mentioned = set(markup.mentioned_user_ids(post.body))
    for user_id in mentioned:
        reasons.setdefault(user_id, "mention")
    # the mentioned now count this topic's unread posts even on the "normal" level
    topic_involve(topic=topic, user_ids=mentioned)
    if post.reply_to_id and post.reply_to and post.reply_to.author_id:
        reasons.setdefault(post.reply_to.author_id, "reply")
    for user_id, level in topic_levels.items():
        if level == FollowLevel.WATCHING:
            reasons.setdefault(user_id, "watching")
    community_wide = (
        Q(level=FollowLevel.WATCHING) | Q(watch_new_topics=True)
        if post.number == 1
        else Q(level=FollowLevel.WATCHING)
    )
    for user_id, level, new_topics in active.filter(community_wide).values_list(
        "user_id", "level", "watch_new_topics"
    ):
        if user_id not in topic_levels and level == FollowLevel.WATCHING:
            reasons.setdefault(user_id, "watching")
        if post.number == 1 and new_topics:
            reasons.setdefault(user_id, "new_topic")
    levels = dict(active.filter(user_id__in=reasons).values_list("user_id", "level"))  # members among them

    def level_of(user_id: int) -> str:
        return topic_levels.get(user_id) or levels.get(user_id) or FollowLevel.NORMAL

    def may_read(user_id: int) -> bool:
        # a mentioned non-member hears of a topic of an open community, never of a closed one's
        return user_id in levels or (
            not community.is_closed and (user_id in topic_levels or user_id in mentioned)
        )

    users = {
        u.pk: u
        for u in get_user_model().objects.filter(
            pk__in=[uid for uid in reasons if uid != post.author_id], is_active=True
        )
    }
    url = (
        reverse("communities:topic", args=[topic.pk])
        + f"?page={selectors.page_of_number(post.number)}#post-{post.number}"
    )
    author = post.author.display_name if post.author else ""
    body = markup.excerpt(post.body, html=post.body_html, length=NOTIFICATION_EXCERPT_LENGTH)
    sent = 0
    for user_id, reason in reasons.items():
        if user_id == post.author_id or user_id not in users or not may_read(user_id):
            continue
        if level_of(user_id) == FollowLevel.MUTED:
            continue
        with in_language_of(users[user_id]):
            if reason == "mention":
                kind, title = (
                    "mention",
                    _("%(author)s mentioned you in “%(topic)s”") % {"author": author, "topic": topic.title},
                )
            elif reason == "reply":
                kind, title = (
                    "community_post",
                    _("%(author)s replied to you in “%(topic)s”") % {"author": author, "topic": topic.title},
                )
            elif reason == "new_topic":
                kind, title = (
                    "community_post",
                    _("New topic in %(community)s: “%(topic)s”")
                    % {"community": community.name, "topic": topic.title},
                )
            else:
                kind, title = "community_post", _("New post in “%(topic)s”") % {"topic": topic.title}
        _notify(
            recipient=users[user_id],
            kind=kind,
            title=title,
            body=body,
            body_html=post.body_html,
            url=url,
            dedupe_key=f"community-post:{post.pk}:{user_id}",
        )
        sent += 1
    return sent


# --- materials ---------------------------------------------------------------------------------


def _tags_from(text: str) -> list[Tag]:
    names = []
    for raw in (text or "").replace(";", ",").split(","):
        name = " ".join(raw.split())[:50].lower()
        if name and name not in names:
            names.append(name)
    return [Tag.objects.get_or_create(name=name)[0] for name in names[:10]]


def material_create(
    *,
    community: Community,
    author,
    title: str,
    description: str,
    kind: str = "lesson_plan",
    subject=None,
    grade_from: int | None = None,
    grade_to: int | None = None,
    tags: str = "",
    files: Sequence = (),
) -> Material:
    """Members share developments with at least a description; grades within 1-11, from ≤ to.
    Limited per person with its uploads (PDP_RATE_LIMITS "material"): past it RateLimited, nothing stored."""
    _require_member(author, community)
    rate_limit_hit(action="material", key=author.pk)
    title, description = _material_fields(
        title=title, description=description, grade_from=grade_from, grade_to=grade_to
    )
    description_html = markup.render(description, profile="post")
    with transaction.atomic():
        material = Material.objects.create(
            community=community,
            author=author,
            title=title,
            kind=kind,
            description=description,
            description_html=description_html,
            subject=subject,
            grade_from=grade_from,
            grade_to=grade_to,
        )
        material.tags.set(_tags_from(tags))
        if files:
            _attach_files(files=files, user=author, material=material)
        refresh_material_vectors(material_ids=[material.pk])
    return material


def _material_fields(
    *, title: str, description: str, grade_from: int | None, grade_to: int | None
) -> tuple[str, str]:
    title = _clean_text(title, field=_("Title"), max_length=200)
    description = _clean_markup(description, field=_("Description"))
    for grade in (grade_from, grade_to):
        if grade is not None and not 1 <= grade <= 11:
            raise CommunityError(_("Grades go from 1 to 11."))
    if grade_from is not None and grade_to is not None and grade_from > grade_to:
        raise CommunityError(_("“From grade” must not be above “to grade”."))
    return title, description


def material_edit(
    *,
    material: Material,
    by,
    title: str,
    description: str,
    kind: str = "lesson_plan",
    subject=None,
    grade_from: int | None = None,
    grade_to: int | None = None,
    tags: str = "",
    files: Sequence = (),
    remove_files: Iterable[int] = (),
) -> Material:
    """Only the author edits a material (moderators may delete it, not rewrite it): its text, kind,
    subject, grades and tags, new files added and chosen ones removed (at most 5 in all). Rendered before
    the transaction; found by its new words from the same commit. Uploads count like a new material's."""
    if material.author_id != by.pk:
        raise CommunityError(_("You can edit only your own materials."), code="not_author")
    _require_member(by, material.community)
    if files:
        rate_limit_hit(action="material", key=by.pk)
    title, description = _material_fields(
        title=title, description=description, grade_from=grade_from, grade_to=grade_to
    )
    if kind not in MaterialKind.values:
        raise CommunityError(_("Choose a kind from the list."))
    description_html = markup.render(description, profile="post")
    removed: list[str] = []
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        gone = list(material.attachments.filter(pk__in=list(remove_files)))
        kept = material.attachments.count() - len(gone)
        if kept + len(files) > MAX_ATTACHMENTS:
            raise CommunityError(_("At most %(count)d files can be attached.") % {"count": MAX_ATTACHMENTS})
        for attachment in gone:
            removed.append(attachment.file.name)
            attachment.delete()
        material.title, material.description, material.description_html = title, description, description_html
        material.kind, material.subject = kind, subject
        material.grade_from, material.grade_to = grade_from, grade_to
        material.edited_at = timezone.now()
        material.save(
            update_fields=[
                "title",
                "description",
                "description_html",
                "kind",
                "subject",
                "grade_from",
                "grade_to",
                "edited_at",
            ]
        )
        material.tags.set(_tags_from(tags))
        if files:
            _attach_files(files=files, user=by, material=material)
        refresh_material_vectors(material_ids=[material.pk])
        transaction.on_commit(lambda: _delete_stored(removed))
    return material


def material_text_changed(*, material: Material) -> None:
    """After a material's title, description or tags were written elsewhere (the admin): found by the new
    words, in the same transaction as the write."""
    refresh_material_vectors(material_ids=[material.pk])


def material_delete(*, material: Material, by) -> None:
    """The author or a moderator of the community deletes a material with its ratings, comments and
    files (the stored files go after the commit); a moderator's delete is told to the author. Anyone
    else: CommunityError, nothing changes."""
    access = _access(by, material.community)
    if material.author_id != by.pk and not access.is_moderator:
        raise CommunityError(_("Only the author or a moderator can delete this material."), code="not_author")
    with transaction.atomic():
        names = [a.file.name for a in material.attachments.all()]
        Material.objects.filter(pk=material.pk).delete()
        transaction.on_commit(lambda: _delete_stored(names))
        if material.author_id != by.pk:  # the author is told that a moderator removed their work
            title, community, author_id = material.title, material.community, material.author_id
            transaction.on_commit(
                lambda: _notify(
                    recipient=get_user_model().objects.get(pk=author_id),
                    kind="material_feedback",
                    title=lambda: (
                        _("A moderator of %(community)s deleted your material “%(title)s”")
                        % {"community": community.name, "title": title}
                    ),
                    url=reverse("communities:materials", args=[community.slug]),
                    dedupe_key=f"material-deleted:{material.pk}",
                )
            )


def _delete_stored(names: Iterable[str]) -> None:
    """The files of deleted attachments, once their rows are gone for good; a store that fails leaves
    an orphan for the storage sweep, never an error to the teacher."""
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a stored file that cannot go now stays as an orphan
            logger.warning("communities: could not delete stored file %s", name)


def _material_url(material: Material) -> str:
    return reverse("communities:material", args=[material.pk])


@transaction.atomic
def material_rate(*, material: Material, user, score: int) -> Material:
    """One rating 1-5 per member (changing it replaces it); authors do not rate their own work."""
    _require_member(user, material.community)
    if material.author_id == user.pk:
        raise CommunityError(_("You cannot rate your own material."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise CommunityError(_("A rating is from 1 to 5."))
    material = Material.objects.select_for_update().get(pk=material.pk)
    existing = MaterialRating.objects.filter(material=material, user=user).first()
    if existing:
        material.rating_sum += score - existing.score
        existing.score = score
        existing.save(update_fields=["score"])
    else:
        MaterialRating.objects.create(material=material, user=user, score=score)
        material.rating_sum += score
        material.rating_count += 1
    material.save(update_fields=["rating_sum", "rating_count"])
    rater, title, author_id = (
        user.get_full_name() or user.get_short_name(),
        material.title,
        material.author_id,
    )
    # The author hears of each colleague's rating once (a changed score is not news); never of their own.
    transaction.on_commit(
        lambda: _notify(
            recipient=get_user_model().objects.get(pk=author_id),
            kind="material_feedback",
            title=lambda: (
                _("%(name)s rated your material “%(title)s”: %(score)d of 5")
                % {"name": rater, "title": title, "score": score}
            ),
            url=_material_url(material),
            dedupe_key=f"material-rated:{material.pk}:{user.pk}",
        )
    )
    return material


def material_comment_add(*, material: Material, author, body: str) -> MaterialComment:
    """Members comment; the material's author is told (not of their own comments)."""
    _require_member(author, material.community)
    body = _clean_text(body, field=_("Comment"), max_length=5000)
    body_html = markup.render(body, profile="post")
    with transaction.atomic():
        comment = MaterialComment.objects.create(
            material=material, author=author, body=body, body_html=body_html
        )
        if material.author_id != author.pk:
            name, title = author.get_full_name() or author.get_short_name(), material.title
            transaction.on_commit(
                lambda: _notify(
                    recipient=get_user_model().objects.get(pk=material.author_id),
                    kind="material_feedback",
                    title=lambda: (
                        _("%(name)s commented on your material “%(title)s”") % {"name": name, "title": title}
                    ),
                    body=markup.excerpt(body, html=body_html),
                    body_html=body_html,
                    url=f"{_material_url(material)}#comment-{comment.pk}",
                    dedupe_key=f"material-comment:{comment.pk}",
                )
            )
    return comment


# --- events --------------------------------------------------------------------------------------


def _event_check(*, starts_at, ends_at, time_zone: str, capacity: int | None) -> None:
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise CommunityError(_("Give the start and the end with a time zone."))
    if ends_at <= starts_at:
        raise CommunityError(_("An event must end after it starts."))
    validate_time_zone(time_zone)
    if capacity is not None and capacity < 1:
        raise CommunityError(_("The number of places must be at least 1 (leave it empty for no limit)."))


def event_create(
    *,
    community: Community,
    by,
    title: str,
    starts_at,
    ends_at,
    time_zone: str,
    kind: str = "webinar",
    description: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
) -> Event:
    """Moderators announce events of their community."""
    _require_moderator(by, community)
    title = _clean_text(title, field=_("Title"), max_length=200)
    _event_check(starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, capacity=capacity)
    description = _clean_markup(description, field=_("Description")) if (description or "").strip() else ""
    event = Event(
        community=community,
        created_by=by,
        title=title,
        kind=kind,
        description=description,
        description_html=markup.render(description, profile="post") if description else "",
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place,
        online_url=online_url,
        capacity=capacity,
    )
    with transaction.atomic():
        event.full_clean()
        event.save()
    return event


# What people registered for an event are told about when it changes (their calendar entry follows
# through SEQUENCE in any case): a recording or a new description alone is not worth a message.
EVENT_NOTICE_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "place", "online_url")


def event_update(*, event: Event, by, **fields) -> Event:
    """Moderators change an event (e.g. add the recording); a limit below the registrations is refused,
    a higher one (or none) promotes people from the waiting list. Every change bumps the calendar
    entry's SEQUENCE; a change of time, place, link or title tells the registered and the waiting.
    The organiser (while a member) may do it too. A new description is rendered before the row is locked."""
    if not selectors.event_may_manage(by, event, _access(by, event.community)):
        raise CommunityError(_("Only the event's organiser and the community's moderators can do this."))
    description_html = None
    if "description" in fields:
        description = fields["description"] or ""
        fields["description"] = (
            _clean_markup(description, field=_("Description")) if description.strip() else ""
        )
        description_html = (
            markup.render(fields["description"], profile="post") if fields["description"] else ""
        )
    if "title" in fields:
        fields["title"] = _clean_text(fields["title"], field=_("Title"), max_length=200)
    with transaction.atomic():
        return _event_update_locked(event=event, fields=fields, description_html=description_html)


def _event_update_locked(*, event: Event, fields: dict, description_html: str | None) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    allowed = {
        "title",
        "kind",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "place",
        "online_url",
        "capacity",
        "recording_url",
    }
    before = {name: getattr(event, name) for name in EVENT_NOTICE_FIELDS}
    for name, value in fields.items():
        if name not in allowed:
            raise CommunityError(_("Unknown field."))
        setattr(event, name, value)
    _event_check(
        starts_at=event.starts_at, ends_at=event.ends_at, time_zone=event.time_zone, capacity=event.capacity
    )
    if event.capacity is not None and event.capacity < event.registered_count:
        raise CommunityError(
            _("%(count)d people are already registered; the limit cannot be lower.")
            % {"count": event.registered_count}
        )
    if description_html is not None:
        event.description_html = description_html
    event.sequence += 1
    event.full_clean()
    event.save()
    _waiting_promote(event)
    if any(getattr(event, name) != value for name, value in before.items()):
        event_id, sequence = event.pk, event.sequence
        transaction.on_commit(lambda: _queue_event_changed(event_id, sequence))
    return event


def _queue_event_changed(event_id: int, sequence: int) -> None:
    from .tasks import event_changed_notify  # tasks imports this module

    event_changed_notify.delay(event_id, sequence)


def event_when(event: Event) -> str:
    """ "10.03.2030 15:00–16:30 (Екатеринбург (UTC+5))": the event's time in its own zone, the same in
    every language but for the zone's name (the active language's)."""
    tz = zoneinfo.ZoneInfo(event.time_zone)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%d.%m.%Y %H:%M}"
    return f"{start:%d.%m.%Y %H:%M}–{end_text}, {time_zone_label(event.time_zone)}"


def event_send_changed(*, event: Event, sequence: int) -> int:
    """Tell everyone registered or waiting that the event changed, in their language, once per change
    (the dedupe key carries the SEQUENCE the change produced; a retried task sends nothing twice)."""
    url = reverse("communities:event", args=[event.pk])
    sent = 0
    for registration in event.registrations.select_related("user").order_by("pk"):

        def body(event=event) -> str:
            lines = [_("When: %(when)s") % {"when": event_when(event)}]
            if event.place:
                lines.append(_("Place: %(place)s") % {"place": event.place})
            lines.append(_("Your calendar entry is updated; open the event for the details."))
            return "\n".join(lines)

        with in_language_of(registration.user):
            title = _("The event “%(title)s” has changed") % {"title": event.title}
            text = body()
        _notify(
            recipient=registration.user,
            kind="event_changed",
            title=title,
            body=text,
            url=url,
            dedupe_key=f"event-changed:{event.pk}:{sequence}",
        )
        sent += 1
    return sent


def _waiting_promote(event: Event) -> list[Registration]:
    """Under the event's row lock (the caller holds it): while places are left, the first person waiting
    (in the order they asked) takes one, and is told after commit. An event that is over promotes nobody."""
    if event.ends_at <= timezone.now():
        return []
    if event.capacity is None:
        free = None
    else:
        event.refresh_from_db(fields=["registered_count"])
        free = event.capacity - event.registered_count
        if free <= 0:
            return []
    waiting = Registration.objects.select_for_update().filter(event=event, status=RegistrationStatus.WAITING)
    queue = waiting.order_by("created_at", "pk")
    promoted = list(queue[:free] if free is not None else queue)
    if not promoted:
        return []
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=RegistrationStatus.REGISTERED, promoted_at=now
    )
    Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + len(promoted))
    event.registered_count += len(promoted)
    url = reverse("communities:event", args=[event.pk])
    for registration in promoted:
        transaction.on_commit(
            functools.partial(
                _notify,
                recipient=registration.user,
                kind="event_place",
                title=functools.partial(
                    lambda title: _("A place opened up for you: %(title)s") % {"title": title}, event.title
                ),
                body=functools.partial(
                    lambda e: _("You are registered for the event on %(when)s.") % {"when": event_when(e)},
                    event,
                ),
                url=url,
                dedupe_key=f"event-place:{registration.pk}",
            )
        )
    return promoted


@transaction.atomic
def event_register(*, event: Event, user) -> Registration:
    """Readers of the community register while places are left; when the event is full they join its
    waiting list, in order (both under the event's row lock, so two last-place clicks never both win)."""
    if not selectors.access_for(user, event.community).can_read:
        raise CommunityError(_("Only members of this closed community can do this. Ask to join first."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing:
        return existing
    if event.ends_at <= timezone.now():
        raise CommunityError(_("This event is over."))
    if event.capacity is not None and event.registered_count >= event.capacity:
        return Registration.objects.create(event=event, user=user, status=RegistrationStatus.WAITING)
    registration = Registration.objects.create(event=event, user=user)
    Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
    return registration


@transaction.atomic
def event_unregister(*, event: Event, user) -> None:
    """Cancelling a place gives it to the first person waiting; leaving the waiting list frees nothing."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is None:
        return
    registration.delete()
    if registration.status == RegistrationStatus.REGISTERED:
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") - 1)
        _waiting_promote(event)


# --- the cohort's community ----------------------------------------------------------------------


def _cohort_member_ids(cohort) -> tuple[set[int], set[int]]:
    """(enrolled teachers, curators) of a cohort, through the cohort's own relations."""
    enrollment_model = cohort.enrollments.model
    teachers = set(
        cohort.enrollments.filter(state__in=enrollment_model.SEAT_STATES).values_list("teacher_id", flat=True)
    )
    curators = set(cohort.curators.values_list("pk", flat=True))
    return teachers, curators


def _unique_slug(base: str) -> str:
    base = slugify(base)[:60] or "community"
    candidate, n = base, 1
    while Community.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _cohort_community_get_or_create(cohort) -> Community:
    community = Community.objects.filter(cohort=cohort).first()
    if community is not None:
        return community
    with translation.override(supported_language(cohort.course.language)):  # the cohort's language
        description = _("The discussion space of the cohort “%(cohort)s”.") % {"cohort": cohort.title}
    try:
        with transaction.atomic():
            return Community.objects.create(
                name=str(cohort.title)[:200],
                kind=CommunityKind.COHORT,
                is_closed=True,
                cohort=cohort,
                slug=_unique_slug(f"cohort-{cohort.pk}"),
                description=description,
            )
    except IntegrityError:  # created concurrently
        return Community.objects.get(cohort=cohort)


@transaction.atomic
def cohort_member_follow(*, cohort, user_id: int) -> None:
    """One person's place in the cohort's space follows their enrolment and curatorship now, in the
    transaction that changed them (communities/receivers.py): a curator moderates, a teacher with a seat
    is a member, anyone else who was added by the cohort leaves. Hand-added members are left alone.
    (Saving and deleting a membership renews the person's cached pages through its scopes.)"""
    community = _cohort_community_get_or_create(cohort)
    seats = cohort.enrollments.model.SEAT_STATES
    if cohort.curators.filter(pk=user_id).exists():
        role = MemberRole.MODERATOR
    elif cohort.enrollments.filter(teacher_id=user_id, state__in=seats).exists():
        role = MemberRole.MEMBER
    else:
        role = None
    membership = Membership.objects.select_for_update().filter(community=community, user_id=user_id).first()
    if membership is None:
        if role is not None:
            Membership.objects.create(
                community=community, user_id=user_id, role=role, state=MemberState.ACTIVE, from_cohort=True
            )
    elif membership.from_cohort:
        if role is None:
            membership.delete()
        elif membership.role != role or membership.state != MemberState.ACTIVE:
            membership.role, membership.state = role, MemberState.ACTIVE
            membership.save(update_fields=["role", "state"])


def community_for_cohort(cohort) -> Community:
    """The cohort's discussion space, created on first use with its members (closed; curators moderate)."""
    community = Community.objects.filter(cohort=cohort).first()
    if community is None:
        cohort_community_sync(cohort=cohort)
        community = Community.objects.get(cohort=cohort)
    return community


@transaction.atomic
def cohort_community_sync(*, cohort) -> dict[str, int]:
    """Members follow the cohort: enrolled teachers (and completed ones) are members, curators moderate;
    people who left the cohort leave the community. Hand-added members are left alone. Idempotent."""
    community = _cohort_community_get_or_create(cohort)
    teachers, curators = _cohort_member_ids(cohort)
    wanted = {uid: MemberRole.MODERATOR for uid in curators}
    for uid in teachers:
        wanted.setdefault(uid, MemberRole.MEMBER)
    current = {m.user_id: m for m in Membership.objects.select_for_update().filter(community=community)}
    added = removed = 0
    new_rows = []
    for uid, role in wanted.items():
        membership = current.get(uid)
        if membership is None:
            new_rows.append(
                Membership(
                    community=community, user_id=uid, role=role, state=MemberState.ACTIVE, from_cohort=True
                )
            )
            added += 1
        elif membership.from_cohort and (membership.role != role or membership.state != MemberState.ACTIVE):
            membership.role, membership.state = role, MemberState.ACTIVE
            membership.save(update_fields=["role", "state"])
    Membership.objects.bulk_create(new_rows, ignore_conflicts=True)
    scopes_changed(*(f"person:{row.user_id}" for row in new_rows))  # bulk_create sends no signal
    gone = [m.pk for uid, m in current.items() if m.from_cohort and uid not in wanted]
    if gone:
        removed = Membership.objects.filter(pk__in=gone).delete()[0]
    return {"added": added, "removed": removed}
