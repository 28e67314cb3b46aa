from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opsbase.serve.backup import DEFAULT_KEEP, BackupError, Database, backup_database


def default_backup_dir() -> Path:
    configured = getattr(settings, "OPSBASE_BACKUP_DIR", None)
    # build_settings() sets BASE_DIR dynamically, where the django-stubs plugin cannot see it.
    base_dir = settings.BASE_DIR  # type: ignore[misc]
    return Path(configured) if configured else Path(base_dir) / "backups"


class Command(BaseCommand):
    help = (
        "Back up the database into a timestamped, compressed file (pg_dump, mysqldump or the "
        "SQLite backup API) and keep only the newest --keep backups."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias (default).")
        parser.add_argument(
            "--dir", help="Folder for backups (OPSBASE_BACKUP_DIR, else <project>/backups)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=getattr(settings, "OPSBASE_BACKUP_KEEP", DEFAULT_KEEP),
            help=f"How many backups of this database to keep (default {DEFAULT_KEEP}).",
        )

    def handle(self, *args, database="default", dir=None, keep=DEFAULT_KEEP, **options):
        if database not in settings.DATABASES:
            raise CommandError(
                f"no database '{database}' in settings: use one of {', '.join(settings.DATABASES)}"
            )
        if keep < 1:
            raise CommandError(f"--keep must be at least 1, not {keep}")
        directory = Path(dir) if dir else default_backup_dir()
        try:
            path = backup_database(Database.from_alias(database), directory, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except PermissionError as exc:
            raise CommandError(
                f"cannot write the backup: {exc.strerror}: {exc.filename}; run it as the user "
                f"that owns {directory} (the app's, after `opsbase deploy`), or pass --dir"
            ) from None
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:,} bytes)"))
        return None
