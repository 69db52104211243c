"""Public catalogue and course pages (thin: parse the query, call a selector, render)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.caching import cache_for_anonymous
from core.files import serve_file, stored_extension
from core.pagination import paginate

from . import hooks, selectors
from .filters import CatalogueFilterSet
from .models import Course

CATALOGUE_PAGE_SIZE = 12
SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "hours": _("Shortest first"),
    "-hours": _("Longest first"),
    "title": _("Title A–Z"),
}


@cache_for_anonymous
def catalogue(request):
    filterset = CatalogueFilterSet(request.GET, queryset=selectors.catalogue_courses(), request=request)
    filters = filterset.catalogue_filters()
    page = paginate(request, filterset.qs, CATALOGUE_PAGE_SIZE)
    # The current filters without the page, for pagination and sort links.
    kept = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in {"page"} and v]
    context = {
        "page_obj": page,
        "courses": page.object_list,
        "filters": filters,
        "filter_errors": filterset.error_lines,
        "facets": selectors.catalogue_facets(),
        "formats": Course.Format.choices,
        "levels": Course.Level.choices,
        "languages": Course.Language.choices,
        "sorts": SORT_LABELS.items(),
        "query_without_page": urlencode(kept),
        "query_without_sort": urlencode([(k, v) for k, v in kept if k != "sort"]),
        "open_filter_available": selectors.open_cohort_filter_available(),
    }
    context["chips"] = _active_chips(kept, filters, context["facets"])
    if filters.q and not page.paginator.count:
        suggestion = selectors.catalogue_suggestion(user=request.user, filters=filters)
        if suggestion:
            context["suggestion"] = suggestion
            context["suggestion_query"] = urlencode(
                [(k, v) for k, v in kept if k != "q"] + [("q", suggestion)]
            )
    return render(request, "courses/catalogue.html", context)


@cache_for_anonymous
def course_detail(request, slug: str):
    # Authors may look inside the lessons (preview); others see the programme, lessons open in a cohort.
    wants_content = request.user.is_authenticated and (
        request.user.is_superuser or selectors.courses_editable_by(request.user).filter(slug=slug).exists()
    )
    try:
        course = selectors.course_detail_for_user(user=request.user, slug=slug, with_content=wants_content)
    except Course.DoesNotExist:
        raise Http404 from None
    can_edit = wants_content
    context = {
        "course": course,
        "modules": course.modules.all(),
        "lesson_count": sum(len(m.lessons.all()) for m in course.modules.all()),
        "assignment_count": sum(len(m.assignments.all()) for m in course.modules.all()),
        "total_lesson_hours": selectors.course_total_lesson_hours(course),
        "can_edit": can_edit and not request.GET.get("preview"),
        "is_preview": bool(request.GET.get("preview")) and can_edit,
        "show_content": can_edit,
        **hooks.course_page_context(request, course),
    }
    return render(request, "courses/course_detail.html", context)


def _active_chips(kept: list[tuple[str, str]], filters, facets) -> list[tuple[str, str]]:
    """(label, link without this filter) for each filter in effect, so one tap removes it."""
    subject_names = {s.code: s.name for s in facets["subjects"]}
    competency_names = {a.code: a.name for a in facets["areas"]}
    for area in facets["areas"]:
        competency_names.update({c.code: f"{c.code} {c.name}" for c in area.competencies.all()})
    labels = {
        "q": lambda v: f"“{filters.q}”",
        "subject": lambda v: subject_names.get(v),
        "format": lambda v: dict(Course.Format.choices).get(v),
        "level": lambda v: dict(Course.Level.choices).get(v),
        "language": lambda v: dict(Course.Language.choices).get(v),
        "competency": lambda v: competency_names.get(v),
        "hours_min": lambda v: (
            _("from %(n)s h") % {"n": filters.hours_min} if filters.hours_min is not None else None
        ),
        "hours_max": lambda v: (
            _("to %(n)s h") % {"n": filters.hours_max} if filters.hours_max is not None else None
        ),
        "open": lambda v: _("Has an open cohort") if filters.open_cohort else None,
    }
    chips = []
    for key, value in kept:
        label = labels[key](value) if key in labels else None
        if label:
            rest = [(k, v) for k, v in kept if (k, v) != (key, value)]
            chips.append((label, "?" + urlencode(rest)))
    return chips


def _image(request, find, field: str, name: str):
    """A private image of the admin's (a logo, a signature) for those `find(user=…)` lets see its owner."""
    try:
        owner = find(user=request.user)
    except ObjectDoesNotExist:
        raise Http404 from None
    stored = getattr(owner, field)
    return serve_file(request, stored, filename=f"{name}-{owner.pk}.{stored_extension(stored)}", inline=True)


@login_required
def organisation_logo(request, organisation_id: int):
    """An organisation's logo, for those who may see organisations in the admin (media stays private)."""
    return _image(
        request,
        partial(selectors.organisation_for_viewer, organisation_id=organisation_id),
        "logo",
        "organisation-logo",
    )


@login_required
def signatory_signature(request, signatory_id: int):
    """A signatory's signature image: a signature is never a public file."""
    return _image(
        request, partial(selectors.signatory_for_viewer, signatory_id=signatory_id), "signature", "signature"
    )
