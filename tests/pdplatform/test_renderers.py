"""The fast <select> markup is the markup Django's templates make, for every shape of select."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.renderers import FastSelectRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <b>"), ("2", 'Two "quoted"')], required=False)
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Zed")])
    many = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two"), (3, "three")])
    disabled = forms.ChoiceField(choices=[("k", "K")], disabled=True)
    attrs = forms.ChoiceField(
        choices=[("q", "Q")], widget=forms.Select(attrs={"class": "form-select", "data-x": "1'\""})
    )


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


@pytest.mark.parametrize("data", [{}, {"plain": "a", "grouped": "y", "many": ["1", "3"], "attrs": "q"}])
def test_fast_select_matches_the_templates(data):
    for name in Sample.base_fields:
        slow = Sample(data=data or None, renderer=DjangoTemplates())[name].as_widget()
        fast = Sample(data=data or None, renderer=FastSelectRenderer())[name].as_widget()
        assert _normal(fast) == _normal(slow), name


def test_other_widgets_still_use_the_templates():
    class Other(forms.Form):
        text = forms.CharField()
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    for name in ("text", "radio"):
        assert _normal(Other(renderer=FastSelectRenderer())[name].as_widget()) == _normal(
            Other(renderer=DjangoTemplates())[name].as_widget()
        )
