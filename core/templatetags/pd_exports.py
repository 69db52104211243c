"""`{% csv_separators as seps %}`: the CSV delimiters a reader can choose, the default for their language first
(core.exports), for the one CSV export control, templates/includes/csv_export.html."""

from django import template

from core.exports import CSV_SEPARATORS, default_separator

register = template.Library()


@register.simple_tag
def csv_separators() -> list[dict]:
    default = default_separator()
    keys = [default, *(key for key in CSV_SEPARATORS if key != default)]
    return [{"key": key, "symbol": CSV_SEPARATORS[key], "default": key == default} for key in keys]
