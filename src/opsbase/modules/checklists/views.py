"""Form template pages: the kit's list, form and delete pages, a detail page that is the
builder (add, reorder, remove fields, publish), the preview, JSON export and import, and the
images of filled forms."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.core.exceptions import Conflict, OpsBaseError, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView
from opsbase.web.decorators import membership_required

from .constants import ADD, CHANGE, VIEW, FieldType
from .engine import evaluate
from .entity import FORM_TEMPLATES
from .fill import answers_from_post, fill_items
from .forms import FieldForm, FormTemplateForm, ImportForm
from .selectors import formtemplate_export, submission_file, submission_get_for, version_list
from .services import (
    field_add,
    field_move,
    field_remove,
    formtemplate_import,
    formtemplate_publish,
)


def _problems(exc: OpsBaseError) -> str:
    fields = exc.extra.get("fields") or {}
    found = [f"{m}" for ms in fields.values() for m in ms]
    return " ".join(found) or exc.message


class FormTemplateDetail(RecordDetailView):
    """The template, its draft fields with the builder's controls, and its versions."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        may_build = policy.can(membership, CHANGE, obj)
        draft = list(obj.draft or [])
        return {
            **super().context(obj),
            "draft": draft,
            "type_labels": dict(FieldType.choices),
            "may_build": may_build,
            "field_form": FieldForm(draft=draft) if may_build else None,
            "versions": list(version_list(template=obj)),
        }


class BuilderView(PageView):
    """A change to the draft posted from the builder, then back to it."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def change(self, request: HttpRequest, template: Any, **kwargs: Any) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        template = self.record(pk)
        try:
            done = self.change(request, template, **kwargs)
        except (ValidationError, Conflict) as exc:
            messages.error(request, _problems(exc))
        else:
            messages.success(request, done)
        return redirect(self.url("detail", template.pk))


class FieldAddView(BuilderView):
    def change(self, request: HttpRequest, template: Any, **kwargs: Any) -> str:
        form = FieldForm(request.POST, draft=template.draft)
        if not form.is_valid():
            raise ValidationError(extra={"fields": {k: list(v) for k, v in form.errors.items()}})
        spec = form.field_spec()
        if not spec["key"]:
            spec["key"] = slugify(spec["label"]).replace("-", "_")[:40]
        field_add(membership=request.membership, formtemplate=template, field=spec)  # type: ignore[attr-defined]
        return _("Field added.")


class FieldMoveView(BuilderView):
    def change(self, request: HttpRequest, template: Any, **kwargs: Any) -> str:
        if kwargs["direction"] not in ("up", "down"):
            raise Http404
        offset = -1 if kwargs["direction"] == "up" else 1
        field_move(
            membership=request.membership,  # type: ignore[attr-defined]
            formtemplate=template,
            key=kwargs["key"],
            offset=offset,
        )
        return _("Field moved.")


class FieldRemoveView(BuilderView):
    def change(self, request: HttpRequest, template: Any, **kwargs: Any) -> str:
        field_remove(membership=request.membership, formtemplate=template, key=kwargs["key"])  # type: ignore[attr-defined]
        return _("Field removed.")


class PublishView(BuilderView):
    def change(self, request: HttpRequest, template: Any, **kwargs: Any) -> str:
        version = formtemplate_publish(membership=request.membership, formtemplate=template)  # type: ignore[attr-defined]
        return _("Version %(n)d published.") % {"n": version.number}


class PreviewView(PageView):
    """The draft as a person fills it; posting checks the answers and keeps nothing."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = self.record(pk)
        return self.show(request, template, fill_items(template.draft or []), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = self.record(pk)
        fields = template.draft or []
        answers = answers_from_post(fields, request.POST, request.FILES)
        evaluation = evaluate(fields, answers)
        items = fill_items(
            fields,
            answers={k: v for k, v in answers.items() if isinstance(v, str)},
            errors=evaluation.errors,
            flags=evaluation.flags,
        )
        return self.show(request, template, items, evaluation)

    def show(self, request: HttpRequest, template: Any, items: Any, evaluation: Any) -> Any:
        context = {
            **self.base_context(),
            "object": template,
            "items": items,
            "evaluation": evaluation,
            "detail_url": self.url("detail", template.pk),
        }
        return render(request, "checklists/formtemplate_preview.html", context)


class ExportView(PageView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = self.record(pk)
        response = JsonResponse(formtemplate_export(template), json_dumps_params={"indent": 2})
        filename = slugify(template.name) or "form"
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response


class ImportView(PageView):
    def get(self, request: HttpRequest) -> HttpResponse:
        policy.require(request.membership, ADD)  # type: ignore[attr-defined]
        return self.show(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, ADD)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                form.add_error("file", _("This file is not JSON."))
            else:
                try:
                    template = formtemplate_import(
                        membership=membership, data=data, name=form.cleaned_data["name"] or None
                    )
                except ValidationError as exc:
                    form.add_error(None, _problems(exc))
                else:
                    messages.success(request, _("Form template imported."))
                    return redirect(self.url("detail", template.pk))
        return self.show(request, form, status=400)

    def show(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        context = {**self.base_context(), "form": form}
        return render(request, "checklists/formtemplate_import.html", context, status=status)


class FormTemplatePages(Pages):
    entity = FORM_TEMPLATES
    form_class = FormTemplateForm
    detail_view = FormTemplateDetail
    lists = (
        ListPage(
            "formtemplate_list",
            "",
            codename=VIEW,
            heading=_lazy("Form templates"),
            empty_title=_lazy("No form templates yet."),
            empty_text=_lazy("Checklists and inspection forms are built here."),
            icon="ui-checks",
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path("import-json/", ImportView.as_view(pages=cls), name="formtemplate_import_json"),
            path(
                "<int:pk>/fields/", FieldAddView.as_view(pages=cls), name="formtemplate_field_add"
            ),
            path(
                "<int:pk>/fields/<str:key>/move/<str:direction>/",
                FieldMoveView.as_view(pages=cls),
                name="formtemplate_field_move",
            ),
            path(
                "<int:pk>/fields/<str:key>/remove/",
                FieldRemoveView.as_view(pages=cls),
                name="formtemplate_field_remove",
            ),
            path("<int:pk>/publish/", PublishView.as_view(pages=cls), name="formtemplate_publish"),
            path("<int:pk>/preview/", PreviewView.as_view(pages=cls), name="formtemplate_preview"),
            path("<int:pk>/export/", ExportView.as_view(pages=cls), name="formtemplate_export"),
        ]


@membership_required
def submission_image(request: HttpRequest, pk: int, key: str) -> FileResponse:
    """A photo or signature of a filled form (404 for another organization's)."""
    submission = submission_get_for(membership=request.membership, pk=pk)  # type: ignore[attr-defined]
    stored = submission_file(submission, key)
    if stored is None or not default_storage.exists(stored["file"]):
        raise Http404
    return FileResponse(default_storage.open(stored["file"]), content_type=stored["content_type"])


__all__ = ["FormTemplatePages", "submission_image"]
