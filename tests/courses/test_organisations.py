"""Issuing organisations in the admin: a superuser keeps them with their signatories inline; a
methodologist may look (to choose a course's organisation) but not change them; bad input changes nothing."""

import pytest

from courses.models import Organisation, Signatory
from tests.factories import MethodologistFactory, SuperuserFactory

from .factories import OrganisationFactory, SignatoryFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/courses/organisation/add/"


def inline(rows: list[dict]) -> dict:
    data = {
        "signatories-TOTAL_FORMS": str(len(rows)),
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"signatories-{index}-{key}": value for key, value in row.items()})
    return data


def test_a_superuser_adds_an_organisation_with_ordered_signatories(client):
    client.force_login(SuperuserFactory())
    response = client.post(
        ADD,
        {
            "name": "ГАУ ДПО ЯО «Институт развития образования»",
            "name_uk": "ДАУ ДПО ЯО «Інститут розвитку освіти»",
            "name_en": "",
            **inline(
                [
                    {"position": "2", "name": "Д. А. Соколов", "title": "Проректор", "title_uk": "Проректор"},
                    {"position": "1", "name": "О. Н. Белова", "title": "Ректор", "title_uk": "Ректорка"},
                ]
            ),
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.name_in("uk") == "ДАУ ДПО ЯО «Інститут розвитку освіти»"
    assert organisation.name_in("en") == "ГАУ ДПО ЯО «Институт развития образования»"
    assert [(s.title_in("uk"), s.name_in("uk")) for s in organisation.signatories.all()] == [
        ("Ректорка", "О. Н. Белова"),
        ("Проректор", "Д. А. Соколов"),
    ]


def test_two_signatories_in_one_place_are_refused_and_nothing_is_saved(client):
    client.force_login(SuperuserFactory())
    response = client.post(
        ADD,
        {
            "name": "Институт",
            **inline(
                [
                    {"position": "1", "name": "О. Н. Белова", "title": "Ректор"},
                    {"position": "1", "name": "Д. А. Соколов", "title": "Проректор"},
                ]
            ),
        },
    )
    assert response.status_code == 200
    assert (Organisation.objects.count(), Signatory.objects.count()) == (0, 0)


def test_a_methodologist_views_organisations_but_cannot_add_or_change_them(client):
    signatory = SignatoryFactory()
    client.force_login(MethodologistFactory())
    change = f"/admin/courses/organisation/{signatory.organisation.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.get(ADD).status_code == 403
    response = client.post(change, {"name": "Переименовано", **inline([])})
    assert response.status_code == 403
    signatory.organisation.refresh_from_db()
    assert signatory.organisation.name != "Переименовано"


def test_a_teacher_gets_no_signature_image(client):
    from django.core.files.base import ContentFile

    from tests.factories import TeacherFactory

    signatory = SignatoryFactory()
    signatory.signature.save("s.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16), save=True)
    client.force_login(TeacherFactory())
    assert client.get(f"/courses/files/signatories/{signatory.pk}/signature/").status_code == 404
    assert client.get(f"/courses/files/organisations/{OrganisationFactory().pk}/logo/").status_code == 404
