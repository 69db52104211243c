"""The materials library: filters, search (stemmed on PostgreSQL, folded substrings on SQLite), sorting,
pages; the author's edit and the author's or a moderator's delete, attacked by everyone else; the PDF
preview through the private-file view only; authors told of ratings and comments, never of their own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services
from communities.models import Attachment, Material, MaterialComment, MaterialKind, MaterialRating, MemberRole
from notifications.models import Notification
from tests.factories import SubjectFactory, TeacherFactory

from .factories import PDF, PNG, CommunityFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]  # the pages and messages in Russian

STEMMED = connection.vendor == "postgresql"


@pytest.fixture
def library():
    club = CommunityFactory(slug="lib", name="Клуб математиков")
    math, history = (
        SubjectFactory(code="math", name="Математика"),
        SubjectFactory(code="hist", name="История"),
    )
    author = member(club, TeacherFactory(full_name="Петренко Олена"))
    reader = member(club, TeacherFactory(full_name="Иванова Анна"))

    def add(
        title, *, subject=math, kind=MaterialKind.LESSON_PLAN, grades=(5, 5), tags="", description="Текст"
    ):
        return services.material_create(
            community=club,
            author=author,
            title=title,
            description=description,
            kind=kind,
            subject=subject,
            grade_from=grades[0],
            grade_to=grades[1],
            tags=tags,
        )

    fractions = add(
        "Урок о сложении дробей",
        tags="дроби, 5 класс",
        description="Работа с полосками в парах.",
        kind=MaterialKind.WORKSHEET,
    )
    percent = add("Проценты вокруг нас", grades=(6, 7), tags="проценты")
    war = add("Карта Смутного времени", subject=history, kind=MaterialKind.PRESENTATION, grades=(7, 7))
    return {
        "club": club,
        "math": math,
        "history": history,
        "author": author,
        "reader": reader,
        "fractions": fractions,
        "percent": percent,
        "war": war,
    }


def _titles(response) -> list[str]:
    return [m.title for m in response.context["page"]]


def _list(client, **params):
    return client.get(reverse("communities:materials", args=["lib"]), params)


def test_filters_by_subject_kind_grade_and_tag(client, library):
    client.force_login(library["reader"])
    assert sorted(_titles(_list(client, subject=library["history"].pk))) == ["Карта Смутного времени"]
    assert _titles(_list(client, kind=MaterialKind.WORKSHEET)) == ["Урок о сложении дробей"]
    # Grade 6 is within 6–7; grade 5 only the one-grade materials for 5.
    assert _titles(_list(client, grade=6)) == ["Проценты вокруг нас"]
    assert _titles(_list(client, grade=7, sort="title")) == ["Карта Смутного времени", "Проценты вокруг нас"]
    assert _titles(_list(client, tag="проценты")) == ["Проценты вокруг нас"]
    both = _list(client, subject=library["math"].pk, kind=MaterialKind.LESSON_PLAN)
    assert _titles(both) == ["Проценты вокруг нас"]


def test_search_finds_other_word_forms_on_postgres_and_the_written_form_everywhere(client, library):
    client.force_login(library["reader"])
    # «дроби» is in the tags as written: found on every database.
    assert _titles(_list(client, q="дроби")) == ["Урок о сложении дробей"]
    # Case and ё folded on SQLite, stems on PostgreSQL.
    assert _titles(_list(client, q="ПОЛОСКАМИ")) == ["Урок о сложении дробей"]
    if STEMMED:
        assert _titles(_list(client, q="дробь")) == ["Урок о сложении дробей"]
        assert _titles(_list(client, q="полоска")) == ["Урок о сложении дробей"]
    assert _titles(_list(client, q="дроби", subject=library["history"].pk)) == []


def test_an_edit_is_found_by_its_new_words_and_not_its_old_ones(client, library):
    client.force_login(library["reader"])
    services.material_edit(
        material=library["war"],
        by=library["author"],
        title="Карта Северной войны",
        description="Полтава",
        kind=MaterialKind.PRESENTATION,
        subject=library["history"],
        tags="петр",
    )
    assert _titles(_list(client, q="Смутного")) == []
    assert _titles(_list(client, q="Полтава")) == ["Карта Северной войны"]
    assert _titles(_list(client, q="петр")) == ["Карта Северной войны"]


def test_a_value_not_on_the_list_is_named_above_the_list_and_narrows_nothing(client, library):
    client.force_login(library["reader"])
    response = _list(client, grade="12", kind="virus", subject="999999", tag="нет-такого", sort="hack")
    assert response.status_code == 200
    assert len(response.context["page"]) == 3
    assert response.context["filter_errors"] == [
        "Предмет: Неизвестное значение: его нет среди доступных вариантов.",
        "Класс: Неизвестное значение: 12.",
        "Вид: Неизвестное значение: virus.",
        "Тег: Неизвестное значение: нет-такого.",
        "Сортировка: Неизвестное значение: hack.",
    ]
    assert "Эти фильтры не применены:" in response.content.decode()


def test_empty_states_say_whether_the_library_is_empty_or_the_filters_match_nothing(client, library):
    client.force_login(library["reader"])
    body = _list(client, q="астрономия").content.decode()
    assert "Ничего не найдено по этим фильтрам" in body
    member(CommunityFactory(slug="empty"), library["reader"])
    empty = client.get(reverse("communities:materials", args=["empty"])).content.decode()
    assert "Материалов пока нет." in empty


def test_sorting_and_pages_keep_the_filters(client, library, settings):
    settings.PAGE_SIZE = 2
    client.force_login(library["reader"])
    first = _list(client, subject=library["math"].pk, sort="title")
    assert _titles(first) == ["Проценты вокруг нас", "Урок о сложении дробей"]
    response = _list(client, sort="title")
    assert _titles(response) == ["Карта Смутного времени", "Проценты вокруг нас"]
    assert "?sort=title&amp;page=2" in response.content.decode()
    assert _titles(_list(client, sort="title", page=2)) == ["Урок о сложении дробей"]


def test_library_page_constant_queries_with_filters(client, library):
    client.force_login(library["reader"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = _list(client, subject=library["math"].pk, q="урок", sort="useful")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(25):
        material = services.material_create(
            community=library["club"],
            author=library["author"],
            title=f"Урок номер {i}",
            description="d",
            subject=library["math"],
            tags=f"тег{i}, дроби",
            files=[SimpleUploadedFile("p.png", PNG)],
        )
        services.material_comment_add(material=material, author=library["reader"], body="Спасибо")
    assert count() == small


# --- edit and delete -----------------------------------------------------------------------------


def _edit_data(**overrides):
    return {
        "title": "Новое название урока",
        "kind": MaterialKind.METHODOLOGY,
        "description": "Новое описание",
        "grade_from": "6",
        "grade_to": "6",
        "tags": "новое",
        **overrides,
    }


def test_another_members_edit_form_is_403_on_get_and_on_post_and_nothing_changes(client, library):
    material = library["fractions"]
    url = reverse("communities:material_edit", args=[material.pk])
    moderator = member(library["club"], role=MemberRole.MODERATOR)
    for intruder in (library["reader"], moderator):
        client.force_login(intruder)
        assert client.get(url).status_code == 403
        assert client.post(url, _edit_data()).status_code == 403
    outsider = TeacherFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 403  # an open community: readable, not theirs
    material.refresh_from_db()
    assert (material.title, material.kind, material.edited_at) == (
        "Урок о сложении дробей",
        MaterialKind.WORKSHEET,
        None,
    )


def test_a_material_in_a_closed_community_is_404_to_its_edit_and_delete(client, library):
    closed = CommunityFactory(slug="closed", is_closed=True)
    author = member(closed)
    material = services.material_create(community=closed, author=author, title="Секрет", description="d")
    client.force_login(library["reader"])
    assert client.get(reverse("communities:material_edit", args=[material.pk])).status_code == 404
    assert client.post(reverse("communities:material_delete", args=[material.pk])).status_code == 404
    assert Material.objects.filter(pk=material.pk).count() == 1


def test_the_service_refuses_another_persons_edit():
    club = CommunityFactory()
    material = services.material_create(community=club, author=member(club), title="Урок", description="d")
    with pytest.raises(services.CommunityError) as refused:
        services.material_edit(material=material, by=member(club), title="Чужое", description="d")
    assert refused.value.code == "not_author"
    assert Material.objects.get(pk=material.pk).title == "Урок"


def test_the_author_edits_fields_tags_and_files(client, library, django_capture_on_commit_callbacks):
    material = services.material_create(
        community=library["club"],
        author=library["author"],
        title="С файлами",
        description="d",
        files=[SimpleUploadedFile("old.png", PNG), SimpleUploadedFile("keep.pdf", PDF)],
    )
    old = material.attachments.get(original_name="old.png")
    stored = old.file.name
    storage = old.file.storage
    client.force_login(library["author"])
    url = reverse("communities:material_edit", args=[material.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == "С файлами"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            _edit_data(remove_files=[old.pk], files=[SimpleUploadedFile("new.pdf", PDF)]),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:material", args=[material.pk])
    material.refresh_from_db()
    assert (material.title, material.kind, material.grade_from, material.grade_to) == (
        "Новое название урока",
        MaterialKind.METHODOLOGY,
        6,
        6,
    )
    assert material.description_html == "<p>Новое описание</p>\n"
    assert list(material.tags.values_list("name", flat=True)) == ["новое"]
    assert sorted(material.attachments.values_list("original_name", flat=True)) == ["keep.pdf", "new.pdf"]
    assert material.edited_at > material.created_at
    assert storage.exists(stored) is False


def test_bad_edit_input_keeps_the_text_and_changes_nothing(client, library):
    material = library["fractions"]
    client.force_login(library["author"])
    url = reverse("communities:material_edit", args=[material.pk])
    response = client.post(url, _edit_data(grade_from="9", grade_to="5"))
    assert response.status_code == 200
    assert response.context["form"].errors["grade_to"] == [
        "«От класса» не может быть больше, чем «до класса»."
    ]
    assert "Новое название урока" in response.content.decode()
    six = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(6)]
    response = client.post(url, _edit_data(files=six))
    assert response.context["form"].non_field_errors() == ["Можно прикрепить не более 5 файлов."]
    material.refresh_from_db()
    assert (material.title, material.attachments.count()) == ("Урок о сложении дробей", 0)


def test_another_member_may_not_delete_and_the_page_asks_before_deleting(client, library):
    material = library["fractions"]
    url = reverse("communities:material_delete", args=[material.pk])
    client.force_login(library["reader"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(library["author"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Удалить материал «Урок о сложении дробей»?" in confirm.content.decode()
    assert Material.objects.filter(pk=material.pk).count() == 1


def test_the_author_deletes_with_files_ratings_and_comments(
    client, library, django_capture_on_commit_callbacks
):
    material = services.material_create(
        community=library["club"],
        author=library["author"],
        title="Удаляемый",
        description="d",
        files=[SimpleUploadedFile("w.pdf", PDF)],
    )
    stored = material.attachments.get().file
    name, storage = stored.name, stored.storage
    services.material_rate(material=material, user=library["reader"], score=4)
    services.material_comment_add(material=material, author=library["reader"], body="Спасибо")
    client.force_login(library["author"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("communities:material_delete", args=[material.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:materials", args=["lib"])
    assert Material.objects.filter(pk=material.pk).count() == 0
    assert (Attachment.objects.filter(material_id=material.pk).count(), MaterialRating.objects.count()) == (
        0,
        0,
    )
    assert MaterialComment.objects.filter(material_id=material.pk).count() == 0
    assert storage.exists(name) is False


def test_a_moderator_deletes_another_members_material_and_the_author_is_told(
    client, library, django_capture_on_commit_callbacks
):
    moderator = member(library["club"], role=MemberRole.MODERATOR)
    client.force_login(moderator)
    url = reverse("communities:material_delete", args=[library["war"].pk])
    assert "Вы удаляете его как модератор" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert Material.objects.filter(pk=library["war"].pk).count() == 0
    note = Notification.objects.get(kind="material_feedback")
    assert (note.recipient_id, note.title) == (
        library["author"].pk,
        "Ваш материал «Карта Смутного времени» удалён модератором сообщества «Клуб математиков»",
    )
    assert Notification.objects.filter(recipient=moderator).count() == 0


# --- preview ---------------------------------------------------------------------------------------


def _with_files(library):
    return services.material_create(
        community=library["club"],
        author=library["author"],
        title="С превью",
        description="d",
        files=[SimpleUploadedFile("plan.pdf", PDF), SimpleUploadedFile("board.png", PNG)],
    )


def test_the_page_shows_the_pdf_in_a_frame_of_the_preview_view_and_the_image_inline(client, library):
    material = _with_files(library)
    pdf = material.attachments.get(original_name="plan.pdf")
    png = material.attachments.get(original_name="board.png")
    client.force_login(library["reader"])
    body = client.get(reverse("communities:material", args=[material.pk])).content.decode()
    assert f'<iframe class="material-pdf border rounded" src="/communities/files/{pdf.pk}/preview/"' in body
    assert f'src="/communities/files/{png.pk}/" alt="board.png"' in body
    assert "/media/" not in body


def test_the_pdf_preview_may_be_framed_by_this_site_only(client, library):
    pdf = _with_files(library).attachments.get(original_name="plan.pdf")
    client.force_login(library["reader"])
    response = client.get(reverse("communities:attachment_preview", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert (
        response["Content-Security-Policy"] == "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    )
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'
    assert b"".join(response.streaming_content) == PDF
    # The download and every other page stay unframeable.
    download = client.get(reverse("communities:attachment", args=[pdf.pk]))
    assert download["X-Frame-Options"] == "DENY"
    assert download["Content-Security-Policy"].endswith("sandbox")


def test_the_preview_serves_only_pdfs_and_only_to_readers(client, library):
    material = _with_files(library)
    png = material.attachments.get(original_name="board.png")
    client.force_login(library["reader"])
    assert client.get(reverse("communities:attachment_preview", args=[png.pk])).status_code == 404
    closed = CommunityFactory(slug="closed2", is_closed=True)
    secret = services.material_create(
        community=closed,
        author=member(closed),
        title="Секрет",
        description="d",
        files=[SimpleUploadedFile("s.pdf", PDF)],
    )
    response = client.get(reverse("communities:attachment_preview", args=[secret.attachments.get().pk]))
    assert response.status_code == 404
    client.logout()
    anonymous = client.get(reverse("communities:attachment_preview", args=[secret.attachments.get().pk]))
    assert anonymous.status_code == 302


# --- the author is told -------------------------------------------------------------------------


def test_the_author_is_told_of_a_rating_once_per_colleague_in_their_language(
    library, django_capture_on_commit_callbacks
):
    author = library["author"]
    author.preferred_language = "uk"
    author.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.material_rate(material=library["fractions"], user=library["reader"], score=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.material_rate(material=library["fractions"], user=library["reader"], score=4)
    note = Notification.objects.get(recipient=author, kind="material_feedback")
    assert note.title == "Иванова Анна — оцінка вашого матеріалу «Урок о сложении дробей»: 5 з 5"
    assert note.url == reverse("communities:material", args=[library["fractions"].pk])


def test_the_author_is_told_of_comments_but_not_of_their_own(library, django_capture_on_commit_callbacks):
    material = library["fractions"]
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.material_comment_add(
            material=material, author=library["reader"], body="**Спасибо**, взяла!"
        )
        services.material_comment_add(
            material=material, author=library["author"], body="Рада, что пригодилось"
        )
    note = Notification.objects.get(kind="material_feedback")
    assert note.recipient_id == library["author"].pk
    assert note.title == "Комментарий от Иванова Анна к вашему материалу «Урок о сложении дробей»"
    assert note.body == "Спасибо, взяла!"
    assert note.url == reverse("communities:material", args=[material.pk]) + f"#comment-{comment.pk}"
    assert Notification.objects.filter(recipient=library["reader"]).count() == 0


def test_a_material_edited_in_the_admin_is_found_by_its_new_words_at_once(client, library, rf):
    from types import SimpleNamespace

    from django.contrib import admin

    material = library["war"]
    material.title = "Северная война"
    material.description = "Карта сражений под Полтавой"
    model_admin = admin.site._registry[Material]
    model_admin.save_model(rf.post("/"), material, SimpleNamespace(changed_data=["title"]), True)
    model_admin.save_related(
        rf.post("/"), SimpleNamespace(instance=material, save_m2m=lambda: None), [], True
    )
    client.force_login(library["reader"])
    assert _titles(_list(client, q="Полтавой")) == ["Северная война"]
    assert _titles(_list(client, q="Смутного")) == []


def test_material_page_constant_queries_with_files_and_comments(client, library):
    material = _with_files(library)
    client.force_login(library["reader"])
    url = reverse("communities:material", args=[material.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    services.material_comment_add(material=material, author=library["reader"], body="Спасибо")
    small = count()
    for i in range(20):
        services.material_comment_add(material=material, author=member(library["club"]), body=f"Отзыв {i}")
    services.material_edit(
        material=material,
        by=library["author"],
        title="С превью",
        description="d",
        tags="а, б, в",
        files=[SimpleUploadedFile("more.pdf", PDF), SimpleUploadedFile("more.png", PNG)],
    )
    assert count() == small
