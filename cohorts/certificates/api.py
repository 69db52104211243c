"""Certificates in the API: the public verification by code, and a teacher's own certificates."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import Certificate


class CertificateVerificationSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "status",
            "holder_name",
            "course_title",
            "hours",
            "starts_on",
            "ends_on",
            "issued_at",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return "valid" if obj.revoked_at is None else "revoked"


class MyCertificateSerializer(CertificateVerificationSerializer):
    """The holder's own view: `status` valid/revoked, the revocation's reason and re-issue count; a
    revoked certificate has no download link (the file answers 410), nor an Open Badge link (decision 0391)."""

    enrollment = serializers.IntegerField(source="enrollment_id", read_only=True)
    download_url = serializers.SerializerMethodField()
    open_badge_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta(CertificateVerificationSerializer.Meta):
        fields = [
            *CertificateVerificationSerializer.Meta.fields,
            "revoked_reason",
            "reissue_count",
            "enrollment",
            "download_url",
            "open_badge_url",
            "verify_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if obj.revoked_at is not None:
            return None
        return reverse("cohorts:certificate_download", args=[obj.enrollment_id])

    def get_open_badge_url(self, obj) -> str | None:
        """The Open Badge as JSON (`.png` / `.jwt` beside it)."""
        if obj.revoked_at is not None:
            return None
        return reverse("cohorts:certificate_badge", args=[obj.enrollment_id, "json"])

    def get_verify_url(self, obj) -> str:
        return reverse("certificate_verify", args=[obj.code])


class CertificateVerifyView(APIView):
    """Public: is this certificate genuine? Unknown or wrong-shaped codes give 404."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=CertificateVerificationSerializer, operation_id="certificates_verify")
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            raise NotFound(_("No certificate with this verification code was issued on this platform."))
        return Response(CertificateVerificationSerializer(certificate).data)


class MyCertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in teacher's certificates."""

    serializer_class = MyCertificateSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.certificates_of(self.request.user).order_by("-issued_at", "-pk")
