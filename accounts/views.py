from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import ProfileForm
from .selectors import calendar_feed_of, school_list_for_municipality
from .services import AccountError, user_update_profile


@login_required
def profile_edit(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, municipality_id=request.POST.get("municipality") or None)
        if form.is_valid():
            try:
                user_update_profile(user=user, **form.cleaned_data)
            except AccountError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("cabinet")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user), municipality_id=user.municipality_id)
    return render(request, "accounts/profile.html", {"form": form, "calendar_feed": calendar_feed_of(user)})


@require_GET
def school_options(request):
    """htmx: the <option>s of the school select for the chosen municipality."""
    municipality_id = request.GET.get("municipality", "")
    schools = (
        school_list_for_municipality(municipality_id=municipality_id) if municipality_id.isdigit() else []
    )
    return render(request, "accounts/school_options.html", {"schools": schools})
