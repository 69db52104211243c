"""Public catalogue and course pages (thin: parse the query, call a selector, render)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from pdplatform.pagination import paginate

from . import hooks, selectors, services
from .models import Course

CATALOGUE_PAGE_SIZE = 12
SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "hours": _("Shortest first"),
    "-hours": _("Longest first"),
    "title": _("Title A–Z"),
}


def catalogue(request):
    filters = selectors.CatalogueFilters.from_query(request.GET)
    page = paginate(request, selectors.course_catalogue(user=request.user, filters=filters), CATALOGUE_PAGE_SIZE)
    # The current filters without the page, for pagination and sort links.
    kept = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in {"page"} and v]
    context = {
        "page_obj": page,
        "courses": page.object_list,
        "filters": filters,
        "facets": selectors.catalogue_facets(),
        "formats": Course.Format.choices,
        "levels": Course.Level.choices,
        "sorts": SORT_LABELS.items(),
        "query_without_page": urlencode(kept),
        "query_without_sort": urlencode([(k, v) for k, v in kept if k != "sort"]),
        "open_filter_available": selectors.open_cohort_filter_available(),
    }
    return render(request, "courses/catalogue.html", context)


def course_detail(request, slug: str):
    try:
        course = selectors.course_detail_for_user(user=request.user, slug=slug)
    except Course.DoesNotExist:
        raise Http404 from None
    can_edit = services.user_can_edit_course(request.user, course) if request.user.is_authenticated else False
    context = {
        "course": course,
        "modules": course.modules.all(),
        "total_lesson_hours": selectors.course_total_lesson_hours(course),
        "can_edit": can_edit and not request.GET.get("preview"),
        "is_preview": bool(request.GET.get("preview")) and can_edit,
        **hooks.course_page_context(request, course),
    }
    return render(request, "courses/course_detail.html", context)
