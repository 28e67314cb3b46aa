"""The ``opsbase`` command line. Needs the ``cli`` extra (``pip install "opsbase[cli]"``)."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        import typer
    except ImportError:
        sys.exit('opsbase: the command line needs its extra: pip install "opsbase[cli]"')

    from opsbase import __version__

    app = typer.Typer(help="OpsBase: provision and run business-operations apps on Django.")

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        version: bool = typer.Option(False, "--version", help="Print the version and exit."),
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

    app()


if __name__ == "__main__":
    main()
