"""The dashboard of a module whose records move through a pipeline, declared on its
``ModuleConfig`` (light: ``apps.py`` imports it before the models are ready)::

    class LeadsConfig(PipelineModule, ModuleConfig):
        pipeline_declarations = "opsbase.modules.leads.declarations.PIPELINES"
        pipeline_entity = "opsbase.modules.leads.entity.LEADS"
        pipeline_icon = "person-lines-fill"
        pipeline_new_label = _("New leads")
        pipeline_funnel_title = _("Lead funnel")

gives the module ``dashboard_cards`` (funnel, won by source, counts), ``dashboard_kpis`` (new
records and conversion) and ``dashboard_charts`` (the funnel): ``kit.pipeline_cards``, the
declarations imported when the dashboard is built. Its ``ready`` has every new organization
set up by the declaration's ``setup`` (its default pipeline and reference lists).
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

__all__ = ["PipelineModule"]


class PipelineModule:
    """A ``ModuleConfig`` mixin (first among the bases): the dashboard parts of a pipeline."""

    #: Dotted paths of the ``kit.pipelines.Pipelines`` declaration and of the records'
    #: ``kit.entity.Entity``.
    pipeline_declarations: str
    pipeline_entity: str
    pipeline_icon: str = "kanban"
    pipeline_new_label: Any = ""
    pipeline_funnel_title: Any = ""
    #: Where the cards, tiles and chart stand on the dashboard.
    pipeline_order: int = 20

    def ready(self) -> None:
        super().ready()  # type: ignore[misc]  # the ModuleConfig's, next in the bases
        from .registration import on_tenant_created

        pipelines = import_string(self.pipeline_declarations)
        if pipelines.default_stages:
            label = getattr(self, "label", "")
            on_tenant_created(pipelines.setup, uid=f"{label}_pipeline")

    def dashboard_cards(self) -> Any:
        from .pipeline_cards import pipeline_cards

        return pipeline_cards(
            pipelines=import_string(self.pipeline_declarations),
            entity=import_string(self.pipeline_entity),
            icon=self.pipeline_icon,
            order=self.pipeline_order,
        )

    def dashboard_kpis(self) -> Any:
        from .pipeline_cards import pipeline_kpi_groups

        return pipeline_kpi_groups(
            entity=import_string(self.pipeline_entity),
            new_label=self.pipeline_new_label,
            order=self.pipeline_order,
        )

    def dashboard_charts(self) -> Any:
        from .pipeline_cards import pipeline_charts

        return pipeline_charts(
            pipelines=import_string(self.pipeline_declarations),
            entity=import_string(self.pipeline_entity),
            title=self.pipeline_funnel_title,
            order=self.pipeline_order,
        )
