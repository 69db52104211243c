"""Certificates issued by the region's organisation (issue "Learning that means something", item 10).

Found: the QR code overlapped the frame (bottom right); the signatures came from a default template
("Е. В. Орлова", "А. С. Миронов"), not the cohort's organisation and curator, and stayed Russian on a
Ukrainian certificate. Here: the template is picked cohort → course → organisation → platform, the PDF
carries the organisation and its signatories in the holder's language, and the layout keeps the QR
code and every text inside the frame, also for a very long Russian course title and name.
"""

import importlib
import io
import json
from datetime import date

import pypdfium2
import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from cohorts.certificates.admin import CertificateTemplateForm
from cohorts.certificates.demo import SIGNATURES
from cohorts.certificates.layout import (
    DEFAULT_LAYOUT,
    FRAME_INNER,
    FRAME_OUTER,
    PAGE_MM,
    field_box,
    layout_problems,
)
from cohorts.certificates.pdf import (
    Background,
    CertificateFacts,
    Issuer,
    Signer,
    plan_certificate,
    render_certificate,
)
from cohorts.certificates.selectors import certificate_template_for
from cohorts.certificates.services import certificate_issue
from cohorts.models import Certificate, CertificateTemplate, Enrollment
from tests.courses.factories import OrganisationFactory, SignatoryFactory
from tests.factories import CuratorFactory, TeacherFactory

from .factories import CohortFactory, CourseFactory, EnrollmentFactory

pytestmark = [pytest.mark.django_db]

LONG_TITLE = (
    "Проектирование и реализация индивидуальных образовательных маршрутов обучающихся с особыми "
    "образовательными потребностями в условиях инклюзивного образования и внедрения обновлённых "
    "федеральных государственных образовательных стандартов начального, основного и среднего общего "
    "образования с использованием цифровой образовательной среды и ресурсов региональной системы"
)
LONG_NAME = "Константинопольская-Верхнезаднепровская Александра-Евгения Максимилиановна-Владиславовна"
PNG = Image.new("RGB", (40, 20), (20, 40, 120))


def png_bytes() -> bytes:
    out = io.BytesIO()
    PNG.save(out, format="PNG")
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def completed(cohort, language="ru", name="Петренко Олена") -> Enrollment:
    return EnrollmentFactory(
        cohort=cohort,
        state=Enrollment.State.COMPLETED,
        teacher=TeacherFactory(full_name=name, preferred_language=language),
    )


def issued_text(enrollment) -> str:
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    with certificate.pdf.open("rb") as handle:
        return pdf_text(handle.read())


# --- which template ------------------------------------------------------------------------------


def test_the_template_is_the_cohorts_then_the_courses_then_the_organisations_then_the_platforms():
    organisation = OrganisationFactory()
    course = CourseFactory(organisation=organisation)
    cohort = CohortFactory(course=course)
    assert certificate_template_for(cohort=cohort) is None

    platform = CertificateTemplate.objects.create(name="Платформа", is_default=True)
    CertificateTemplate.objects.create(
        name="Другая организация", organisation=OrganisationFactory(), is_default=True
    )
    assert certificate_template_for(cohort=cohort) == platform

    organisations = CertificateTemplate.objects.create(
        name="Институт", organisation=organisation, is_default=True
    )
    assert certificate_template_for(cohort=cohort) == organisations

    courses = CertificateTemplate.objects.create(name="Для курса", organisation=organisation)
    courses.courses.add(course)
    assert certificate_template_for(cohort=cohort) == courses

    cohorts = CertificateTemplate.objects.create(name="Для потока", organisation=organisation)
    cohort.certificate_template = cohorts
    cohort.save(update_fields=["certificate_template"])
    assert certificate_template_for(cohort=cohort) == cohorts
    other_cohort = CohortFactory(course=course)
    assert certificate_template_for(cohort=other_cohort) == courses


def test_one_default_per_organisation_and_one_for_the_platform_in_the_database():
    from django.db import IntegrityError, transaction

    organisation = OrganisationFactory()
    CertificateTemplate.objects.create(name="A", organisation=organisation, is_default=True)
    CertificateTemplate.objects.create(name="B", is_default=True)
    CertificateTemplate.objects.create(name="C", organisation=OrganisationFactory(), is_default=True)
    for kwargs in ({"organisation": organisation}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CertificateTemplate.objects.create(name="D", is_default=True, **kwargs)
    assert CertificateTemplate.objects.count() == 3


# --- what the PDF says ---------------------------------------------------------------------------


@pytest.fixture
def regional():
    organisation = OrganisationFactory(
        name="ГАУ ДПО ЯО «Институт развития образования»",
        name_uk="ДАУ ДПО ЯО «Інститут розвитку освіти»",
        name_en="Yaroslavl Region Institute of Education Development",
    )
    organisation.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    first = SignatoryFactory(
        organisation=organisation, position=1, name="О. Н. Белова", name_uk="О. М. Бєлова", title="Ректор"
    )
    first.signature.save("signature.png", ContentFile(png_bytes()), save=True)
    SignatoryFactory(
        organisation=organisation,
        position=2,
        name="Д. А. Соколов",
        title="Проректор по научной работе",
        title_uk="Проректор з наукової роботи",
        title_en="Vice-Rector for Research",
    )
    # The old default template with the hard-coded demo names is still there: it must not sign.
    CertificateTemplate.objects.create(name="Стандартное", is_default=True, signatures=SIGNATURES)
    CertificateTemplate.objects.create(
        name="Удостоверение института", organisation=organisation, is_default=True, sign_curator=True
    )
    cohort = CohortFactory(course=CourseFactory(title="Формирующее оценивание", organisation=organisation))
    cohort.curators.add(CuratorFactory(full_name="Марина Кузнецова"))
    return cohort


def test_a_ukrainian_holder_gets_the_organisation_and_its_signatories_in_ukrainian(regional):
    text = issued_text(completed(regional, "uk"))
    assert "ДАУ ДПО ЯО «Інститут розвитку освіти»" in text
    assert "Ректорка" in text
    assert "О. М. Бєлова" in text
    assert "Проректор з наукової роботи" in text
    assert "Куратор курсу" in text
    assert "Марина Кузнецова" in text
    for russian in (
        "Институт развития образования",
        "Проректор по научной работе",
        "О. Н. Белова",
        "Орлова",
        "Миронов",
    ):
        assert russian not in text


def test_a_russian_holder_gets_them_in_russian_and_never_the_old_demo_names(regional):
    text = issued_text(completed(regional, "ru"))
    assert "ГАУ ДПО ЯО «Институт развития образования»" in text
    assert "Ректор" in text
    assert "О. Н. Белова" in text
    assert "Проректор по научной работе" in text
    assert "Куратор курса" in text
    assert ("Орлова" in text, "Миронов" in text, "Інститут" in text) == (False, False, False)


def test_the_curator_signs_only_when_the_template_asks(regional):
    CertificateTemplate.objects.filter(organisation__isnull=False).update(sign_curator=False)
    text = issued_text(completed(regional, "ru"))
    assert ("Марина Кузнецова" in text, "Куратор курса" in text, "О. Н. Белова" in text) == (
        False,
        False,
        True,
    )


def test_an_old_template_keeps_its_signature_lines():
    template = CertificateTemplate.objects.create(name="Старое", signatures=SIGNATURES)
    course = CourseFactory()
    template.courses.add(course)
    text = issued_text(completed(CohortFactory(course=course)))
    assert "Директор центра повышения квалификации ________ Е. В. Орлова" in text
    assert "Куратор курса ________ А. С. Миронов" in text


# --- the layout ----------------------------------------------------------------------------------


def test_the_default_layout_keeps_every_box_inside_the_frame_and_apart():
    assert layout_problems(DEFAULT_LAYOUT) == []
    qr = field_box("qr", DEFAULT_LAYOUT["qr"])
    assert FRAME_INNER.contains(qr) is True
    # the layout before: the QR code's box reached 1 mm below the frame's inside
    assert FRAME_INNER.contains(field_box("qr", [250, 12, 32])) is False


FACTS = CertificateFacts(
    number="PD-2026-000123",
    holder_name=LONG_NAME,
    course_title=LONG_TITLE,
    hours=144,
    starts_on=date(2026, 9, 1),
    ends_on=date(2026, 12, 20),
    issued_on=date(2026, 12, 21),
    language="ru",
    verify_url="https://pd.example.org/certificates/verify/AbCdEfGhIjKlMnOpQrStUv/",
)
ISSUER = Issuer(
    name="Государственное автономное учреждение дополнительного профессионального образования "
    "Ярославской области «Институт развития образования»",
    logo=png_bytes(),
    signers=(
        Signer("Ректор", "О. Н. Белова", png_bytes()),
        Signer("Руководитель центра непрерывного повышения профессионального мастерства", "Д. А. Соколов"),
        Signer("Куратор курса", LONG_NAME),
    ),
)


def test_a_very_long_title_and_name_stay_in_their_boxes_inside_the_frame_and_do_not_overlap():
    plan = plan_certificate(facts=FACTS, layout=None, signatures="", issuer=ISSUER)
    assert FRAME_INNER.contains(plan.qr) is True
    by_field = {}
    for line in plan.lines:
        box = line.box()  # from reportlab's stringWidth and the font's ascent and descent
        assert plan.boxes[line.field].contains(box), (line.field, line.text, box)
        assert FRAME_INNER.contains(box), (line.field, line.text)
        assert not box.overlaps(plan.qr), line.text
        by_field.setdefault(line.field, []).append(box)
    for picture in plan.pictures:
        assert FRAME_INNER.contains(picture.box) is True
    fields = list(by_field)
    for index, first in enumerate(fields):
        for second in fields[index + 1 :]:
            for a in by_field[first]:
                assert [b for b in by_field[second] if a.overlaps(b)] == [], (first, second)
    # the long texts were wrapped, not cut: every word of the title and name is on the page
    assert " ".join(line.text for line in plan.lines if line.field == "course") == f"«{LONG_TITLE}»"
    assert " ".join(line.text for line in plan.lines if line.field == "name") == LONG_NAME
    assert len([line for line in plan.lines if line.field == "course"]) >= 2
    # a name longer than its signature column breaks after its hyphen instead of being cut
    curator = [line.text for line in plan.lines if line.field == "signatures"][-3:]
    assert " ".join(curator).replace("- ", "-") == LONG_NAME
    assert "…" not in " ".join(line.text for line in plan.lines)


def test_the_rendered_page_is_blank_outside_the_frame_and_the_qr_code_is_inside_it():
    pdf = render_certificate(
        facts=FACTS, layout=None, signatures="", background=Background(""), issuer=ISSUER
    )
    scale = 4  # px per point: 1 mm ≈ 11 px
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=scale).to_pil().convert("L")
    width, height = image.size
    px_per_mm = width / PAGE_MM[0]
    assert round(height / px_per_mm) == round(PAGE_MM[1])
    margin = int((FRAME_OUTER.left - 0.6) * px_per_mm)  # the frame's 2 pt line is centred on its edge
    pixels = image.load()

    def dark_in(x0, y0, x1, y1) -> int:
        return sum(1 for x in range(x0, x1, 2) for y in range(y0, y1, 2) if pixels[x, y] < 250)

    assert dark_in(0, 0, width, margin) == 0  # top strip
    assert dark_in(0, height - margin, width, height) == 0  # bottom strip
    assert dark_in(0, 0, margin, height) == 0  # left strip
    assert dark_in(width - margin, 0, width, height) == 0  # right strip
    # the QR code is drawn where its box says (PNG rows run top-down), and its box is inside the frame
    qr = field_box("qr", DEFAULT_LAYOUT["qr"])
    left, right = int(qr.left * px_per_mm) + 2, int(qr.right * px_per_mm) - 2
    top, bottom = int((PAGE_MM[1] - qr.top) * px_per_mm) + 2, int((PAGE_MM[1] - qr.bottom) * px_per_mm) - 2
    assert dark_in(left, top, right, bottom) > 500
    inner_bottom_px = int((PAGE_MM[1] - FRAME_INNER.bottom) * px_per_mm)
    assert bottom < inner_bottom_px


# --- the admin refuses a layout that leaves the frame -------------------------------------------


def form_data(**layout):
    layout = layout or {"qr": [252, 20, 26]}
    return {"name": "Макет", "layout": json.dumps(layout), "signatures": ""}


def test_the_admin_refuses_a_box_outside_the_frame_and_overlapping_boxes():
    form = CertificateTemplateForm(data=form_data(qr=[250, 12, 32]))
    assert form.is_valid() is False
    assert form.errors["layout"] == [
        "“qr” reaches outside the frame: its box is x 250.0–282.0, y 12.0–44.0 mm, the frame's inside is "
        "x 13.0–284.0, y 13.0–197.0 mm."
    ]
    form = CertificateTemplateForm(data=form_data(number=[150, 155, 10, 40]))
    assert form.is_valid() is False
    assert form.errors["layout"] == ["“title” and “number” overlap."]
    form = CertificateTemplateForm(data=form_data(qr="bottom right", nonsense=[1, 2, 3]))
    assert form.is_valid() is False
    assert len(form.errors["layout"]) == 2
    assert CertificateTemplate.objects.count() == 0


def test_the_admin_saves_a_layout_inside_the_frame():
    form = CertificateTemplateForm(data=form_data(qr=[252, 20, 26]))
    assert form.errors == {}
    template = form.save()
    assert template.layout == {"qr": [252, 20, 26]}


def test_the_admin_refuses_a_course_of_another_organisation():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    course = CourseFactory(organisation=theirs, title="Чужой курс")
    data = {**form_data(), "organisation": mine.pk, "courses": [course.pk]}
    form = CertificateTemplateForm(data=data)
    assert form.is_valid() is False
    assert form.errors["courses"] == ["These courses are provided by another organisation: Чужой курс."]


def test_a_course_uses_one_template_the_admin_says_which_and_the_database_holds_it():
    from django.db import IntegrityError, transaction

    course = CourseFactory(title="Формирующее оценивание")
    first = CertificateTemplate.objects.create(name="Первый")
    first.courses.add(course)
    form = CertificateTemplateForm(data={**form_data(), "courses": [course.pk]})
    assert form.is_valid() is False
    assert form.errors["courses"] == [
        "These courses already use another template: Формирующее оценивание (Первый)."
    ]
    second = CertificateTemplate.objects.create(name="Второй")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateTemplate.courses.through.objects.create(certificatetemplate=second, course=course)
    second.courses.add(course)  # Django's add() inserts with ON CONFLICT DO NOTHING: the index still holds
    assert list(course.certificate_templates.all()) == [first]
    # the template itself may be saved again with its own course
    form = CertificateTemplateForm(
        data={**form_data(), "name": "Первый", "courses": [course.pk]}, instance=first
    )
    assert form.errors == {}


# --- old templates -------------------------------------------------------------------------------


def test_the_migration_moves_only_positions_still_at_the_old_default():
    migration = importlib.import_module("cohorts.migrations.0019_certificate_layout_inside_the_frame")
    template = CertificateTemplate.objects.create(
        name="Старый", layout={**migration.PREVIOUS, "name": [150, 120, 24]}, signatures=SIGNATURES
    )
    from django.apps import apps

    migration.forwards(apps, None)
    template.refresh_from_db()
    assert template.layout["qr"] == [250, 18, 28]
    assert template.layout["name"] == [150, 120, 24]
    assert template.signatures == SIGNATURES
    assert Certificate.objects.count() == 0
