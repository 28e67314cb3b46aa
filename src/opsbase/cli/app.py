"""Commands of ``opsbase``: new, doctor, upgrade, check-update, demo, version."""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from opsbase import __version__
from opsbase.provision import inputs as checks
from opsbase.provision.errors import InputError, ProvisionError

app = typer.Typer(
    help="OpsBase: provision and run business-operations apps on Django.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def fail(error: ProvisionError, code: int = EXIT_INPUT) -> typer.Exit:
    """One clear line on standard error: what was wrong, and the fix."""
    text = f"opsbase: error: {error.message}"
    if error.fix:
        text += f"; {error.fix}"
    err.print(text, markup=False)
    return typer.Exit(code)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"opsbase {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(f"opsbase {__version__}")


# -- new ------------------------------------------------------------------------------------------


@app.command("new")
def new(
    dest: Annotated[str | None, typer.Option(help="Directory to create (absent or empty).")] = None,
    name: Annotated[
        str | None, typer.Option(help="App name: a lower-case Python identifier.")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Public URL, e.g. https://shop.example.com.")
    ] = None,
    python: Annotated[
        str | None, typer.Option(help="Python version (3.12), a path, or 'current'.")
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="postgres or sqlite (default: postgres when a server answers locally)."),
    ] = None,
    modules: Annotated[
        str | None, typer.Option(help="Comma-separated modules to enable (default: tasks).")
    ] = None,
    superuser_email: Annotated[
        str | None, typer.Option(help="E-mail of the superuser (default admin@example.com).")
    ] = None,
    django: Annotated[str, typer.Option(help="Django version: 5.2 (default) or a pin.")] = (
        checks.DJANGO_DEFAULT
    ),
    db_admin_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL of an administrator account.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Install system packages without asking.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Ask nothing: flags and defaults only.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Drop and recreate an existing database and role it cannot use.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; change nothing.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    skip_system_packages: Annotated[
        bool, typer.Option("--skip-system-packages", help="Do not check or install gunicorn/nginx.")
    ] = False,
    no_deploy: Annotated[
        bool, typer.Option("--no-deploy", help="Skip the web server step (gunicorn, nginx).")
    ] = False,
) -> None:
    """Provision a new production-ready Django project that uses OpsBase."""
    from opsbase.provision.new import NewOptions, provision

    options = NewOptions(
        dest=dest,
        name=name,
        url=url,
        python=python,
        database=database,
        modules=modules,
        superuser_email=superuser_email,
        django=django,
        db_admin_url=db_admin_url,
        yes=yes,
        interactive=not no_input and sys.stdin.isatty(),
        force=force,
        dry_run=dry_run,
        json_output=json_output,
        skip_system_packages=skip_system_packages,
        no_deploy=no_deploy,
    )
    code = provision(options, out=out, err=err)
    raise typer.Exit(code)


# -- doctor, upgrade, check-update ---------------------------------------------------------------


def _project_dir(dest: str | None) -> Path:
    path = Path(dest or ".").expanduser().resolve()
    if not (path / "manage.py").exists():
        raise fail(
            InputError(
                f"{path} is not an OpsBase project (no manage.py)", "pass --dest PROJECT_DIR"
            )
        )
    return path


@app.command("doctor")
def doctor(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
    environment: Annotated[str, typer.Option("--env", help="Environment to check.")] = "prod",
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Re-check a project: env files and keys, DEBUG, migrations, database, check --deploy."""
    from opsbase.provision.doctor import diagnose

    path = _project_dir(dest)
    with err.status("Checking…"):
        results = diagnose(path, environment=environment)
    ok = all(c.ok for c in results)
    if json_output:
        payload = {"ok": ok, "checks": [c.__dict__ for c in results]}
        out.print_json(json.dumps(payload))
    else:
        table = Table(title=f"opsbase doctor: {path}")
        table.add_column("check")
        table.add_column("result")
        table.add_column("detail", overflow="fold")
        for c in results:
            table.add_row(c.name, "[green]pass[/]" if c.ok else "[red]FAIL[/]", c.detail)
        out.print(table)
    raise typer.Exit(0 if ok else EXIT_FAILED)


@app.command("upgrade")
def upgrade(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
) -> None:
    """Bring the latest project-template changes into a project (copier update)."""
    from opsbase.provision.scaffold import ScaffoldError, upgrade_project

    path = _project_dir(dest)
    try:
        upgrade_project(path)
    except ScaffoldError as error:
        raise fail(InputError(error.message, error.fix), EXIT_FAILED) from error
    out.print(f"{path} is up to date with the OpsBase {__version__} template.")


@app.command("check-update")
def check_update(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Say whether the project template has changes the project has not taken yet."""
    from opsbase.provision.scaffold import ScaffoldError, update_available

    path = _project_dir(dest)
    try:
        update = update_available(path)
    except ScaffoldError as error:
        raise fail(InputError(error.message, error.fix), EXIT_FAILED) from error
    if json_output:
        payload: dict[str, object] = {"update_available": update is not None}
        if update:
            payload.update({"current": update[0], "latest": update[1]})
        out.print_json(json.dumps(payload))
    elif update:
        out.print(f"An update is due: template {update[0]} -> {update[1]}; run `opsbase upgrade`.")
    else:
        out.print("The project is up to date with its template.")


# -- demo -----------------------------------------------------------------------------------------


@app.command("demo")
def demo(
    dest: Annotated[
        str, typer.Option(help="Directory of the demo project (reused if present).")
    ] = ("demo"),
    port: Annotated[int, typer.Option(help="Port of the development server.")] = 8000,
    password: Annotated[
        str | None, typer.Option(help="Password of the sample users (default: random).")
    ] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare everything, print, and exit.")
    ] = False,
) -> None:
    """A demo project with sample data, served at http://127.0.0.1:PORT."""
    from opsbase.provision.journal import Journal
    from opsbase.provision.new import NewOptions, provision

    path = Path(dest).expanduser().resolve()
    journal = Journal.load(path)
    if journal is None or not journal.complete():
        options = NewOptions(
            dest=str(path),
            name="demo",
            url=f"http://127.0.0.1:{port}",
            python="current",
            database="sqlite",
            modules=None,
            superuser_email="admin@example.com",
            interactive=False,
            skip_system_packages=True,
            no_deploy=True,
        )
        code = provision(options, out=err, err=err)
        if code != 0:
            raise typer.Exit(code)
    else:
        err.print(f"Reusing the demo project in {path}.")
    python = path / ".venv" / "bin" / "python"
    env = {**os.environ, "DJANGO_ENV": "dev"}
    env.pop("VIRTUAL_ENV", None)
    seed = [str(python), "manage.py", "demo", "--addrport", f"127.0.0.1:{port}"]
    if password:
        seed += ["--password", password]  # else the demo command picks and prints one
    result = subprocess.run(seed, cwd=path, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise fail(
            InputError("loading the sample data failed", f"see the output above; project: {path}"),
            EXIT_FAILED,
        )
    out.print(f"Demo project: {path}")
    out.print(f"URL: http://127.0.0.1:{port}/")
    if no_serve:
        out.print(f"Serve it with: cd {path} && .venv/bin/python manage.py runserver {port}")
        raise typer.Exit(0)
    out.print("Serving; press Ctrl-C to stop.")
    server = [str(python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    try:
        code = subprocess.call(server, cwd=path, env=env)  # noqa: S603
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
