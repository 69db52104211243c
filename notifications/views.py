"""Pages: the list (unread first), mark read, preferences, and the login-free unsubscribe link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .forms import PreferencesForm
from .selectors import kind_label, notifications_for, preferences_for, unread_count_for
from .services import (
    DIGEST,
    NotificationError,
    notification_mark_all_read,
    notification_mark_read,
    preferences_save,
    unsubscribe_apply,
    unsubscribe_read,
)


def _back_to_list(request):
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
def notification_list(request):
    # Django's paginator directly (not core.pagination): this app sits below pdplatform.
    paginator = Paginator(notifications_for(user=request.user), settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(notification=notification)
    if request.htmx:
        context = {
            "notification": notification,
            "page_number": request.POST.get("page", ""),
            "notifications_unread": unread_count_for(user=request.user),
            "oob": True,
        }
        return render(request, "notifications/_item.html", context)
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(user=request.user)
    if not request.htmx:
        messages.success(request, _("All notifications are marked as read.") if count else _("Nothing new."))
    return _back_to_list(request)


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, pk: int):
    """Follow a notification's link. A GET (a mail's link, a prefetching browser or scanner) changes
    nothing; the list's titles POST here, which marks the notification read on the way."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    if request.method == "POST":
        notification_mark_read(notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
def preferences(request):
    current = preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_save(user=request.user, choices=form.cleaned_data)
        except NotificationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058 one-click: mail providers POST without a session; the signed token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a confirmation page. POST: turn the kind off for the person named in the token."""
    try:
        user, kind = unsubscribe_read(token=token)
    except NotificationError as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.messages[0]}, status=400)
    label = _("Daily digest") if kind == DIGEST else kind_label(kind)
    if request.method == "POST":
        unsubscribe_apply(token=token)
        return render(
            request, "notifications/unsubscribe.html", {"done": True, "label": label, "email": user.email}
        )
    return render(
        request, "notifications/unsubscribe.html", {"label": label, "email": user.email, "token": token}
    )
