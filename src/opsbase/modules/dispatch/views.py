"""Dispatch-note pages: the kit's list, form and delete pages, a detail page with the drill
bits on the note, and the note as a PDF."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import ValidationError
from opsbase.kit.rows import RowFormat
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView, RecordTransitionView

from .constants import VIEW, NoteState
from .documents import dispatchnote_pdf
from .entity import DISPATCH_NOTES
from .forms import DispatchNoteForm
from .selectors import line_list


class DispatchNoteDetail(RecordDetailView):
    """A note, the drill bits on it and a button to print it."""

    def context(self, obj: Any) -> dict[str, Any]:
        context = super().context(obj)
        draft = obj.state == NoteState.DRAFT
        # Only a draft is changed or deleted; an issued note is what was shipped.
        context["may_edit"] = context["may_edit"] and draft
        context["may_delete"] = context["may_delete"] and draft
        return {
            **context,
            "lines": list(line_list(note=obj)),
            "pdf_url": reverse("dispatch:dispatchnote_pdf", args=[obj.pk]),
        }


class DispatchNoteTransition(RecordTransitionView):
    """The kit's move, showing a refused issue's reason (the bit that cannot move) on the
    page instead of an error page."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            return super().post(request, pk)
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            text = " ".join(str(m) for ms in fields.values() for m in ms) or str(exc.message)
        obj = self.record(pk)
        if request.headers.get("HX-Request") == "true":
            spec = self.entity.rows
            state = spec.column(self.entity.state_field or "")
            fmt = RowFormat(
                spec,
                membership=request.membership,  # type: ignore[attr-defined]
                csrf_token=get_token(request),
            )
            return HttpResponse(state.cell(spec.row_of(obj), fmt, error=text))
        messages.error(request, text)
        return redirect(self.url("detail", obj.pk))


class DispatchNotePdf(PageView):
    """The note as a PDF to print and hand to the carrier."""

    http_method_names: ClassVar[list[str]] = ["get"]  # type: ignore[misc]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = self.record(pk)
        bits = [line.drillbit for line in line_list(note=note)]
        tenant = request.membership.tenant  # type: ignore[attr-defined]
        pdf = dispatchnote_pdf(note, bits, organization=str(tenant.name))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
        return response


class DispatchNotePages(Pages):
    entity = DISPATCH_NOTES
    form_class = DispatchNoteForm
    detail_view = DispatchNoteDetail
    transition_view = DispatchNoteTransition
    lists = (
        ListPage(
            "dispatchnote_list",
            "",
            codename=VIEW,
            heading=_("Dispatch notes"),
            empty_title=_("No dispatch notes yet."),
            empty_text=_("Notes that send drill bits to a rig or well, and bring them back."),
            icon="truck",
            sort_choices=(
                ("-created_at", _("Newest first")),
                ("-date", _("Latest date")),
                ("number", _("Number")),
                ("state", _("State")),
            ),
            views=(
                (_("Drafts"), "state=draft"),
                (_("Issued"), "state=issued"),
                (_("Returns"), "kind=return"),
            ),
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path("<int:pk>/pdf/", DispatchNotePdf.as_view(pages=cls), name="dispatchnote_pdf"),
        ]
