from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opsbase.services.cdn import CdnSyncError, Source, Upload, sync
from opsbase.services.storage import StorageNotConfigured, configured_bucket

KINDS = ("static", "media")


class Command(BaseCommand):
    help = (
        "Upload the collected static files (STATIC_ROOT) and the uploads (MEDIA_ROOT) to the "
        "S3-compatible bucket a CDN serves: only files new or changed since the last run "
        "(compared by content hash), with Cache-Control set. Run collectstatic first."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be uploaded; upload nothing."
        )
        parser.add_argument(
            "--only",
            choices=KINDS,
            help="Only the static files, or only the uploads (default: both).",
        )

    def handle(self, *args, dry_run=False, only=None, **options):
        try:
            bucket = configured_bucket()
        except StorageNotConfigured:
            raise CommandError(
                "AWS_STORAGE_BUCKET_NAME is not set: no bucket to sync to; set it (and "
                "AWS_S3_ENDPOINT_URL for R2 or another S3-compatible store) in the environment "
                "or .env.prod; see docs/cdn_config.md",
                returncode=2,
            ) from None
        sources = [source for source in self.sources() if only in (None, source.kind)]
        for source in sources:
            if not source.root.is_dir() and source.kind == "static":
                raise CommandError(
                    f"{source.root} does not exist: run `manage.py collectstatic` first",
                    returncode=2,
                )

        def uploaded(upload: Upload) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"uploaded {upload.key}")

        try:
            report = sync(bucket, sources, dry_run=dry_run, progress=uploaded)
        except CdnSyncError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            for upload in report.uploads:
                self.stdout.write(
                    f"would upload {upload.key} ({upload.reason}, {upload.size} bytes, "
                    f"Cache-Control: {upload.cache_control})"
                )
        verb = "would upload" if dry_run else "uploaded"
        self.stdout.write(
            f"sync_cdn: {verb} {len(report.uploads)} file(s) ({report.uploaded_bytes} bytes) to "
            f"bucket {bucket.name}; {report.unchanged} unchanged"
        )

    def sources(self) -> list[Source]:
        static_age = getattr(settings, "WHITENOISE_MAX_AGE", 60)
        return [
            Source(
                kind="static",
                root=Path(settings.STATIC_ROOT or "staticfiles"),
                prefix=getattr(settings, "OPSBASE_CDN_STATIC_PREFIX", "static"),
                cache_control=f"public, max-age={static_age}",
            ),
            Source(
                kind="media",
                root=Path(settings.MEDIA_ROOT),
                prefix=getattr(settings, "OPSBASE_CDN_MEDIA_PREFIX", "media"),
                # Uploads are private (signed links): no shared cache keeps them.
                cache_control="private, max-age=3600",
            ),
        ]
