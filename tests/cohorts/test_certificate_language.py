"""Issue #17 item 2: a certificate speaks its holder's language — every fixed text and the signatures.

Each template (the plain default page and a designed one with its own signatures) is issued for a ru, a uk
and an en holder; the PDF's text (pypdf) of the ru/uk certificates keeps no English word of the en one
(names, numbers, codes and links aside), and the Ukrainian one is signed in Ukrainian.
"""

import io
import re

import pytest
from pypdf import PdfReader

from cohorts.certificates.demo import SIGNATURES, SIGNATURES_EN, SIGNATURES_UK
from cohorts.certificates.services import certificate_issue
from cohorts.models import Certificate, CertificateTemplate, Enrollment
from tests.factories import TeacherFactory

from .factories import CohortFactory, CourseFactory, EnrollmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]

ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|pdplatform|PD-\d+-\d+")
COURSE = "Формирующее оценивание"


def pdf_text(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def english_words(text: str) -> set[str]:
    return set(ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text.replace(COURSE, " "))))


def issued_for(language: str, template) -> str:
    course = CourseFactory(title=COURSE)
    if template is not None:
        template.courses.add(course)
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(course=course),
        state=Enrollment.State.COMPLETED,
        teacher=TeacherFactory(full_name="Петренко Олена", preferred_language=language),
    )
    return pdf_text(certificate_issue(enrollment_id=enrollment.pk))


@pytest.fixture(params=["plain", "designed"])
def template(request):
    if request.param == "plain":
        return None
    return CertificateTemplate.objects.create(
        name="Удостоверение центра",
        signatures=SIGNATURES,
        signatures_uk=SIGNATURES_UK,
        signatures_en=SIGNATURES_EN,
    )


def test_ru_and_uk_certificates_keep_no_english_fixed_text(template):
    texts = {language: issued_for(language, template) for language in ("ru", "uk", "en")}
    english = english_words(texts["en"])
    assert {"CERTIFICATE", "completed", "hours"} <= english
    for language in ("ru", "uk"):
        assert english_words(texts[language]) & english == set(), language
        assert texts[language] != texts["en"]
    assert texts["ru"] != texts["uk"]


def test_the_ukrainian_certificate_is_signed_in_ukrainian():
    template = CertificateTemplate.objects.create(
        name="Удостоверение центра",
        signatures=SIGNATURES,
        signatures_uk=SIGNATURES_UK,
        signatures_en=SIGNATURES_EN,
    )
    texts = {language: issued_for(language, template) for language in ("ru", "uk", "en")}
    for language, lines in (("ru", SIGNATURES), ("uk", SIGNATURES_UK), ("en", SIGNATURES_EN)):
        signed = [line.split("________")[0].strip() for line in lines.splitlines()]
        others = [
            line.split("________")[0].strip()
            for other in {SIGNATURES, SIGNATURES_UK, SIGNATURES_EN} - {lines}
            for line in other.splitlines()
        ]
        assert [line in texts[language] for line in signed] == [True, True], language
        assert [line for line in others if line in texts[language] and line not in signed] == [], language


def test_a_template_without_ukrainian_signatures_falls_back_to_its_main_lines():
    template = CertificateTemplate.objects.create(name="Только русские подписи", signatures=SIGNATURES)
    assert template.signatures_in("uk") == SIGNATURES
    assert template.signatures_in("en") == SIGNATURES
