"""People's own API tokens: made and revoked on the profile page, hashed at rest, shown once, and
refused once revoked or when their person is deactivated. Each guarantee is played as an attack."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken
from accounts.services import AccountError, api_token_create
from tests.factories import SchoolAdminFactory, TeacherFactory, api_secret_for

pytestmark = pytest.mark.django_db

API = "/api/v1/surveys/pending/"


def call_api(client, secret):
    # A refused caller is nobody yet: their client's language (Russian here) speaks to them.
    return client.get(API, HTTP_AUTHORIZATION=f"Token {secret}", HTTP_ACCEPT_LANGUAGE="ru")


def create_on_page(client, name="Электронный журнал"):
    response = client.post(reverse("api_token_new"), {"name": name})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile_edit") + "#api-tokens"
    return client.get(reverse("profile_edit"))


def test_a_teacher_makes_a_token_on_the_profile_page_and_sees_its_secret_once(client):
    teacher = TeacherFactory(preferred_language="ru")
    client.force_login(teacher)
    page = create_on_page(client)
    token = ApiToken.objects.get(user=teacher)
    secret = page.context["new_token"]["secret"]
    assert page.context["new_token"]["id"] == token.pk
    body = page.content.decode()
    assert secret in body
    assert "Ваш API-токен готов. Скопируйте его сейчас: он показывается только один раз." in body
    assert token.name == "Электронный журнал"
    assert token.prefix == secret[:12]
    assert token.token_hash == ApiToken.hash_of(secret)
    # The secret is stored nowhere: not as a column value, and never shown again.
    assert secret not in {token.name, token.prefix, token.token_hash}
    again = client.get(reverse("profile_edit"))
    assert again.context["new_token"] is None
    assert secret not in again.content.decode()
    assert f"{token.prefix}…" in again.content.decode()
    assert call_api(client, secret).status_code == 200


def test_the_token_works_as_its_person_and_records_its_last_use_at_most_once_a_minute(client):
    teacher = TeacherFactory()
    secret = api_secret_for(teacher)
    assert ApiToken.objects.get().last_used_at is None
    assert call_api(client, secret).status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=60)
    with CaptureQueriesContext(connection) as queries:
        assert call_api(client, secret).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    assert call_api(client, secret).status_code == 200
    assert ApiToken.objects.get().last_used_at > first


def test_a_revoked_token_is_refused(client):
    teacher = TeacherFactory(preferred_language="ru")
    secret = api_secret_for(teacher)
    token = ApiToken.objects.get()
    client.force_login(teacher)
    confirm = client.get(reverse("api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200
    assert "Отозвать API-токен" in confirm.content.decode()
    assert ApiToken.objects.count() == 1  # the GET only asks
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.count() == 0
    client.logout()
    refused = call_api(client, secret)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Недопустимый токен."}


def test_another_persons_token_id_on_the_revoke_url_is_404_and_changes_nothing(client):
    owner = TeacherFactory()
    secret = api_secret_for(owner)
    token = ApiToken.objects.get()
    client.force_login(SchoolAdminFactory(school=owner.school))
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [token.pk]
    client.logout()
    assert call_api(client, secret).status_code == 200


def test_the_profile_page_lists_only_ones_own_tokens(client):
    mine, theirs = TeacherFactory(), TeacherFactory()
    api_token_create(user=mine, name="Мой журнал")
    api_token_create(user=theirs, name="Чужой журнал")
    client.force_login(mine)
    body = client.get(reverse("profile_edit")).content.decode()
    assert "Мой журнал" in body
    assert "Чужой журнал" not in body


def test_a_deactivated_persons_tokens_stop_working(client):
    teacher = TeacherFactory()
    secret = api_secret_for(teacher)
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    refused = call_api(client, secret)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Пользователь неактивен или удален."}


def test_at_most_ten_tokens_per_person_and_the_eleventh_is_refused_with_a_message(client):
    teacher = TeacherFactory(preferred_language="ru")
    for n in range(10):
        api_token_create(user=teacher, name=f"Программа {n}")
    client.force_login(teacher)
    page = client.get(reverse("profile_edit")).content.decode()
    assert "У вас 10 токенов — больше одному человеку нельзя" in page
    response = client.post(reverse("api_token_new"), {"name": "Одиннадцатая"})
    assert response.status_code == 400
    assert response.context["token_form"].errors == {
        "name": ["У вас уже 10 токенов: сначала отзовите тот, которым больше не пользуетесь."]
    }
    assert ApiToken.objects.filter(user=teacher).count() == 10


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("   ", "Обязательное поле."),
        ("x" * 101, "Убедитесь, что это значение содержит не более 100 символов (сейчас 101)."),
    ],
)
def test_a_bad_name_gets_a_message_and_makes_nothing(client, name, error):
    teacher = TeacherFactory(preferred_language="ru")
    client.force_login(teacher)
    response = client.post(reverse("api_token_new"), {"name": name})
    assert response.status_code == 400
    assert response.context["token_form"].errors == {"name": [error]}
    assert ApiToken.objects.count() == 0


def test_the_same_name_twice_is_refused_by_the_service_and_the_database():
    teacher = TeacherFactory(preferred_language="ru")
    api_token_create(user=teacher, name="Журнал")
    with translation.override("ru"), pytest.raises(AccountError) as error:
        api_token_create(user=teacher, name=" Журнал ")
    assert error.value.messages == ["У вас уже есть токен с таким названием."]
    assert ApiToken.objects.count() == 1


def test_the_profile_page_reads_tokens_in_constant_queries(client, django_assert_max_num_queries):
    teacher = TeacherFactory()
    client.force_login(teacher)
    api_token_create(user=teacher, name="Один")
    with django_assert_max_num_queries(16) as small:  # + the school move: pending request, last decision
        assert client.get(reverse("profile_edit")).status_code == 200
    for n in range(9):
        api_token_create(user=teacher, name=f"Ещё {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("profile_edit")).status_code == 200


def test_making_tokens_is_rate_limited_and_a_refusal_makes_nothing(client, settings):
    settings.RATE_LIMITS = "api_token=2/m"
    teacher = TeacherFactory(preferred_language="ru")
    client.force_login(teacher)
    for n in range(2):
        assert client.post(reverse("api_token_new"), {"name": f"Журнал {n}"}).status_code == 302
    response = client.post(reverse("api_token_new"), {"name": "Третий"})
    assert response.status_code == 429
    assert response["Retry-After"].isdigit()
    assert ApiToken.objects.filter(user=teacher).count() == 2


def test_a_token_made_in_the_admin_before_keeps_working_and_its_plain_key_is_gone(client):
    """Migration 0007 turns DRF authtoken keys (stored plain) into hashed ApiTokens."""
    migration = importlib.import_module("accounts.migrations.0007_api_tokens")
    teacher = TeacherFactory()
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone,"
            " user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, timezone.now(), teacher.pk])
    with connection.schema_editor() as editor:
        migration.copy_admin_tokens(apps, editor)
    token = ApiToken.objects.get()
    assert (token.user_id, token.name, token.prefix) == (teacher.pk, "Admin token", key[:12])
    assert token.token_hash == ApiToken.hash_of(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
    assert call_api(client, key).status_code == 200
