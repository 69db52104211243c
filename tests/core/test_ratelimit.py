"""The product's default write limits cover every kind of user write (tests run without limits,
tests/conftest.py; this pins what a deployment gets when PDP_RATE_LIMITS is not set)."""

import pdplatform.settings as product
from core.ratelimit import Rate, parse_rates


def test_the_default_limits_every_user_write():
    assert parse_rates(product.RATE_LIMITS) == {
        "preview": Rate(30, 60),
        "post": Rate(10, 60),
        "topic": Rate(5, 60),
        "question": Rate(5, 60),
        "material": Rate(5, 60),
        "upload": Rate(20, 3600),
        "api_anon": Rate(60, 60),
        "api_user": Rate(600, 60),
        "report": Rate(5, 60),
        "draft": Rate(60, 60),
        "reaction": Rate(60, 60),
        "mention": Rate(120, 60),
        "badge_verify": Rate(20, 60),
        "school_move": Rate(5, 3600),
        "api_token": Rate(5, 60),
    }
