from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formatting import hours_label

CASES = {
    "ru": {
        1: "1 час",
        2: "2 часа",
        5: "5 часов",
        11: "11 часов",
        21: "21 час",
        22: "22 часа",
        1.5: "1,5 часа",
        0: "0 часов",
    },
    "uk": {
        1: "1 година",
        2: "2 години",
        5: "5 годин",
        11: "11 годин",
        21: "21 година",
        22: "22 години",
        1.5: "1,5 години",
        0: "0 годин",
    },
    "en": {
        1: "1 hour",
        2: "2 hours",
        5: "5 hours",
        11: "11 hours",
        21: "21 hours",
        22: "22 hours",
        1.5: "1.5 hours",
        0: "0 hours",
    },
}


@pytest.mark.parametrize(
    ("language", "value", "expected"), [(lang, v, e) for lang, c in CASES.items() for v, e in c.items()]
)
def test_hours_label_plural_forms(language, value, expected):
    with translation.override(language):
        assert hours_label(value) == expected


def test_hours_label_whole_decimal_and_none():
    with translation.override("ru"):
        assert hours_label(Decimal("72.0")) == "72 часа"
        assert hours_label(2.50) == "2,5 часа"
        assert hours_label(None) == "0 часов"


def test_hours_filter():
    with translation.override("ru"):
        assert Template("{% load pd_format %}{{ h|hours }}").render(Context({"h": 72})) == "72 часа"
