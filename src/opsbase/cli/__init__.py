"""The ``opsbase`` command line. Needs the ``cli`` extra (``pip install "opsbase[cli]"``)."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        import questionary  # noqa: F401
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError:
        sys.exit('opsbase: the command line needs its extra: pip install "opsbase[cli]"')

    from .app import app

    app()


if __name__ == "__main__":
    main()
