from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .forms import ProfileForm, SchoolMoveForm
from .selectors import (
    calendar_feed_of,
    school_list_for_municipality,
    school_move_last_decided_of,
    school_move_pending_of,
)
from .services import AccountError, school_move_withdraw, user_update_profile


def profile_page(request, form, move_form=None, status=200):
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
            "calendar_feed": calendar_feed_of(user),
            "move_form": move_form,
            "move_pending": pending,
            "move_last": school_move_last_decided_of(user) if user.school_id else None,
        },
        status=status,
    )


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


@require_GET
def school_options(request):
    """htmx: the <option>s of the school select for the chosen municipality."""
    municipality_id = request.GET.get("municipality", "")
    schools = (
        school_list_for_municipality(municipality_id=municipality_id) if municipality_id.isdigit() else []
    )
    return render(request, "accounts/school_options.html", {"schools": schools})
