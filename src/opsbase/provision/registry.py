"""The machine's registry of OpsBase projects: which project holds which name and URL, and
what OpsBase created for it outside its folder.

One JSON file per project, named after it, in ``/var/lib/opsbase/projects/`` (root; the
folder is 0700, so only root reads it), else ``$XDG_STATE_HOME/opsbase/projects/``
(``~/.local/state/...``); ``$OPSBASE_REGISTRY`` names another folder. `opsbase new` and
`opsbase deploy` write an entry before they create anything outside the project and record
each thing they create (the system user and group, the PostgreSQL role and database);
`opsbase destroy` removes the entry last.

It is what keeps a second project from taking a name or a URL another one holds, and what
``--force`` and `destroy` consult: they only ever remove what the entry says OpsBase created
for this very project.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGISTRY_VARIABLE = "OPSBASE_REGISTRY"
SYSTEM_REGISTRY = Path("/var/lib/opsbase/projects")
#: The kinds of things an entry records as created by OpsBase.
CREATED_KINDS = ("system_user", "system_group", "pg_role", "pg_database")


def registry_dir() -> Path:
    """Where the entries live on this machine (for this user when not root)."""
    override = os.environ.get(REGISTRY_VARIABLE)
    if override:
        return Path(override).expanduser()
    if os.geteuid() == 0:
        return SYSTEM_REGISTRY
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "opsbase" / "projects"


@dataclass
class Entry:
    """One project: where it is, its public URL, its site, and what OpsBase created for it."""

    name: str
    project: str
    public_url: str = ""
    site: dict[str, Any] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)
    pg_server: str = ""  # host:port of the PostgreSQL server the pg_* entries are on
    updated_at: str = ""
    path: Path | None = None  # the file it was read from

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "name": self.name,
            "project": self.project,
            "public_url": self.public_url,
            "site": self.site,
            "created": self.created,
            "pg_server": self.pg_server,
            "updated_at": self.updated_at,
        }

    @property
    def project_exists(self) -> bool:
        return Path(self.project).is_dir()

    def belongs_to(self, dest: Path) -> bool:
        return self.project == _key(dest)


def _key(dest: Path) -> str:
    return str(Path(dest).expanduser().resolve())


def entry_path(name: str) -> Path:
    return registry_dir() / f"{name}.json"


def _load(path: Path) -> Entry | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("name") or not data.get("project"):
        return None
    return Entry(
        name=str(data["name"]),
        project=str(data["project"]),
        public_url=str(data.get("public_url") or ""),
        site=dict(data.get("site") or {}),
        created={str(k): str(v) for k, v in (data.get("created") or {}).items() if v},
        pg_server=str(data.get("pg_server") or ""),
        updated_at=str(data.get("updated_at") or ""),
        path=path,
    )


def read(name: str) -> Entry | None:
    """The entry of the project named *name*, if one is registered."""
    return _load(entry_path(name))


def read_all() -> list[Entry]:
    """Every registered project (an unreadable file is skipped)."""
    folder = registry_dir()
    if not folder.is_dir():
        return []
    entries = [_load(path) for path in sorted(folder.glob("*.json"))]
    return [entry for entry in entries if entry is not None]


def created_for(dest: Path, name: str) -> dict[str, str]:
    """What OpsBase created for the project in *dest* named *name* ({} when not registered,
    or registered to another folder)."""
    entry = read(name)
    if entry is None or not entry.belongs_to(dest):
        return {}
    return dict(entry.created)


@contextlib.contextmanager
def _locked() -> Iterator[Path]:
    folder = registry_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder / ".lock", "w") as handle:  # noqa: PTH123 - a lock file, not data
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update(
    dest: Path,
    name: str,
    *,
    public_url: str | None = None,
    site: dict[str, Any] | None = None,
    created: dict[str, str] | None = None,
    pg_server: str | None = None,
) -> Entry:
    """Create or change the entry of the project in *dest*; ValueError when *name* is
    registered to another folder (the caller's preflight refuses that earlier)."""
    with _locked():
        path = entry_path(name)
        entry = _load(path) or Entry(name=name, project=_key(dest))
        if not entry.belongs_to(dest):
            raise ValueError(f"{name!r} is registered to the project at {entry.project}")
        if public_url is not None:
            entry.public_url = public_url
        if site is not None:
            entry.site = {**entry.site, **site}
        if created:
            entry.created = {**entry.created, **created}
        if pg_server is not None:
            entry.pg_server = pg_server
        entry.updated_at = dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")
        _write(path, entry.to_dict())
        entry.path = path
        return entry


def forget_created(dest: Path, name: str, *kinds: str) -> None:
    """Drop *kinds* from the entry (they were removed)."""
    with _locked():
        path = entry_path(name)
        entry = _load(path)
        if entry is None or not entry.belongs_to(dest):
            return
        for kind in kinds:
            entry.created.pop(kind, None)
        _write(path, entry.to_dict())


def remove(dest: Path, name: str) -> bool:
    """Delete the entry of the project in *dest* (`destroy`, once all else is gone)."""
    with _locked():
        path = entry_path(name)
        entry = _load(path)
        if entry is None or not entry.belongs_to(dest):
            return False
        path.unlink(missing_ok=True)
        return True


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
