"""Professional communities: membership, forum topics and posts, materials library, events.

Invariants live in the database: one membership per person and community, one reaction / rating /
registration / read marker per person, post numbers unique within a topic, sane event times and
capacities, ratings 1-5. Rules that need more than one row (capacity, locked topics, closed
communities) are enforced in services.py under row locks.

One file: the app's one schema: posts hang off topics, ratings and comments off materials, registrations
off events, all off a community and its memberships; the constraints that hold the invariants above refer
across these tables and are read together.
"""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Subject
from core.uploads import CheckedFileField


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


class CommunityKind(models.TextChoices):
    SUBJECT_CLUB = "subject_club", _("Subject club")
    METHODOLOGICAL = "methodological", _("Methodological association")
    EXPERT = "expert", _("Expert community")
    SCHOOL = "school", _("School community")
    COHORT = "cohort", _("Cohort discussion")


class Community(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommunityKind.choices, default=CommunityKind.SUBJECT_CLUB
    )
    is_closed = models.BooleanField(
        _("closed"),
        default=False,
        help_text=_("Closed: joining needs a moderator's approval and content is members-only."),
    )
    description = models.TextField(_("description"), blank=True)
    rules = models.TextField(_("rules"), blank=True)
    subject = models.ForeignKey(
        Subject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("subject"),
    )
    # The per-cohort discussion space (kind=cohort): created and kept in step by services.cohort_community_sync.
    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="cohort", is_closed=True) | ~Q(kind="cohort"),
                name="community_cohort_is_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")


class MemberState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Member")


class FollowLevel(models.TextChoices):
    WATCHING = "watching", _("Watching: every new post")
    TRACKING = "tracking", _("Tracking: unread counts, mentions and replies to me")
    NORMAL = "normal", _("Normal: mentions and replies to me")
    MUTED = "muted", _("Muted: nothing")


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    state = models.CharField(
        _("state"), max_length=20, choices=MemberState.choices, default=MemberState.ACTIVE
    )
    level = models.CharField(
        _("following"), max_length=20, choices=FollowLevel.choices, default=FollowLevel.TRACKING
    )
    watch_new_topics = models.BooleanField(_("notify me of every new topic"), default=False)
    request_message = models.CharField(_("message to moderators"), max_length=500, blank=True)
    # Managed by the cohort sync: removed again when the person leaves the cohort.
    from_cohort = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role="member") | Q(state="active"), name="membership_moderator_is_active"
            ),
        ]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"


class Topic(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_topics"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)
    # Who wrote the last post (the list shows the first author and the last activity apart); set with
    # last_post_at by the services that add a post.
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    post_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    solution = models.OneToOneField(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solution_of",
        verbose_name=_("solution"),
    )

    class Meta:
        ordering = ["-is_pinned", "-last_post_at"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["community", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None


class Post(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    snippet: str  # communities.selectors: the search result's highlighted text
    page: int  # communities.selectors: the topic page the post is on

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(_("number in topic"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_posts"
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # Soft delete (services.post_delete): the post keeps its number and place in the topic ("post deleted"),
    # its text and rendering are emptied (the last text is kept in its history, for moderators only).
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    useful_count = models.PositiveIntegerField(default=0)  # reactions of the kind "useful" (👍)
    # The topic's title (A) and this text (B), 'russian' + 'simple', ё folded: communities/search.py,
    # written by the services with the text (PostgreSQL only; NULL on SQLite). GIN index: migration 0005.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["topic", "number"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="post_number_unique_in_topic"),
            models.CheckConstraint(condition=Q(number__gte=1), name="post_number_positive"),
            # a deleted post keeps no text: nothing of it reaches a page, the search or a notification
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(body="", body_html=""), name="post_deleted_is_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text a post had before an edit (or before it was deleted): who changed it and when.
    Shown to the community's moderators only (views.post_history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("changed at"), default=timezone.now)
    was_deletion = models.BooleanField(default=False)

    class Meta:
        ordering = ["-edited_at", "-pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.edited_at:%Y-%m-%d %H:%M}"


class ReactionKind(models.TextChoices):
    """The small fixed set of reactions; "useful" (👍) is the old single mark (Post.useful_count)."""

    USEFUL = "useful", _("Useful")
    THANKS = "thanks", _("Thank you")
    IDEA = "idea", _("Good idea")
    TRIED = "tried", _("Tried it in class")


REACTION_EMOJI = {
    ReactionKind.USEFUL: "👍",
    ReactionKind.THANKS: "❤️",
    ReactionKind.IDEA: "💡",
    ReactionKind.TRIED: "✅",
}


class Reaction(models.Model):
    """A member's reaction to a post: one of each kind per person and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("reaction"), max_length=10, choices=ReactionKind.choices, default=ReactionKind.USEFUL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=ReactionKind.values), name="reaction_kind_known"),
        ]
        indexes = [models.Index(fields=["post", "kind"], name="reaction_post_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} → {self.post_id}"


class Report(models.Model):
    """A member tells the moderators that a post breaks the rules."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="report_one_open_per_reporter",
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class TopicFollow(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=20, choices=FollowLevel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.topic_id}"


class TopicRead(models.Model):
    """The last post number a person has seen in a topic (unread = post_count - last_read)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to #{self.last_read_number}"


class TopicInvolvement(models.Model):
    """A person took part in a topic (wrote a post in it) or was mentioned in it: on the "normal"
    following level only these topics count as unread for them (services.topic_involve)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="involvements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_involvement_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} involved in {self.topic_id}"


class Draft(models.Model):
    """What a member is writing and has not posted yet, kept on the server: a reply to a topic
    (`topic` set) or a new topic in a community (`topic` empty). One per person and topic, one new-topic
    draft per person and community; saved as they type and when a post is refused, deleted when it is posted."""

    MAX_LENGTH = 20_000  # the "post" profile of core/markup.py

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    reply_to = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="draft_one_per_topic"
            ),
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(topic__isnull=True),
                name="draft_one_new_topic_per_community",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), 20_000), name="draft_body_within_post_limit"
            ),
            # an emptied draft is deleted, never kept as a blank row
            models.CheckConstraint(condition=~Q(title="", body=""), name="draft_not_blank"),
        ]

    def __str__(self) -> str:
        return f"draft {self.user_id}:{self.community_id}:{self.topic_id}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class MaterialKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", _("Lesson plan")
    PRESENTATION = "presentation", _("Presentation")
    WORKSHEET = "worksheet", _("Worksheet")
    METHODOLOGY = "methodology", _("Methodological development")
    OTHER = "other", _("Other")


class Material(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="materials")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_materials"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MaterialKind.choices, default=MaterialKind.LESSON_PLAN
    )
    description = models.TextField(_("description"))
    description_html = models.TextField(editable=False)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("subject")
    )
    grade_from = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    grade_to = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="materials", verbose_name=_("tags"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    # Title (A), tags (B) and description (C), 'russian' + 'simple', ё folded; written by the services in
    # the transaction that wrote the text (communities/search.py, decision 0384). NULL on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(grade_from__isnull=True) | Q(grade_from__gte=1, grade_from__lte=11))
                & (Q(grade_to__isnull=True) | Q(grade_to__gte=1, grade_to__lte=11)),
                name="material_grades_1_11",
            ),
            models.CheckConstraint(
                condition=Q(grade_from__isnull=True)
                | Q(grade_to__isnull=True)
                | Q(grade_from__lte=F("grade_to")),
                name="material_grades_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class MaterialRating(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["material", "user"], name="material_rating_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="material_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.score}"


class MaterialComment(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # `filename` is the <random>.<extension read from the content> that CheckedFileField made; the
    # uploaded name is kept only as display text (original_name).
    return f"communities/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A file on a post or a material; served only through a view that checks who may read it."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = CheckedFileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, material__isnull=True)
                | Q(post__isnull=True, material__isnull=False),
                name="attachment_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    ROUND_TABLE = "round_table", _("Round table")
    WEBINAR = "webinar", _("Webinar")
    MASTER_CLASS = "master_class", _("Master class")
    CONFERENCE = "conference", _("Conference")
    CONTEST = "contest", _("Professional skill contest")


class Event(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.WEBINAR)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("link to join"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registered_count = models.PositiveIntegerField(default=0)
    recording_url = models.URLField(_("recording"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE, bumped on change

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered_count__lte=F("capacity")),
                name="event_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered_count, 0)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Holds a place")
    WAITING = "waiting", _("On the waiting list")


class Registration(models.Model):
    """A place at an event, or a turn on its waiting list (in the order people asked: `created_at`, `pk`).
    `Event.registered_count` counts the registered ones only; the event's row lock orders all changes."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "waiting"]), name="registration_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(promoted_at__isnull=True) | Q(status="registered"),
                name="registration_promoted_is_registered",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"
