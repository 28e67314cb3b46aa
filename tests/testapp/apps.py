from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A test-only app with a small tenant-owned model, for kernel features (workflows)."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import permissions  # noqa: F401
