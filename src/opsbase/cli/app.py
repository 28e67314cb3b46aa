"""Commands of ``opsbase``: new, deploy, destroy, doctor, upgrade, check-update, demo, version."""

from __future__ import annotations

import json
import logging
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
from opsbase.provision.errors import InputError, ProvisionError, StepFailed

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
    # Failures reach the user as sentences; library warnings must not print raw log records.
    logging.getLogger("opsbase").addHandler(logging.NullHandler())
    if version:
        typer.echo(f"opsbase {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(f"opsbase {__version__}")


# -- options shared by new and deploy ------------------------------------------------------------

SslOpt = Annotated[
    str,
    typer.Option(
        "--ssl",
        help="Certificate for an https URL: auto (certbot if installed, else self-signed), "
        "letsencrypt, self-signed (staging), paths (--ssl-cert/--ssl-key).",
    ),
]
SslCertOpt = Annotated[
    str | None, typer.Option("--ssl-cert", help="PEM certificate (chain) of the site.")
]
SslKeyOpt = Annotated[str | None, typer.Option("--ssl-key", help="PEM private key of the site.")]
EmailOpt = Annotated[
    str | None, typer.Option("--letsencrypt-email", help="E-mail for Let's Encrypt notices.")
]
HstsOpt = Annotated[
    int,
    typer.Option(
        "--hsts-seconds",
        help="HSTS max-age; starts low: raise it to 63072000 once HTTPS works everywhere.",
    ),
]
HttpPortOpt = Annotated[int | None, typer.Option("--http-port", help="nginx HTTP port (80).")]
HttpsPortOpt = Annotated[
    int | None, typer.Option("--https-port", help="nginx HTTPS port (443, or the URL's).")
]
ListenOpt = Annotated[
    str, typer.Option("--listen-address", help="Address nginx listens on (default: all).")
]
NginxDirOpt = Annotated[
    str | None,
    typer.Option("--nginx-dir", help="nginx configuration folder (default /etc/nginx)."),
]
UserOpt = Annotated[
    str | None,
    typer.Option("--user", help="User gunicorn runs as (default: one named after the app)."),
]


def _deploy_options(**flags: object) -> dict[str, object]:
    from opsbase.provision.deploy import DeployOptions

    return DeployOptions(**flags).to_dict()  # type: ignore[arg-type]


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
    email_url: Annotated[
        str | None,
        typer.Option(
            help="Production e-mail: smtp+tls://USER:PASSWORD@HOST:587 (default: a mail server "
            "on 127.0.0.1:25, else console://)."
        ),
    ] = None,
    dns: Annotated[
        str | None,
        typer.Option(
            "--dns",
            help="Create or update the public URL's DNS record before the URL is checked: "
            "cloudflare (CLOUDFLARE_API_TOKEN) or route53 (AWS credentials).",
        ),
    ] = None,
    dns_target: Annotated[
        str | None,
        typer.Option(
            "--dns-target",
            help="With --dns: this server's public IP address(es), comma-separated, or a host "
            "name for a CNAME.",
        ),
    ] = None,
    dns_zone: Annotated[
        str | None,
        typer.Option("--dns-zone", help="With --dns: the zone (default: found from the host)."),
    ] = None,
    dns_token: Annotated[
        str | None,
        typer.Option(
            "--dns-token",
            help="Cloudflare API token (Zone > DNS > Edit); CLOUDFLARE_API_TOKEN is read "
            "otherwise, and keeps it out of the process list.",
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Install system packages without asking.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Ask nothing: flags and defaults only.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            help="Back up, drop and recreate the role and database OpsBase created for this "
            "project (never anything it did not create)."
        ),
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
    ssl: SslOpt = "auto",
    ssl_cert: SslCertOpt = None,
    ssl_key: SslKeyOpt = None,
    letsencrypt_email: EmailOpt = None,
    hsts_seconds: HstsOpt = 300,
    http_port: HttpPortOpt = None,
    https_port: HttpsPortOpt = None,
    listen_address: ListenOpt = "",
    nginx_dir: NginxDirOpt = None,
    user: UserOpt = None,
) -> None:
    """Provision a new production-ready Django project that uses OpsBase."""
    from opsbase.cli import prompts
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
        email_url=email_url,
        dns=dns,
        dns_target=dns_target,
        dns_zone=dns_zone,
        dns_token=dns_token,
        yes=yes,
        interactive=not no_input and sys.stdin.isatty(),
        force=force,
        dry_run=dry_run,
        json_output=json_output,
        skip_system_packages=skip_system_packages,
        no_deploy=no_deploy,
        deploy=_deploy_options(
            ssl=ssl,
            ssl_cert=ssl_cert,
            ssl_key=ssl_key,
            letsencrypt_email=letsencrypt_email,
            hsts_seconds=hsts_seconds,
            http_port=http_port,
            https_port=https_port,
            listen_address=listen_address,
            nginx_dir=nginx_dir,
            user=user,
        ),
    )
    code = provision(options, out=out, err=err, asker=prompts if options.interactive else None)
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
    no_url: Annotated[
        bool, typer.Option("--no-url", help="Skip the public-URL and nginx checks.")
    ] = False,
) -> None:
    """Re-check a project: env files and keys, DEBUG, migrations, database, check --deploy,
    and the app answering at its public URL and through the local nginx."""
    from opsbase.provision.doctor import diagnose

    path = _project_dir(dest)
    with err.status("Checking…"):
        results = diagnose(path, environment=environment, urls=not no_url)
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


@app.command("startmodule")
def startmodule(
    name: Annotated[str, typer.Argument(help="The module's name: lower case, e.g. spare_parts.")],
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
    model: Annotated[
        str | None, typer.Option(help="The model's class name (default: from the name).")
    ] = None,
) -> None:
    """A new module of the OpsBase kit in the project's apps/ (manage.py startmodule), with its
    first migration; the project installs it by itself."""
    path = _project_dir(dest)
    venv_python = path / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    command = [python, "manage.py", "startmodule", name, *(["--model", model] if model else [])]
    env = {**os.environ, "DJANGO_ENV": os.environ.get("DJANGO_ENV", "dev")}
    env.pop("VIRTUAL_ENV", None)
    code = subprocess.call(command, cwd=path, env=env)  # noqa: S603 - the project's manage.py
    raise typer.Exit(0 if code == 0 else (EXIT_INPUT if code == 1 else EXIT_FAILED))


@app.command("upgrade")
def upgrade(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
) -> None:
    """Bring the latest project-template changes into a project (copier update)."""
    from opsbase.provision.scaffold import ScaffoldError, upgrade_project

    path = _project_dir(dest)
    try:
        result = upgrade_project(path)
    except ScaffoldError as error:
        raise fail(InputError(error.message, error.fix), EXIT_FAILED) from error
    if result.conflicts:
        err.print(
            f"opsbase: error: the upgrade from template {result.rendered} to {result.current} "
            f"left {len(result.conflicts)} file(s) in conflict with your changes:",
            markup=False,
        )
        for name in result.conflicts:
            err.print(f"  {name}", markup=False)
        err.print(
            "  fix: edit each file where <<<<<<< before updating ... >>>>>>> after updating "
            "marks both versions, keep what is right, then `git add` it; review the rest with "
            "`git diff` and commit",
            markup=False,
        )
        raise typer.Exit(EXIT_FAILED)
    if not result.changed:
        out.print(f"{path} is up to date with the OpsBase {__version__} template.")
        return
    out.print(
        f"{path}: upgraded from template {result.rendered} to {result.current}; "
        f"{len(result.changed)} file(s) changed, none in conflict. Review with `git diff`, "
        "run the tests, then commit."
    )


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


# -- deploy, destroy ------------------------------------------------------------------------------


@app.command("deploy")
def deploy_command(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
    ssl: SslOpt = "auto",
    ssl_cert: SslCertOpt = None,
    ssl_key: SslKeyOpt = None,
    letsencrypt_email: EmailOpt = None,
    hsts_seconds: HstsOpt = 300,
    http_port: HttpPortOpt = None,
    https_port: HttpsPortOpt = None,
    listen_address: ListenOpt = "",
    nginx_dir: NginxDirOpt = None,
    user: UserOpt = None,
    workers: Annotated[
        int | None, typer.Option(help="gunicorn workers (default 2 x CPUs + 1).")
    ] = None,
    environment: Annotated[str, typer.Option("--env", help="prod or staging.")] = "prod",
    no_start: Annotated[
        bool,
        typer.Option("--no-start", help="Without systemd: write the files, start nothing."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Serve the project: gunicorn (systemd units), nginx with TLS, then check the public URL.

    Run it again after changes; it is what `opsbase new` does as its web-server step.
    """
    from opsbase.provision.commands import CommandLog
    from opsbase.provision.deploy import DeployOptions, deploy, make_plan

    path = _project_dir(dest)
    options = DeployOptions(
        ssl=ssl,
        ssl_cert=ssl_cert,
        ssl_key=ssl_key,
        letsencrypt_email=letsencrypt_email,
        hsts_seconds=hsts_seconds,
        http_port=http_port,
        https_port=https_port,
        listen_address=listen_address,
        nginx_dir=nginx_dir,
        user=user,
        workers=workers,
        environment=environment,
        start=not no_start,
    )
    try:
        plan = make_plan(path, options)
    except InputError as error:
        if json_output:
            from opsbase.provision.summary import print_input_error_json

            print_input_error_json(error, out)
        raise fail(error) from error
    log = CommandLog(step="deploy")
    log.attach(path / "logs" / "deploy.log")
    try:
        with err.status("Deploying…"):
            result = deploy(plan, log=log, say=lambda line: err.print(f"  {line}", markup=False))
    except StepFailed as error:
        _print_step_failure(error, path / "logs" / "deploy.log")
        raise typer.Exit(EXIT_FAILED) from error
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if json_output:
        payload = {
            "ok": True,
            "manifest": result.manifest,
            "checks": [
                {"url": c.url, "via": c.via, "ok": c.ok, "status": c.status, "message": c.message}
                for c in result.checks
            ],
            "warnings": result.warnings,
        }
        out.print_json(json.dumps(payload))
    else:
        out.print(f"Deployed {plan.project.name}: {plan.project.public_url}")
        out.print(f"Re-check at any time: opsbase doctor --dest {path}")


@app.command("destroy")
def destroy_command(
    dest: Annotated[str | None, typer.Option(help="Project directory (default: here).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    keep_database: Annotated[
        bool, typer.Option("--keep-database", help="Leave the PostgreSQL database and role.")
    ] = False,
    db_admin_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL of an administrator account.")
    ] = None,
    nginx_dir: NginxDirOpt = None,
) -> None:
    """Remove what `new` and `deploy` made outside the project: the nginx site, the units or
    the gunicorn process, the database and its role (after a backup). Asks first."""
    from opsbase.provision.commands import CommandLog
    from opsbase.provision.deploy import destroy, plan_destroy

    path = _project_dir(dest)
    try:
        plan = plan_destroy(
            path, nginx_dir=nginx_dir, db_admin_url=db_admin_url, keep_database=keep_database
        )
    except InputError as error:
        raise fail(error) from error
    if not plan.actions:
        out.print(f"Nothing outside {path} to remove.")
        raise typer.Exit(0)
    err.print("This will:", highlight=False)
    for action in plan.actions:
        err.print(f"  - {action}", markup=False, highlight=False)
    err.print(f"The project directory {path} stays; delete it yourself afterwards if you wish.")
    if not yes:
        if not sys.stdin.isatty():
            raise fail(InputError("destroy asks before it removes anything", "pass --yes"))
        from opsbase.cli import prompts

        if not prompts.confirm_danger("Remove all of this?"):
            err.print("Nothing was removed.")
            raise typer.Exit(EXIT_FAILED)
    log = CommandLog(step="destroy")
    log.attach(path / "logs" / "deploy.log")
    try:
        destroy(plan, log=log, say=lambda line: err.print(f"  {line}", markup=False))
    except StepFailed as error:
        _print_step_failure(error, path / "logs" / "deploy.log")
        raise typer.Exit(EXIT_FAILED) from error
    out.print(f"Removed what {plan.project.name} had outside {path}.")


def _print_step_failure(error: StepFailed, log_path: Path) -> None:
    err.print(f"opsbase: error: {error.message}", markup=False, highlight=False)
    if error.output_tail:
        for line in error.output_tail.splitlines()[-15:]:
            err.print(f"    {line}", markup=False, highlight=False)
    if error.fix:
        err.print(f"  fix: {error.fix}", markup=False, highlight=False)
    err.print(f"  full log: {log_path}", markup=False, highlight=False)


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
    from opsbase.provision.inputs import available_modules
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
            # The demo shows every module this OpsBase ships.
            modules=",".join(available_modules()),
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
