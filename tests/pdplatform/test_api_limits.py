"""The API's request budget and its answer to a bad credential.

Attacks played: a script hammering the public API without signing in, a signed-in script doing the same,
and a forged token (it must be told 401 with a WWW-Authenticate challenge, not a bare 403).
"""

import pytest

from tests.factories import UserFactory, api_secret_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/courses/"


@pytest.fixture
def limits(settings, clock):
    settings.RATE_LIMITS = "api_anon=3/m,api_user=5/m"
    return clock


def test_anonymous_requests_past_the_budget_get_429_with_retry_after(client, limits):
    for _ in range(3):
        assert client.get(URL).status_code == 200
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    assert refused.json() == {
        "detail": ["Too many attempts in a short time. Please wait 40 s and try again."]
    }


def test_one_address_past_its_budget_does_not_block_another(client, limits):
    for _ in range(4):
        client.get(URL, REMOTE_ADDR="10.0.0.1")
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_signed_in_person_has_their_own_budget(client, limits):
    user = UserFactory()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_secret_for(user)}"}
    for _ in range(5):
        assert client.get(URL, **headers).status_code == 200
    assert client.get(URL, **headers).status_code == 429
    assert client.get(URL).status_code == 200  # anonymous budget untouched


def test_the_budget_opens_again_in_the_next_window(client, limits):
    for _ in range(4):
        client.get(URL)
    limits.value += 60
    assert client.get(URL).status_code == 200


def test_a_forged_token_is_a_401_with_a_challenge(client):
    response = client.get(URL, HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_no_credential_on_a_private_endpoint_is_a_401_with_a_challenge(client):
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
