"""One paginator for every list page (clamps bad page numbers instead of failing) and one for the API
(refuses them)."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def paginate(request, queryset, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Page links to show: first, last and two around the current one, "…" between (paginator.ELLIPSIS).
    # A template must not loop over page_range: its cost would grow with the data.
    page.elided_range = list(  # type: ignore[attr-defined]  # for the template; Page declares no such slot
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


class ApiPagination(PageNumberPagination):
    """The API's pages (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS). Unlike the pages' paginator above, a
    client's bad value is refused, not guessed: `page` must be one whole number from 1 (else 404, DRF's
    "invalid page", as for a page past the end) and `page_size`, where a list allows it, one whole number
    from 1 (else 400 under the parameter's name). Empty is "not given", as for every query parameter."""

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if values and (len(values) > 1 or not _whole_number(values[0])):
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)

    def get_page_size(self, request):
        if self.page_size_query_param:
            values = request.query_params.getlist(self.page_size_query_param)
            if values and (len(values) > 1 or not _whole_number(values[0])):
                raise ValidationError({self.page_size_query_param: [_("Give one whole number from 1.")]})
        return super().get_page_size(request)


def _whole_number(value: str) -> bool:
    """One whole number from 1, or empty: an empty query value means "not given" across the API."""
    return value == "" or (value.isascii() and value.isdigit() and int(value) >= 1)
