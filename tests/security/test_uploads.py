"""The upload validator: size, extension, and the bytes behind the extension."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbase.core.uploads import UploadValidator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%..." + b"x" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


def docx_bytes(member="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date: the bytes (and so the test's id) are the same in every xdist worker.
        archive.writestr(zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0)), "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", PDF),
        ("logo.PNG", PNG),
        ("list.csv", "name,città\nA,Zürich\n".encode()),
        ("report.docx", docx_bytes()),
    ],
    ids=["pdf", "png", "csv", "docx"],
)
def test_files_that_are_what_they_claim_pass(name, content):
    UploadValidator()(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.pdf", b"MZ\x90\x00 a windows program", "file_content"),
        ("photo.png", PDF, "file_content"),
        ("notes.txt", b"text\x00with a NUL byte", "file_content"),
        ("report.docx", docx_bytes("payload/evil.bin"), "file_content"),
        ("setup.exe", b"MZ\x90\x00", "file_type"),
        ("page.html", b"<script>alert(1)</script>", "file_type"),
        ("noextension", b"hello", "file_type"),
    ],
    ids=[
        "program-named-pdf",
        "pdf-named-png",
        "nul-in-text",
        "docx-without-document",
        "exe",
        "html",
        "no-extension",
    ],
)
def test_files_of_other_types_or_content_are_refused(name, content, code):
    with pytest.raises(ValidationError) as info:
        UploadValidator()(upload(name, content))
    assert info.value.code == code


def test_the_size_limit_is_the_validators_or_the_settings(settings):
    settings.OPSBASE_UPLOAD_MAX_SIZE = 100
    big = upload("big.txt", b"a" * 101)

    with pytest.raises(ValidationError) as info:
        UploadValidator()(big)
    assert info.value.code == "file_too_large"
    UploadValidator(max_size=1000)(big)


def test_a_field_can_narrow_the_types():
    with pytest.raises(ValidationError) as info:
        UploadValidator(allowed=("pdf",))(upload("logo.png", PNG))
    assert "pdf" in info.value.messages[0]


def test_the_validator_leaves_the_file_readable_from_the_start():
    f = upload("scan.pdf", PDF)
    UploadValidator()(f)
    assert f.read() == PDF


def test_the_validator_can_sit_in_a_migration():
    path, args, kwargs = UploadValidator(allowed=["pdf"], max_size=5).deconstruct()
    assert path == "opsbase.core.uploads.UploadValidator"
    assert UploadValidator(*args, **kwargs) == UploadValidator(allowed=["pdf"], max_size=5)
