from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opsbase.serve.backup import (
    BackupError,
    Database,
    backup_files,
    backup_vendor,
    database_tables,
    restore_database,
)

from .opsbase_backup import default_backup_dir


def latest_backup(directory: Path, target: Database) -> Path:
    """The newest backup of this database, else the newest of the same engine (a restore
    into a new database of another name)."""
    own = backup_files(directory, target.label)
    if own:
        return own[-1]
    same_engine = [p for p in backup_files(directory) if backup_vendor(p) == target.vendor]
    if not same_engine:
        raise CommandError(f"no {target.vendor} backup in {directory}")
    return max(same_engine, key=lambda p: p.stat().st_mtime)


class Command(BaseCommand):
    help = (
        "Restore a backup made by opsbase_backup into the database. Refuses a database that "
        "already has tables unless --force is given."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="The backup file to restore.")
        parser.add_argument(
            "--latest", action="store_true", help="Restore the newest backup of this database."
        )
        parser.add_argument("--database", default="default", help="Database alias (default).")
        parser.add_argument("--dir", help="Where --latest looks (default: the backup folder).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that has tables (the backup's tables are replaced).",
        )

    def handle(self, *args, backup=None, latest=False, database="default", dir=None, **options):
        if database not in settings.DATABASES:
            raise CommandError(
                f"no database '{database}' in settings: use one of {', '.join(settings.DATABASES)}"
            )
        try:
            target = Database.from_alias(database)
            if latest:
                directory = Path(dir) if dir else default_backup_dir()
                path = latest_backup(directory, target)
            elif backup:
                path = Path(backup)
            else:
                raise CommandError("name the backup file to restore, or pass --latest")
            restore_database(target, path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = database_tables(database)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {path.name} into '{target.name}' ({len(tables)} tables).")
        )
