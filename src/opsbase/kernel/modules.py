"""A business module is declared once, in its ``AppConfig``; the kernel loops over them.

A module subclasses :class:`ModuleConfig` and states what the kernel needs to know::

    class LeadsConfig(ModuleConfig):
        name = "opsbase.modules.leads"
        label = "leads"
        verbose_name = _("Leads")
        dependencies = ("tasks",)  # modules whose code this one imports
        navigation = (NavItem(label=_("Leads"), url_name="leads:lead_list", ...),)
        role_templates = {"production-manager": ("leads.view_lead",)}
        search_fields = {"lead": ("name", "company", "email")}
        api_enum_names = {"LeadStageKindEnum": "opsbase.modules.leads.constants.StageKind"}

        def dashboard_cards(self): ...      # count cards
        def dashboard_kpis(self): ...       # KPI tiles with trends
        def dashboard_charts(self): ...     # charts, each with its CSV
        def demo_seed(self, *, tenant): ...

Installing it is one line in ``INSTALLED_APPS``: the root URLconf mounts its pages under
``url_prefix`` and its API routes under ``/api/v1/``, the sidebar and the dashboard show its
entries, its ``permissions`` module registers its rules with the policy, role templates grant
its codenames, the demo seeds its records and the OpenAPI schema names its enums. Nothing in
the kernel names a module (``tests/kernel/test_modules.py`` holds this).
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig, apps
from django.core import checks
from django.urls import URLPattern, URLResolver, include, path

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Tenant
    from opsbase.web.dashboard import Chart, CountsCard, KpiGroup
    from opsbase.web.navigation import NavItem


class ModuleConfig(AppConfig):
    """The ``AppConfig`` of a business module: its one declaration."""

    default_auto_field = "django.db.models.BigAutoField"
    # Django picks the one AppConfig of an apps.py marked default: a module's own config, not
    # this base it imports (see __init_subclass__).
    default = False

    #: Where the pages answer below the site root; the label followed by ``/`` when left empty.
    url_prefix: ClassVar[str] = ""
    #: The URLconf of the pages and of the API routes, relative to the app ("" when none).
    pages_urlconf: ClassVar[str] = "urls"
    api_urlconf: ClassVar[str] = "api_urls"
    #: The URLconf of pages anyone reaches without signing in (a public form), mounted at the
    #: site root: its routes carry their own prefix (``w/<key>/``). "" when none.
    public_urlconf: ClassVar[str] = ""
    #: Labels of the modules this one builds on (and may import); checked at start-up and by
    #: the import contracts of ``make lint``.
    dependencies: ClassVar[tuple[str, ...]] = ()
    #: Labels of modules this one works with when they are installed, through the hooks they
    #: provide (``opsbase.kit.hooks``), never importing them; nothing is checked at start-up.
    optional_dependencies: ClassVar[tuple[str, ...]] = ()
    #: Sidebar entries (``opsbase.web.navigation.NavItem``).
    navigation: ClassVar[Sequence[NavItem]] = ()
    #: Role template slug -> codenames of this module the template grants.
    role_templates: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Model name -> fields a search box looks in.
    search_fields: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: OpenAPI enum name -> dotted path of the choices it names (drf-spectacular).
    api_enum_names: ClassVar[Mapping[str, str]] = {}
    #: Periodic jobs for ``celery beat``: entry name -> ``{"task": ..., "schedule": ...}``
    #: (added to ``CELERY_BEAT_SCHEDULE``; an entry the project sets itself wins).
    beat_schedule: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    #: The events the module notifies members about (``opsbase.kit.notifications.
    #: NotificationEvent``): listed on the notification settings page in their words.
    notification_events: ClassVar[Sequence[Any]] = ()
    #: The module's create pages offered in the dashboard's "quick create" menu
    #: (``opsbase.web.navigation.NavItem``: label, URL name, icon, codename).
    quick_create: ClassVar[Sequence[NavItem]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def dashboard_cards(self) -> Sequence[CountsCard]:
        """The dashboard cards of this module (``opsbase.web.dashboard.CountsCard``)."""
        return ()

    def dashboard_kpis(self) -> Sequence[KpiGroup]:
        """The module's KPI tiles on the dashboard (``opsbase.web.dashboard.KpiGroup``)."""
        return ()

    def dashboard_charts(self) -> Sequence[Chart]:
        """The module's charts on the dashboard (``opsbase.web.dashboard.Chart``)."""
        return ()

    def demo_seed(self, *, tenant: Tenant) -> None:
        """Add this module's sample records to the demo organization *tenant* (idempotent)."""

    def ready(self) -> None:
        from opsbase.kernel.policy import policy
        from opsbase.web import dashboard, navigation

        if self._has_submodule("permissions"):
            importlib.import_module(f"{self.name}.permissions")
        # The module's entries under its own heading in the sidebar.
        section = f"module:{self.label}"
        if any(item.section == "main" for item in self.navigation):
            navigation.register_section(section, self.verbose_name)
        for item in self.navigation:
            if item.section == "main":
                item = dataclasses.replace(item, section=section)
            navigation.register(item)
        for card in self.dashboard_cards():
            dashboard.register(card)
        for group in self.dashboard_kpis():
            dashboard.register_kpis(group)
        for chart in self.dashboard_charts():
            dashboard.register_chart(chart)
        for item in self.quick_create:
            dashboard.register_quick_create(item)
        for slug, codenames in self.role_templates.items():
            policy.template_grant(slug, codenames)
        if self.beat_schedule:
            from django.conf import settings

            schedule = dict(getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {})
            settings.CELERY_BEAT_SCHEDULE = {**self.beat_schedule, **schedule}

    # -- what the kernel reads ---------------------------------------------------------------
    def pages_prefix(self) -> str:
        return self.url_prefix or f"{self.label}/"

    def urlconf(self, relative: str) -> str | None:
        """The dotted path of this module's URLconf *relative* ("urls"), if it has one."""
        if not relative or not self._has_submodule(relative):
            return None
        return f"{self.name}.{relative}"

    def _has_submodule(self, relative: str) -> bool:
        return importlib.util.find_spec(f"{self.name}.{relative}") is not None


def installed_modules() -> list[ModuleConfig]:
    """The installed business modules, in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if isinstance(config, ModuleConfig)]


def modules_in_dependency_order() -> list[ModuleConfig]:
    """The installed modules, each after those it depends on (declared or optional ones that
    are installed), else in ``INSTALLED_APPS`` order: demo data of billing needs the customers
    made first, whatever order the project lists them in."""
    modules = {config.label: config for config in installed_modules()}
    ordered: list[ModuleConfig] = []
    placed: set[str] = set()

    def place(label: str, path: tuple[str, ...]) -> None:
        if label in placed or label not in modules or label in path:
            return
        config = modules[label]
        for needed in (*config.dependencies, *config.optional_dependencies):
            place(needed, (*path, label))
        placed.add(label)
        ordered.append(config)

    for label in modules:
        place(label, ())
    return ordered


def module_page_urls() -> list[URLPattern | URLResolver]:
    """Each installed module's pages, under its prefix, and its public pages (for the root
    URLconf)."""
    return [
        *[
            path(module.pages_prefix(), include(urlconf))
            for module in installed_modules()
            if (urlconf := module.urlconf(module.pages_urlconf))
        ],
        *[
            path("", include(urlconf))
            for module in installed_modules()
            if (urlconf := module.urlconf(module.public_urlconf))
        ],
    ]


def module_api_urls() -> list[URLPattern | URLResolver]:
    """Each installed module's API routes (for ``/api/v1/``)."""
    return [
        path("", include(urlconf))
        for module in installed_modules()
        if (urlconf := module.urlconf(module.api_urlconf))
    ]


def search_fields_for(model: type[Any]) -> tuple[str, ...]:
    """The fields a search over *model* looks in, as its module declares them."""
    config = apps.get_app_config(model._meta.app_label)
    declared = getattr(config, "search_fields", {})
    return tuple(declared.get(model._meta.model_name, ()))


@checks.register()
def check_module_dependencies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A module whose declared dependencies are not installed cannot start."""
    installed = {module.label for module in installed_modules()}
    errors: list[checks.CheckMessage] = []
    for module in installed_modules():
        for label in module.dependencies:
            if label not in installed:
                errors.append(
                    checks.Error(
                        f"The module {module.label!r} needs the module {label!r}, which is "
                        "not installed.",
                        hint=f"Add the {label!r} module to INSTALLED_APPS (before "
                        f"{module.label!r}), or remove {module.label!r}.",
                        obj=module.name,
                        id="opsbase.E201",
                    )
                )
    return errors


@checks.register()
def check_module_role_templates(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A module granting codenames to a role template nobody declared is probably a typo."""
    from opsbase.kernel.policy import policy

    return [
        checks.Warning(
            f"A module grants permissions to the role template {slug!r}, which no app declares.",
            hint="Use the slug of a declared template (policy.templates()), or declare it with "
            "policy.register_template().",
            id="opsbase.W201",
        )
        for slug in policy.template_grants_unknown()
    ]
