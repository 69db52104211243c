"""Open Badges 3.0: every certificate is an OpenBadgeCredential signed as a VC-JWT (ES256) by the platform's
key. The signature is checked here with jwcrypto — a JOSE library independent of the product's (joserfc);
the JSON against the OB 3.0 shape; tampered, revoked, re-issued, expired and foreign-key credentials and
bad files are refused with a clear message."""

import base64
import gzip
import io
import json
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto import jwt as jc_jwt
from PIL import Image

from cohorts.certificates import badges
from cohorts.certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from cohorts.models import Certificate, Enrollment
from tests.courses.factories import CompetencyFactory, CourseFactory, OrganisationFactory
from tests.factories import TeacherFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parent / "ob_v3p0_credential_shape.json").read_text())
# Another issuer's key (made per run): what an attacker signs with.
FOREIGN_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    .decode()
)


def issued(**course_kwargs) -> Certificate:
    course = CourseFactory(hours=72, **course_kwargs)
    teacher = TeacherFactory(full_name="Мельникова Ольга Игоревна", preferred_language="ru")
    cohort = CohortFactory(course=course, status="finished")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher, state=Enrollment.State.COMPLETED)
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    return Certificate.objects.select_related("enrollment__teacher", "enrollment__cohort__course").get(
        pk=certificate.pk
    )


def independent_verify(token: str, jwks: dict) -> dict:
    """jwcrypto checks the signature against the published JWKS (by kid) and returns the claims."""
    keyset = jc_jwk.JWKSet.from_json(json.dumps(jwks))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    key = keyset.get_key(header["kid"])  # the header's kid is the JWKS entry's, a DID URL
    checked = jc_jwt.JWT(jwt=token, key=key, algs=["ES256"], check_claims=False)
    return json.loads(checked.claims)


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, position = [], 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        out.append((kind, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return out


def bake(png: bytes, text: bytes, *, compressed: bool = False) -> bytes:
    """A baked PNG as another tool would make it: our iTXt chunk put right after IHDR."""
    body = b"openbadgecredential\0" + (b"\1\0" if compressed else b"\0\0") + b"\0\0"
    body += zlib.compress(text) if compressed else text
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    return png[:33] + chunk + png[33:]


def plain_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


# --- the credential --------------------------------------------------------------------------------


def test_the_jwt_verifies_with_an_independent_library_against_the_published_jwks(client):
    certificate = issued()
    token = badges.credential_jwt(certificate)
    published = client.get(reverse("badge_jwks")).json()
    claims = independent_verify(token, published)
    assert claims["iss"] == "did:web:" + "127.0.0.1%3A8000"
    assert claims["jti"] == f"http://127.0.0.1:8000/verify/{certificate.code}/"
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256"
    assert header["typ"] == "vc+jwt"


def test_the_did_document_publishes_the_same_key(client):
    token = badges.credential_jwt(issued())
    document = client.get(reverse("badge_did")).json()
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    kid = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]
    assert document["assertionMethod"] == [kid]
    jwks = {"keys": [document["verificationMethod"][0]["publicKeyJwk"]]}
    assert independent_verify(token, jwks)["jti"].endswith("/")


def test_the_credential_has_the_ob3_shape_course_hours_competencies_issuer_and_status():
    organisation = OrganisationFactory(name="Институт развития образования")
    certificate = issued(organisation=organisation, title="Формирующее оценивание")
    course = certificate.enrollment.cohort.course
    course.competencies.add(CompetencyFactory(code="K1.2", name="Оценивание образовательных результатов"))
    credential = badges.credential_for(certificate)
    jsonschema.validate(credential, SCHEMA)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Формирующее оценивание"
    assert achievement["creditsAvailable"] == 72
    assert achievement["alignment"][0]["targetCode"] == "K1.2"
    assert achievement["alignment"][0]["targetName"] == "Оценивание образовательных результатов"
    assert credential["issuer"] == {
        "id": "did:web:127.0.0.1%3A8000",
        "type": ["Profile"],
        "name": "Институт развития образования",
        "url": "http://127.0.0.1:8000/",
    }
    assert credential["validFrom"] == certificate.issued_at.replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.pk)
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    identifiers = credential["credentialSubject"]["identifier"]
    assert identifiers[0]["identityHash"] == "Мельникова Ольга Игоревна"
    assert certificate.enrollment.teacher.email not in json.dumps(credential)
    assert identifiers[1]["identityHash"].startswith("sha256$")


def test_the_credential_is_in_the_holders_language():
    certificate = issued()
    Certificate.objects.filter(pk=certificate.pk).update(language="uk")
    certificate.refresh_from_db()
    assert badges.credential_for(certificate)["name"] == f"Посвідчення № {certificate.number}"


def test_the_json_download_carries_its_jwt_and_validates(client):
    certificate = issued()
    client.force_login(certificate.enrollment.teacher)
    response = client.get(reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "json"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    jsonschema.validate({k: v for k, v in body.items() if k != "proof"}, SCHEMA)
    claims = independent_verify(body["proof"]["jwt"], badges.jwks())
    assert {k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf"}} == {
        k: v for k, v in body.items() if k != "proof"
    }


def test_the_png_is_baked_with_the_jwt_in_an_itxt_chunk(client):
    certificate = issued()
    client.force_login(certificate.enrollment.teacher)
    response = client.get(reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    itxt = [body for kind, body in chunks(response.content) if kind == b"iTXt"]
    assert len(itxt) == 1
    keyword, _, rest = itxt[0].partition(b"\0")
    assert keyword == b"openbadgecredential"
    token = rest[4:].decode()
    assert independent_verify(token, badges.jwks())["jti"] == badges.credential_for(certificate)["id"]
    assert Image.open(io.BytesIO(response.content)).size == (600, 600)


def test_the_status_list_is_a_signed_bitstring_with_the_revoked_bit(client):
    certificate, other = issued(), issued()
    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    response = client.get(reverse("badge_status_list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    claims = independent_verify(response.content.decode(), client.get(reverse("badge_jwks")).json())
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = claims["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == 131072
    assert (bits[certificate.pk // 8] >> (7 - certificate.pk % 8)) & 1 == 1
    assert (bits[other.pk // 8] >> (7 - other.pk % 8)) & 1 == 0
    assert sum(bin(byte).count("1") for byte in bits) == 1


# --- downloads: the holder only ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jwt", "png"])
def test_another_teacher_gets_404_for_my_badge(client, fmt):
    certificate = issued()
    client.force_login(TeacherFactory())
    response = client.get(reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, fmt]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in_and_an_unknown_format_is_404(client):
    certificate = issued()
    url = reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "png"])
    assert client.get(url).status_code == 302
    client.force_login(certificate.enrollment.teacher)
    assert client.get(url.replace(".png", ".exe")).status_code == 404


def test_a_revoked_certificate_has_no_badge_to_download(client):
    certificate = issued()
    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    client.force_login(certificate.enrollment.teacher)
    assert (
        client.get(reverse("cohorts:certificate_page", args=[certificate.enrollment_id])).status_code == 410
    )
    url = reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "json"])
    assert client.get(url).status_code == 410


def test_the_api_links_the_badge_until_the_certificate_is_revoked(client):
    certificate = issued()
    client.force_login(certificate.enrollment.teacher)
    url = reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "json"])
    assert client.get("/api/v1/certificates/").json()["results"][0]["open_badge_url"] == url
    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    assert client.get("/api/v1/certificates/").json()["results"][0]["open_badge_url"] is None


def test_the_certificate_page_links_the_three_files(client, django_assert_max_num_queries):
    certificate = issued()
    certificate.enrollment.cohort.course.competencies.add(CompetencyFactory(), CompetencyFactory())
    client.force_login(certificate.enrollment.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cohorts:certificate_page", args=[certificate.enrollment_id]))
    assert response.status_code == 200
    for fmt in ("png", "json", "jwt"):
        assert reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, fmt]) in response.text


def test_the_badge_download_runs_the_same_queries_for_one_and_many_competencies(
    client, django_assert_max_num_queries
):
    certificate = issued()
    client.force_login(certificate.enrollment.teacher)
    url = reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "json"])
    course = certificate.enrollment.cohort.course
    course.competencies.add(CompetencyFactory())
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    course.competencies.add(*(CompetencyFactory() for _ in range(8)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(json.loads(response.content)["credentialSubject"]["achievement"]["alignment"]) == 9


# --- verification: attacks -------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "badge.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("certificate_verify_file"), {"credential": SimpleUploadedFile(name, content)})


def status_of(response) -> str:
    text = response.text
    for status in ("valid", "revoked", "expired", "invalid"):
        if f'data-status="{status}"' in text:
            return status
    return "none"


@pytest.mark.parametrize("fmt", ["json", "jwt", "png"])
def test_a_genuine_badge_verifies_as_valid_in_every_format(client, fmt):
    certificate = issued()
    content = {
        "json": lambda: json.dumps(badges.credential_json(certificate)).encode(),
        "jwt": lambda: badges.credential_jwt(certificate).encode(),
        "png": lambda: badges.badge_png(certificate),
    }[fmt]()
    response = upload(client, content, f"badge.{fmt}")
    assert response.status_code == 200
    assert status_of(response) == "valid"
    assert "Мельникова Ольга Игоревна" in response.text


def test_checking_a_badge_runs_a_fixed_number_of_queries_however_many_are_revoked(
    client, django_assert_max_num_queries
):
    certificate = issued()
    content = badges.credential_jwt(certificate).encode()
    certificate_revoke(certificate=issued(), actor=None, reason="Ошибка в данных")
    with django_assert_max_num_queries(4) as few:
        assert status_of(upload(client, content, "badge.jwt")) == "valid"
    for _ in range(5):
        certificate_revoke(certificate=issued(), actor=None, reason="Ошибка в данных")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert status_of(upload(client, content, "badge.jwt")) == "valid"


def test_a_badge_baked_by_another_tool_compressed_after_ihdr_verifies(client):
    certificate = issued()
    baked = bake(plain_png(), badges.credential_jwt(certificate).encode(), compressed=True)
    assert status_of(upload(client, baked, "badge.png")) == "valid"


def test_a_revoked_certificate_fails_verification(client):
    certificate = issued()
    content = badges.badge_png(certificate)
    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    response = upload(client, content, "badge.png")
    assert response.status_code == 200
    assert status_of(response) == "revoked"


def test_a_reissued_certificates_old_badge_no_longer_verifies(client):
    certificate = issued()
    old = badges.credential_jwt(certificate).encode()
    new = certificate_reissue(certificate=certificate)
    assert status_of(upload(client, old, "old.jwt")) == "invalid"
    new = Certificate.objects.select_related("enrollment__teacher", "enrollment__cohort__course").get(
        pk=new.pk
    )
    assert status_of(upload(client, badges.credential_jwt(new).encode(), "new.jwt")) == "valid"


def test_a_tampered_json_body_is_refused_even_with_the_genuine_jwt(client):
    certificate = issued()
    body = badges.credential_json(certificate)
    body["credentialSubject"]["achievement"]["creditsAvailable"] = 144
    with override("en"):
        response = upload(client, json.dumps(body).encode())
    assert status_of(response) == "invalid"
    assert "The file&#x27;s content was changed after it was signed." in response.text


def test_a_tampered_jwt_payload_is_refused(client):
    certificate = issued()
    header, payload, signature = badges.credential_jwt(certificate).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["achievement"]["creditsAvailable"] = 144
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with override("en"):
        response = upload(client, f"{header}.{forged}.{signature}".encode(), "badge.jwt")
    assert status_of(response) == "invalid"
    assert "The signature does not match" in response.text


def foreign_sign(claims: dict, *, kid: str) -> str:
    key = jc_jwk.JWK.from_pem(FOREIGN_PEM.encode())
    token = jc_jws.JWS(json.dumps(claims).encode())
    token.add_signature(key, None, json.dumps({"alg": "ES256", "typ": "vc+jwt", "kid": kid}))
    return token.serialize(compact=True)


def test_a_credential_signed_by_another_key_is_refused_with_our_kid_or_its_own(client):
    certificate = issued()
    token = badges.credential_jwt(certificate)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    with override("en"):
        ours = upload(client, foreign_sign(claims, kid=header["kid"]).encode(), "badge.jwt")
        theirs = upload(client, foreign_sign(claims, kid="did:web:evil.example#k1").encode(), "badge.jwt")
    assert status_of(ours) == "invalid"
    assert "The signature does not match" in ours.text
    assert status_of(theirs) == "invalid"
    assert "signed by a key this platform does not hold" in theirs.text


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_an_unsigned_or_symmetric_credential_is_refused(client, alg):
    """alg=none, or HS256 keyed with our public key (the algorithm-confusion attack)."""
    certificate = issued()
    token = badges.credential_jwt(certificate)
    claims = token.split(".")[1]
    kid = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]
    header = base64.urlsafe_b64encode(json.dumps({"alg": alg, "kid": kid}).encode()).decode().rstrip("=")
    signature = ""
    if alg == "HS256":
        import hashlib
        import hmac

        secret = json.dumps(badges.jwks()["keys"][0]).encode()
        mac = hmac.new(secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
        signature = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    with override("en"):
        response = upload(client, f"{header}.{claims}.{signature}".encode(), "badge.jwt")
    assert response.status_code == 200
    assert status_of(response) == "invalid"
    assert "The credential was not signed by this platform." in response.text


@override_settings(OPEN_BADGES_VALID_YEARS=1)
def test_an_expired_credential_fails_verification(client):
    certificate = issued()
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=timezone.now() - timedelta(days=400))
    certificate.refresh_from_db()
    assert "validUntil" in badges.credential_for(certificate)
    response = upload(client, badges.credential_jwt(certificate).encode(), "badge.jwt")
    assert status_of(response) == "expired"


def test_a_retired_key_still_verifies_after_rotation(client, settings):
    certificate = issued()
    token = badges.credential_jwt(certificate)
    old_public = badges.jwks()["keys"]
    settings.OPEN_BADGES_SIGNING_KEY = FOREIGN_PEM.replace("\n", "\\n")
    settings.OPEN_BADGES_PREVIOUS_KEYS = json.dumps(old_public)
    published = client.get(reverse("badge_jwks")).json()
    assert len(published["keys"]) == 2
    assert status_of(upload(client, token.encode(), "old.jwt")) == "valid"
    fresh = badges.credential_jwt(certificate)
    assert fresh.split(".")[0] != token.split(".")[0]  # another kid
    assert independent_verify(fresh, published)["jti"] == independent_verify(token, published)["jti"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\xff\xfe\x00garbage", "badge.json", "This file is neither a badge picture (PNG) nor a credential"),
        (b"{not json", "badge.json", "This file is neither a badge picture (PNG) nor a credential"),
        (b"[1, 2]", "badge.json", "This JSON file is not an Open Badge credential."),
        (b'{"type": ["VerifiableCredential"]}', "badge.json", "it carries no proof"),
        (b"", "badge.json", "The submitted file is empty."),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "deep.json",
            "This file is neither a badge picture (PNG) nor a credential",
        ),
        (b"a.b.c", "badge.jwt", "The credential&#x27;s signature is damaged: the file was changed."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "cut.png", "This picture carries no Open Badge"),
    ],
)
def test_bad_files_get_a_clear_message_and_a_400(client, content, name, message):
    with override("en"):
        response = upload(client, content, name)
    assert response.status_code == 400
    assert message in response.text
    assert status_of(response) == "none"


def test_a_plain_picture_is_not_a_badge(client):
    with override("en"):
        response = upload(client, plain_png(), "photo.png")
    assert response.status_code == 400
    assert "This picture carries no Open Badge" in response.text


@override_settings(OPEN_BADGES_MAX_UPLOAD_BYTES=1024)
def test_a_too_large_file_is_refused(client):
    with override("en"):
        response = upload(client, b"{" + b" " * 2048 + b"}")
    assert response.status_code == 400
    assert "The file is too large for a credential." in response.text


@pytest.mark.site_language
def test_the_messages_are_in_russian_by_default(client):
    response = upload(client, b"{not json")
    assert response.status_code == 400
    assert "Этот файл — не картинка значка (PNG) и не удостоверение (JSON или JWT)." in response.text


def test_the_verify_form_is_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = "badge_verify=2/m"
    from django.core.cache import cache

    cache.clear()
    upload(client, b"{not json")
    upload(client, b"{not json")
    response = upload(client, b"{not json")
    assert response.status_code == 429


def test_the_key_command_rotates_without_breaking_the_badges_already_out(client, settings):
    from django.core.management import call_command

    certificate = issued()
    token = badges.credential_jwt(certificate)
    out = io.StringIO()
    call_command("open_badges_key", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    settings.OPEN_BADGES_SIGNING_KEY = values["OPEN_BADGES_SIGNING_KEY"]
    settings.OPEN_BADGES_PREVIOUS_KEYS = values["OPEN_BADGES_PREVIOUS_KEYS"]
    assert status_of(upload(client, token.encode(), "old.jwt")) == "valid"
    assert status_of(upload(client, badges.credential_jwt(certificate).encode(), "new.jwt")) == "valid"
    assert len(client.get(reverse("badge_jwks")).json()["keys"]) == 2


@override_settings(OPEN_BADGES_MAX_UPLOAD_BYTES=1024 * 1024)
def test_the_verify_page_states_the_size_limit_in_force(client):
    with override("en"):
        response = client.get(reverse("certificate_verify_file"))
    assert response.status_code == 200
    assert "(at most 1.0\xa0MB)" in response.text
