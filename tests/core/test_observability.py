"""What operators watch: a log line per request, slow queries in db.log, metrics, Sentry."""

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sentry_sdk
from django.test import Client

from opsbase.core.logging import JsonLinesFormatter, RequestIdFilter
from opsbase.testing.api import token_client
from opsbase.testing.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "m3trics-" + "x" * 32
# A million-row cross join: slow enough on SQLite, PostgreSQL and MariaDB (whose recursion
# stops at 1000).
SLOW_SQL = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
    "SELECT count(*) FROM c a, c b"
)


def test_each_request_is_logged_with_its_duration_and_query_count(world, caplog):
    client = token_client(world.members["user"])

    with caplog.at_level(logging.INFO, logger="opsbase.request"):
        response = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="trace-me-0001")

    (record,) = [r for r in caplog.records if r.name == "opsbase.request"]
    assert response.status_code == 200
    assert (record.method, record.path, record.status) == ("GET", "/api/v1/me/", 200)
    assert record.duration_ms > 0
    assert record.db_queries >= 2  # the token, then the membership's permissions
    line = json.loads(JsonLinesFormatter().format(record))
    assert line["duration_ms"] == record.duration_ms
    assert line["db_queries"] == record.db_queries
    assert line["request_id"] == "trace-me-0001"


@pytest.mark.parametrize(("trusted", "logged"), [(0, "127.0.0.1"), (1, "203.0.113.8")])
def test_the_request_line_names_the_client_address_the_lockout_sees(
    db, caplog, settings, trusted, logged
):
    settings.OPSBASE_TRUSTED_PROXIES = trusted
    with caplog.at_level(logging.INFO, logger="opsbase.request"):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").get("/health/live")

    (record,) = [r for r in caplog.records if r.name == "opsbase.request"]
    assert record.client_ip == logged


def test_a_request_that_fails_is_logged_as_500(world, caplog, settings):
    settings.ROOT_URLCONF = "tests.api.urls"
    client = token_client(world.members["user"])
    client.raise_request_exception = False

    with caplog.at_level(logging.INFO, logger="opsbase.request"):
        client.get("/api/test/raise/nope/")  # an unknown kind: KeyError in the view

    (record,) = [r for r in caplog.records if r.name == "opsbase.request"]
    assert record.status == 500


def test_a_slow_query_is_logged_without_its_parameters(db, settings, caplog):
    from django.db import connection

    settings.OPSBASE_SLOW_QUERY_MS = 1
    db_logger = logging.getLogger("opsbase.db")  # does not propagate: db.log only
    db_logger.addHandler(caplog.handler)
    try:
        with connection.cursor() as cursor:
            cursor.execute(SLOW_SQL + " WHERE a.x >= 0 OR %s = ''", ["secret-value"])
            cursor.execute("SELECT 1")
    finally:
        db_logger.removeHandler(caplog.handler)

    # Only the statement that crossed the threshold is logged, once. (Whether "SELECT 1"
    # also crosses 1 ms depends on the machine's load: the next test pins that side.)
    logged = [r for r in caplog.records if r.name == "opsbase.db"]
    slow = [r for r in logged if r.sql.startswith("WITH RECURSIVE")]
    assert len(slow) == 1 and slow[0].duration_ms >= 1
    assert all(r.sql == "SELECT 1" for r in logged if r is not slow[0])
    assert "secret-value" not in json.dumps(vars(slow[0]), default=str)


def test_a_query_under_the_threshold_is_not_logged(db, settings, caplog):
    from django.db import connection

    settings.OPSBASE_SLOW_QUERY_MS = 60_000
    db_logger = logging.getLogger("opsbase.db")
    db_logger.addHandler(caplog.handler)
    try:
        with connection.cursor() as cursor:
            cursor.execute(SLOW_SQL)
    finally:
        db_logger.removeHandler(caplog.handler)

    assert [r for r in caplog.records if r.name == "opsbase.db"] == []


def test_slow_queries_land_in_db_log(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OPSBASE_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        PYTHONPATH=str(REPO / "src"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        OPSBASE_LOG_DIR=str(tmp_path / "logs"),
        OPSBASE_SLOW_QUERY_MS="1",
    )
    code = f"from django.db import connection; connection.cursor().execute({SLOW_SQL!r})"

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO / "example",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in (tmp_path / "logs" / "db.log").read_text().splitlines()]
    slow = [x for x in lines if x["logger"] == "opsbase.db"]
    assert slow and slow[0]["message"] == "slow query" and "WITH RECURSIVE" in slow[0]["sql"]


def test_the_request_filter_adds_the_request_id_to_every_record():
    from opsbase.core.context import bind, request_id_var

    record = logging.makeLogRecord({"msg": "x"})
    with bind(request_id_var, "abc12345"):
        RequestIdFilter().filter(record)
    assert record.request_id == "abc12345"


# -- metrics --------------------------------------------------------------------------------


def test_metrics_answer_the_token_holder(db, settings):
    settings.OPSBASE_METRICS_TOKEN = METRICS_TOKEN
    Client().get("/health/live")

    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_total_by_method_total" in response.content.decode()


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", f"Token {METRICS_TOKEN}"])
def test_metrics_are_not_found_by_anyone_else(db, settings, header):
    settings.OPSBASE_METRICS_TOKEN = METRICS_TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    assert Client().get("/metrics", **extra).status_code == 404


def test_staff_may_read_metrics_and_members_may_not(world):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    member = Client()
    member.force_login(world.members["admin"].user)

    assert staff.get("/metrics").status_code == 200
    assert member.get("/metrics").status_code == 404


def test_deployed_without_a_token_metrics_do_not_exist(db, settings):
    settings.OPSBASE_ENVIRONMENT = "prod"
    settings.OPSBASE_METRICS_TOKEN = None
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))

    assert staff.get("/metrics").status_code == 404


# -- Sentry ---------------------------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_reports_with_release_and_environment_when_a_dsn_is_set(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.received = []
    port = server.server_address[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))}
    env.update(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", PYTHONPATH=str(REPO / "src"))
    code = (
        "import sentry_sdk; from opsbase.conf import build_settings; "
        f"build_settings({str(tmp_path)!r}, 'dev'); "
        "sentry_sdk.capture_message('opsbase sentry probe'); sentry_sdk.flush(timeout=10); "
        "import json; o = sentry_sdk.get_client().options; "
        "print(json.dumps({k: o.get(k) for k in ('send_default_pii', 'data_collection')}))"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()

    assert result.returncode == 0, result.stderr
    assert _Collector.received, "nothing reached the local Sentry endpoint"
    path, body = _Collector.received[0]
    assert path == "/api/42/envelope/"
    items = [json.loads(line) for line in body.splitlines() if line.strip().startswith(b"{")]
    event = next(i for i in items if i.get("message") == "opsbase sentry probe")
    from opsbase import __version__

    assert event["release"] == f"opsbase@{__version__}"
    assert event["environment"] == "dev"
    # Nothing that names a person leaves for Sentry, whichever major SDK is installed.
    options = json.loads(result.stdout.strip().splitlines()[-1])
    if int(sentry_sdk.VERSION.split(".")[0]) < 3:
        assert options["send_default_pii"] is False
    else:
        collection = options["data_collection"]
        assert collection["user_info"] is False
        assert collection["cookies"] == {"mode": "off"}
        assert collection["http_bodies"] == []
        # What 3.x keeps by default stays filtered: credentials in headers and query strings.
        assert collection["http_headers"]["request"]["mode"] == "denylist"


@pytest.mark.parametrize("version", ["2.0.0", "2.76.0", "3.0.0", "3.4.1", "4.0.0"])
def test_sentry_privacy_options_fit_the_installed_sdks_major(version):
    from opsbase.conf.settings import _sentry_privacy

    options = _sentry_privacy(version)
    if version.startswith("2."):
        assert options == {"send_default_pii": False}
    else:
        assert "send_default_pii" not in options  # 3.x refuses the old switch
        assert options["data_collection"]["user_info"] is False
