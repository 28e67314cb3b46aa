"""The end of `opsbase new`: a table for people, JSON for machines, a clear failure message."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import InputError, StepFailed
from .journal import DONE, SKIPPED
from .runner import TITLES, Outcome

STATUS_STYLE = {DONE: "green", SKIPPED: "yellow"}


def print_plan(outcome: Outcome, console: Console) -> None:
    table = Table(title=f"Plan for {outcome.inputs.dest} (dry run: nothing is changed)")
    table.add_column("step")
    table.add_column("action", overflow="fold")
    table.add_column("outside the project", justify="center")
    for step, action, outside in outcome.plan:
        table.add_row(TITLES.get(step, step), escape(action), "yes" if outside else "")
    console.print(table)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def print_summary(outcome: Outcome, console: Console) -> None:
    data = outcome.as_dict()
    steps = Table(title=f"opsbase new: {outcome.inputs.name}")
    steps.add_column("step")
    steps.add_column("result")
    steps.add_column("detail", overflow="fold")
    for step in outcome.steps:
        style = STATUS_STYLE.get(step.status, "red")
        steps.add_row(step.title, f"[{style}]{step.status}[/]", escape(step.detail))
    console.print(steps)

    facts = Table(show_header=False, box=None)
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    facts.add_row("project", data["project"])
    facts.add_row("public URL", data["public_url"])
    facts.add_row("python", data["python"])
    facts.add_row("django", data["django"])
    facts.add_row("database", data["database"])
    facts.add_row("modules", ", ".join(data["modules"]) or "kernel only")
    facts.add_row("superuser", data["superuser"]["email"])
    if outcome.superuser_password:
        # Only a generated password is shown: one the user chose is never echoed.
        facts.add_row("password", f"{outcome.superuser_password}  (shown once, stored nowhere)")
    elif outcome.superuser_note:
        facts.add_row("password", escape(outcome.superuser_note))
    facts.add_row("log", data["log"])
    console.print(facts)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    console.print("Next steps:")
    for line in data["next_steps"]:
        console.print(f"  {line}", highlight=False)


def print_json(outcome: Outcome, console: Console, *, error: StepFailed | None = None) -> None:
    data = outcome.as_dict()
    if error is not None:
        data["ok"] = False
        data["error"] = failure_dict(error)
    console.print_json(json.dumps(data))


def print_input_error_json(error: InputError, console: Console) -> None:
    """Bad input as JSON: ``{"ok": false, "error": {"kind": "input", ...}}`` (exit 2)."""
    payload = {
        "ok": False,
        "error": {"kind": "input", "message": error.message, "fix": error.fix, "exit_code": 2},
    }
    console.print_json(json.dumps(payload))


def failure_dict(error: StepFailed) -> dict[str, str]:
    return {
        "step": error.step,
        "message": error.message,
        "command": error.command,
        "output_tail": error.output_tail,
        "fix": error.fix,
    }


def print_failure(error: StepFailed, console: Console, *, log_path: str) -> None:
    title = TITLES.get(error.step, error.step or "provisioning")
    console.print(f"[red bold]error:[/] step {title!r} failed: {error.message}", highlight=False)
    if error.command:
        console.print(f"  command: {error.command}", highlight=False, markup=False)
    if error.output_tail:
        console.print("  output (last lines):", highlight=False)
        for line in error.output_tail.splitlines():
            console.print(f"    {line}", highlight=False, markup=False)
    if error.fix:
        console.print(f"  fix: {error.fix}", highlight=False, markup=False)
    console.print(f"  full log: {log_path}", highlight=False)
    console.print("  run the same command again to resume at this step", highlight=False)
