"""Rendering the configuration templates shipped in ``opsbase/serve/templates``.

Django's template engine is used standalone (no settings needed, so the CLI can render before
a project exists); values are turned into strings first because Django localizes numbers
through the settings, and escaping is off because the output is configuration, not HTML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@cache
def _engine():
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES_DIR)], autoescape=False, debug=False)


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Path):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def render_template(name: str, context: dict[str, Any]) -> str:
    """Render the shipped template *name* (relative to the templates folder) with *context*."""
    from django.template import Context

    text = _engine().get_template(name).render(Context(_plain(context), autoescape=False))
    # Templates use {% if %} blocks on their own lines; drop the blank runs they leave.
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


def write_file(path: Path, text: str, *, mode: int | None = None) -> Path:
    """Write *text* to *path* (parents created); with *mode*, set the file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mode is not None:
        path.chmod(mode)
    return path
