"""Certificates in the admin: templates methodologists design and choose, revoke (with a reason) and
re-issue actions, and the cohort action "issue certificates" that runs in the background."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, register_role_permissions
from core.files import AuthorizedFileWidget
from core.jobs import JOB_ADMIN_FIELDS

from ..forms import ReasonForm
from ..selectors import cohorts_managed_by
from .layout import layout_problems
from .models import Certificate, CertificateBatch, CertificateTemplate
from .selectors import certificates_managed_by
from .services import certificate_batch_start, certificate_reissue, certificate_revoke

# Methodologists design templates and revoke / re-issue; curators see what was issued in their cohorts.
register_role_permissions(
    Role.METHODOLOGIST,
    [
        "cohorts.view_certificate",
        "cohorts.change_certificate",
        "cohorts.view_certificatetemplate",
        "cohorts.add_certificatetemplate",
        "cohorts.change_certificatetemplate",
        "cohorts.view_certificatebatch",
    ],
)
register_role_permissions(Role.CURATOR, ["cohorts.view_certificate", "cohorts.view_certificatebatch"])


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = [
            "name",
            "organisation",
            "is_default",
            "courses",
            "background",
            "layout",
            "sign_curator",
            "signatures",
            "signatures_uk",
            "signatures_en",
        ]

    def clean_layout(self):
        """A box outside the frame or two boxes on top of each other would print over each other."""
        layout = self.cleaned_data.get("layout")
        problems = layout_problems(layout)
        if problems:
            raise forms.ValidationError(problems)
        return layout

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        courses = cleaned.get("courses")
        if courses is not None:
            # One template per course (a unique index in the database, migration 0020).
            taken = (
                CertificateTemplate.courses.through.objects.filter(course__in=courses)
                .exclude(certificatetemplate_id=self.instance.pk)
                .select_related("course", "certificatetemplate")
                .order_by("course__title")
            )
            if taken:
                self.add_error(
                    "courses",
                    _("These courses already use another template: %(courses)s.")
                    % {
                        "courses": ", ".join(
                            f"{row.course.title} ({row.certificatetemplate.name})" for row in taken
                        )
                    },
                )
        if organisation is not None and courses is not None:
            foreign = [
                course.title for course in courses if course.organisation_id not in (None, organisation.pk)
            ]
            if foreign:
                self.add_error(
                    "courses",
                    _("These courses are provided by another organisation: %(courses)s.")
                    % {"courses": ", ".join(foreign)},
                )
        return cleaned


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    form = CertificateTemplateForm
    list_display = ["name", "organisation", "is_default", "background", "updated_at"]
    list_filter = ["organisation", "is_default"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["courses"]
    fieldsets = [
        (None, {"fields": ["name", "organisation", "is_default", "courses"]}),
        (_("Page"), {"fields": ["background", "layout"]}),
        (
            _("Signatures"),
            {
                "fields": ["sign_curator", "signatures", "signatures_uk", "signatures_en"],
                "description": _(
                    "The organisation's signatories sign its certificates; the lines below are printed "
                    "only when it has none."
                ),
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "background":  # private: linked to the view that checks who asks
            kwargs["widget"] = AuthorizedFileWidget(
                lambda template, _file: reverse("cohorts:certificate_template_background", args=[template.pk])
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "holder_name", "course_title", "issued_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["number", "holder_name", "course_title"]
    list_select_related = ["enrollment__cohort"]
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "code"]
    exclude = ["code"]
    actions = ["revoke_action", "reissue_action"]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        managed = cohorts_managed_by(request.user).values("pk")
        return super().get_queryset(request).filter(enrollment__cohort__in=managed)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _managed(self, request, queryset):
        return certificates_managed_by(request.user).filter(pk__in=queryset.values("pk"))

    @admin.action(description=_("Revoke (with a reason)"), permissions=["change"])
    def revoke_action(self, request, queryset):
        certificates = list(self._managed(request, queryset))
        if not certificates:
            self.message_user(
                request, _("Only the course's methodologists may revoke its certificates."), messages.ERROR
            )
            return None
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for certificate in certificates:
                try:
                    certificate_revoke(
                        certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    revoked += 1
                except ValidationError as exc:
                    self.message_user(
                        request, f"{certificate.number}: {' '.join(exc.messages)}", messages.WARNING
                    )
            self.message_user(request, _("%(n)s certificates revoked.") % {"n": revoked})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke certificates"),
            "form": form,
            "certificates": certificates,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/cohorts/certificate_revoke.html", context)

    @admin.action(description=_("Re-issue (new PDF, holder's current name)"), permissions=["change"])
    def reissue_action(self, request, queryset):
        """Asks for the reason first (the holder is told it), then re-issues each certificate."""
        certificates = list(self._managed(request, queryset))
        if not certificates:
            self.message_user(
                request, _("Only the course's methodologists may re-issue its certificates."), messages.ERROR
            )
            return None
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            done = 0
            for certificate in certificates:
                try:
                    certificate_reissue(
                        certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except ValidationError as exc:
                    self.message_user(
                        request, f"{certificate.number}: {' '.join(exc.messages)}", messages.ERROR
                    )
            self.message_user(request, _("%(n)s certificates re-issued.") % {"n": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Re-issue certificates"),
            "form": form,
            "certificates": certificates,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/cohorts/certificate_reissue.html", context)


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ["cohort", "state", "done", "total", "created_by", "created_at"]
    readonly_fields = ["cohort", "created_by", "messages", *JOB_ADMIN_FIELDS]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(cohort__in=cohorts_managed_by(request.user).values("pk"))

    def has_add_permission(self, request):
        return False


@admin.action(description=_("Issue certificates to everyone who completed"))
def issue_certificates(modeladmin, request, queryset):
    """Cohort action: one background issuance per cohort; the progress page polls it."""
    cohorts = list(queryset)
    if len(cohorts) != 1:
        modeladmin.message_user(request, _("Choose exactly one cohort."), messages.WARNING)
        return None
    try:
        batch = certificate_batch_start(cohort=cohorts[0], actor=request.user)
    except ValidationError as exc:
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return None
    return redirect("cohorts:certificate_batch", batch.pk)
