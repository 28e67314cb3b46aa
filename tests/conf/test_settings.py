"""Settings building blocks: embedded defaults, one variable per production part, and
start-up that stops with one line naming a missing or malformed variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opsbase.conf import ConfigError, build_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example"
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
PROD_ENV = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "ops.example.com",
    "DATABASE_URL": "sqlite:////tmp/opsbase-prod-check.sqlite3",
    "OPSBASE_ADMIN_URL": "manage-x7k2q9/",
    "OPSBASE_AUDIT_KEY": "audit-" + "0123456789abcdefghijklmnopqrstuvwxyz",
    # The production parts a server runs: a shared cache, a broker, a mail server.
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    # Behind the nginx opsbase writes (one hop that replaces X-Forwarded-For).
    "OPSBASE_TRUSTED_PROXIES": "1",
}
VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_PREPARED_STATEMENTS",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_HOST",
    "EMAIL_URL",
    "CELERY_BROKER_KEY_PREFIX",
    "OPSBASE_SITE_NAME",
    "SENTRY_DSN",
    "DEBUG",
    "DJANGO_ENV",
    "DJANGO_SETTINGS_MODULE",
    "OPSBASE_ADMIN_URL",
    "OPSBASE_TRUSTED_PROXIES",
    "OPSBASE_PROXY_COUNT",
    "OPSBASE_CACHE_SHARED",
    "OPSBASE_AUDIT_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; a deployment never has it
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def manage(*args, env_extra=None, settings_module="config.settings.prod"):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, PYTHONPATH=str(REPO / "src"))
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_embedded_defaults_need_nothing(clean_env):
    s = build_settings(clean_env, "dev")
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True
    assert s["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert s["DEBUG"] is True


def test_each_production_part_is_one_variable(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db.internal:5432/app")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/1")
    monkeypatch.setenv("CELERY_BROKER_URL", "amqp://guest:guest@mq.internal:5672//")
    monkeypatch.setenv("EMAIL_URL", "smtp://smtp.internal")
    s = build_settings(clean_env, "dev")
    db = s["DATABASES"]["default"]
    assert (db["ENGINE"], db["HOST"], db["NAME"]) == (
        "opsbase.core.db.postgresql",
        "db.internal",
        "app",
    )
    assert s["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert "CELERY_TASK_ALWAYS_EAGER" not in s
    assert s["CELERY_BROKER_URL"].startswith("amqp://")
    assert s["EMAIL_BACKEND"].endswith("smtp.EmailBackend")


def test_mariadb_urls_get_utf8mb4(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mariadb://root@127.0.0.1:3306/ops")
    db = build_settings(clean_env, "dev")["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.mysql"
    assert db["OPTIONS"]["charset"] == "utf8mb4"


@pytest.mark.parametrize(
    ("switch", "binding", "threshold"), [(None, True, 5), ("false", False, None)]
)
def test_postgresql_statements_are_prepared_unless_switched_off(
    clean_env, monkeypatch, switch, binding, threshold
):
    monkeypatch.setenv("DATABASE_URL", "postgres://ops@127.0.0.1:5432/ops")
    if switch is not None:
        monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", switch)
    options = build_settings(clean_env, "dev")["DATABASES"]["default"]["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (binding, threshold)


@pytest.mark.parametrize(("value", "delay"), [(None, 1), ("0", 0), ("5", 5)])
def test_the_health_check_delay_is_a_second_unless_set(clean_env, monkeypatch, value, delay):
    if value is not None:
        monkeypatch.setenv("DATABASE_HEALTH_CHECK_DELAY", value)
    assert build_settings(clean_env, "dev")["OPSBASE_DB_HEALTH_CHECK_DELAY"] == delay


def test_dotenv_files_load_in_order_and_real_variables_win(clean_env, monkeypatch):
    (clean_env / ".env").write_text(
        "REDIS_URL=redis://from-dotenv:6379/0\nTIME_ZONE=Europe/Paris\n"
    )
    (clean_env / ".env.dev").write_text("TIME_ZONE=Asia/Tokyo\nLANGUAGE_CODE=fr\n")
    monkeypatch.setenv("LANGUAGE_CODE", "de")
    for name in ("TIME_ZONE",):
        monkeypatch.delenv(name, raising=False)
    s = build_settings(clean_env, "dev")
    assert s["CACHES"]["default"]["LOCATION"] == "redis://from-dotenv:6379/0"
    assert s["TIME_ZONE"] == "Europe/Paris"  # .env first; .env.dev does not override it
    assert s["LANGUAGE_CODE"] == "de"
    for name in ("REDIS_URL", "TIME_ZONE"):
        os.environ.pop(name, None)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DATABASE_URL", "oracle://x@y/z", "scheme"),
        ("REDIS_URL", "http://cache:6379", "scheme"),
        ("DEBUG", "maybe", "boolean"),
    ],
)
def test_a_malformed_value_names_the_variable(clean_env, monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        build_settings(clean_env, "dev")
    assert info.value.variable == name
    assert words in str(info.value.code)


def test_prod_without_secret_key_stops_with_one_line_naming_it():
    env = dict(PROD_ENV)
    del env["SECRET_KEY"]
    result = manage("check", env_extra=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "DATABASE_URL"])
def test_prod_requires_hosts_and_database(missing):
    env = dict(PROD_ENV)
    del env[missing]
    result = manage("check", env_extra=env)
    assert result.returncode == 1
    assert missing in result.stderr.strip().splitlines()[-1]


def test_prod_refuses_a_weak_secret_key():
    result = manage("check", env_extra={**PROD_ENV, "SECRET_KEY": "short"})
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr


def test_prod_passes_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_prod_without_an_audit_key_is_warned_by_the_deployment_checklist():
    env = {k: v for k, v in PROD_ENV.items() if k != "OPSBASE_AUDIT_KEY"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)

    assert result.returncode == 1
    assert "opsbase.W010" in result.stdout + result.stderr
    assert "OPSBASE_AUDIT_KEY is not set" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "warning"),
    [
        ("EMAIL_URL", "opsbase.W020"),
        ("REDIS_URL", "opsbase.W021"),
        ("CELERY_BROKER_URL", "opsbase.W022"),
        ("OPSBASE_TRUSTED_PROXIES", "opsbase.W023"),
    ],
)
def test_prod_on_a_development_default_is_warned_by_the_deployment_check(variable, warning):
    env = {key: value for key, value in PROD_ENV.items() if key != variable}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)

    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert warning in output
    assert [w for w in ("W020", "W021", "W022", "W023") if w in output] == [warning[-4:]]


def test_prod_with_console_email_written_out_is_warned_too():
    env = {**PROD_ENV, "EMAIL_URL": "console://"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)

    assert result.returncode == 1
    assert "opsbase.W020" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://mailer%40example.com:p%2Fss@smtp.example.com",
            {
                "EMAIL_HOST": "smtp.example.com",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer@example.com",
                "EMAIL_HOST_PASSWORD": "p/ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtp://127.0.0.1",
            {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 25, "EMAIL_USE_TLS": False},
        ),
        ("smtp+ssl://relay.example.com", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp://relay.example.com:2525", {"EMAIL_PORT": 2525}),
    ],
)
def test_email_comes_from_one_url(clean_env, monkeypatch, url, expected):
    monkeypatch.setenv("EMAIL_URL", url)

    s = build_settings(clean_env, "dev")

    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert {key: s[key] for key in expected} == expected


def test_a_provider_email_url_sends_through_anymail_with_its_credentials(clean_env, monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "anymail://postmark")
    monkeypatch.setenv("ANYMAIL_POSTMARK_SERVER_TOKEN", "pm-token")
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "hooks:secret")

    s = build_settings(clean_env, "dev")

    assert s["EMAIL_BACKEND"] == "anymail.backends.postmark.EmailBackend"
    assert s["ANYMAIL"] == {"POSTMARK_SERVER_TOKEN": "pm-token", "WEBHOOK_SECRET": "hooks:secret"}


def test_console_email_url_prints_mail(clean_env, monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "console://")

    assert build_settings(clean_env, "dev")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("EMAIL_URL", "http://mail.example.com", "scheme"),
        ("EMAIL_URL", "smtp://", "names no host"),
        ("EMAIL_HOST", "smtp.example.com", "EMAIL_URL="),
    ],
)
def test_a_bad_email_setting_is_named(clean_env, monkeypatch, variable, value, words):
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as info:
        build_settings(clean_env, "dev")

    assert info.value.variable == variable
    assert words in str(info.value.code)


def test_a_shared_redis_broker_keeps_each_projects_keys_apart(clean_env, monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("CELERY_BROKER_KEY_PREFIX", "shop:")

    s = build_settings(clean_env, "dev")

    assert s["CELERY_BROKER_TRANSPORT_OPTIONS"] == {"global_keyprefix": "shop:"}


def test_the_site_name_comes_from_the_environment_else_opsbase(clean_env, monkeypatch):
    assert build_settings(clean_env, "dev")["OPSBASE_SITE_NAME"] == "OpsBase"

    monkeypatch.setenv("OPSBASE_SITE_NAME", "Shop Front")

    assert build_settings(clean_env, "dev")["OPSBASE_SITE_NAME"] == "Shop Front"


def test_collected_static_files_are_readable_by_nginx_while_uploads_stay_private(
    clean_env, tmp_path
):
    """nginx's workers (another user) serve STATIC_ROOT; uploads keep FILE_UPLOAD_PERMISSIONS."""
    static_root = tmp_path / "static"
    result = manage(
        "collectstatic",
        "--noinput",
        env_extra={**PROD_ENV, "STATIC_ROOT": str(static_root), "OPSBASE_LOG_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr

    modes = {oct(p.stat().st_mode & 0o777) for p in static_root.rglob("*") if p.is_file()}
    folders = {oct(p.stat().st_mode & 0o777) for p in static_root.rglob("*") if p.is_dir()}
    assert modes == {"0o644"}
    assert folders == {"0o755"}
    assert build_settings(tmp_path, "dev")["FILE_UPLOAD_PERMISSIONS"] == 0o640


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_no_proxy_is_trusted_unless_the_environment_says_so(clean_env, monkeypatch, environment):
    monkeypatch.setenv("SECRET_KEY", "k" * 30 + "abcdefghijklmnopqrstuvwxyz")
    monkeypatch.setenv("ALLOWED_HOSTS", "ops.example.com")
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db.internal:5432/app")
    s = build_settings(clean_env, environment)
    assert (s["OPSBASE_TRUSTED_PROXIES"], s["REST_FRAMEWORK"]["NUM_PROXIES"]) == (0, 0)
    assert s["AXES_CLIENT_IP_CALLABLE"] == "opsbase.core.middleware.client_ip"

    monkeypatch.setenv("OPSBASE_TRUSTED_PROXIES", "1")
    s = build_settings(clean_env, environment)
    assert (s["OPSBASE_TRUSTED_PROXIES"], s["REST_FRAMEWORK"]["NUM_PROXIES"]) == (1, 1)


def test_the_former_proxy_count_variable_is_still_read(clean_env, monkeypatch):
    monkeypatch.setenv("OPSBASE_PROXY_COUNT", "2")
    assert build_settings(clean_env, "dev")["OPSBASE_TRUSTED_PROXIES"] == 2


def test_whether_the_cache_is_shared_is_judged_unless_the_environment_says(clean_env, monkeypatch):
    assert "OPSBASE_CACHE_SHARED" not in build_settings(clean_env, "dev")
    monkeypatch.setenv("OPSBASE_CACHE_SHARED", "false")
    assert build_settings(clean_env, "dev")["OPSBASE_CACHE_SHARED"] is False


# -- what the logs may hold -------------------------------------------------------------------

SQL_PROBE = (
    "from django.db import connection; "
    "connection.cursor().execute('SELECT %s', ['probe-param-7f3a'])"
)


def _db_log_lines(log_dir: Path) -> list[str]:
    path = log_dir / "db.log"
    return path.read_text().splitlines() if path.exists() else []


def test_prod_logs_no_sql_not_even_a_migrations(tmp_path):
    """Migrations write schema statements (with parameters) at DEBUG whatever DEBUG says."""
    logs = tmp_path / "logs"
    env = {
        **PROD_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OPSBASE_LOG_DIR": str(logs),
        "OPSBASE_SQL_LOG": "true",  # asked for, and still not in prod
    }

    result = manage("migrate", "--noinput", env_extra=env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert [line for line in _db_log_lines(logs) if "django.db.backends" in line] == []
    assert [p.name for p in logs.iterdir() if p.stat().st_mode & 0o007] == []


@pytest.mark.parametrize(("switch", "logged"), [({}, True), ({"OPSBASE_SQL_LOG": "false"}, False)])
def test_development_logs_sql_with_parameters_unless_switched_off(tmp_path, switch, logged):
    logs = tmp_path / "logs"
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OPSBASE_LOG_DIR": str(logs),
        **switch,
    }

    result = manage("shell", "-c", SQL_PROBE, env_extra=env, settings_module="config.settings.dev")

    assert result.returncode == 0, result.stderr[-3000:]
    assert any("probe-param-7f3a" in line for line in _db_log_lines(logs)) is logged
    if logged:
        assert (logs / "db.log").stat().st_mode & 0o777 == 0o640


def test_a_module_reads_its_own_variables_only_when_installed(clean_env, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_abc")
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    with_billing = build_settings(clean_env, "dev", extra_apps=["opsbase.modules.billing"])
    assert with_billing["STRIPE_SECRET_KEY"] == "sk_test_abc"
    assert with_billing["STRIPE_WEBHOOK_SECRET"] == ""
    without = build_settings(clean_env, "dev", extra_apps=["opsbase.modules.tasks"])
    assert "STRIPE_SECRET_KEY" not in without


def _app(root: Path, name: str, body: str) -> str:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "environment.py").write_text(body)
    return name


@pytest.mark.parametrize(
    ("second", "words"),
    [
        ("PAY_KEY", "PAY_KEY is declared by pay_b_pay_key and by pay_a_pay_key"),
        ("DEBUG", "DEBUG is declared by pay_b_debug and by OpsBase"),
    ],
)
def test_a_module_variable_taken_already_stops_start_up_naming_both(
    clean_env, monkeypatch, second, words
):
    monkeypatch.syspath_prepend(str(clean_env))
    suffix = second.lower()  # a package name of its own: Python keeps what it imported
    first = _app(
        clean_env, f"pay_a_{suffix}", "def settings(environment):\n    return {'PAY_KEY': 1}\n"
    )
    other = _app(
        clean_env, f"pay_b_{suffix}", f"def settings(environment):\n    return {{{second!r}: 2}}\n"
    )
    with pytest.raises(ConfigError) as stop:
        build_settings(clean_env, "dev", extra_apps=[first, other])
    assert words in str(stop.value)


def test_apps_without_environment_settings_and_app_config_paths_are_passed_over(
    clean_env, monkeypatch
):
    monkeypatch.syspath_prepend(str(clean_env))
    plain = _app(clean_env, "plain_app", "settings = {'NOT': 'a function'}\n")
    built = build_settings(
        clean_env, "dev", extra_apps=[plain, "opsbase.modules.tasks.apps.TasksConfig"]
    )
    assert "NOT" not in built
