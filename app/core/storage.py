"""File storage outside the web root, under generated names. Files are served only by views that
authorise first. Local disk here; the interface is what an S3-compatible store would implement."""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction


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


def save_with_transaction(session: Session, data: bytes) -> StoredFile:
    """Save a file whose row is written in `session`'s current transaction. If that transaction
    does not commit (refused, rolled back, or the request failed), the file is deleted, so a
    refused upload leaves nothing behind."""
    store = storage()
    stored = store.save(data)
    session.info.setdefault("pending_files", []).append((str(store.root), stored.key))
    return stored


@event.listens_for(Session, "after_commit")
def _keep_pending_files(session: Session) -> None:
    session.info.pop("pending_files", None)


@event.listens_for(Session, "after_transaction_end")
def _discard_pending_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        for root, key in session.info.pop("pending_files", []):
            LocalStorage(root).delete(key)
