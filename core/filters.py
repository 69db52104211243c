"""The one way a list reads its filters from the query string: a django-filter FilterSet per list, in
the app's `filters.py`, used by the page (its form) and by the API (`FilterBackend`) alike.

A bad value is never dropped in silence nor read as something else: the FilterSet's form is invalid,
and its messages (`error_lines`: one line per message, "<label>: <message>", in the request's language)
are what both show — the page above the list (200, the bad parameter not applied), the API as
400 `{"detail": [lines]}`, the project's one error shape (core/api_errors.py).
See docs/decisions/0311-filters-one-filter-error-shape.md.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as ApiValidationError

UNKNOWN_VALUE = _("Unknown value: %(value)s.")
NOT_YOURS = _("Unknown value: it is not one of the choices you may use.")
NOT_A_WHOLE_NUMBER = _("Unknown value: %(value)s. Give a whole number.")


def error_lines(form) -> list[str]:
    """A bad filter's messages, one line each: "<label>: <message>" (the form's own checks: the message)."""
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and name != NON_FIELD_ERRORS else None
        lines += [f"{label}: {message}" if label else str(message) for message in errors]
    return lines


def _clean_text(value) -> str:
    # Control characters (NUL above all) can never match, and PostgreSQL refuses them.
    return "".join(ch for ch in str(value or "") if ch.isprintable())


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet: each kind of bad value has the project's message, naming the value;
    a choice the user may not use (another school's id) is as unknown as one that does not exist."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                    field.error_messages["invalid_choice"] = NOT_YOURS
                    field.error_messages["invalid_pk_value"] = NOT_YOURS
                elif isinstance(field, forms.ChoiceField | forms.MultipleChoiceField):
                    field.error_messages["invalid_choice"] = UNKNOWN_VALUE
        return self._form

    @property
    def error_lines(self) -> list[str]:
        return error_lines(self.form) if self.is_bound else []

    def value_or_known(self, name: str):
        """The checked value of `name`; for a list of codes with unknown ones among them, the known ones
        (the page applies what it understood and names the rest; the API refuses the whole request)."""
        form = self.form
        form.is_valid()
        if name in form.cleaned_data:
            return form.cleaned_data[name]
        field = form.fields[name]
        if isinstance(field, CodesField):
            return field.known_values(
                field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))  # type: ignore[call-arg]  # the stubs type fields.widget as a class
            )
        return None


class FilterBackend(django_filters.DjangoFilterBackend):
    """DRF's django-filter backend answering a bad filter with the project's error shape. Only lists are
    filtered: a viewset's detail, update or action reads its object unfiltered (scoped by its queryset)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) not in (None, "list"):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        view.filterset = filterset  # for a view that reads the checked values too (a report's sort, its log)
        if not filterset.is_valid():
            raise ApiValidationError({"detail": error_lines(filterset.form)})
        return filterset.qs


def filterset_or_400(filterset: FilterSet) -> FilterSet:
    """For an API view that reads a FilterSet itself (a report that is not a queryset list)."""
    if not filterset.is_valid():
        raise ApiValidationError({"detail": error_lines(filterset.form)})
    return filterset


# --- fields and filters for query strings ----------------------------------------------------------


class ListWidget(forms.Widget):
    """A parameter that may repeat (`?format=a&format=b`) or list values with commas (`?format=a,b`)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        out: list[str] = []
        for value in values:
            for part in _clean_text(value).split(","):
                part = part.strip()[:50]
                if part and part not in out:
                    out.append(part)
        return out[:20]

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class CodesField(forms.MultipleChoiceField):
    """Codes out of fixed choices, or (no choices) out of what `known(values)` finds: each must be known."""

    widget = ListWidget

    def __init__(self, *, known=None, **kwargs):
        self.known = known
        super().__init__(**kwargs)

    def valid_value(self, value):
        return True if self.known is not None else super().valid_value(value)

    def known_values(self, values: list[str]) -> list[str]:
        """The known ones among `values` (a page applies them and names the others as errors)."""
        if self.known is not None:
            found = set(self.known(values)) if values else set()
            return [v for v in values if v in found]
        return [v for v in values if forms.MultipleChoiceField.valid_value(self, v)]

    def validate(self, value):
        super().validate(value)
        if self.known is not None and value:
            found = set(self.known(value))
            for item in value:
                if item not in found:
                    raise ValidationError(UNKNOWN_VALUE, code="invalid_choice", params={"value": item})


class CodesFilter(django_filters.MultipleChoiceFilter):
    """Repeat the parameter or separate values with commas; a code not among `choices` is an error."""

    field_class = CodesField


@extend_schema_field(OpenApiTypes.STR)  # an array of strings in the schema (no fixed values to list)
class KnownCodesFilter(CodesFilter):
    """Codes checked by `known` (what exists in the database) rather than fixed choices."""


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """One object by its id, out of the queryset the user may use (another school's id is unknown)."""


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.TypedChoiceFilter):
    """A school year by the year it starts in."""


class WholeNumberField(forms.IntegerField):
    default_error_messages = {"invalid": NOT_A_WHOLE_NUMBER}

    def to_python(self, value):
        text = _clean_text(value).strip()
        if text in self.empty_values:
            return None
        if not (text.isdigit() or (text[:1] == "-" and text[1:].isdigit())):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text[:50]})
        return int(text)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


class YesNoField(forms.Field):
    """1/true/on/yes or 0/false/off/no; anything else is an unknown value, never read as "no"."""

    YES, NO = {"1", "true", "on", "yes"}, {"0", "false", "off", "no"}

    def to_python(self, value):
        text = _clean_text(value).strip().lower()
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValidationError(UNKNOWN_VALUE, code="invalid_choice", params={"value": text[:50]})


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # not DRF's BooleanWidget: it reads "maybe" as "any"
        super().__init__(*args, **kwargs)


class SearchTextField(forms.CharField):
    """Free text: control characters dropped, spaces collapsed, cut at `limit` (never an error)."""

    def __init__(self, *, limit: int = 200, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(_clean_text(value).split())[: self.limit]


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.CharFilter):
    field_class = SearchTextField
