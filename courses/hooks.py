"""Extension points for apps above courses (cohorts), so that courses never imports them.

The cohorts app registers, from its AppConfig.ready():

    from courses import hooks
    hooks.register_course_page_context(lambda request, course: {"open_cohorts": [...]})
    hooks.register_open_cohort_filter(lambda course_ref: Exists(Cohort.objects.filter(course=course_ref, ...)))

`course_page_context` adds the returned keys to the course page's context, except `related_links`
(each a {"label", "url"} dict), which every provider extends and `courses/_related_links.html` shows; the template
`courses/_open_cohorts.html` renders `open_cohorts` (each item: the cohort, with `seats_left` if
known) and may be overridden by the cohorts app. The open-cohort filter backs the catalogue's
"has an open cohort" checkbox and the API's `open=1`.
"""

from collections.abc import Callable

_page_context: list[Callable] = []
_open_cohort_filter: list[Callable] = []


def register_course_page_context(provider: Callable) -> None:
    if provider not in _page_context:
        _page_context.append(provider)


def register_open_cohort_filter(builder: Callable) -> None:
    _open_cohort_filter[:] = [builder]


def course_page_context(request, course) -> dict:
    context: dict = {"open_cohorts": []}
    links: list[dict] = []
    for provider in _page_context:
        provided = dict(provider(request, course) or {})
        links.extend(provided.pop("related_links", []))
        context.update(provided)
    context["related_links"] = links
    return context


def open_cohort_filter():
    return _open_cohort_filter[0] if _open_cohort_filter else None
