"""The form renderer: Django's own, except that <select> elements are built in Python.

Django renders a select with one template per option (plus one per option's attributes). A report
filter with a few hundred courses and cohorts spent most of its page time there; the markup built
here is the same as the templates' (tests/pdplatform/test_renderers.py compares them).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False drops the attribute, True leaves it bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _select(widget: dict) -> str:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            html.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") or {}
        if template_name == SELECT and all(
            option.get("template_name") == OPTION
            for _name, options, _i in widget.get("optgroups", [])
            for option in options
        ):
            return mark_safe(_select(widget))  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request)
