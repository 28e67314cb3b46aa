"""`opsbase new`: the steps in order, each journaled, with one runner for progress and failures.

Nothing is written anywhere before every input is valid and the database preflight has passed;
after that, each step is recorded in `<project>/.opsbase/provision.json` so that running the
same command again resumes at the first unfinished step.
"""

from __future__ import annotations

import secrets
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from opsbase.serve.nginx import nginx_binary

from . import (
    database,
    deploy,
    poetry_env,
    project,
    pythons,
    registry,
    system_packages,
    validation,
)
from .commands import CommandLog
from .errors import InputError, StepFailed
from .inputs import Inputs, local_mail_server, source_checkout
from .journal import DONE, FAILED, INTERRUPTED, RUNNING, SKIPPED, Journal
from .scaffold import ScaffoldError

STEPS: tuple[tuple[str, str], ...] = (
    ("system_packages", "System packages (gunicorn, nginx, Redis)"),
    ("python", "Python interpreter"),
    ("scaffold", "Project files"),
    ("database", "Database and environment files"),
    ("venv", "Poetry environment"),
    ("dependencies", "Dependencies"),
    ("git", "Git repository"),
    ("migrate", "Migrations and superuser"),
    # Before the web server: its certificate (Let's Encrypt) and the public-URL checks after
    # it need the host to resolve here.
    ("dns", "DNS record"),
    ("web_server", "Web server (gunicorn, nginx, systemd)"),
    ("validation", "Validation"),
)
TITLES = dict(STEPS)
SQLITE_FILE = Path("var") / "db.sqlite3"


@dataclass
class StepResult:
    key: str
    title: str
    status: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Outcome:
    """What a run did: the summary's content."""

    inputs: Inputs
    steps: list[StepResult] = field(default_factory=list)
    superuser_password: str | None = None  # only a generated one: shown once, stored nowhere
    superuser_note: str = ""  # what to say instead (given, or set in an earlier run)
    database: str = ""
    python: str = ""
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    plan: list[tuple[str, str, bool]] = field(default_factory=list)  # step, action, outside

    def as_dict(self) -> dict[str, Any]:
        dest = self.inputs.dest
        return {
            "ok": all(s.status in (DONE, SKIPPED) for s in self.steps),
            "dry_run": self.dry_run,
            "project": str(dest),
            "name": self.inputs.name,
            "public_url": self.inputs.url,
            "python": self.python,
            "django": self.inputs.django,
            "database": self.database,
            "modules": list(self.inputs.modules),
            "superuser": {
                "email": self.inputs.superuser_email,
                "password": self.superuser_password,
                "note": self.superuser_note,
            },
            "steps": [
                {"step": s.key, "title": s.title, "status": s.status, "detail": s.detail}
                for s in self.steps
            ],
            "plan": [{"step": s, "action": a, "outside_project": o} for s, a, o in self.plan],
            "warnings": self.warnings,
            "log": str(dest / "logs" / "provision.log"),
            "next_steps": next_steps(
                self.inputs,
                deployed=any(s.key == "web_server" and s.status == DONE for s in self.steps),
            ),
        }


def next_steps(inputs: Inputs, *, deployed: bool = False) -> list[str]:
    if deployed:
        return [
            f"open {inputs.url}/ and sign in as {inputs.superuser_email}",
            f"opsbase doctor --dest {inputs.dest}   # re-check the project and its URL",
            f"opsbase deploy --dest {inputs.dest}   # after changes: serve them",
        ]
    return [
        f"cd {inputs.dest}",
        "poetry run python manage.py runserver   # the development server",
        f"opsbase deploy --dest {inputs.dest}   # serve it with gunicorn and nginx",
        f"opsbase doctor --dest {inputs.dest}   # re-check the project at any time",
    ]


def change_password_command(inputs: Inputs) -> str:
    """How to give the superuser a new password (as the app's user once it is deployed)."""
    manifest = deploy.read_manifest(inputs.dest)
    user = manifest.get("user") if manifest else None
    prefix = f"runuser -u {user} -- " if user and user != "root" else ""
    return (
        f"cd {inputs.dest} && {prefix}.venv/bin/python manage.py changepassword "
        f"{inputs.superuser_email}"
    )


ConfirmFn = Callable[[str], bool]


class Provisioner:
    """Runs the steps of `opsbase new` for validated *inputs*."""

    def __init__(
        self,
        inputs: Inputs,
        *,
        console: Console,
        journal: Journal | None = None,
        confirm: ConfirmFn | None = None,
        superuser_password: str | None = None,
        dns_token: str | None = None,
    ) -> None:
        self.inputs = inputs
        self.dns_token = dns_token  # Cloudflare's API token: kept in memory only
        self.dns_provider: Any = None
        self.console = console
        self.confirm = confirm
        self.log = CommandLog()
        self.journal = journal or Journal(dest=inputs.dest, inputs=inputs.to_journal())
        self.outcome = Outcome(inputs=inputs, warnings=list(inputs.warnings))
        self.superuser_password = superuser_password
        self.interpreter: pythons.Interpreter | None = None
        self.admin: database.Admin | None = None
        self.db_state: database.DatabaseState | None = None

    # -- before anything is written -----------------------------------------------------------

    def preflight(self) -> None:
        """Read-only checks; an InputError here means nothing was created anywhere."""
        self.log.step = "preflight"
        recorded = self.journal.steps.get("python", {}).get("detail", "")
        if self.journal.is_finished("python") and recorded and Path(recorded).exists():
            self.interpreter = pythons.Interpreter(
                pythons._version_of(Path(recorded)), "CPython", Path(recorded)
            )
        else:
            self.interpreter = pythons.resolve(self.inputs.python)
        self.outcome.python = f"{self.interpreter.version}" + (
            f" ({self.interpreter.path})" if self.interpreter.path else " (to install)"
        )
        if not self.inputs.no_deploy and self.interpreter.path is not None:
            closed = deploy.closed_to_service_user(self.interpreter.path)
            if closed is not None:
                raise InputError(
                    f"the app's own user could not run {self.interpreter.path}: {closed} is "
                    "closed to other users",
                    "choose a system Python (--python /usr/bin/python3), or pass --no-deploy",
                )
        i = self.inputs
        if i.dns and not self.journal.is_finished("dns"):
            self.dns_provider = self._dns_provider()
        deploy.check_registry(i.dest, i.name, i.url)
        if not i.no_deploy and not self.journal.is_finished("web_server"):
            # What deploy (step 9) would refuse is refused now, before anything is written.
            deploy.check_machine(
                dest=i.dest,
                name=i.name,
                public_url=i.url,
                options=deploy.DeployOptions.from_dict(i.deploy),
                nginx_required=False,
            )
        if i.database == "postgres":
            self.admin = database.admin_from(i.db_admin_url)
            known = project.known_database_url(i.dest)
            if not self.journal.is_finished("database"):
                self.db_state = database.preflight(
                    self.admin,
                    i.name,
                    known,
                    force=i.force,
                    log=self.log,
                    created=self._created_on_server(),
                )
            self.outcome.database = (
                f"PostgreSQL database {i.name!r} owned by role {i.name!r} "
                f"at {self.admin.host}:{self.admin.port}"
            )
        else:
            self.outcome.database = f"SQLite {i.dest / SQLITE_FILE}"

    def _dns_provider(self) -> Any:
        """The --dns provider, its credentials and the zone of the host checked by a read;
        an InputError names what is missing and how to give it."""
        from opsbase.services.dns import DnsConfigError, DnsError, provider_for

        i = self.inputs
        try:
            provider = provider_for(i.dns, cloudflare_token=self.dns_token)
            provider.find_zone(i.host, zone=i.dns_zone)
        except DnsConfigError as error:
            fix = error.fix
            if i.dns == "cloudflare":
                fix += " (or pass --dns-token)"
            raise InputError(f"--dns {i.dns}: {error.message}", fix) from None
        except DnsError as error:
            raise InputError(
                f"--dns {i.dns}: {error.message}",
                f"{error.fix}; or leave --dns out and point {i.host} at this server yourself",
            ) from None
        return provider

    def _created_on_server(self) -> dict[str, str]:
        """What the registry says OpsBase created for this project on this PostgreSQL."""
        assert self.admin is not None  # noqa: S101
        entry = registry.read(self.inputs.name)
        if entry is None or not entry.belongs_to(self.inputs.dest):
            return {}
        if entry.pg_server and entry.pg_server != f"{self.admin.host}:{self.admin.port}":
            return {}
        return dict(entry.created)

    def plan(self) -> list[tuple[str, str, bool]]:
        """Every step's action; the flag marks changes outside the project directory."""
        i, dest = self.inputs, self.inputs.dest
        assert self.interpreter is not None  # noqa: S101
        steps: list[tuple[str, str, bool]] = []
        if i.skip_system_packages:
            steps.append(("system_packages", "skipped (--skip-system-packages)", False))
        else:
            p = system_packages.plan()
            steps.append(("system_packages", p.describe(), bool(p.missing)))
        if self.interpreter.installed:
            steps.append(("python", f"use {self.interpreter.path}", False))
        else:
            steps.append(
                (
                    "python",
                    f"poetry python install {self.interpreter.version} (into Poetry's data dir)",
                    True,
                )
            )
        steps.append(("scaffold", f"render the project template into {dest} (copier)", False))
        if i.database == "postgres":
            assert self.admin is not None  # noqa: S101
            state = self.db_state
            action = (
                f"reuse role and database {i.name!r}"
                if state and state.reusable
                else f"create role {i.name!r} (LOGIN NOSUPERUSER NOCREATEDB, random password) "
                f"and databases {i.name!r} and {database.test_name(i.name)!r} (tests) owned by it"
            )
            if state and state.exists and i.force:
                action = (
                    f"back up, DROP and recreate role and database {i.name!r}, which OpsBase "
                    "created for this project (--force)"
                )
            elif state and state.exists and not state.reusable:
                action = f"reuse role and database {i.name!r} with a new password"
            steps.append(("database", f"{action} on {self.admin.describe()}", True))
        else:
            steps.append(("database", f"SQLite database {dest / SQLITE_FILE}", False))
        steps.append(("database", "write .env, .env.dev, .env.test, .env.prod (mode 0600)", False))
        steps.append(("venv", f"poetry env use {self.interpreter.path} -> {dest / '.venv'}", False))
        steps.append(
            (
                "dependencies",
                "poetry lock, poetry install (downloads into Poetry's cache), requirements.txt",
                True,
            )
        )
        steps.append(("git", "git init and a first commit", False))
        steps.append(
            ("migrate", f"migrate, collectstatic, superuser {i.superuser_email} as Admin", False)
        )
        if i.dns:
            steps.append(
                (
                    "dns",
                    f"point {i.host} at {i.dns_target} on {i.dns} (its A/AAAA or CNAME records)",
                    True,
                )
            )
        else:
            steps.append(("dns", "skipped (no --dns)", False))
        if i.no_deploy:
            steps.append(("web_server", "skipped (--no-deploy)", False))
        else:
            steps.append(("web_server", deploy.describe(i.deploy, name=i.name, url=i.url), True))
        steps.append(
            (
                "web_server" if not i.no_deploy else "database",
                f"record the project in the registry of OpsBase projects "
                f"({registry.entry_path(i.name)})",
                True,
            )
        )
        steps.append(
            (
                "validation",
                "manage.py check; runserver and gunicorn answer / with 200"
                + ("" if i.no_deploy else "; the public URL through nginx"),
                False,
            )
        )
        return steps

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> Outcome:
        with _sigterm_as_interrupt():
            for key, title in STEPS:
                if self.journal.is_finished(key):
                    status = self.journal.status(key) or DONE
                    detail = self.journal.steps[key].get("detail", "")
                    self._record(key, status, "resumed: " + detail if detail else "already done")
                    if key == "migrate":
                        self.outcome.superuser_note = (
                            "set in an earlier run and not shown again; to set a new one: "
                            + change_password_command(self.inputs)
                        )
                    if key == "scaffold":
                        self.log.attach(self.inputs.dest / "logs" / "provision.log")
                    continue
                self._run_step(key, title)
        return self.outcome

    def _run_step(self, key: str, title: str) -> None:
        self.log.step = key
        started = time.monotonic()
        try:
            self.log.write(f"== {title}")
            self.journal.mark(key, RUNNING)
            if key == "system_packages" and self.confirm is not None:
                # It may ask a question: no spinner over the prompt.
                status, detail = self.step_system_packages()
            else:
                with self.console.status(f"{title}…"):
                    status, detail = getattr(self, f"step_{key}")()
        except StepFailed as error:
            error.step = error.step or key
            self.journal.mark(key, FAILED, error.message)
            self._record(key, FAILED, error.message, started)
            raise
        except ScaffoldError as error:
            self.journal.mark(key, FAILED, error.message)
            self._record(key, FAILED, error.message, started)
            raise StepFailed(error.message, error.fix, step=key) from error
        except KeyboardInterrupt:
            self.journal.mark(key, INTERRUPTED)
            self._record(key, INTERRUPTED, "interrupted", started)
            raise
        self.journal.mark(key, status, detail)
        self._record(key, status, detail, started)

    def _record(self, key: str, status: str, detail: str, started: float | None = None) -> None:
        seconds = time.monotonic() - started if started else 0.0
        self.outcome.steps.append(StepResult(key, TITLES[key], status, detail, seconds))
        mark = {DONE: "[green]✓[/]", SKIPPED: "[yellow]–[/]"}.get(status, "[red]✗[/]")
        timing = f" [dim]({seconds:.0f} s)[/]" if seconds >= 1 else ""
        self.console.print(
            f"{mark} {TITLES[key]}: {escape(detail or status)}{timing}", highlight=False
        )

    # -- steps: each returns (status, detail) ---------------------------------------------------

    def step_system_packages(self) -> tuple[str, str]:
        if self.inputs.skip_system_packages:
            self._warn(
                "system packages were not checked (--skip-system-packages): install gunicorn, "
                "nginx and Redis before deploying"
            )
            return SKIPPED, "skipped (--skip-system-packages)"
        current = system_packages.plan()
        if not current.missing:
            return DONE, "gunicorn, nginx and Redis are installed"
        if current.manager is None:
            self._warn("missing " + ", ".join(current.missing) + ": install them by hand")
            return SKIPPED, "no known package manager"
        question = f"Install {', '.join(current.missing)} with {current.manager}?"
        allowed = self.inputs.yes or (self.confirm is not None and self.confirm(question))
        if not allowed:
            self._warn(
                "not installed: " + ", ".join(current.missing) + " (run again with --yes to "
                "install them, or install them by hand)"
            )
            return SKIPPED, "not installed: " + ", ".join(current.missing)
        system_packages.install(current, log=self.log)
        if "redis-server" in current.missing and not system_packages.start_redis(log=self.log):
            self._warn(
                "Redis was installed but does not answer at 127.0.0.1:6379, so the project "
                "keeps a per-process cache and runs tasks in the request: start it "
                "(systemctl enable --now redis-server), then set REDIS_URL and "
                "CELERY_BROKER_URL in .env.prod (docs/environment.md)"
            )
        return DONE, "installed " + ", ".join(current.missing)

    def step_python(self) -> tuple[str, str]:
        assert self.interpreter is not None  # noqa: S101
        if not self.interpreter.installed:
            self.interpreter = pythons.install(self.interpreter, log=self.log)
        self.outcome.python = f"{self.interpreter.version} ({self.interpreter.path})"
        return DONE, str(self.interpreter.path)

    def project_spec(self) -> Any:
        from .scaffold import ProjectSpec

        assert self.interpreter is not None  # noqa: S101
        i = self.inputs
        return ProjectSpec(
            dest=i.dest,
            name=i.name,
            public_url=i.url,
            django_version=i.django,
            database=i.database,
            modules=tuple(i.modules),
            superuser_email=i.superuser_email,
            python_version=self.interpreter.series,
            opsbase_source=source_checkout(),
        )

    def step_scaffold(self) -> tuple[str, str]:
        from .scaffold import render_project

        spec = self.project_spec()
        render_project(spec)
        self.log.attach(self.inputs.dest / "logs" / "provision.log")
        self.journal.active = True
        self.journal.save()
        return DONE, str(self.inputs.dest)

    def prod_services(self) -> Any:
        """Redis when one answers here (installed by the first step, or already running), and
        the e-mail URL: --email-url, else a local mail server, else the console."""
        from .scaffold import ProdServices

        email_url = self.inputs.email_url
        if email_url and "***" in email_url:
            raise StepFailed(
                "the password of --email-url is not kept between runs",
                "run the same command again with --email-url",
                step="database",
            )
        if not email_url:
            if local_mail_server():
                email_url = "smtp://127.0.0.1:25"
            else:
                email_url = "console://"
                self._warn(
                    "no mail server was given (--email-url) or found on 127.0.0.1:25, so the "
                    "app prints e-mail instead of sending it: set EMAIL_URL in .env.prod, e.g. "
                    "EMAIL_URL=smtp+tls://USER:PASSWORD@smtp.example.com:587"
                )
        redis = system_packages.REDIS_URL if system_packages.redis_answers() else None
        if redis is None:
            self._warn(
                "no Redis answers at 127.0.0.1:6379, so the project keeps a per-process cache "
                "and runs tasks in the request: install and start Redis, then set REDIS_URL and "
                "CELERY_BROKER_URL in .env.prod (docs/environment.md)"
            )
        return ProdServices(redis_url=redis, email_url=email_url)

    def step_database(self) -> tuple[str, str]:
        from .scaffold import write_env_files

        i, dest = self.inputs, self.inputs.dest
        if i.database == "sqlite":
            # In its own folder: the app's user must write beside the file (SQLite's journal),
            # and that must not make the whole project its own.
            (dest / SQLITE_FILE).parent.mkdir(exist_ok=True)
            url = database.sqlite_url(dest / SQLITE_FILE)
            if not project.env_files_present(dest):
                write_env_files(
                    dest,
                    self.project_spec(),
                    database_urls=self._urls(url),
                    services=self.prod_services(),
                )
            return DONE, f"SQLite {SQLITE_FILE}; env files written (0600)"
        assert self.admin is not None  # noqa: S101
        known = project.known_database_url(dest)
        state = self.db_state or database.inspect(self.admin, i.name, known, log=self.log)
        if state.reusable and known:
            password = database.parse_app_url(known)["password"]
        elif known and not state.exists:
            password = database.parse_app_url(known)["password"]  # written by an interrupted run
        else:
            password = database.new_password()
        url = database.app_url(
            name=i.name, password=password, host=self.admin.host, port=self.admin.port
        )
        if known != url or not project.env_files_present(dest):
            # The credentials are saved before the role exists, so an interrupted run resumes.
            write_env_files(
                dest,
                self.project_spec(),
                database_urls=self._urls(url),
                services=self.prod_services(),
            )
        server = f"{self.admin.host}:{self.admin.port}"
        registry.update(dest, i.name, public_url=i.url, pg_server=server)

        def record(kind: str) -> None:
            registry.update(dest, i.name, created={kind: i.name})

        database.ensure(
            self.admin,
            i.name,
            password,
            state,
            force=i.force,
            log=self.log,
            backup_dir=dest / "backups",
            record=record,
        )
        database.ensure_test_database(self.admin, i.name, log=self.log)
        self.db_state = database.DatabaseState(True, True, i.name, True, True, True)
        verb = "reused" if state.reusable else "created"
        return (
            DONE,
            f"{verb} role and database {i.name!r}, test database "
            f"{database.test_name(i.name)!r}; connection verified; env files (0600)",
        )

    def _urls(self, url: str) -> dict[str, str]:
        if self.inputs.database == "postgres":
            # The tests run on <name>_test, the app's own (it may not create databases).
            return {"dev": url, "test": database.test_url(url), "prod": url}
        test = database.sqlite_url(self.inputs.dest / "db.test.sqlite3")
        return {"dev": url, "test": test, "prod": url}

    def step_venv(self) -> tuple[str, str]:
        assert self.interpreter is not None and self.interpreter.path is not None  # noqa: S101
        poetry_env.env_use(self.inputs.dest, self.interpreter.path, log=self.log)
        return DONE, str(self.inputs.dest / ".venv")

    def step_dependencies(self) -> tuple[str, str]:
        dest = self.inputs.dest
        if poetry_env.use_simple_index(dest, log=self.log):
            self._warn(
                "PyPI's JSON API did not answer, so the project installs from PyPI's simple "
                "index ([[tool.poetry.source]] pypi-simple in pyproject.toml)"
            )
        poetry_env.lock(dest, log=self.log)
        poetry_env.install(dest, log=self.log)
        poetry_env.export_requirements(dest, log=self.log)
        return DONE, "poetry.lock, .venv and requirements.txt"

    def step_git(self) -> tuple[str, str]:
        from .scaffold import git_init

        if (self.inputs.dest / ".git").exists():
            return DONE, "already a git repository"
        git_init(self.inputs.dest)
        return DONE, "git init and a first commit"

    def step_migrate(self) -> tuple[str, str]:
        dest, python = self.inputs.dest, poetry_env.venv_python(self.inputs.dest)
        project.migrate(dest, python, log=self.log)
        if self.inputs.database == "sqlite":
            project.protect_sqlite(dest / SQLITE_FILE)
        password = self.superuser_password or secrets.token_urlsafe(12)
        project.superuser(
            dest,
            python,
            email=self.inputs.superuser_email,
            password=password,
            tenant=self.inputs.name,
            log=self.log,
        )
        if self.superuser_password:
            self.outcome.superuser_note = "the one you gave (not shown)"
        else:
            self.outcome.superuser_password = password
        return (
            DONE,
            f"migrated; superuser {self.inputs.superuser_email}, Admin of {self.inputs.name!r}",
        )

    def step_dns(self) -> tuple[str, str]:
        from opsbase.services.dns import DnsError, apply, plan, wanted_records

        i = self.inputs
        if not i.dns or not i.dns_target:
            return SKIPPED, "skipped (no --dns)"
        try:
            provider = self.dns_provider or self._dns_provider()
            changes = plan(
                provider, wanted_records(public_url=i.url, target=i.dns_target), zone=i.dns_zone
            )
            for _zone, change in changes:
                self.log.write(change.describe())
            apply(provider, changes)
        except (DnsError, InputError) as error:
            raise StepFailed(
                error.message,
                f"{error.fix}; then run the same command again",
                step="dns",
            ) from error
        self._remember_dns()
        if not changes:
            return DONE, f"{i.host} already points at {i.dns_target} ({i.dns})"
        return DONE, f"{i.host} -> {i.dns_target} on {i.dns} ({len(changes)} change(s))"

    def _remember_dns(self) -> None:
        """The provider and target in .env.prod, so `manage.py dns plan` checks the record
        later; the token stays out (the app's group reads that file once deployed)."""
        from .scaffold import set_env_values

        i = self.inputs
        env_file = i.dest / ".env.prod"
        if not env_file.is_file() or not i.dns or not i.dns_target:
            return
        values = {"OPSBASE_DNS_PROVIDER": i.dns, "OPSBASE_DNS_TARGET": i.dns_target}
        if i.dns_zone:
            values["OPSBASE_DNS_ZONE"] = i.dns_zone
        set_env_values(env_file, values)

    def step_web_server(self) -> tuple[str, str]:
        dest = self.inputs.dest
        if self.inputs.no_deploy:
            return SKIPPED, "skipped (--no-deploy)"
        if nginx_binary() is None:
            self._warn(
                f"nginx is not installed, so nothing serves the app yet: install nginx, then "
                f"run `opsbase deploy --dest {dest}`"
            )
            return SKIPPED, "nginx is not installed"
        options = deploy.DeployOptions.from_dict(self.inputs.deploy)
        try:
            plan = deploy.make_plan(dest, options)
        except InputError as error:
            raise StepFailed(
                error.message,
                f"{error.fix}; then run `opsbase deploy --dest {dest}` with the right options",
                step="web_server",
            ) from error
        result = deploy.deploy(plan, log=self.log, say=lambda line: None)
        for warning in result.warnings:
            if not warning.startswith("the public URL"):  # the validation step reports it
                self._warn(warning)
        return DONE, result.summary

    def step_validation(self) -> tuple[str, str]:
        dest, python = self.inputs.dest, poetry_env.venv_python(self.inputs.dest)
        validation.check(dest, python, log=self.log)
        validation.runserver(dest, python, log=self.log)
        validation.gunicorn(dest, self.inputs.url, log=self.log)
        deploy.give_logs_back(dest)
        detail = "check passed; runserver and gunicorn answered / with 200"
        if not (self.journal.status("web_server") == DONE and deploy.read_manifest(dest)):
            return DONE, detail
        checks = validation.public_url(dest, log=self.log)
        for check in checks:
            if check.via == "public" and not check.ok:
                self._warn(f"the public URL {check.url} does not answer yet: {check.message}")
        local = [c.message for c in checks if c.via != "public"]
        return DONE, f"{detail}; through nginx: " + ", ".join(local)

    def _warn(self, message: str) -> None:
        if message not in self.outcome.warnings:
            self.outcome.warnings.append(message)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A `kill` is handled like Ctrl-C: the current step is journaled as interrupted."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def resume_or_new(inputs: Inputs) -> Journal | None:
    """The journal of an unfinished run in *inputs.dest*, or None for a fresh one."""
    journal = Journal.load(inputs.dest)
    if journal is None:
        return None
    if journal.complete():
        raise InputError(
            f"{inputs.dest} is already a provisioned OpsBase project",
            f"check it with `opsbase doctor --dest {inputs.dest}`, or choose another --dest",
        )
    name = journal.inputs.get("name")
    if inputs.name and name and inputs.name != name:
        raise InputError(
            f"{inputs.dest} holds an unfinished provisioning of {name!r}, not {inputs.name!r}",
            f"run again with --name {name} to resume it, or choose another --dest",
        )
    return journal
