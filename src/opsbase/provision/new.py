"""`opsbase new` from options to exit code: collect and check inputs, plan, run, summarise."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import inputs as checks
from . import pythons
from .errors import Cancelled, InputError, StepFailed
from .inputs import Inputs
from .runner import Provisioner, resume_or_new
from .summary import (
    print_failure,
    print_input_error_json,
    print_json,
    print_plan,
    print_summary,
)

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class NewOptions:
    """The flags of `opsbase new`, as given (None: not given)."""

    dest: str | None = None
    name: str | None = None
    url: str | None = None
    python: str | None = None
    database: str | None = None
    modules: str | None = None
    superuser_email: str | None = None
    django: str = checks.DJANGO_DEFAULT
    db_admin_url: str | None = None
    email_url: str | None = None
    dns: str | None = None
    dns_target: str | None = None
    dns_zone: str | None = None
    dns_token: str | None = None  # Cloudflare's API token; never journaled
    yes: bool = False
    interactive: bool = False
    force: bool = False
    dry_run: bool = False
    json_output: bool = False
    skip_system_packages: bool = False
    no_deploy: bool = False
    deploy: dict[str, Any] = field(default_factory=dict)  # DeployOptions.to_dict()


def default_database(db_admin_url: str | None) -> str:
    """PostgreSQL when a server answers where administrative access would go, else SQLite."""
    if db_admin_url:
        return "postgres"
    host = os.environ.get("PGHOST") or "127.0.0.1"
    if host.startswith("/"):
        host = "127.0.0.1"
    port = int(os.environ.get("PGPORT") or 5432)
    return "postgres" if checks.postgres_answers(host, port) else "sqlite"


def collect(options: NewOptions, asker: ModuleType | None) -> tuple[Inputs, str | None]:
    """Validated inputs (asking what the flags left open) and the superuser password, if given.

    Raises InputError before anything is created.
    """
    ask = asker if options.interactive else None
    journal_dest: Path | None = None
    if options.dest:
        candidate = Path(options.dest).expanduser().resolve()
        if checks.journal_path(candidate).exists():
            journal_dest = candidate

    if journal_dest is not None:
        resumed = _resumed_inputs(journal_dest, options)
        given = os.environ.get("OPSBASE_SUPERUSER_PASSWORD") or None
        if given is not None:
            checks.validate_superuser_password(given, email=resumed.superuser_email)
        return resumed, given

    # Flags without a question are checked before any is asked.
    email_url = checks.validate_email_url(options.email_url) if options.email_url else None
    deploying = not options.no_deploy
    # The answers of a run that stopped before creating anything come back as the defaults.
    last = load_answers() if ask else {}

    # Name first: the destination's default is derived from it.
    if options.name is not None:
        name = checks.validate_name(options.name)
    elif ask:
        name = ask.ask_name(last.get("name", ""))
    else:
        raise InputError("the app name is missing", "pass --name, e.g. --name shop")

    if options.url is not None:
        url = checks.validate_url(options.url)
    elif ask:
        url = ask.ask_url(last.get("url", ""))
    else:
        raise InputError(
            "the public URL is missing", "pass --url, e.g. --url https://shop.example.com"
        )

    if options.dest is not None:
        dest = checks.validate_dest(options.dest)
    elif ask:
        same = last.get("name") == name and last.get("dest")
        dest = ask.ask_dest(str(last["dest"]) if same else str(Path.cwd() / name))
    else:
        dest = checks.validate_dest(Path.cwd() / name)

    django, django_warning = checks.validate_django(options.django)

    if options.python is not None:
        python_spec = options.python
    elif ask:
        fallback = _default_python(deploying=deploying)
        previous = last.get("python")
        python_spec = ask.ask_python(
            pythons.discover(),
            default=previous if previous and not python_refusal(previous, deploying) else fallback,
            refusal=lambda spec: python_refusal(spec, deploying),
        )
    else:
        python_spec = _default_python(deploying=deploying)

    if options.database is not None:
        database = checks.validate_database(options.database)
    elif ask:
        database = ask.ask_database(last.get("database") or default_database(options.db_admin_url))
    else:
        database = default_database(options.db_admin_url)

    if options.modules is not None:
        modules = checks.validate_modules(options.modules)
    elif ask:
        chosen = tuple(last["modules"]) if "modules" in last else checks.default_modules()
        modules = ask.ask_modules(checks.available_modules(), chosen)
    else:
        modules = checks.default_modules()

    dns: str | None = None
    dns_target: str | None = None
    dns_zone: str | None = None
    if options.dns:
        dns, dns_target, dns_zone = checks.validate_dns(
            options.dns, options.dns_target, options.dns_zone, url=url
        )

    if options.superuser_email is not None:
        email = checks.validate_email(options.superuser_email)
    elif ask:
        email = ask.ask_email(last.get("superuser_email") or "admin@example.com")
    else:
        email = "admin@example.com"

    password = os.environ.get("OPSBASE_SUPERUSER_PASSWORD") or None
    if ask and password is None:
        password = ask.ask_password() or None
    if password is not None:
        checks.validate_superuser_password(password, email=email)

    result = Inputs(
        dest=dest,
        name=name,
        url=url,
        python=python_spec,
        database=database,
        modules=modules,
        superuser_email=email,
        django=django,
        db_admin_url=options.db_admin_url,
        email_url=email_url,
        dns=dns,
        dns_target=dns_target,
        dns_zone=dns_zone,
        yes=options.yes,
        force=options.force,
        skip_system_packages=options.skip_system_packages,
        no_deploy=options.no_deploy,
        deploy=dict(options.deploy),
    )
    if django_warning:
        result.warnings.append(django_warning)
    if ask:
        save_answers(result)
    return result, password


# -- the answers of an interactive run, kept until it creates something ---------------------


def answers_path() -> Path:
    """Where an interactive run keeps its answers (no secret) until the project exists."""
    state = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local/state")
    return Path(state).expanduser() / "opsbase" / "new-answers.json"


def load_answers() -> dict[str, Any]:
    try:
        data = json.loads(answers_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_answers(inputs: Inputs) -> None:
    """Keep the answers, so a run refused later (in preflight) asks them again as defaults."""
    data = inputs.to_journal()
    keep = ("name", "url", "dest", "python", "database", "modules", "superuser_email")
    path = answers_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({key: data[key] for key in keep}, handle)
    except OSError:
        pass  # a convenience: a read-only home only loses the defaults


def forget_answers() -> None:
    answers_path().unlink(missing_ok=True)


def python_refusal(spec: str, deploying: bool) -> str | None:
    """Why the app's own user could not run the interpreter *spec* (as root, deploying), or
    None; an interpreter Poetry would download counts where Poetry would put it."""
    if not deploying or os.geteuid() != 0:
        return None
    from .deploy import closed_to_service_user

    if spec == "current" or os.sep in spec:
        path = Path(sys.executable) if spec == "current" else Path(spec)
        if not path.exists():
            return f"{path} does not exist"
        closed = closed_to_service_user(path)
    else:
        closed = _first_closed(pythons.poetry_python_dir())
    if closed is None:
        return None
    return f"the app's own user could not run it: {closed} is closed to other users"


def _first_closed(path: Path) -> Path | None:
    for folder in reversed([path, *path.parents]):
        if folder.exists() and not folder.stat().st_mode & 0o001:
            return folder
    return None


SYSTEM_PYTHONS = (Path("/usr/bin/python3"), Path("/usr/local/bin/python3"))


def _default_python(*, deploying: bool) -> str:
    """The running Python, unless the app's own user (deploy, as root) could not run it: then
    the system's Python 3.11+ when there is one (else the running one, which preflight names)."""
    if not deploying or os.geteuid() != 0:
        return "current"
    from .deploy import closed_to_service_user

    if closed_to_service_user(Path(sys.executable)) is None:
        return "current"
    for candidate in SYSTEM_PYTHONS:
        if candidate.exists() and closed_to_service_user(candidate) is None:
            try:
                interpreter = pythons.resolve(str(candidate))
            except InputError:
                continue
            if interpreter.supported:
                return str(candidate)
    return "current"


def _resumed_inputs(dest: Path, options: NewOptions) -> Inputs:
    from .journal import Journal

    journal = Journal.load(dest)
    assert journal is not None  # noqa: S101
    saved: dict[str, Any] = journal.inputs
    result = Inputs(
        dest=dest,
        name=saved["name"],
        url=saved["url"],
        python=saved.get("python", "current"),
        database=saved.get("database", "sqlite"),
        modules=tuple(saved.get("modules", ())),
        superuser_email=saved.get("superuser_email", "admin@example.com"),
        django=saved.get("django", checks.DJANGO_DEFAULT),
        # The journal keeps no password: a resumed run takes the admin URL from the flag again.
        db_admin_url=options.db_admin_url or saved.get("db_admin_url"),
        email_url=(
            checks.validate_email_url(options.email_url)
            if options.email_url
            else saved.get("email_url")
        ),
        dns=saved.get("dns"),
        dns_target=saved.get("dns_target"),
        dns_zone=saved.get("dns_zone"),
        yes=options.yes or saved.get("yes", False),
        force=options.force,
        skip_system_packages=options.skip_system_packages
        or saved.get("skip_system_packages", False),
        no_deploy=options.no_deploy or saved.get("no_deploy", False),
        deploy=_resumed_deploy(saved.get("deploy") or {}, options.deploy),
    )
    if options.name is not None and options.name != result.name:
        raise InputError(
            f"{dest} holds an unfinished provisioning of {result.name!r}, not {options.name!r}",
            f"run again with --name {result.name} to resume it, or choose another --dest",
        )
    if options.dns:
        # Given again: the new values win over the first run's.
        result.dns, result.dns_target, result.dns_zone = checks.validate_dns(
            options.dns,
            options.dns_target or result.dns_target,
            options.dns_zone or result.dns_zone,
            url=result.url,
        )
    _, warning = checks.validate_django(result.django)
    if warning:
        result.warnings.append(warning)
    return result


def _resumed_deploy(saved: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The web-server flags of the first run, with those given again on top. The command line
    hands every flag over, set or not: a default must not undo what the first run chose
    (--nginx-dir, --http-port...)."""
    from .deploy import DeployOptions

    defaults = DeployOptions().to_dict()
    changed = {key: value for key, value in given.items() if defaults.get(key) != value}
    return {**saved, **changed}


def provision(
    options: NewOptions, *, out: Console, err: Console, asker: ModuleType | None = None
) -> int:
    """Run `opsbase new`; the process exit code. *asker* asks the questions of an
    interactive run (the command line hands its prompts in: provision never imports it)."""
    if options.interactive and asker is None:
        raise ValueError("an interactive provisioning needs an asker")
    try:
        inputs, password = collect(options, asker)
        journal = resume_or_new(inputs)
    except InputError as error:
        _print_input_error(error, err, out=out if options.json_output else None)
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.print("opsbase: cancelled; nothing was created")
        return EXIT_INTERRUPTED
    except Cancelled:
        err.print("opsbase: cancelled; nothing was created")
        return EXIT_INTERRUPTED

    for warning in inputs.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)

    confirm = asker.confirm if (asker is not None and options.interactive) else None
    runner = Provisioner(
        inputs,
        console=err,
        journal=journal,
        confirm=confirm,
        superuser_password=password,
        dns_token=options.dns_token or os.environ.get("CLOUDFLARE_API_TOKEN") or None,
    )
    if journal is not None:
        err.print(f"Resuming the unfinished provisioning in {inputs.dest}.")
    try:
        runner.preflight()
    except InputError as error:
        _print_input_error(error, err, out=out if options.json_output else None)
        return EXIT_INPUT

    if options.dry_run:
        runner.outcome.dry_run = True
        runner.outcome.plan = runner.plan()
        if options.json_output:
            print_json(runner.outcome, out)
        else:
            print_plan(runner.outcome, out)
        return EXIT_OK

    log_path = str(inputs.dest / "logs" / "provision.log")
    try:
        outcome = runner.run()
        if options.interactive:
            forget_answers()  # the project exists: a run again resumes from its journal
    except StepFailed as error:
        if options.interactive and runner.journal.active:
            forget_answers()
        if options.json_output:
            print_json(runner.outcome, out, error=error)
        print_failure(error, err, log_path=log_path)
        return EXIT_FAILED
    except KeyboardInterrupt:
        err.print(
            f"opsbase: interrupted; the project in {inputs.dest} is left resumable: run the "
            "same command again to continue",
            highlight=False,
        )
        return EXIT_INTERRUPTED
    except InputError as error:
        _print_input_error(error, err, out=out if options.json_output else None)
        return EXIT_INPUT

    if options.json_output:
        print_json(outcome, out)
    else:
        print_summary(outcome, out)
    return EXIT_OK


def _print_input_error(error: InputError, err: Console, *, out: Console | None = None) -> None:
    """One line on standard error; with --json (*out*) also an error object on standard
    output, so that a script reading it learns why nothing was done."""
    text = f"opsbase: error: {error.message}"
    if error.fix:
        text += f"; {error.fix}"
    err.print(text, markup=False, highlight=False)
    if out is not None:
        print_input_error_json(error, out)
