"""Upload checks: size, a plain file name, and content that really is what the name says."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from app.core.errors import DomainError

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}

# Office Open XML files are ZIP archives with these parts.
_OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    extension: str
    content_type: str
    data: bytes


def _content_matches(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension in _OOXML_PARTS:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and _OOXML_PARTS[extension] in names
    return False


def describe_size(size: int) -> str:
    """Bytes for people: 512 bytes, 64 KB, 20 MB, 20.5 MB."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def check_upload(filename: str | None, data: bytes, *, allowed: set[str], max_bytes: int,
                 field: str | None = None, size: int | None = None) -> CheckedUpload:
    """`size`: the whole file's size when the caller read only the first max_bytes + 1 bytes."""
    name = (filename or "").strip()
    if not name:
        raise DomainError("Choose a file to upload.", field=field)
    if "/" in name or "\\" in name or "\x00" in name:
        raise DomainError("The file name must be a plain name without folders (no / or \\).", field=field)
    if name.startswith("."):
        raise DomainError("The file name must not start with a dot; rename the file.", field=field)
    if len(name) > 200:
        raise DomainError("The file name is too long; rename the file to at most 200 characters.", field=field)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed:
        kinds = ", ".join(sorted(e.upper() for e in allowed))
        raise DomainError(f"{name}: this type of file is not accepted. Upload one of: {kinds}.", field=field)
    if not data:
        raise DomainError(f"{name} is empty.", field=field)
    if len(data) > max_bytes:
        raise DomainError(f"{name} is too large ({describe_size(max(size or 0, len(data)))}); the limit is "
                          f"{describe_size(max_bytes)}.", field=field)
    if not _content_matches(extension, data):
        raise DomainError(f"{name} does not contain what a .{extension} file should; it may be "
                          "damaged or renamed.", field=field)
    return CheckedUpload(name, extension, CONTENT_TYPES[extension], data)


def read_upload(upload, limit: int) -> tuple[bytes, int]:
    """At most `limit` + 1 bytes of an uploaded file, and the whole file's size found without
    reading the rest (so an oversized file is refused naming its real size)."""
    data = upload.read(limit + 1)
    try:
        stream = upload.stream
        here = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return data, len(data)
    return data, max(size, len(data))
