import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per user; the production hasher makes big data sets slow to build."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
