"""Procedure pages: the list, the kit's record pages over PROCEDURES, and a detail page with
the rendered text, the attachment, the document's versions and who acknowledged it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.markdown import render_markdown
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView

from .constants import ACKNOWLEDGE, ADD, CHANGE, VIEW, ProcedureState
from .entity import PROCEDURES
from .forms import AttachmentForm, ProcedureForm
from .selectors import acknowledgement_list, procedure_versions
from .services import procedure_acknowledge, procedure_new_version, procedure_update

SORT_CHOICES = (
    ("code", _lazy("Code")),
    ("-created_at", _lazy("Newest first")),
    ("state", _lazy("State")),
)


class ProcedureDetail(RecordDetailView):
    """A procedure version: its text rendered, its attachment, the other versions, who read it."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        acknowledgements = list(acknowledgement_list(procedure=obj))
        approved = obj.state == ProcedureState.APPROVED
        return {
            **super().context(obj),
            "body_html": render_markdown(obj.body),
            "versions": list(procedure_versions(procedure=obj)),
            "acknowledgements": acknowledgements,
            "acknowledged": any(a.member_id == membership.pk for a in acknowledgements),
            "may_acknowledge": approved and policy.can(membership, ACKNOWLEDGE, obj),
            "may_version": policy.can(membership, ADD),
            "urls": procedure_urls_of(obj.pk),
            "attachment_form": AttachmentForm()
            if obj.state == ProcedureState.DRAFT and policy.can(membership, CHANGE, obj)
            else None,
        }


class _Post(PageView):
    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]


class AcknowledgeView(_Post):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self.record(pk)
        try:
            procedure_acknowledge(membership=request.membership, procedure=procedure)  # type: ignore[attr-defined]
        except ValidationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded: you have read this procedure."))
        return redirect(self.url("detail", procedure.pk))


class NewVersionView(_Post):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self.record(pk)
        copy = procedure_new_version(membership=request.membership, procedure=procedure)  # type: ignore[attr-defined]
        messages.success(request, _("Version %(n)s started as a draft.") % {"n": copy.version})
        return redirect(self.url("detail", copy.pk))


class AttachmentView(PageView):
    """``GET``: the attachment (to a member who may see the version); ``POST``: replace it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        procedure = self.record(pk)
        if not procedure.attachment:
            raise Http404
        name = procedure.attachment.name.rsplit("/", 1)[-1]
        return FileResponse(procedure.attachment.open("rb"), as_attachment=True, filename=name)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self.record(pk)
        form = AttachmentForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError(
                    _("Please correct the errors below."),
                    extra={"fields": {k: list(v) for k, v in form.errors.items()}},
                )
            procedure_update(
                membership=request.membership,  # type: ignore[attr-defined]
                procedure=procedure,
                attachment=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            problems = [m for ms in fields.values() for m in ms] or [exc.message]
            messages.error(request, " ".join(str(p) for p in problems))
        else:
            messages.success(request, _("Attachment saved."))
        return redirect(self.url("detail", procedure.pk))


class ProcedurePages(Pages):
    entity = PROCEDURES
    form_class = ProcedureForm
    detail_view = ProcedureDetail
    lists = (
        ListPage(
            "procedure_list",
            "",
            codename=VIEW,
            heading=_lazy("Procedures"),
            empty_title=_lazy("No procedures yet."),
            empty_text=_lazy("Written, reviewed and approved work instructions show up here."),
            icon="journal-text",
            sort_choices=SORT_CHOICES,
            views=(
                (_lazy("Approved"), "state=approved"),
                (_lazy("In review"), "state=in_review"),
            ),
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path(
                "<int:pk>/acknowledge/",
                AcknowledgeView.as_view(pages=cls),
                name="procedure_acknowledge",
            ),
            path(
                "<int:pk>/new-version/",
                NewVersionView.as_view(pages=cls),
                name="procedure_new_version",
            ),
            path(
                "<int:pk>/attachment/",
                AttachmentView.as_view(pages=cls),
                name="procedure_attachment",
            ),
        ]


def procedure_urls_of(pk: int) -> dict[str, str]:
    return {
        "acknowledge": reverse("procedures:procedure_acknowledge", args=[pk]),
        "new_version": reverse("procedures:procedure_new_version", args=[pk]),
        "attachment": reverse("procedures:procedure_attachment", args=[pk]),
    }


__all__ = ["ProcedurePages"]
