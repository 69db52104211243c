"""The materials library in a browser (issue #20 item 8): a teacher narrows the library by subject and
kind, searches «дробей» and finds a material titled with «дроби» (PostgreSQL's stemming; on SQLite the
written form), opens it and sees its PDF inside the page; the author edits the material. At 1366 px and
on a phone."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from communities import services
from communities.models import Material, MaterialKind
from tests.communities.factories import CommunityFactory, member
from tests.factories import SubjectFactory, TeacherFactory

pytestmark = pytest.mark.e2e


def _worksheet_pdf() -> bytes:
    pdfmetrics.registerFont(
        TTFont("DejaVu", str(Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans.ttf"))
    )
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setFont("DejaVu", 20)
    sheet.drawString(60, 760, "Дроби на координатной прямой")
    sheet.setFont("DejaVu", 13)
    for i, line in enumerate(
        ("1. Отметьте на прямой 1/4, 2/4 и 3/4.", "2. Какая дробь больше: 2/3 или 3/5?")
    ):
        sheet.drawString(60, 720 - 26 * i, line)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def test_teacher_filters_searches_and_previews_the_pdf_then_the_author_edits(
    page, live_server, login_as, shot
):
    club = CommunityFactory(name="Клуб учителей математики", slug="math")
    math = SubjectFactory(code="math", name="Математика")
    history = SubjectFactory(code="history", name="История")
    author = member(club, TeacherFactory(full_name="Петренко Олена", preferred_language="ru"))
    worksheet = services.material_create(
        community=club,
        author=author,
        title="Дроби на координатной прямой",
        description="Рабочий лист на урок: отмечаем дроби на прямой и сравниваем их.",
        kind=MaterialKind.WORKSHEET,
        subject=math,
        grade_from=5,
        grade_to=6,
        tags="дроби, 5 класс",
        files=[SimpleUploadedFile("прямая.pdf", _worksheet_pdf())],
    )
    services.material_create(
        community=club,
        author=author,
        title="Урок «Сравнение дробей»",
        description="Технологическая карта урока.",
        kind=MaterialKind.LESSON_PLAN,
        subject=math,
        grade_from=5,
    )
    services.material_create(
        community=club,
        author=author,
        title="Смутное время: карта событий",
        description="Презентация к уроку истории.",
        kind=MaterialKind.PRESENTATION,
        subject=history,
        grade_from=7,
    )
    teacher = member(club, TeacherFactory(full_name="Иванова Анна", preferred_language="ru"))

    login_as(teacher)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/communities/c/math/materials/")
    assert page.locator(".material-row").count() == 3
    page.select_option("#id_subject", str(math.pk))
    page.select_option("#id_kind", MaterialKind.WORKSHEET)
    page.locator("#library-apply").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".material-row h2").all_inner_texts() == ["Дроби на координатной прямой"]

    query = "дробей" if connection.vendor == "postgresql" else "дроби"
    page.select_option("#id_kind", "")
    page.fill("#id_q", query)
    page.locator("#library-apply").click()
    page.wait_for_load_state("networkidle")
    titles = page.locator(".material-row h2").all_inner_texts()
    assert "Дроби на координатной прямой" in titles
    assert "Смутное время: карта событий" not in titles
    assert page.input_value("#id_q") == query
    assert page.input_value("#id_sort") == ""  # "Recommended": the best match first while searching
    shot("library-search-1366")

    with page.expect_response(
        lambda r: r.url.endswith(f"/communities/files/{worksheet.attachments.get().pk}/preview/")
    ) as preview:
        page.get_by_role("link", name="Дроби на координатной прямой").click()
        page.wait_for_load_state("networkidle")
    assert preview.value.status == 200
    assert preview.value.headers["content-type"] == "application/pdf"
    assert preview.value.headers["x-frame-options"] == "SAMEORIGIN"
    frame = page.locator("iframe.material-pdf")
    assert frame.count() == 1
    assert frame.bounding_box()["width"] > 1000
    shot("library-pdf-preview-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    shot("library-pdf-preview-phone")
    page.goto(f"{live_server.url}/communities/c/math/materials/?q={query}&subject={math.pk}")
    assert "Дроби на координатной прямой" in page.locator(".material-row h2").all_inner_texts()
    shot("library-search-phone")
    assert page.locator("#material-edit").count() == 0  # not on the list, and not on her colleague's page
    page.goto(f"{live_server.url}/communities/m/{worksheet.pk}/")
    assert page.locator("#material-edit").count() == 0

    # The author edits her material.
    page.context.clear_cookies()
    login_as(author)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/communities/m/{worksheet.pk}/")
    page.locator("#material-edit").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_title") == "Дроби на координатной прямой"
    page.fill("#id_title", "Дроби на координатной прямой: 12 заданий")
    page.fill("#id_tags", "дроби, 5 класс, координатная прямая")
    shot("library-edit-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("library-edit-phone")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#material-title").inner_text() == "Дроби на координатной прямой: 12 заданий"
    assert "координатная прямая" in page.locator("article .badge").all_inner_texts()
    shot("library-edited-phone")
    assert Material.objects.get(pk=worksheet.pk).title == "Дроби на координатной прямой: 12 заданий"
