"""The benchmark's site: the library's *prod* settings plus a hello-world view.

``bench.run`` sets the environment (SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS) so
what is measured is the configuration a deployment runs, with one exception stated here:
the API throttles are lifted, since a load test is, by design, one client far over them.
"""

from pathlib import Path

from opsbase.conf import build_settings

BASE_DIR = Path(__file__).resolve().parent

globals().update(build_settings(BASE_DIR, "prod", extra_apps=["opsbase.modules.tasks"]))

ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {  # noqa: F821 - defined by build_settings above
    **globals()["REST_FRAMEWORK"],
    "DEFAULT_THROTTLE_CLASSES": [],
}
