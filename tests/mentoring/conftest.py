import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password for every user; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
