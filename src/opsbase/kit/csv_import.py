"""CSV import of an entity's records, all or nothing: upload → map columns → preview → import.

The page (``<model>_import``, offered when ``Pages.import_fields`` names the form fields a
file may fill) keeps the uploaded table in the member's session between steps:

1. upload a CSV file (UTF-8, the first row names the columns; ``,``, ``;`` or tab);
2. map each field to a column of the file (guessed from the names and labels; a field left
   unmapped takes the form's initial value), and see the preview: every row read through
   the row spec's columns (``Column.parse_csv``: a choice by value or label, a person by
   e-mail, so an exported file imports back) and checked by the module's form, with each
   row's errors;
3. import: every row through the module's create service (policy, validation, audit) in one
   transaction. Nothing is written if any row fails; the rows that did are named.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsbase.conf import setting
from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.core.uploads import UploadValidator
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy

from .rows import ImportContext
from .views import PageView

PREVIEW_ROWS = 50
NOT_UTF8 = gettext_lazy(
    "This is not CSV text in UTF-8: save it as “CSV UTF-8” and upload it again."
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8; the first row names the columns."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            UploadValidator(allowed=("csv", "txt"), max_size=setting("IMPORT_MAX_SIZE"))(upload)
        except DjangoValidationError as exc:
            if exc.code != "file_content":
                raise
            raise DjangoValidationError(NOT_UTF8, code="file_content") from None
        return upload


def read_table(upload: Any) -> tuple[list[str], list[list[str]]]:
    """The header and rows of an uploaded CSV file; ``ValidationError`` saying what is wrong."""
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(str(NOT_UTF8)) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if len(table) < 2:
        raise ValidationError(_("The file needs a row of column names and at least one row."))
    limit = setting("IMPORT_MAX_ROWS")
    if len(table) - 1 > limit:
        raise ValidationError(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
            % {"count": len(table) - 1, "limit": limit}
        )
    header = [h.strip() for h in table[0]]
    width = len(header)
    rows = [(row + [""] * width)[:width] for row in table[1:]]
    return header, rows


@dataclass
class RowResult:
    number: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)


class RecordImportView(PageView):
    page = "import"

    @property
    def session_key(self) -> str:
        return f"opsbase.kit.import.{self.entity.model._meta.label_lower}"

    def require(self) -> None:
        codename = self.entity.codenames.add or self.entity.codenames.view
        policy.require(self.request.membership, codename)  # type: ignore[attr-defined]

    # -- steps -----------------------------------------------------------------------------
    def get(self, request: HttpRequest) -> HttpResponse:
        self.require()
        stored = request.session.get(self.session_key)
        if stored is None:
            return self.show(upload=UploadForm())
        return self.show(stored=stored, results=self.preview(stored))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require()
        step = request.POST.get("step", "")
        if step == "upload":
            return self.upload()
        stored = request.session.get(self.session_key)
        if step == "cancel" or stored is None:
            request.session.pop(self.session_key, None)
            return redirect(request.path)
        if step == "map":
            fields = self.pages.import_fields
            stored["mapping"] = {
                name: value
                for name in fields
                if (value := request.POST.get(f"map-{name}", "")) in stored["header"]
            }
            request.session[self.session_key] = stored
            return redirect(request.path)
        return self.run(stored)

    def upload(self) -> HttpResponse:
        form = UploadForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            try:
                header, rows = read_table(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc.message)
            else:
                self.request.session[self.session_key] = {
                    "name": form.cleaned_data["file"].name,
                    "header": header,
                    "rows": rows,
                    "mapping": self.guess(header),
                }
                return redirect(self.request.path)
        return self.show(upload=form, status=400)

    def run(self, stored: dict[str, Any]) -> HttpResponse:
        results = self.preview(stored)
        if not any(r.errors for r in results):
            self.write(results)
        if any(r.errors for r in results):
            messages.error(self.request, _("Nothing was imported: correct the rows below."))
            return self.show(stored=stored, results=results, status=400)
        self.request.session.pop(self.session_key, None)
        done = _("%(count)s %(records)s imported.")
        messages.success(
            self.request, done % {"count": len(results), "records": self.entity.verbose_name_plural}
        )
        return redirect(self.pages.list_url_name())

    # -- reading and writing ---------------------------------------------------------------
    def form_fields(self) -> dict[str, forms.Field]:
        return import_form_fields(self.pages, self.request.membership)  # type: ignore[attr-defined]

    def guess(self, header: list[str]) -> dict[str, str]:
        return import_guess(self.pages, self.request.membership, header)  # type: ignore[attr-defined]

    def preview(self, stored: dict[str, Any]) -> list[RowResult]:
        return import_preview(
            self.pages,
            self.request.membership,  # type: ignore[attr-defined]
            stored["header"],
            stored["rows"],
            stored.get("mapping", {}),
        )

    def write(self, results: list[RowResult]) -> None:
        import_write(self.pages, self.request, results)

    def show(self, *, status: int = 200, **context: Any) -> HttpResponse:
        results: list[RowResult] = context.get("results") or []
        stored = context.get("stored")
        fields = []
        if stored is not None:
            mapping = stored.get("mapping", {})
            fields = [
                {"name": name, "label": f.label, "mapped": mapping.get(name, "")}
                for name, f in self.form_fields().items()
            ]
        failed = [r for r in results if r.errors]
        context.update(
            {
                **self.base_context(),
                "fields": fields,
                "failed": failed,
                "shown": results[:PREVIEW_ROWS],
                "count": len(results),
                "ready": bool(results) and not failed,
            }
        )
        return render(self.request, self.template_names(), context, status=status)


# -- the steps, for the page and the API alike ---------------------------------------------------
def import_form_fields(pages: Any, membership: Any) -> dict[str, forms.Field]:
    """The form fields a file may fill (``Pages.import_fields``)."""
    form = pages.form_class(membership=membership)
    return {name: form.fields[name] for name in pages.import_fields}


def import_guess(pages: Any, membership: Any, header: list[str]) -> dict[str, str]:
    """Each field's column: the one named as the field or its label (any case)."""
    found: dict[str, str] = {}
    for name, form_field in import_form_fields(pages, membership).items():
        wanted = {name.casefold(), str(form_field.label or "").casefold()}
        match = next((h for h in header if h.casefold() in wanted), None)
        if match is not None:
            found[name] = match
    return found


def import_preview(
    pages: Any, membership: Any, header: list[str], rows: list[list[str]], mapping: dict
) -> list[RowResult]:
    """Every row read through the row spec's columns and checked by the module's form (errors
    per row). A field left unmapped takes ``Pages.import_defaults``, else the form's initial."""
    entity = pages.entity
    context = ImportContext(membership)
    form_fields = import_form_fields(pages, membership)
    defaults = getattr(pages, "import_defaults", {}) or {}
    columns: dict[str, Any] = {}
    for name in form_fields:
        try:
            columns[name] = entity.rows.column(name)
        except KeyError:
            columns[name] = None
    # One form whose member choices are read once, bound again for each row.
    form = pages.form_class(membership=membership)
    for form_field in form.fields.values():
        queryset = getattr(form_field, "queryset", None)
        if queryset is not None:
            form_field.queryset = _cached(queryset)
    results = []
    for number, values in enumerate(rows, start=2):
        by_column = dict(zip(header, values, strict=True))
        data: dict[str, Any] = {}
        for name, form_field in form_fields.items():
            source = mapping.get(name)
            if not source:
                initial = defaults.get(name, form_field.initial)
                data[name] = initial if initial is not None else ""
                continue
            text = by_column.get(source, "")
            column = columns[name]
            if column is None:
                data[name] = text.strip()
            else:
                parsed = column.parse_csv(text, context)
                data[name] = "" if parsed is None else parsed
        form.data, form.is_bound = data, True
        form._errors = None
        form.cleaned_data = {}
        result = RowResult(number=number, values=by_column, data=data)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                result.errors += [f"{label}: {e}" if label else str(e) for e in errors]
        else:
            result.data = dict(form.cleaned_data)
        results.append(result)
    return results


def _cached(queryset: Any) -> Any:
    """*queryset* evaluated once: later ``get``/``filter`` calls of a choice field read the
    cached rows (``ModelChoiceField`` looks a value up per row otherwise)."""
    rows = list(queryset)
    by_pk = {str(row.pk): row for row in rows}

    class Rows(list):  # the subset of a queryset ModelChoiceField uses
        model = queryset.model

        def all(self) -> Rows:
            return self

        def get(self, **kwargs: Any) -> Any:
            (value,) = kwargs.values()
            found = by_pk.get(str(getattr(value, "pk", value)))
            if found is None:
                raise queryset.model.DoesNotExist
            return found

        def none(self) -> Rows:
            return Rows()

    return Rows(rows)


def import_write(pages: Any, request: Any, results: list[RowResult]) -> None:
    """Create every row through the module's service, in one transaction: rolled back
    (nothing written) when any row is refused, each refusal noted on its row."""
    entity = pages.entity
    membership = request.membership
    if entity.create_many is not None:
        from .services import RowsInvalid

        try:
            entity.create_many(membership=membership, rows=[dict(r.data) for r in results])
        except RowsInvalid as exc:
            for index, messages in exc.rows.items():
                results[index].errors += messages
        except (ValidationError, PermissionDenied) as exc:
            results[0].errors.append(exc.message)
        return

    @atomic_write
    def create_all() -> None:
        failed = False
        for result in results:
            try:
                with transaction.atomic():  # a savepoint: the next rows still get checked
                    entity.do_create(request, membership, dict(result.data))
            except (ValidationError, InvalidTransition, PermissionDenied) as exc:
                fields = getattr(exc, "extra", {}).get("fields") or {}
                result.errors += [m for ms in fields.values() for m in ms] or [exc.message]
                failed = True
        if failed:
            transaction.set_rollback(True)

    create_all()
