from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.ratelimit import RateLimited, too_many

from .forms import ApiTokenForm, ProfileForm, SchoolMoveForm
from .models import ApiToken
from .selectors import (
    api_token_of,
    api_tokens_of,
    calendar_feed_of,
    school_list_for_municipality,
    school_move_last_decided_of,
    school_move_pending_of,
)
from .services import (
    AccountError,
    api_token_create,
    api_token_revoke,
    school_move_withdraw,
    user_update_profile,
)

# The new token's secret travels to the next page once, in the session, and is popped there (as the
# calendar address does): reloading the page never shows it again.
TOKEN_ONCE_KEY = "api_token_secret_once"  # noqa: S105  (a session key, not a secret)


def _profile_context(request, *, token_form=None) -> dict:
    once = request.session.pop(TOKEN_ONCE_KEY, None)
    return {
        "calendar_feed": calendar_feed_of(request.user),
        "api_tokens": list(api_tokens_of(request.user)),
        "api_token_limit": ApiToken.LIMIT_PER_PERSON,
        "token_form": token_form or ApiTokenForm(),
        "new_token": once,  # {"id": ..., "secret": ...} right after creation, else None
    }


def profile_page(request, form, move_form=None, status=200, token_form=None):
    """The profile page: the profile form, the school move (ask, pending, last decision), the calendar
    address and the API tokens."""
    user = request.user
    pending = school_move_pending_of(user) if user.school_id else None
    if move_form is None and user.school_id and pending is None:
        move_form = SchoolMoveForm(
            initial={"municipality": user.municipality_id}, municipality_id=user.municipality_id
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            **_profile_context(request, token_form=token_form),
            "move_form": move_form,
            "move_pending": pending,
            "move_last": school_move_last_decided_of(user) if user.school_id else None,
        },
        status=status,
    )


@never_cache
@login_required
def profile_edit(request):
    user = request.user
    locked = user.school_id is not None
    if request.method == "POST":
        form = ProfileForm(
            request.POST,
            municipality_id=None if locked else (request.POST.get("municipality") or None),
            school_locked=locked,
        )
        if form.is_valid():
            data = dict(form.cleaned_data)
            if locked:
                data.update(school=user.school, municipality=user.municipality)
            try:
                user_update_profile(user=user, **data)
            except AccountError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("cabinet")
    else:
        form = ProfileForm(
            initial=ProfileForm.initial_for(user), municipality_id=user.municipality_id, school_locked=locked
        )
    return profile_page(request, form)


@login_required
@require_POST
def school_move_cancel(request, move_id: int):
    try:
        school_move_withdraw(teacher=request.user, move_id=move_id)
    except AccountError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your move request is withdrawn."))
    return redirect("profile_edit")


@never_cache
@login_required
@require_POST
def api_token_new(request):
    """Make a token; its secret is shown once, on the profile page the browser is sent back to."""
    form = ApiTokenForm(request.POST)
    refused: Exception | None = None
    if form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except (AccountError, RateLimited) as exc:
            refused = exc
            form.add_error("name", exc.messages[0])
        else:
            request.session[TOKEN_ONCE_KEY] = {"id": token.pk, "secret": secret}
            messages.success(request, _("Your API token is ready. Copy it now: it is shown only once."))
            return redirect(reverse("profile_edit") + "#api-tokens")
    user = request.user
    locked = user.school_id is not None
    profile_form = ProfileForm(
        initial=ProfileForm.initial_for(user), municipality_id=user.municipality_id, school_locked=locked
    )
    return too_many(profile_page(request, profile_form, status=400, token_form=form), refused)


@never_cache
@login_required
def api_token_revoke_view(request, token_id: int):
    """GET asks for confirmation; POST revokes. Another person's token, or one already revoked: 404."""
    token = api_token_of(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(
            request,
            _("The token “%(name)s” is revoked: programs using it are refused from now on.")
            % {"name": token.name},
        )
        return redirect(reverse("profile_edit") + "#api-tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token})


@require_GET
def school_options(request):
    """htmx: the <option>s of the school select for the chosen municipality."""
    municipality_id = request.GET.get("municipality", "")
    schools = (
        school_list_for_municipality(municipality_id=municipality_id) if municipality_id.isdigit() else []
    )
    return render(request, "accounts/school_options.html", {"schools": schools})
