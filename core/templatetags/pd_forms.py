"""Bootstrap rendering for any Django form field, so every form in the product looks alike."""

from django import forms, template

register = template.Library()


@register.filter
def bs_widget(field):
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return field.as_widget()
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    classes = " ".join(dict.fromkeys(f"{existing} {css}".split()))
    return field.as_widget(attrs={"class": classes})


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi_checkbox(field) -> bool:
    return isinstance(field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))
