"""Open Badges 3.0: every certificate is also an `OpenBadgeCredential` (a W3C Verifiable Credential),
signed as a VC-JWT (ES256) with the platform's key, revocable through a Bitstring Status List.

Made on download, never stored (docs/decisions/0391-badges-credentials-signed-on-download.md): the
credential is a function of the certificate's row (the facts as at issuance), the course's competencies
and the key, so issuance stays as it was and a re-issue or a revocation needs no second write.

- Keys: `OPEN_BADGES_SIGNING_KEY` (PEM or a JWK with its private part; unset: a development key derived
  from SECRET_KEY, the same in every process). Retired keys' public JWKs in `OPEN_BADGES_PREVIOUS_KEYS`
  stay in the JWKS and the DID document by their `kid` (the RFC 7638 thumbprint), so what they signed
  still verifies.
- The issuer is `did:web:<host of SITE_URL>`; its DID document is `/.well-known/did.json`, the JWKS
  `/.well-known/jwks.json`.
- Status: the certificate's id is its index in the revocation list (`/badges/status/revocation/`); a
  revoked certificate's bit is 1. A re-issue changes the verification code, so the old credential (whose
  `id` holds the old code) no longer verifies either.
- Baking (`baking.py`): the compact JWT in the PNG's `iTXt` chunk `openbadgecredential` (OB 3.0 §5.3).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from core.formatting import hours_label

from ..models import Certificate
from . import baking
from .baking import PNG_SIGNATURE, BadgeError, unbake
from .selectors import CODE_RE

ALG = "ES256"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
STATUS_CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
STATUS_LIST_BITS = 131072  # the Bitstring Status List minimum (16 KB): a list this long hides who is who


# --- keys ----------------------------------------------------------------------------------------


def _load_private(text: str) -> ECKey:
    text = text.strip().replace("\\n", "\n")
    if text.startswith("{"):
        return ECKey.import_key(json.loads(text))
    return ECKey.import_key(text.encode())


def _development_key() -> ECKey:
    """A P-256 key derived from SECRET_KEY: the same in every process, so `make run` verifies what it signed."""
    seed = hashlib.sha256(f"open-badges-signing-key:{settings.SECRET_KEY}".encode()).digest()
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    private = ec.derive_private_key(int.from_bytes(seed, "big") % (order - 1) + 1, ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return ECKey.import_key(pem)


@cache
def _keys(signing: str, previous: str, secret: str) -> tuple[ECKey, tuple[ECKey, ...]]:
    current = _load_private(signing) if signing.strip() else _development_key()
    old: list[ECKey] = []
    if previous.strip():
        data = json.loads(previous)
        for item in data.get("keys", []) if isinstance(data, dict) else data:
            old.append(ECKey.import_key({k: v for k, v in item.items() if k != "d"}))
    return current, tuple(old)


def signing_key() -> ECKey:
    return _keys(settings.OPEN_BADGES_SIGNING_KEY, settings.OPEN_BADGES_PREVIOUS_KEYS, settings.SECRET_KEY)[0]


def verification_keys() -> dict[str, ECKey]:
    """Every key whose signatures verify, by kid: the current one first, then the retired ones."""
    current, old = _keys(
        settings.OPEN_BADGES_SIGNING_KEY, settings.OPEN_BADGES_PREVIOUS_KEYS, settings.SECRET_KEY
    )
    return {key.thumbprint(): key for key in (current, *old)}


def key_id(key: ECKey) -> str:
    """The `kid` of a key in the JWT header, the JWKS and the DID document alike: `<issuer DID>#<RFC 7638
    thumbprint>`, the DID URL of its verification method."""
    return f"{issuer_id()}#{key.thumbprint()}"


def public_jwk(key: ECKey) -> dict[str, Any]:
    return {**key.as_dict(private=False), "kid": key_id(key), "alg": ALG, "use": "sig"}


def jwks() -> dict[str, Any]:
    return {"keys": [public_jwk(key) for key in verification_keys().values()]}


def issuer_id() -> str:
    """did:web of SITE_URL's host (a port written %3A, as the did:web method says)."""
    return "did:web:" + quote(urlsplit(settings.SITE_URL).netloc, safe="")


def did_document() -> dict[str, Any]:
    did = issuer_id()
    methods = [
        {"id": key_id(key), "type": "JsonWebKey", "controller": did, "publicKeyJwk": public_jwk(key)}
        for key in verification_keys().values()
    ]
    refs = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": refs,
        "authentication": refs,
    }


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def status_list_url() -> str:
    return _absolute(reverse("badge_status_list"))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _sign(credential: dict[str, Any], *, subject: str | None = None) -> str:
    """The VC-JWT (VC-JOSE-COSE): the credential is the payload, with the registered claims beside it."""
    key = signing_key()
    claims = {**credential, "iss": credential["issuer"]["id"], "jti": credential["id"]}
    claims["nbf"] = int(datetime.fromisoformat(credential["validFrom"]).timestamp())
    if credential.get("validUntil"):
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    if subject:
        claims["sub"] = subject
    header = {"alg": ALG, "typ": "vc+jwt", "kid": key_id(key)}
    return jwt.encode(header, claims, key, algorithms=[ALG])


# --- the credential --------------------------------------------------------------------------------


def _issuer_profile(certificate: Certificate) -> dict[str, Any]:
    course = certificate.enrollment.cohort.course
    organisation = course.organisation
    name = organisation.name_in(certificate.language) if organisation is not None else settings.SITE_NAME
    return {"id": issuer_id(), "type": ["Profile"], "name": name, "url": settings.SITE_URL.rstrip("/") + "/"}


def _identity(certificate: Certificate) -> list[dict[str, Any]]:
    """The holder: their name as printed, and their e-mail address only as a salted hash (OB 3.0
    IdentityObject), so the file does not hand out the address but its owner can prove it."""
    email = (certificate.enrollment.teacher.email or "").strip().lower()
    salt = hashlib.sha256(f"{certificate.code}:{settings.SECRET_KEY}".encode()).hexdigest()[:16]
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.holder_name,
        },
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": f"sha256${digest}",
            "salt": salt,
        },
    ]


def credential_for(certificate: Certificate) -> dict[str, Any]:
    """The OpenBadgeCredential of a certificate, in its holder's language (without the proof)."""
    from .services import verify_url  # services imports the models this module reads

    course = certificate.enrollment.cohort.course
    competencies = list(course.competencies.all())
    with override(certificate.language):
        hours = hours_label(certificate.hours)
        description = _("In-service training course of %(hours)s, %(start)s – %(end)s.") % {
            "hours": hours,
            "start": certificate.starts_on.isoformat(),
            "end": certificate.ends_on.isoformat(),
        }
        narrative = _(
            "Completed the course “%(course)s” (%(hours)s) and met its completion rules: the required lessons "
            "studied, the works accepted by the curators."
        ) % {"course": certificate.course_title, "hours": hours}
        name = _("Certificate No. %(number)s") % {"number": certificate.number}
    issued = certificate.issued_at
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": verify_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": _issuer_profile(certificate),
        "validFrom": _timestamp(issued),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": _identity(certificate),
            "achievement": {
                "id": _absolute(course.get_absolute_url()),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": certificate.course_title,
                "description": description,
                "criteria": {"narrative": narrative},
                "creditsAvailable": certificate.hours,
                "humanCode": certificate.number,
                "inLanguage": certificate.language,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetType": "ceasn:Competency",
                        "targetName": competency.name,
                        "targetCode": competency.code,
                        "targetUrl": _absolute(course.get_absolute_url()) + f"#competency-{competency.code}",
                    }
                    for competency in competencies
                ],
            },
            "creditsEarned": certificate.hours,
            "activityStartDate": _timestamp(
                datetime.combine(certificate.starts_on, datetime.min.time(), UTC)
            ),
            "activityEndDate": _timestamp(datetime.combine(certificate.ends_on, datetime.min.time(), UTC)),
        },
        "awardedDate": _timestamp(issued),
        "credentialSchema": [SCHEMA],
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.pk),
            "statusListCredential": status_list_url(),
        },
    }
    if not competencies:
        del credential["credentialSubject"]["achievement"]["alignment"]
    if settings.OPEN_BADGES_VALID_YEARS:
        credential["validUntil"] = _timestamp(issued + timedelta(days=365 * settings.OPEN_BADGES_VALID_YEARS))
    return credential


def credential_jwt(certificate: Certificate) -> str:
    return _sign(credential_for(certificate))


def credential_json(certificate: Certificate) -> dict[str, Any]:
    """The credential as JSON for people and wallets that read JSON: the same content with its VC-JWT as
    the proof (the JSON alone proves nothing; the verifier checks the JSON is what the JWT signed)."""
    token = credential_jwt(certificate)
    return {**credential_for(certificate), "proof": {"type": "JwtProof2020", "jwt": token}}


# --- the status list ------------------------------------------------------------------------------


def encoded_status_list() -> str:
    """The revocation bitstring, GZIP-compressed, multibase base64url (`u…`): a bit per certificate id,
    1 = revoked, index 0 the left-most bit; at least 131072 bits long (one query)."""
    revoked = list(Certificate.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))
    size = max(STATUS_LIST_BITS, ((max(revoked, default=0) // STATUS_LIST_BITS) + 1) * STATUS_LIST_BITS)
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def status_list_credential() -> str:
    """The BitstringStatusListCredential, signed as a VC-JWT like the badges."""
    encoded = encoded_status_list()
    url = status_list_url()
    credential = {
        "@context": STATUS_CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "validFrom": _timestamp(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return _sign(credential)


def status_bit(encoded: str, index: int) -> int:
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    if index // 8 >= len(raw):
        return 0
    return (raw[index // 8] >> (7 - index % 8)) & 1


def badge_png(certificate: Certificate) -> bytes:
    """The badge picture with this certificate's credential baked in."""
    return baking.badge_picture(certificate, credential_jwt(certificate))


# --- verification -------------------------------------------------------------------------------------


@dataclass
class Verification:
    """What the verify page shows: `status` valid / revoked / expired / invalid, a sentence, and the facts
    of the certificate when the credential is ours."""

    status: str
    message: str
    certificate: Certificate | None = None
    credential: dict[str, Any] = field(default_factory=dict)


def _token_of(data: bytes) -> tuple[str, dict[str, Any] | None]:
    """The compact JWT in an uploaded file (a baked PNG, a bare JWT, our JSON with a JWT proof, or a VC
    envelope), and the JSON body that came with it, if any."""
    if data.startswith(PNG_SIGNATURE):
        return unbake(data).strip(), None
    try:
        text = data.decode("utf-8").strip().lstrip("\ufeff")
    except UnicodeDecodeError:
        raise BadgeError(
            _("This file is neither a badge picture (PNG) nor a credential (JSON or JWT).")
        ) from None
    if text.count(".") == 2 and not text.startswith("{"):
        return text, None
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than any credential
        raise BadgeError(
            _("This file is neither a badge picture (PNG) nor a credential (JSON or JWT).")
        ) from None
    if not isinstance(body, dict):
        raise BadgeError(_("This JSON file is not an Open Badge credential."))
    proof = body.get("proof")
    if isinstance(proof, list) and proof:
        proof = proof[0]
    if isinstance(proof, dict) and isinstance(proof.get("jwt"), str):
        return proof["jwt"], {k: v for k, v in body.items() if k != "proof"}
    envelope = body.get("id")
    if body.get("type") == "EnvelopedVerifiableCredential" and isinstance(envelope, str) and "," in envelope:
        return envelope.split(",", 1)[1], None
    raise BadgeError(_("This JSON file is not a signed Open Badge credential: it carries no proof."))


def credential_verify(data: bytes, *, now: datetime | None = None) -> Verification:
    """Check an uploaded credential: our signature by a key we hold, our issuer, the JSON untouched, not
    expired, not revoked (the status list's bit), not replaced by a re-issue."""
    now = now or timezone.now()
    if len(data) > settings.OPEN_BADGES_MAX_UPLOAD_BYTES:
        raise BadgeError(_("The file is too large for a credential."))
    token, body = _token_of(data)
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError):
        raise BadgeError(_("The credential's signature is damaged: the file was changed.")) from None
    if header.get("alg") != ALG:
        return Verification("invalid", _("The credential was not signed by this platform."))
    kid = str(header.get("kid", "")).rpartition("#")[2]
    key = verification_keys().get(kid)
    if key is None:
        return Verification("invalid", _("The credential was signed by a key this platform does not hold."))
    try:
        claims = jwt.decode(token, key, algorithms=[ALG]).claims
    except (JoseError, ValueError):
        return Verification(
            "invalid", _("The signature does not match: the credential was changed or signed by another key.")
        )
    credential = {k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf", "exp", "sub", "iat"}}
    if body is not None and body != credential:
        return Verification(
            "invalid", _("The file's content was changed after it was signed."), None, credential
        )
    issuer = credential.get("issuer")
    issuer_ref = issuer.get("id") if isinstance(issuer, dict) else issuer
    if claims.get("iss") != issuer_id() or issuer_ref != issuer_id():
        return Verification("invalid", _("The credential was not issued by this platform."), None, credential)
    if "OpenBadgeCredential" not in (credential.get("type") or []):
        return Verification("invalid", _("This credential is not an Open Badge."), None, credential)
    code = str(credential.get("id", "")).rstrip("/").rpartition("/")[2]
    certificate = (
        Certificate.objects.select_related("enrollment__cohort__course").filter(code=code).first()
        if CODE_RE.match(code)
        else None
    )
    if certificate is None:
        return Verification(
            "invalid",
            _("This certificate is no longer valid in this copy: it was re-issued or is unknown."),
            None,
            credential,
        )
    status = credential.get("credentialStatus") or {}
    index = str(status.get("statusListIndex", ""))
    if status.get("statusListCredential") != status_list_url() or not index.isdigit():
        return Verification(
            "invalid", _("The credential's status entry is not this platform's."), None, credential
        )
    if status_bit(encoded_status_list(), int(index)):
        return Verification("revoked", _("This certificate was revoked."), certificate, credential)
    expires = claims.get("exp")
    if expires is not None and now.timestamp() >= float(expires):
        return Verification("expired", _("This credential has expired."), certificate, credential)
    if float(claims.get("nbf", 0)) > now.timestamp() + 300:
        return Verification("invalid", _("This credential is not valid yet."), certificate, credential)
    return Verification(
        "valid", _("The credential is genuine, issued by this platform and valid."), certificate, credential
    )
