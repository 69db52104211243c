"""One paginator for every list page: clamps bad page numbers instead of failing."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Page links to show: first, last and two around the current one, "…" between (paginator.ELLIPSIS).
    # A template must not loop over page_range: its cost would grow with the data.
    page.elided_range = list(  # type: ignore[attr-defined]  # for the template; Page declares no such slot
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
