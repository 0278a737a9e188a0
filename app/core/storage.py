"""File storage outside the web root, under generated names. Files are served only by views that
authorise first. Local disk here; the interface is what an S3-compatible store would implement."""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.crypto import SealError
from app.core.errors import DomainError


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def save(self, data: bytes) -> StoredFile:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
        return StoredFile(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["STORAGE_DIR"])


class StoredFileChanged(DomainError):
    """A stored file is missing, or its bytes no longer hash to the SHA-256 recorded when it was
    uploaded: it is not given out. Pages answer 409 with the message."""

    status_code = 409


class StoredFileMissing(StoredFileChanged):
    """The stored file is gone: the document is not there to give (404), whatever the row says."""

    status_code = 404


class RecordedFile(Protocol):
    """A row that records a stored file: contract and solicitation documents, bid files."""

    id: int
    storage_key: str
    sha256: str
    filename: str


def read_verified(file: RecordedFile, *, decode: Callable[[bytes], bytes] | None = None) -> bytes:
    """The file's bytes, only if they still hash to the SHA-256 recorded at upload; otherwise
    StoredFileChanged, logged for the operators (storage key and row, never the file's name:
    a sealed bid's file names are not for the logs). `decode` opens what storage holds (a sealed
    bid file is encrypted; its digest is of the plain file)."""
    record = f"{getattr(file, '__tablename__', type(file).__name__)}:{file.id}"
    try:
        raw = storage().read(file.storage_key)
    except (OSError, ValueError):
        current_app.logger.error("stored file %s of %s is missing from storage", file.storage_key, record)
        raise StoredFileMissing(f"The stored file {file.filename} is missing from storage; it cannot be "
                                "given out.") from None
    try:
        data = decode(raw) if decode else raw
    except SealError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != file.sha256:
        current_app.logger.error("stored file %s of %s does not match its recorded SHA-256 %s",
                                 file.storage_key, record, file.sha256)
        raise StoredFileChanged(f"The stored file {file.filename} was changed after it was uploaded (it no "
                                "longer matches its recorded SHA-256); it cannot be given out.")
    return data


def stored_sha256(file: RecordedFile, *, decode: Callable[[bytes], bytes] | None = None) -> str | None:
    """The SHA-256 of the file as it is in storage now (after `decode`); None when it is gone.
    A sealed file that no longer opens hashes as its stored bytes: it differs, never matches."""
    try:
        raw = storage().read(file.storage_key)
    except (OSError, ValueError):
        return None
    try:
        return hashlib.sha256(decode(raw) if decode else raw).hexdigest()
    except SealError:
        return hashlib.sha256(raw).hexdigest()


def save_with_transaction(session: Session, data: bytes) -> StoredFile:
    """Save a file whose row is written in `session`'s current transaction. The file is on disk
    (fsynced) before that transaction commits. If the transaction ends without reaching COMMIT
    (refused, rolled back, or the request failed), the file is deleted, so a refused upload leaves
    nothing behind. Once COMMIT was sent the file is kept even if the answer never came back: the
    database may hold its row. A process killed before its rollback leaves an unreferenced file
    (harmless: nothing points at it), never a row without its file."""
    store = storage()
    stored = store.save(data)
    session.info.setdefault("pending_files", []).append((str(store.root), stored.key))
    return stored


def delete_after_commit(session: Session, key: str) -> None:
    """Delete a stored file once `session`'s current transaction commits (a row now points at a
    replacement); kept if the transaction ends otherwise, since the row still points at it."""
    session.info.setdefault("files_to_delete", []).append((str(storage().root), key))


@event.listens_for(Session, "before_commit")
def _mark_commit_sent(session: Session) -> None:
    # Flush here so that a refused write (a constraint) still deletes the files; past this point
    # COMMIT goes to the database, and a failure may be a lost answer to a commit that happened.
    if session.info.get("pending_files") and not session.in_nested_transaction():
        session.flush()
        session.info["commit_sent"] = True


@event.listens_for(Session, "after_commit")
def _keep_pending_files(session: Session) -> None:
    session.info.pop("pending_files", None)
    session.info.pop("commit_sent", None)
    for root, key in session.info.pop("files_to_delete", []):
        LocalStorage(root).delete(key)


@event.listens_for(Session, "after_transaction_end")
def _discard_pending_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop("files_to_delete", None)  # the rows still point at them
        pending = session.info.pop("pending_files", [])
        if session.info.pop("commit_sent", False):
            return  # the commit's outcome is unknown: an unreferenced file beats a row without one
        for root, key in pending:
            LocalStorage(root).delete(key)
