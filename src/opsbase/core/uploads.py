"""Upload limits for modules that accept files: size, extension and actual content.

A file's name and its ``Content-Type`` are chosen by whoever uploads it, so the type is also
checked against the file's first bytes. Use the validator on a model or form field::

    attachment = models.FileField(validators=[UploadValidator(allowed=("pdf", "png"))])

Defaults come from ``OPSBASE_UPLOAD_MAX_SIZE`` and ``OPSBASE_UPLOAD_ALLOWED_TYPES``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Leading bytes of each binary type; text types are checked by decoding instead.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}
_TEXT_TYPES = {"txt", "csv", "json", "md"}
_OFFICE_MEMBERS = {
    "docx": "word/",
    "xlsx": "xl/",
    "pptx": "ppt/",
    "odt": "mimetype",
    "ods": "mimetype",
}


def _looks_like(kind: str, head: bytes, upload) -> bool:
    if kind in _TEXT_TYPES:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            return exc.start >= len(head) - 3
        return True
    signatures = _SIGNATURES.get(kind)
    if signatures is None:
        return False
    if not head.startswith(signatures):
        return False
    if kind == "webp":
        return head[8:12] == b"WEBP"
    member = _OFFICE_MEMBERS.get(kind)
    if member is not None:
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                return any(name.startswith(member) for name in archive.namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
    return True


@deconstructible
class UploadValidator:
    """Refuses a file that is too large, has another extension, or whose bytes are not
    of the type its extension claims."""

    def __init__(self, allowed: Iterable[str] | None = None, max_size: int | None = None):
        self.allowed = tuple(a.lower().lstrip(".") for a in allowed) if allowed else None
        self.max_size = max_size

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.allowed == other.allowed
            and self.max_size == other.max_size
        )

    def __call__(self, upload) -> None:
        from opsbase.conf import setting

        allowed = self.allowed or tuple(setting("UPLOAD_ALLOWED_TYPES"))
        max_size = self.max_size or setting("UPLOAD_MAX_SIZE")
        size = getattr(upload, "size", None)
        if size is not None and size > max_size:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(max_size)},
            )
        kind = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
        if kind not in allowed:
            raise ValidationError(
                _("Files of type “%(kind)s” are not accepted; use one of: %(allowed)s."),
                code="file_type",
                params={"kind": kind or "?", "allowed": ", ".join(allowed)},
            )
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if not _looks_like(kind, head, upload):
            raise ValidationError(
                _("The file's content is not a valid %(kind)s file."),
                code="file_content",
                params={"kind": kind},
            )
