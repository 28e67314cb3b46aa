"""The API of an entity: ``TenantModelViewSet``, and a serializer whose output is the row spec.

::

    class TaskSerializer(RecordSerializer):      # input rules only; the output is TASK_ROWS
        title = serializers.CharField(min_length=3, max_length=200)
        ...
        class Meta:
            model = Task
            rows = TASK_ROWS

    class TaskViewSet(TenantModelViewSet):
        entity = TASKS
        serializer_class = TaskSerializer
        example = {...}                          # a record as the API answers it (OpenAPI)

gives ``/tasks/`` (list, create) and ``/tasks/{id}/`` (retrieve, update, partial update,
destroy), plus ``/tasks/{id}/transition/`` when the model has a workflow, each documented
with examples:

* reads through the entity's selectors: the tenant's records the role may see; any other
  tenant's is 404, one the member may not see 403 with the rule's reason;
* ``?<filter>=`` (the entity's django-filter set; an invalid value is a 400 naming it),
  ``?search=`` (the module's declared search fields), ``?ordering=`` over the row spec's sort
  keys, ``?page=&page_size=``;
* the list reads plain rows (``RowSpec.rows``) and answers them through ``RowSpec.api_row``:
  the same JSON as the serializer field by field, without a model instance per record; with
  ``OPSBASE_LIST_CACHE`` the rendered JSON is kept per tenant version, visibility scope,
  query, host and media type (``opsbase.kit.caching``);
* writes through the entity's services only (policy, row lock, audit: ``opsbase.kit.services``);
  the answer is the record as saved, in the detail's shape (with the workflow moves possible
  now).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from opsbase.api.renderers import JSONRenderer, RenderedJSON
from opsbase.api.schema import ErrorSerializer
from opsbase.api.serializers import FieldsBuiltOnce, TenantRelatedField
from opsbase.core.exceptions import ValidationError
from opsbase.kernel.modules import search_fields_for
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .caching import CachedListMixin
from .entity import Entity
from .forms import FOREIGN_MEMBER, names_a_filter, quick_filterset
from .rows import RowFormat, RowSpec
from .selectors import member_choices


class MemberField(TenantRelatedField):
    """A membership id of the caller's organization (active members only)."""

    model = Membership
    default_error_messages = {
        "does_not_exist": FOREIGN_MEMBER,
        "incorrect_type": _("Give the member's id (a number)."),
    }

    def tenant_queryset(self, membership: Any) -> Any:
        return member_choices(membership=membership)


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    # A field called "label", which DRF allows; the stubs see Field.label's type.
    label = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    target_label = serializers.CharField()
    allowed = serializers.BooleanField()
    reason = serializers.CharField()


# What an option of ``transitions`` holds, in order (TransitionOption attributes).
TRANSITION_OPTION_KEYS = tuple(TransitionOptionSerializer._declared_fields)


class RecordSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A serializer that declares the input fields of its model; its output is the row
    spec's (``Meta.rows``): the spec's read-only fields are added for every API key the
    class does not declare, and ``to_representation`` answers ``RowSpec.api_row`` of the
    instance (the same values, without building a field per key). The input fields the class
    does not declare may come from the model, as a ``ModelSerializer`` makes them: their
    names in ``Meta.inputs`` (with ``Meta.extra_kwargs`` for more rules)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "Meta", None)
        spec: RowSpec | None = getattr(meta, "rows", None)
        if meta is None or spec is None:
            return
        inputs = getattr(meta, "inputs", ())
        for name, field in spec.api_fields().items():
            if name not in inputs:
                cls._declared_fields.setdefault(name, field)
        if "fields" not in vars(meta):
            meta.fields = [*spec.api_keys(), *getattr(meta, "extra_fields", ())]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        spec: RowSpec = self.Meta.rows
        return spec.api_row(spec.row_of(instance), RowFormat(spec))


class DetailSerializerMixin(serializers.Serializer):
    """Adds ``transitions``: the workflow moves from the record's state now, each allowed or
    with the reason it is not."""

    transitions = serializers.SerializerMethodField(
        help_text="The moves possible now, allowed or with the reason they are not."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["transitions"] = self.get_transitions(instance)
        return data

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, obj: Any) -> list[dict[str, Any]]:
        from opsbase.kernel.workflows import transitions_available

        request = self.context.get("request")
        membership = getattr(request, "membership", None)
        if membership is None:
            return []
        return [
            {key: getattr(option, key) for key in TRANSITION_OPTION_KEYS}
            for option in transitions_available(membership=membership, obj=obj)
        ]


class QueryFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds the entity's ``FilterSet`` (a form and its
    fields) only when the query names one of its filters: an unfiltered list, the most
    common read, skips that work."""

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        found = super().get_filterset_class(view, queryset)
        return quick_filterset(found) if found is not None else None

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not names_a_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class RowSpecOrdering(filters.OrderingFilter):
    """``?ordering=`` over the row spec's sort keys; ranked keys (priority) sort by rank."""

    def get_valid_fields(self, queryset: Any, view: Any, context: Any = None) -> list:
        return [(key, key) for key in view.entity.rows.sort_keys()]

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        return view.entity.rows.order(queryset, ordering) if ordering else queryset


class RecordSearch(filters.SearchFilter):
    """``?search=`` over the fields the module declares (``ModuleConfig.search_fields``)."""

    def get_search_fields(self, view: Any, request: Any) -> Any:
        return search_fields_for(view.entity.model)


def _bad_request(*examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, examples=list(examples))


def _error_example(name: str, code: str, message: str, **more: Any) -> OpenApiExample:
    return OpenApiExample(
        name,
        status_codes=["400"],
        response_only=True,
        value={"error": {"code": code, "message": message, **more}},
    )


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV in UTF-8 (a BOM is fine); the first row "
        "names the columns, as the export does."
    )


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's line in the file (the header is 1).")
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]


class ImportReportSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    imported = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    rows = ImportRowSerializer(many=True, help_text="The rows with errors (none: valid).")


class TenantModelViewSet(CachedListMixin, viewsets.ModelViewSet):
    """The records of one entity of the caller's organization (see the module docstring)."""

    entity: ClassVar[Entity]
    #: A record as the API answers it, and a new one as a client sends it (OpenAPI examples).
    example: ClassVar[dict[str, Any] | None] = None
    create_example: ClassVar[dict[str, Any] | None] = None
    #: A change as a client sends it (``PATCH``).
    patch_example: ClassVar[dict[str, Any] | None] = None
    #: An invalid input as the API refuses it: ``{"field": ["message"], ...}``.
    invalid_example: ClassVar[dict[str, list[str]] | None] = None
    #: Summaries and descriptions per action, where the kit's are not the module's words.
    docs: ClassVar[dict[str, dict[str, str]]] = {}
    #: More answers per action, ``{"update": {409: ErrorSerializer}}``: refusals of the
    #: module's own (an issued invoice is not edited), documented with the kit's.
    more_responses: ClassVar[dict[str, dict[int, Any]]] = {}

    filter_backends: ClassVar[list[Any]] = [QueryFilterBackend, RecordSearch, RowSpecOrdering]  # type: ignore[misc]
    lookup_value_regex = r"\d+"
    detail_serializer_class: ClassVar[type[serializers.Serializer]]
    transition_serializer_class: ClassVar[type[serializers.Serializer] | None] = None
    #: The entity's ``Pages`` whose ``import_fields`` and form a CSV import reads: offers
    #: ``POST …/import/`` (multipart ``file``; ``?dry_run=1``), all or nothing.
    import_pages: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        entity: Entity | None = getattr(cls, "entity", None)
        if entity is None:
            return
        view: Any = cls  # DRF reads these attributes its stubs do not declare
        view.filterset_class = entity.filterset
        view.ordering = [entity.rows.default_sort]
        view.ordering_fields = entity.rows.sort_keys()
        base: Any = cls.serializer_class
        model = entity.model.__name__
        if entity.state_field:
            cls.detail_serializer_class = type(
                f"{model}DetailSerializer",
                (DetailSerializerMixin, base),
                {
                    "__module__": cls.__module__,
                    "__doc__": f"{(base.__doc__ or model).strip()} With the moves possible now.",
                    "Meta": type(
                        "Meta", (base.Meta,), {"fields": [*base.Meta.fields, "transitions"]}
                    ),
                },
            )
            cls.transition_serializer_class = _transition_serializer(entity, cls.__module__)
        else:
            cls.detail_serializer_class = base
        _document(cls, entity)

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        actions = super().get_extra_actions()
        if getattr(cls, "transition_serializer_class", None) is None:
            actions = [a for a in actions if a.__name__ != "transition"]
        if getattr(cls, "import_pages", None) is None:
            actions = [a for a in actions if a.__name__ != "import_csv"]
        return actions

    # -- reading ---------------------------------------------------------------------------
    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return self.serializer_class
        if self.action == "transition":
            return self.transition_serializer_class
        return self.detail_serializer_class

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        codenames = self.entity.codenames
        if self.action == "list":
            policy.require(request.membership, codenames.view)
        elif self.action == "create":
            policy.require(request.membership, codenames.add or codenames.view)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.entity.model._default_manager.unscoped().none()  # type: ignore[attr-defined]
        return self.entity.records(self.request.membership)  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        return self.entity.record(self.request.membership, self.kwargs["pk"])  # type: ignore[attr-defined]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        key = self._list_cache_key(request)
        cached = self.list_cached(key)
        if cached is not None:
            return Response(RenderedJSON(cached))
        records = self.filter_queryset(self.get_queryset())
        paginator = self.paginator
        if paginator is None:
            rows: Any = self.entity.rows.rows(records)
        else:
            # A page-number paginator's page is known now: its count and keys come together.
            param = getattr(paginator, "page_query_param", None)
            rows = self.entity.rows.paged(
                records,
                page=(request.query_params.get(param) or 1) if param else None,
                size=getattr(paginator, "get_page_size", lambda _request: None)(request),
            )
        page = self.paginate_queryset(rows)
        data = self.entity.rows.api_rows(page if page is not None else rows)
        response = self.get_paginated_response(data) if page is not None else Response(data)
        if key is not None and response.status_code == status.HTTP_200_OK:
            rendered = RenderedJSON(request.accepted_renderer.render(response.data))
            self.list_store(key, bytes(rendered))
            return Response(rendered)
        return response

    def _list_cache_key(self, request: Any) -> str | None:
        renderer = getattr(request, "accepted_renderer", None)
        media_type = getattr(request, "accepted_media_type", "")
        if not isinstance(renderer, JSONRenderer) or ";" in media_type:
            return None  # the browsable API, or JSON with parameters (indent): not cached
        # Pagination links are absolute: they carry the scheme and host asked for.
        return self.list_cache_key(
            request, "api", request.query_params, request.scheme, request.get_host()
        )

    # -- writing ---------------------------------------------------------------------------
    def get_serializer_class_for_input(self) -> Any:
        return self.serializer_class

    def _answer(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        # The record as the service saved it, not read again (DRF's own create and update
        # answer the same way); the services keep its related objects at hand.
        serializer = self.detail_serializer_class(obj, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    def _input(self, instance: Any = None, *, partial: bool = False) -> dict[str, Any]:
        serializer = self.get_serializer_class_for_input()(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        data = self._input()
        if self.entity.state_field:
            data.pop(self.entity.state_field, None)  # validated: a new record starts initial
        obj = self.entity.do_create(request, request.membership, data)
        return self._answer(obj, status.HTTP_201_CREATED)

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = self._input(obj, partial=kwargs.pop("partial", False))
        return self._answer(self.entity.do_update(request, request.membership, obj, data))

    def partial_update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        self.entity.do_delete(request, request.membership, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: ImportReportSerializer, 201: ImportReportSerializer},
        parameters=[OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Check only.")],
        summary="Import a CSV file, all or nothing",
        description="Every row goes through the create service in one transaction: a file "
        "with any bad row answers 400 naming the rows (`fields`: `row <n>`) and stores "
        "nothing. `?dry_run=1` answers the per-row report and stores nothing.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request: Any) -> Response:
        return import_csv(self, request)

    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        """Move the record along one workflow transition; 400 ``invalid_transition`` names
        those possible now."""
        obj = self.get_object()
        assert self.transition_serializer_class is not None  # noqa: S101 - routed only then
        serializer = self.transition_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["transition"]
        return self._answer(self.entity.do_transition(request, request.membership, obj, name))


def import_csv(view: Any, request: Any) -> Response:
    """The CSV import of *view*'s entity (``TenantModelViewSet.import_csv``)."""
    from .csv_import import UploadForm, import_guess, import_preview, import_write, read_table

    pages = view.import_pages
    codenames = view.entity.codenames
    policy.require(request.membership, codenames.add or codenames.view)
    upload = UploadForm(files=request.FILES)
    if not upload.is_valid():  # the page's checks: size, kind, UTF-8
        raise ValidationError(extra={"fields": {k: list(v) for k, v in upload.errors.items()}})
    header, rows = read_table(upload.cleaned_data["file"])
    mapping = import_guess(pages, request.membership, header)
    missing = [n for n in getattr(pages, "import_required", ()) if n not in mapping]
    if missing:
        raise ValidationError(
            _("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)},
            extra={"fields": {"file": [_("Missing columns: %s.") % ", ".join(missing)]}},
        )
    results = import_preview(pages, request.membership, header, rows, mapping)
    dry_run = request.query_params.get("dry_run") in ("1", "true", "yes")
    if not dry_run and not any(r.errors for r in results):
        import_write(pages, request, results)
    failed = [r for r in results if r.errors]
    if failed and not dry_run:
        raise ValidationError(
            _("Nothing was imported: %(count)s rows have errors (rows %(rows)s).")
            % {"count": len(failed), "rows": ", ".join(str(r.number) for r in failed[:20])},
            extra={"fields": {f"row {r.number}": r.errors for r in failed}},
        )
    report = {
        "count": len(results),
        "imported": 0 if dry_run else len(results),
        "dry_run": dry_run,
        "rows": [{"row": r.number, "errors": r.errors} for r in failed],
    }
    return Response(report, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


def _transition_serializer(entity: Entity, module: str) -> type[serializers.Serializer]:
    from opsbase.kernel.workflows import workflow_of

    workflow = workflow_of(entity.model)
    names = [t.name for t in workflow.transitions]
    field = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in workflow.transitions],
        help_text=", ".join(names[:-1]) + (f" or {names[-1]}." if len(names) > 1 else "."),
    )
    return type(
        f"{entity.model.__name__}TransitionSerializer",
        (serializers.Serializer,),
        {"transition": field, "__module__": module},
    )


def _document(view: type[TenantModelViewSet], entity: Entity) -> None:
    """OpenAPI summaries, parameters and examples of *view*'s actions, in the kit's words
    unless the view's ``docs`` give the module's."""
    name, plural = entity.verbose_name, entity.verbose_name_plural
    keys = entity.rows.sort_keys()
    default = entity.rows.default_sort
    bad = []
    invalid = view.invalid_example or {"__all__": ["This field is required."]}
    bad.append(
        _error_example(
            "Invalid input",
            "validation_error",
            "Please correct the errors below.",
            fields=invalid,
        )
    )
    if entity.state_field:
        from opsbase.kernel.workflows import workflow_of

        workflow = workflow_of(entity.model)
        # A move refused from some state, with the moves possible there (a workflow whose
        # moves all leave one state has none to show).
        found = next(
            (
                (s, t)
                for s in workflow.labels
                for t in workflow.transitions
                if not t.leaves(s) and workflow.leaving(s)
            ),
            None,
        )
        if found is not None:
            state, refused = found
            allowed = [t.name for t in workflow.leaving(state)]
            bad.append(
                _error_example(
                    "Invalid transition",
                    "invalid_transition",
                    f"“{refused.name}” is not possible while it is {workflow.label_of(state)}. "
                    f"Possible now: {', '.join(allowed)}.",
                    details={"transition": refused.name, "state": state, "allowed": allowed},
                    request_id="4f1c0a9e2b7d4c55",
                )
            )
    words = {
        "list": (f"List {plural}", f"The {plural} you may see. Filters combine with AND."),
        "create": (f"Create: {name}", "You create it in your organization; answers it."),
        "retrieve": (f"One {name}", ""),
        "update": (f"Replace: {name}", ""),
        "partial_update": (f"Change: {name}", "Send only the fields to change."),
        "destroy": (f"Delete: {name}", "Its audit history stays."),
        "transition": (f"Move: {name}", "Take one workflow transition."),
    }

    def schema(action_name: str, **more: Any) -> Any:
        summary, description = words[action_name]
        given = view.docs.get(action_name, {})
        if action_name in view.more_responses:
            more["responses"] = {**more.get("responses", {}), **view.more_responses[action_name]}
        return extend_schema(
            summary=given.get("summary", capfirst(summary)),
            description=given.get("description", description),
            **more,
        )

    record = [OpenApiExample(capfirst(name), value=view.example, response_only=True)]
    detail = view.detail_serializer_class
    schemas = {
        "list": schema(
            "list",
            parameters=[
                OpenApiParameter(
                    "ordering",
                    OpenApiTypes.STR,
                    description="Sort keys, comma-separated, `-` for descending: "
                    + ", ".join(keys)
                    + f". Default `{default}`.",
                )
            ],
            examples=record if view.example else [],
        ),
        "create": schema(
            "create",
            examples=[OpenApiExample(f"New {name}", value=view.create_example, request_only=True)]
            if view.create_example
            else [],
            responses={201: detail, 400: _bad_request(*bad)},
        ),
        "retrieve": schema("retrieve"),
        "update": schema("update", responses={200: detail, 400: _bad_request(*bad)}),
        "partial_update": schema(
            "partial_update",
            responses={200: detail, 400: _bad_request(*bad)},
            examples=[OpenApiExample("A change", value=view.patch_example, request_only=True)]
            if view.patch_example
            else [],
        ),
        "destroy": schema("destroy"),
    }
    if view.transition_serializer_class is not None:
        transition_field: Any = view.transition_serializer_class().fields["transition"]
        first_name = next(iter(transition_field.choices))
        schemas["transition"] = schema(
            "transition",
            request=view.transition_serializer_class,
            responses={200: detail, 400: _bad_request(*bad)},
            examples=[
                OpenApiExample("A move", value={"transition": first_name}, request_only=True)
            ],
        )
    extend_schema_view(**schemas)(view)
