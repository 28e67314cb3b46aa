from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opsbase.core"
    label = "opsbase_core"
    verbose_name = _("OpsBase core")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import checks, observability, rls, security  # noqa: F401 - register checks
        from .connections import connect_health_check_delay
        from .validation import guard_single_line_fields

        # Every app's models are loaded before any ready(): one place guards them all.
        guard_single_line_fields(apps.get_models())

        connection_created.connect(rls.install_execute_wrapper, dispatch_uid="opsbase_rls")
        connect_health_check_delay()
        connection_created.connect(
            observability.install_slow_query_logger, dispatch_uid="opsbase_slow_queries"
        )
        post_migrate.connect(rls.apply_after_migrate, sender=self, dispatch_uid="opsbase_rls")
        task_prerun.connect(rls.enforce_in_task, dispatch_uid="opsbase_rls_prerun")
        task_postrun.connect(rls.release_after_task, dispatch_uid="opsbase_rls_postrun")
