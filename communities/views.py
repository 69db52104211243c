"""Pages of communities. Thin: objects come through selectors (404 for what the user may not see),
writes go through services (their CommunityError message is shown as is).

One file: the pages of one app over one selectors and one services module, mirrored by
communities/urls.py; each view is a few lines, and the helpers at the top (the 404 rule, paging, errors)
serve them all.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core import markup
from core.exports import ExportParamError, bad_param_response, csv_separator
from core.files import serve_file
from core.ical import calendar_response
from core.pagination import paginate
from core.ratelimit import RateLimited, rate_limit_hit, too_many
from core.templatetags.pd_cache import fragment_key, restore_token

from . import exports, ical, selectors, services
from .filters import MaterialFilterSet
from .forms import (
    CommentForm,
    EventForm,
    FollowForm,
    JoinForm,
    MaterialEditForm,
    MaterialForm,
    PostEditForm,
    PostForm,
    RatingForm,
    RecordingForm,
    ReportForm,
    SearchForm,
    TopicFollowForm,
    TopicForm,
)
from .models import (
    Community,
    CommunityKind,
    FollowLevel,
    Material,
    Membership,
    Post,
    Registration,
    RegistrationStatus,
)
from .services import CommunityError
from .text import quote_markdown


def _get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _community(request, slug: str, *, readable: bool = True):
    community = _get_or_404(selectors.community_get_for, user=request.user, slug=slug)
    access = selectors.access_for(request.user, community)
    if readable and not access.can_read:
        raise Http404
    return community, access


def _int(value, default: int = 1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def _page_window(current: int, total: int, around: int = 3) -> list[int | None]:
    """1 … 7 8 [9] 10 11 … 100: a short pager even for a topic with a hundred pages (None = a gap)."""
    wanted = {1, total, *range(current - around, current + around + 1)}
    window: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= total):
        if window and window[-1] is not None and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def _error(request, exc: CommunityError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- catalogue and a community -------------------------------------------------------------------


@login_required
def community_list(request):
    kind = request.GET.get("kind", "")
    if kind not in CommunityKind.values:
        kind = ""
    query = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.community_catalogue_for(request.user, kind=kind, query=query))
    return render(
        request,
        "communities/list.html",
        {
            "page": page,
            "kinds": CommunityKind.choices,
            "kind": kind,
            "query": query,
            "upcoming": selectors.events_upcoming_for(request.user),
        },
    )


@login_required
def reading(request, view: str):
    """Latest / New / Unread across all the person's communities (selectors.topics_reading_for)."""
    page = paginate(request, selectors.topics_reading_for(request.user, view=view))
    return render(request, "communities/reading.html", {"page": page, "view": view})


UNREAD_PLACES = {"nav": "communities/_unread_nav.html", "cabinet": "communities/_cabinet_unread.html"}


@login_required
@require_GET
def unread_badge(request, place: str):
    """The count a page could not take from the cache (htmx, on load): counted once, then cached."""
    if place not in UNREAD_PLACES:
        raise Http404
    count = selectors.unread_topic_count_cached(request.user)
    response = render(request, UNREAD_PLACES[place], {"communities_unread": count})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def community_detail(request, slug):
    community, access = _community(request, slug, readable=False)
    context = {"community": community, "access": access, "tab": "topics"}
    if access.can_read:
        muted = request.GET.get("muted") == "1"
        context["muted"] = muted
        context["page"] = paginate(
            request, selectors.topic_list_for(request.user, community=community, access=access, muted=muted)
        )
        if not muted:
            context["muted_count"] = selectors.muted_topic_count(request.user, community=community)
        context["events"] = list(selectors.events_for_community(request.user, community=community)[:3])
        context["follow_form"] = FollowForm(
            initial={
                "level": access.membership.level if access.membership else FollowLevel.TRACKING,
                "watch_new_topics": access.membership.watch_new_topics if access.membership else False,
            }
        )
        if access.is_moderator:
            context["pending_count"] = selectors.community_pending_requests(community).count()
            context["report_count"] = selectors.reports_open_for(community).count()
    else:
        context["join_form"] = JoinForm()
    return render(request, "communities/detail.html", context)


@login_required
@require_POST
def community_join(request, slug):
    community, access = _community(request, slug, readable=False)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership = services.membership_join(community=community, user=request.user, message=message)
    except CommunityError as exc:
        _error(request, exc)
    else:
        if membership.state == "pending":
            messages.info(request, _("Your request has been sent to the moderators."))
        else:
            messages.success(request, _("Welcome to the community!"))
    return redirect("communities:detail", slug=community.slug)


@login_required
def community_leave(request, slug):
    """GET: a page that says what leaving means and asks to confirm; POST: leave (then back to the community)."""
    community, access = _community(request, slug, readable=False)
    membership = access.membership
    if membership is None or membership.state != "active":
        return redirect("communities:detail", slug=community.slug)
    if request.method == "POST":
        try:
            services.membership_leave(community=community, user=request.user)
        except CommunityError as exc:
            _error(request, exc)
        else:
            messages.info(
                request, _("You have left the community “%(community)s”.") % {"community": community.name}
            )
        return redirect("communities:detail", slug=community.slug)
    return render(
        request,
        "communities/leave_confirm.html",
        {
            "community": community,
            "access": access,
            "membership": membership,
        },
    )


@login_required
@require_POST
def community_follow(request, slug):
    community, access = _community(request, slug)
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_following(community=community, user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
        except CommunityError as exc:
            _error(request, exc)
    return redirect("communities:detail", slug=community.slug)


@login_required
def community_members(request, slug):
    community, access = _community(request, slug)
    context = {
        "community": community,
        "access": access,
        "tab": "members",
        "page": paginate(request, selectors.community_members(community), per_page=50),
        "pending": list(selectors.community_pending_requests(community)) if access.is_moderator else [],
    }
    return render(request, "communities/members.html", context)


@login_required
@require_POST
def membership_decide(request, slug, pk):
    community, access = _community(request, slug)
    membership = _get_or_404(Membership.objects.filter(community=community).get, pk=pk)
    action = request.POST.get("action")
    try:
        if action in {"approve", "reject"}:
            services.membership_decide(membership=membership, by=request.user, approve=action == "approve")
        elif action in {"moderator", "member"}:
            services.membership_set_role(membership=membership, by=request.user, role=action)
        else:
            return HttpResponseBadRequest()
    except CommunityError as exc:
        _error(request, exc)
    return redirect("communities:members", slug=community.slug)


@login_required
def community_reports(request, slug):
    community, access = _community(request, slug)
    if not access.is_moderator:
        raise Http404
    return render(
        request,
        "communities/reports.html",
        {
            "community": community,
            "access": access,
            "tab": "reports",
            "reports": selectors.reports_open_for(community)[:100],
            "handled": selectors.reports_resolved_for(community),
        },
    )


@login_required
@require_POST
def report_resolve(request, slug, pk):
    community, access = _community(request, slug)
    report = _get_or_404(selectors.reports_open_for(community).get, pk=pk)
    try:
        services.report_resolve(report=report, by=request.user)
    except CommunityError as exc:
        _error(request, exc)
    return redirect("communities:reports", slug=community.slug)


# --- topics --------------------------------------------------------------------------------------


@login_required
def topic_create(request, slug):
    community, access = _community(request, slug, readable=False)
    if not access.is_member:
        # The community itself is listed, so say plainly why (nothing of its content is shown).
        messages.error(
            request,
            _("Only members of this closed community can do this. Ask to join first.")
            if community.is_closed
            else _("Join the community first."),
        )
        return redirect("communities:detail", slug=community.slug)
    draft = selectors.draft_for(request.user, community=community) if request.method != "POST" else None
    initial = {"title": draft.title, "body": draft.body} if draft else {}
    form = TopicForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["title"].widget.attrs.update(
        {
            "hx-get": reverse("communities:suggestions", args=[community.slug]),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#similar-topics",
            "autocomplete": "off",
        }
    )
    refused = None
    if request.method == "POST":
        if form.is_valid():
            try:
                topic = services.topic_create(
                    community=community,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                )
            except (CommunityError, RateLimited) as exc:
                form.add_error(None, exc)
                refused = exc
            else:
                return redirect("communities:topic", pk=topic.pk)
        # refused: the text stays in the form and is kept as the member's draft
        _keep_draft(request, community=community, title=request.POST.get("title", ""))
    return too_many(
        render(
            request,
            "communities/topic_form.html",
            {
                "community": community,
                "access": access,
                "form": form,
                "draft": draft,
                "draft_url": reverse("communities:topic_draft", args=[community.slug]),
            },
        ),
        refused,
    )


def _keep_draft(request, *, community, topic=None, title: str = "", reply_to=None) -> None:
    """After a refused post: its text becomes the member's draft (a draft that cannot be kept, e.g. past
    the draft limit, leaves the text in the re-shown form all the same)."""
    try:
        services.draft_save(
            user=request.user,
            community=community,
            topic=topic,
            title=title,
            body=request.POST.get("body", ""),
            reply_to_id=reply_to,
        )
    except (CommunityError, RateLimited):
        pass


@login_required
@require_POST
def draft_save(request, slug=None, pk=None):
    """htmx, as the member types (debounced): keep the draft of a reply (`pk`: the topic) or of a new topic
    (`slug`: the community). Answers a short status line; an emptied box deletes the draft."""
    if pk is not None:
        topic, access = _get_or_404(selectors.topic_with_access, user=request.user, pk=pk)
        community = topic.community
    else:
        community, access = _community(request, slug)
        topic = None
    try:
        draft = services.draft_save(
            user=request.user,
            community=community,
            topic=topic,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            reply_to_id=_int(request.POST.get("reply_to"), 0) or None,
        )
    except RateLimited as exc:
        return too_many(render(request, "communities/_draft_status.html", {"error": exc.messages[0]}), exc)
    except CommunityError as exc:
        status = 403 if not access.is_member else 400
        return render(
            request, "communities/_draft_status.html", {"error": " ".join(exc.messages)}, status=status
        )
    return render(request, "communities/_draft_status.html", {"draft": draft})


@login_required
@require_GET
def topic_suggestions(request, slug):
    community, access = _community(request, slug)
    topics = selectors.topic_suggestions(
        request.user, community=community, title=request.GET.get("title", "")
    )
    return render(request, "communities/_suggestions.html", {"topics": topics})


@login_required
def topic_detail(request, pk):
    topic, access = _get_or_404(selectors.topic_with_access, user=request.user, pk=pk)
    return _topic_page(request, topic, access)


def _topic_page(request, topic, access, *, form: PostForm | None = None):
    """The topic's page; `form`: a refused reply shown again with its text on the last page (not cached)."""
    community = topic.community
    pages = selectors.page_count(topic.post_count)
    page_number = pages if form is not None else min(_int(request.GET.get("page")), pages)
    can_reply = access.is_member and ((not topic.is_locked and not topic.is_hidden) or access.is_moderator)
    if form is not None and access.is_member:
        can_reply = True  # a refused reply is shown with its reason and text even when the topic just closed
    can_mark_solution = topic.author_id == request.user.pk or access.is_moderator
    states = _post_states(
        request,
        topic,
        access,
        page_number,
        (
            topic.solution_id,
            topic.is_locked,
            access.is_moderator,
            access.is_member,
            can_reply,
            can_mark_solution,
            page_number,
        ),
    )
    last_read = topic.my_last_read
    if states:
        services.topic_mark_read(
            topic=topic, user=request.user, number=states[-1]["number"], current=last_read
        )
    last_read = last_read or 0
    # the member's draft comes back into the reply box (with a quote asked for added after it)
    draft = topic.my_draft if can_reply and form is None else None
    initial = {"body": draft, "reply_to": topic.my_draft_reply_to} if draft else {}
    quote_id = request.GET.get("quote")
    if quote_id:
        quoted = (
            selectors.posts_visible_to(request.user)
            .filter(topic=topic, pk=_int(quote_id, 0))
            .select_related("author")
            .first()
        )
        if quoted and not quoted.is_hidden and quoted.deleted_at is None:
            quote = quote_markdown(quoted.author.display_name if quoted.author else "", quoted.body)
            initial = {"body": f"{draft.rstrip()}\n\n{quote}" if draft else quote, "reply_to": quoted.pk}
    follow_level = topic.my_follow_level or (
        access.membership.level if access.membership else FollowLevel.NORMAL
    )
    # The page's content is keyed on everything in it that differs between readers or changes (each post's
    # state, the reader's rights, read marker and following level), so it needs no invalidation; what is
    # not in the key (an author's new name) lags by PERSONAL_PAGE_CACHE_SECONDS.
    page_state = [
        topic.pk,
        topic.title,
        topic.is_pinned,
        topic.is_hidden,
        topic.post_count,
        community.pk,
        community.name,
        community.kind,
        community.subject_id,
        community.is_closed,
        access.is_pending,
        access.can_read,
        access.membership.from_cohort if access.membership else None,
        follow_level,
        # the read marker shows only as the "unread" divider on this page and the jump link
        last_read + 1
        if last_read and states and states[0]["number"] <= last_read + 1 <= states[-1]["number"]
        else None,
        bool(last_read and last_read < topic.post_count),
        *(state["cache_parts"] for state in states),
    ]
    return render(
        request,
        "communities/topic.html",
        {
            "community": community,
            "topic": topic,
            "access": access,
            "posts": SimpleLazyObject(
                lambda: _posts_page(request, topic, page_number, states)
            ),  # on a miss only
            "page_number": page_number,
            "pages": _page_window(page_number, pages),
            "page_count": pages,
            "last_read": last_read,
            "can_reply": can_reply,
            "form": form
            if form is not None
            # built on a miss only
            else (SimpleLazyObject(lambda: PostForm(initial=initial)) if can_reply else None),
            "follow_level": follow_level,
            "follow_choices": FollowLevel.choices,
            "can_mark_solution": can_mark_solution,
            "solution_url": SimpleLazyObject(lambda: _post_url(topic.solution)) if topic.solution_id else "",
            "has_draft": bool(draft) or form is not None,
            "refused": form is not None,
            "draft_url": reverse("communities:reply_draft", args=[topic.pk]),
            # a quote, a draft or a refused reply fills the form: that page is the reader's own, never shared
            "cache_seconds": 0
            if quote_id or draft or form is not None
            else settings.PERSONAL_PAGE_CACHE_SECONDS,
            "page_state": "\x1f".join(str(part) for part in page_state),
        },
    )


def _post_states(request, topic, access, page_number: int, rights: tuple) -> list[dict]:
    """The page's posts as a light query: what each post's rendering is keyed on (its state, its reactions
    and the reader's rights on it, since its controls differ): two queries whatever the page."""
    states = selectors.topic_post_states(request.user, topic=topic, page=page_number)
    reactions = selectors.reaction_summaries(request.user, [state["pk"] for state in states])
    for state in states:
        light = SimpleNamespace(
            topic=topic,
            author_id=state["author_id"],
            created_at=state["created_at"],
            deleted_at=state["deleted_at"],
            number=state["number"],
        )
        state["reactions"] = reactions[state["pk"]]
        state["may_edit"] = selectors.post_may_edit(request.user, light, access)
        state["may_delete"] = selectors.post_may_delete(request.user, light, access)
        state["cache_parts"] = "\x1f".join(
            str(value)
            for value in (
                state["pk"],
                state["edited_at"],
                state["is_hidden"],
                state["deleted_at"],
                state["useful_count"],
                ",".join(f"{r['kind']}:{r['count']}:{r['mine']:d}" for r in state["reactions"]),
                state["author_id"] == request.user.pk,
                state["may_edit"],
                state["may_delete"],
                *rights,
            )
        )
    return states


def _posts_page(request, topic, page_number: int, states: list[dict]) -> list:
    """A page of posts, each rendered once and shared by readers with the same rights on it.

    The cached renderings are read in one round trip; only when one is missing are the posts themselves
    read (with authors and attachments) and rendered by {% shared_fragment %} in the template.
    """
    keys = [fragment_key("forum-post", [state["cache_parts"]]) for state in states]
    cached = cache.get_many(keys)
    if len(cached) == len(keys):
        return [
            SimpleNamespace(number=state["number"], html=restore_token(cached[key], request))
            for state, key in zip(states, keys, strict=True)
        ]
    by_pk = {state["pk"]: state for state in states}
    posts = selectors.topic_posts_page(request.user, topic=topic, page=page_number)
    for post in posts:
        state = by_pk.get(post.pk, {})
        post.html = None
        post.by_me = post.author_id == request.user.pk
        post.cache_parts = state.get("cache_parts", "")
        post.reaction_list = state.get("reactions", [])
        post.may_edit = state.get("may_edit", False)
        post.may_delete = state.get("may_delete", False)
    return posts


@login_required
def topic_first_unread(request, pk):
    topic, _access = _get_or_404(selectors.topic_with_access, user=request.user, pk=pk)
    number = min((topic.my_last_read or 0) + 1, max(topic.post_count, 1))
    url = reverse("communities:topic", args=[topic.pk])
    return redirect(f"{url}?page={selectors.page_of_number(number)}#post-{number}")


@login_required
@require_POST
def topic_reply(request, pk):
    """A reply. Refused (invalid, too short or long, a refused file, the topic closed, too many replies):
    the topic's last page again with the text in the box and the reason, and the text kept as a draft."""
    topic, access = _get_or_404(selectors.topic_with_access, user=request.user, pk=pk)
    form = PostForm(request.POST, request.FILES)
    refused = None
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            reply_to = (
                selectors.posts_visible_to(request.user)
                .filter(topic=topic, pk=form.cleaned_data["reply_to"])
                .first()
            )
        try:
            post = services.post_create(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                reply_to=reply_to,
                files=form.cleaned_data["files"],
            )
        except (CommunityError, RateLimited) as exc:
            form.add_error(None, exc)
            refused = exc
        else:
            url = reverse("communities:topic", args=[topic.pk])
            return redirect(f"{url}?page={selectors.page_of_number(post.number)}#post-{post.number}")
    if access.is_member:
        _keep_draft(
            request,
            community=topic.community,
            topic=topic,
            reply_to=_int(request.POST.get("reply_to"), 0) or None,
        )
    return too_many(_topic_page(request, topic, access, form=form), refused)


@login_required
@require_POST
def topic_moderate(request, pk):
    topic = _get_or_404(selectors.topic_get_for, user=request.user, pk=pk)
    action = request.POST.get("action", "")
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
        "hide": {"hidden": True},
        "unhide": {"hidden": False},
    }
    if action not in flags:
        return HttpResponseBadRequest()
    try:
        services.topic_moderate(topic=topic, by=request.user, **flags[action])
    except CommunityError as exc:
        _error(request, exc)
    return redirect("communities:topic", pk=topic.pk)


@login_required
@require_POST
def topic_follow(request, pk):
    topic = _get_or_404(selectors.topic_get_for, user=request.user, pk=pk)
    form = TopicFollowForm(request.POST)
    if form.is_valid():
        try:
            services.topic_set_following(topic=topic, user=request.user, level=form.cleaned_data["level"])
            messages.success(request, _("Your notification settings are saved."))
        except CommunityError as exc:
            _error(request, exc)
    return redirect("communities:topic", pk=topic.pk)


@login_required
@require_POST
def topic_solution(request, pk):
    topic = _get_or_404(selectors.topic_get_for, user=request.user, pk=pk)
    post = None
    if request.POST.get("post"):
        post = (
            selectors.posts_visible_to(request.user)
            .filter(topic=topic, pk=_int(request.POST["post"], 0))
            .first()
        )
        if post is None:
            raise Http404
    try:
        services.topic_mark_solution(topic=topic, post=post, by=request.user)
    except CommunityError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("The solution is marked.") if post else _("The solution mark is removed.")
        )
    url = reverse("communities:topic", args=[topic.pk])
    number = post.number if post else 1
    return redirect(f"{url}?page={selectors.page_of_number(number)}#post-{number}")


# --- posts ---------------------------------------------------------------------------------------


def _post_url(post: Post) -> str:
    url = reverse("communities:topic", args=[post.topic_id])
    return f"{url}?page={selectors.page_of_number(post.number)}#post-{post.number}"


def _refused(request, reason: str):
    """403 with the reason in the user's words (a page they reached by a link or a typed address)."""
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
def post_edit(request, pk):
    """The edit form: only for who may edit the post (author within the window, moderators); anyone
    else gets 403 already on opening it, not only on saving."""
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, post.topic.community)
    if not selectors.post_may_edit(request.user, post, access):
        return _refused(request, selectors.post_edit_refusal(request.user, post, access))
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(post=post, by=request.user, body=form.cleaned_data["body"])
        except CommunityError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The post is saved."))
            return redirect(_post_url(post))
    return render(
        request, "communities/post_edit.html", {"post": post, "form": form, "community": post.topic.community}
    )


@login_required
def post_delete(request, pk):
    """GET asks for confirmation, POST deletes (soft); 403 for who may not delete it."""
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, post.topic.community)
    if not selectors.post_may_delete(request.user, post, access):
        if post.number == 1 and not post.is_deleted:
            reason = _("The first post of a topic cannot be deleted; edit it instead.")
        elif post.is_deleted:
            reason = _("This post is already deleted.")
        else:
            reason = _("You can delete only your own posts.")
        return _refused(request, reason)
    if request.method == "POST":
        try:
            services.post_delete(post=post, by=request.user)
        except CommunityError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The post is deleted."))
        return redirect(_post_url(post))
    return render(
        request,
        "communities/post_delete.html",
        {"post": post, "community": post.topic.community, "post_url": _post_url(post)},
    )


@login_required
def post_history(request, pk):
    """A post's earlier texts, for the community's moderators (403 for others who can read the post)."""
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, post.topic.community)
    if not access.is_moderator:
        return _refused(request, _("Only the community's moderators can see the history of a post."))
    return render(
        request,
        "communities/post_history.html",
        {
            "post": post,
            "community": post.topic.community,
            "revisions": selectors.post_revisions(post),
            "post_url": _post_url(post),
        },
    )


@login_required
@require_POST
def post_react(request, pk):
    """Toggle one reaction (htmx: the post's reaction bar comes back). Bad kind, own post: 400 + message."""
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    try:
        services.post_react(post=post, user=request.user, kind=request.POST.get("kind", ""))
    except RateLimited as exc:
        if request.htmx:
            return too_many(HttpResponse(" ".join(exc.messages), status=429), exc)
        _error(request, exc)
    except CommunityError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=400)
        _error(request, exc)
    if request.htmx:
        post.reaction_list = selectors.reaction_summaries(request.user, [post.pk])[post.pk]
        access = selectors.access_for(request.user, post.topic.community)
        return render(request, "communities/_reactions.html", {"post": post, "access": access})
    return redirect(_post_url(post))


@login_required
def post_reactions(request, pk):
    """Who reacted, per kind, by name (htmx fragment in the post, or a page of its own)."""
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    context = {
        "post": post,
        "community": post.topic.community,
        "groups": selectors.post_reactors(post),
        "post_url": _post_url(post),
    }
    if request.htmx:
        return render(request, "communities/_reactors.html", context)
    return render(request, "communities/post_reactions.html", context)


@login_required
@require_POST
def post_hide(request, pk):
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    try:
        services.post_set_hidden(post=post, by=request.user, hidden=request.POST.get("hidden") == "1")
    except CommunityError as exc:
        _error(request, exc)
    return redirect(_post_url(post))


@login_required
def post_report(request, pk):
    post = _get_or_404(selectors.post_get_for, user=request.user, pk=pk)
    form = ReportForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(post=post, reporter=request.user, reason=form.cleaned_data["reason"])
        except (CommunityError, RateLimited) as exc:
            form.add_error(None, exc)
            refused = exc
        else:
            messages.success(request, _("Thank you. The moderators will look at this post."))
            return redirect(_post_url(post))
    return too_many(
        render(
            request,
            "communities/post_report.html",
            {"post": post, "form": form, "community": post.topic.community},
        ),
        refused,
    )


@login_required
@require_POST
def markdown_preview(request):
    """htmx live preview: exactly the HTML a post would get (rendered and sanitized). Only for members of
    a community where they may post (403), and rate-limited per person (429): rendering costs CPU."""
    if not selectors.may_post_somewhere(request.user):
        raise PermissionDenied
    try:
        rate_limit_hit(action="preview", key=request.user.pk)
    except RateLimited as exc:
        response = render(request, "communities/_preview.html", {"error": exc.messages[0]}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    text = request.POST.get("body") or request.POST.get("description") or ""
    try:
        text = markup.check_length(text, profile="post")
    except ValidationError as exc:
        return render(request, "communities/_preview.html", {"error": exc.messages[0]})
    return render(request, "communities/_preview.html", {"html": markup.render(text, profile="post")})


@login_required
@require_GET
def mention_suggestions(request, slug):
    """htmx, as a member types `@Бон`: up to MENTION_SUGGESTIONS members of this community by name (a
    click inserts their stable reference). Members only (403; a community one may not read is a 404),
    limited per person (PDP_RATE_LIMITS "mention"; 429 with the wait)."""
    community, access = _community(request, slug)
    if not access.is_member:
        raise PermissionDenied
    try:
        rate_limit_hit(action="mention", key=request.user.pk)
    except RateLimited as exc:
        return too_many(render(request, "communities/_mention_options.html", {"error": exc.messages[0]}), exc)
    query = request.GET.get("q", "")
    members = selectors.mention_candidates(community, query=query, limit=services.MENTION_SUGGESTIONS)
    options = [(m, markup.mention_reference(m.user_id, m.user.display_name)) for m in members]
    return render(request, "communities/_mention_options.html", {"options": options, "query": query})


@login_required
def user_card(request, pk):
    """A person's card: name, school, subjects, communities in common. Only for someone who shares a
    community with them (404 otherwise, as for an id that does not exist)."""
    card = _get_or_404(selectors.user_card_for, viewer=request.user, pk=pk)
    return render(request, "communities/user_card.html", {"card": card, "person": card.person})


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.post_search(request.user, query=query) if query else []
    return render(request, "communities/search.html", {"form": form, "query": query, "results": results})


@login_required
def attachment_download(request, pk):
    """Files go out only through here, after the same visibility check as their post or material."""
    attachment = _get_or_404(selectors.attachment_get_for, user=request.user, pk=pk)
    # Images and PDFs open in the browser; the type comes from the stored name (core/files.py).
    return serve_file(request, attachment.file, filename=attachment.original_name, inline=True)


@login_required
@xframe_options_sameorigin
def attachment_preview(request, pk):
    """A PDF shown inside the material's page (an <iframe> of this site only): the same visibility check
    as the download, this response alone may be framed by the platform's own pages (core/files.py)."""
    attachment = _get_or_404(selectors.attachment_get_for, user=request.user, pk=pk)
    if attachment.content_type != "application/pdf":
        raise Http404
    return serve_file(request, attachment.file, filename=attachment.original_name, inline=True, framed=True)


# --- materials -----------------------------------------------------------------------------------


@login_required
def material_list(request, slug):
    """The library: filters (subject, grade, kind, tag), search, sort and pages; a value not on the
    list is named above the list and not applied (decision 0311)."""
    community, access = _community(request, slug)
    filterset = MaterialFilterSet(
        request.GET,
        queryset=Material.objects.none(),
        tags=selectors.material_tags_in(community),
        request=request,
    )
    filters, sort = filterset.material_filters()
    page = paginate(
        request, selectors.materials_for(request.user, community=community, sort=sort, filters=filters)
    )
    narrowed = any((filters.query, filters.subject_id, filters.grade, filters.kind, filters.tag))
    return render(
        request,
        "communities/materials.html",
        {
            "community": community,
            "access": access,
            "page": page,
            "sort": sort,
            "form": filterset.form,
            "filter_errors": filterset.error_lines,
            "narrowed": narrowed,
            "tab": "materials",
        },
    )


@login_required
def material_create(request, slug):
    community, access = _community(request, slug)
    form = MaterialForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(community=community, author=request.user, **form.cleaned_data)
        except (CommunityError, RateLimited) as exc:
            form.add_error(None, exc)
            refused = exc
        else:
            return redirect("communities:material", pk=material.pk)
    return too_many(
        render(
            request,
            "communities/material_form.html",
            {"community": community, "access": access, "form": form, "tab": "materials"},
        ),
        refused,
    )


@login_required
def material_detail(request, pk):
    material = _get_or_404(selectors.material_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, material.community)
    if request.method == "POST":
        try:
            if "score" in request.POST:
                rating = RatingForm(request.POST)
                if not rating.is_valid():
                    raise CommunityError(_("A rating is from 1 to 5."))
                services.material_rate(
                    material=material, user=request.user, score=rating.cleaned_data["score"]
                )
                messages.success(request, _("Thank you for your rating."))
            else:
                comment = CommentForm(request.POST)
                if not comment.is_valid():
                    raise CommunityError(_("Comment cannot be empty."))
                services.material_comment_add(
                    material=material, author=request.user, body=comment.cleaned_data["body"]
                )
        except CommunityError as exc:
            _error(request, exc)
        return redirect("communities:material", pk=material.pk)
    return render(
        request,
        "communities/material.html",
        {
            "material": material,
            "community": material.community,
            "access": access,
            "tab": "materials",
            "comments": selectors.material_comments(material),
            "my_rating": selectors.material_rating_of(request.user, material),
            "comment_form": CommentForm(),
            "scores": range(1, 6),
            "may_edit": material.author_id == request.user.pk,
            "may_delete": material.author_id == request.user.pk or access.is_moderator,
        },
    )


def _material_of_author(request, pk: int):
    """The author's own material; another member's is 403 (its form does not even open), one the user
    may not read 404."""
    material = _get_or_404(selectors.material_get_for, user=request.user, pk=pk)
    if material.author_id != request.user.pk:
        raise PermissionDenied
    return material


@login_required
def material_edit(request, pk):
    material = _material_of_author(request, pk)
    access = selectors.access_for(request.user, material.community)
    attachments = list(material.attachments.all())
    form = MaterialEditForm(
        request.POST or None,
        request.FILES or None,
        initial=MaterialEditForm.initial_for(material),
        attachments=attachments,
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            services.material_edit(material=material, by=request.user, **form.cleaned_data)
        except (CommunityError, RateLimited) as exc:
            form.add_error(None, exc)
            refused = exc
        else:
            messages.success(request, _("The material is saved."))
            return redirect("communities:material", pk=material.pk)
    return too_many(
        render(
            request,
            "communities/material_form.html",
            {
                "community": material.community,
                "access": access,
                "form": form,
                "material": material,
                "tab": "materials",
            },
        ),
        refused,
    )


@login_required
def material_delete(request, pk):
    """GET asks (the confirmation page), POST deletes; the author or a moderator, 403 for anyone else."""
    material = _get_or_404(selectors.material_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, material.community)
    if material.author_id != request.user.pk and not access.is_moderator:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.material_delete(material=material, by=request.user)
        except CommunityError as exc:
            _error(request, exc)
            return redirect("communities:material", pk=material.pk)
        messages.success(request, _("The material “%(title)s” is deleted.") % {"title": material.title})
        return redirect("communities:materials", slug=material.community.slug)
    return render(
        request,
        "communities/material_delete.html",
        {"material": material, "community": material.community, "access": access, "tab": "materials"},
    )


# --- events --------------------------------------------------------------------------------------


@login_required
def event_list(request, slug):
    community, access = _community(request, slug)
    return render(
        request,
        "communities/events.html",
        {
            "community": community,
            "access": access,
            "tab": "events",
            "upcoming": selectors.events_for_community(request.user, community=community),
            "past": selectors.events_for_community(request.user, community=community, past=True)[:20],
            "feed_url": request.build_absolute_uri(
                reverse("communities:feed", args=[feed_token(request.user, community)])
            ),
        },
    )


@login_required
def event_create(request, slug):
    community, access = _community(request, slug)
    if not access.is_moderator:
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(community=community, by=request.user, **form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, exc)
        else:
            return redirect("communities:event", pk=event.pk)
    return render(
        request,
        "communities/event_form.html",
        {"community": community, "access": access, "form": form, "tab": "events"},
    )


@login_required
def event_detail(request, pk):
    event = _get_or_404(selectors.event_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, event.community)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                registration = services.event_register(event=event, user=request.user)
                if registration.status == RegistrationStatus.WAITING:
                    _mine, position = selectors.event_registration_of(request.user, event)
                    messages.info(
                        request,
                        _(
                            "No places are left: you are number %(position)d on the waiting list. "
                            "If a place opens up, it is yours and we will tell you."
                        )
                        % {"position": position},
                    )
                else:
                    messages.success(request, _("You are registered."))
            elif action == "unregister":
                services.event_unregister(event=event, user=request.user)
                messages.info(request, _("Your registration is cancelled."))
            elif action == "recording":
                form = RecordingForm(request.POST)
                if not form.is_valid():
                    raise CommunityError(_("Enter a valid link to the recording."))
                services.event_update(
                    event=event, by=request.user, recording_url=form.cleaned_data["recording_url"]
                )
                messages.success(request, _("The recording is added."))
            else:
                return HttpResponseBadRequest()
        except CommunityError as exc:
            _error(request, exc)
        return redirect("communities:event", pk=event.pk)
    registration, position = selectors.event_registration_of(request.user, event)
    may_manage = selectors.event_may_manage(request.user, event, access)
    return render(
        request,
        "communities/event.html",
        {
            "event": event,
            "community": event.community,
            "access": access,
            "tab": "events",
            "registration": registration,
            "registered": registration is not None and registration.status == RegistrationStatus.REGISTERED,
            "waiting_position": position,
            "may_manage": may_manage,
            "waiting_count": selectors.event_waiting_count(event) if may_manage else None,
            "recording_form": RecordingForm(),
        },
    )


def _event_managed(request, pk):
    """The event, for its organiser and the community's moderators: 404 for what the user may not read,
    403 for a reader who does not run it."""
    event = _get_or_404(selectors.event_get_for, user=request.user, pk=pk)
    access = selectors.access_for(request.user, event.community)
    if not selectors.event_may_manage(request.user, event, access):
        raise PermissionDenied(_("Only the event's organiser and the community's moderators can do this."))
    return event, access


@login_required
def event_edit(request, pk):
    event, access = _event_managed(request, pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, by=request.user, **form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The event is saved. The registered people are told if its time, place or link changed."),
            )
            return redirect("communities:event", pk=event.pk)
    return render(
        request,
        "communities/event_form.html",
        {"community": event.community, "access": access, "form": form, "tab": "events", "event": event},
    )


EXPORT_FORMATS = {"csv": exports.registrations_csv_response, "xlsx": exports.registrations_xlsx_response}


@login_required
@require_GET
def event_registrations(request, pk):
    event, access = _event_managed(request, pk)
    export = request.GET.get("export")
    if export is not None:
        if export not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Choose CSV or XLSX."))
        try:
            sep = csv_separator(request.GET)
        except ExportParamError as exc:
            return bad_param_response(
                request, exc, reverse("communities:event_registrations", args=[event.pk])
            )
        return EXPORT_FORMATS[export](event, sep)
    return render(
        request,
        "communities/event_registrations.html",
        {
            "event": event,
            "community": event.community,
            "access": access,
            "tab": "events",
            "registered": paginate(
                request, selectors.event_registrations(event, status=RegistrationStatus.REGISTERED)
            ),
            "waiting": selectors.event_registrations(event, status=RegistrationStatus.WAITING)[
                :WAITING_SHOWN
            ],
            "waiting_count": selectors.event_waiting_count(event),
        },
    )


WAITING_SHOWN = 200  # the page lists the queue's head; the export has all of it


@login_required
def event_ics(request, pk):
    event = _get_or_404(selectors.event_get_for, user=request.user, pk=pk)
    registered = [event.pk] if selectors.event_is_registered(request.user, event) else []
    body = ical.calendar(
        [event], name=event.title, base_url=request.build_absolute_uri("/"), registered_ids=registered
    )
    return calendar_response(body, filename=f"event-{event.pk}.ics")


FEED_SALT = "communities.feed"


def feed_token(user, community: Community) -> str:
    """A per-person feed address: calendar apps cannot log in, so the address itself is the key."""
    return signing.dumps({"u": user.pk, "c": community.pk}, salt=FEED_SALT, compress=True)


def community_feed(request, token):
    """The subscribable feed; it stops working when the person may no longer read the community."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc

    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise Http404
    community = selectors.communities_readable_by(user).filter(pk=data.get("c")).first()
    if community is None:
        raise Http404
    events = list(selectors.events_for_feed(community))
    registered = Registration.objects.filter(
        user=user, event__in=events, status=RegistrationStatus.REGISTERED
    ).values_list("event_id", flat=True)
    body = ical.calendar(
        events, name=community.name, base_url=request.build_absolute_uri("/"), registered_ids=registered
    )
    return calendar_response(body)
