import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many people per test: a fast hasher keeps the suite quick (logins still go through the real form)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
