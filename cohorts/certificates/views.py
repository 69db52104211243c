"""Certificate pages: the holder's download, a school administrator's ZIP of their teachers'
certificates in a cohort (streamed), the bulk-issuance progress page, and the public verification."""

import json
import zipfile

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from core.files import serve_file, serve_generated, stored_extension
from core.jobs import job_progress_response
from core.ratelimit import RateLimited, rate_limit_hit, too_many

from . import badges, selectors


def _pdf_name(certificate) -> str:
    return f"certificate-{certificate.number}.pdf"


@login_required
def download(request, enrollment_id: int):
    """The holder downloads their stored PDF (never re-rendered)."""
    try:
        certificate = selectors.certificate_for_holder(user=request.user, enrollment_id=enrollment_id)
    except ObjectDoesNotExist:
        raise Http404(
            _("There is no certificate for this course yet. It is issued shortly after completion.")
        ) from None
    if certificate.revoked_at is not None:
        return render(request, "cohorts/certificate_revoked.html", {"certificate": certificate}, status=410)
    return serve_file(request, certificate.pdf, filename=_pdf_name(certificate))


def _holders_certificate(request, enrollment_id: int):
    try:
        return selectors.certificate_for_holder(user=request.user, enrollment_id=enrollment_id)
    except ObjectDoesNotExist:
        raise Http404(
            _("There is no certificate for this course yet. It is issued shortly after completion.")
        ) from None


@login_required
def certificate_page(request, enrollment_id: int):
    """The holder's certificate: its facts, the PDF, and the Open Badge as JSON, JWT and baked PNG."""
    certificate = _holders_certificate(request, enrollment_id)
    if certificate.revoked_at is not None:
        return render(request, "cohorts/certificate_revoked.html", {"certificate": certificate}, status=410)
    return render(request, "cohorts/certificate_page.html", {"certificate": certificate})


BADGE_FORMATS = {"json": "application/json", "jwt": "application/vc+jwt", "png": "image/png"}


@login_required
def badge_download(request, enrollment_id: int, fmt: str):
    """The holder's Open Badge, signed now (docs/decisions/0391); a revoked certificate has none."""
    if fmt not in BADGE_FORMATS:
        raise Http404
    certificate = _holders_certificate(request, enrollment_id)
    if certificate.revoked_at is not None:
        return render(request, "cohorts/certificate_revoked.html", {"certificate": certificate}, status=410)
    if fmt == "png":
        content: bytes | str = badges.badge_png(certificate)
    elif fmt == "jwt":
        content = badges.credential_jwt(certificate)
    else:
        content = json.dumps(badges.credential_json(certificate), ensure_ascii=False, indent=2)
    return serve_generated(
        content, filename=f"open-badge-{certificate.number}.{fmt}", content_type=BADGE_FORMATS[fmt]
    )


class CredentialUploadForm(forms.Form):
    credential = forms.FileField(
        label=gettext_lazy("Credential file"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].help_text = _(
            "The Open Badge as a PNG picture, a JSON file or a JWT (at most %(size)s)."
        ) % {"size": filesizeformat(settings.OPEN_BADGES_MAX_UPLOAD_BYTES)}


@never_cache
def verify_file(request):
    """Public: upload an Open Badge (baked PNG, JSON or JWT) and see whether it is genuine, valid,
    revoked or expired. Rate-limited per address; nothing is stored."""
    result = None
    refused = None
    form = CredentialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["credential"]
        try:
            rate_limit_hit(action="badge_verify", key=get_adapter().get_client_ip(request))
            if upload.size > settings.OPEN_BADGES_MAX_UPLOAD_BYTES:
                raise badges.BadgeError(_("The file is too large for a credential."))
            result = badges.credential_verify(upload.read(settings.OPEN_BADGES_MAX_UPLOAD_BYTES + 1))
        except RateLimited as exc:
            refused = exc
            form.add_error("credential", exc.messages[0])
        except badges.BadgeError as exc:
            form.add_error("credential", str(exc))
    status = 400 if request.method == "POST" and result is None else 200
    response = render(request, "cohorts/badge_verify.html", {"form": form, "result": result}, status=status)
    return too_many(response, refused)


@require_GET
@cache_control(max_age=60, public=True)
def badge_status_list(request):
    """The revocation list (BitstringStatusListCredential), as a VC-JWT."""
    return HttpResponse(badges.status_list_credential(), content_type="application/vc+jwt")


@require_GET
@cache_control(max_age=300, public=True)
def badge_jwks(request):
    return JsonResponse(badges.jwks(), content_type="application/jwk-set+json")


@require_GET
@cache_control(max_age=300, public=True)
def badge_did(request):
    return JsonResponse(badges.did_document(), content_type="application/did+json")


@login_required
def template_background(request, template_id: int):
    """A certificate design's background (it may carry a stamp or a signature): for those who may see
    the designs in the admin."""
    try:
        template = selectors.template_for_designer(user=request.user, template_id=template_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    return serve_file(
        request,
        template.background,
        filename=f"certificate-background-{template.pk}.{stored_extension(template.background)}",
        inline=True,
    )


class _Sink:
    """A write-only stream zipfile writes into; the response takes the bytes out as they come."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _zip_stream(certificates):
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator(chunk_size=200):
            name = f"{slugify(certificate.holder_name, allow_unicode=True) or certificate.pk}-{certificate.number}.pdf"
            with certificate.pdf.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while block := source.read(64 * 1024):
                    target.write(block)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


@login_required
def school_zip(request, cohort_id: int):
    """All valid certificates of a cohort held by the user's school's teachers; 404 if there are none."""
    certificates = selectors.certificates_for_school_admin(user=request.user, cohort_id=cohort_id)
    if not certificates.exists():
        raise Http404(_("No certificates of your school's teachers in this cohort."))
    response = StreamingHttpResponse(_zip_stream(certificates), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-cohort-{cohort_id}.zip"'
    return response


@login_required
def batch(request, batch_id: int):
    try:
        found = selectors.batch_for(user=request.user, batch_id=batch_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    return job_progress_response(
        request,
        found,
        page="cohorts/certificate_batch.html",
        poll_url=reverse("cohorts:certificate_batch", args=[found.pk]),
        result_url=reverse("admin:cohorts_certificate_changelist"),
        result_label=_("Open the certificates"),
        batch=found,
    )


@never_cache
def verify(request, code: str):
    """Public: valid / revoked (with the date) / unknown (404 with a plain sentence). No login."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "cohorts/certificate_unknown.html", status=404)
    return render(request, "cohorts/certificate_verify.html", {"certificate": certificate})
