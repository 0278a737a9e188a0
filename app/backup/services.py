"""Back up and restore the whole platform: the database and every stored file, with a manifest of
their SHA-256 digests. Never the sealing master key: sealed bids and bid files are in a backup as
they are at rest (encrypted) and open only with the key, which operators keep, and back up,
separately (a copy of the backup alone opens nothing).

A backup folder:
  manifest.json       written last (a folder without it is an unfinished backup): created_at,
                      the Alembic revision, the database kind, and for the database dump and
                      every file its path in the folder, size and SHA-256
  database.sqlite3    SQLite, or database.pgdump for PostgreSQL (see database.py)
  files/ab/ab12...    every stored file, as storage holds it

The dump is made before the files are copied: a file is written before the row that records it
commits and is never deleted after, so every file the dump refers to is already on disk.

Restore checks every digest first, then goes only into a database with no tables at all (a new,
empty database: not even `flask db upgrade` run on it, as the dump brings the schema and its
revision) and a storage folder with no files."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from app.backup.database import (
    DUMP_NAMES,
    KIND_LABELS,
    BackupError,
    alembic_revision,
    database_kind,
    describe_database,
    dump_database,
    restore_database,
    table_names,
)
from app.core import clock
from app.extensions import db

MANIFEST = "manifest.json"
FORMAT = 1
FILES = "files"
_CHUNK = 1024 * 1024
# Where LocalStorage keeps a file: <first two characters of the key>/<key>, keys alphanumeric.
_STORED_FILE = re.compile(r"([0-9A-Za-z]{2})/(\1[0-9A-Za-z]*)")


@dataclass
class BackupReport:
    manifest: dict[str, Any]
    manifest_sha256: str
    not_copied: list[str] = field(default_factory=list)  # other things in the storage folder
    missing: list[str] = field(default_factory=list)  # files the database records but storage lacks


# ----------------------------------------------------------------------------- create
def create_backup(target: Path) -> BackupReport:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty folder; back up into a new or empty folder.")
    kind = database_kind()
    made_folder = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        return _write_backup(target, kind)
    except BaseException:
        _remove_contents(target, remove_folder=made_folder)
        raise


def _write_backup(target: Path, kind: str) -> BackupReport:
    revision = alembic_revision()
    recorded_keys = _recorded_storage_keys()  # read before the dump: each of them is in it
    dump = target / DUMP_NAMES[kind]
    dump_database(kind, dump)
    root = _storage_root()
    files, not_copied = [], []
    key_file = _sealing_key_file()
    for source in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
        relative = source.relative_to(root).as_posix()
        if not _STORED_FILE.fullmatch(relative) or source.resolve() == key_file:
            not_copied.append(relative)  # temporary .part files, anything not put there by storage
            continue
        copy = target / FILES / relative
        size, digest = _copy(source, copy)
        files.append({"path": f"{FILES}/{relative}", "size": size, "sha256": digest})
    copied_keys = {Path(f["path"]).name for f in files}
    manifest = {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "alembic_revision": revision,
        "database": {"kind": kind, "path": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)},
        "files": files,
        "sealing_key": "not included: restore needs the same sealing master key, backed up separately",
    }
    text = json.dumps(manifest, indent=2) + "\n"
    (target / MANIFEST).write_text(text, encoding="utf-8")
    return BackupReport(manifest, hashlib.sha256(text.encode()).hexdigest(), not_copied,
                        sorted(recorded_keys - copied_keys))


def _recorded_storage_keys() -> set[str]:
    """Every storage key a row records (documents, bid files, purchase files...)."""
    keys: set[str] = set()
    for table in db.metadata.sorted_tables:
        if "storage_key" in table.c:
            keys.update(k for k in db.session.scalars(db.select(table.c.storage_key)) if k)
    db.session.rollback()
    return keys


# ----------------------------------------------------------------------------- restore
def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a backup, or one that did not finish.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        readable = all(_is_entry(entry) for entry in [manifest["database"], *manifest["files"]])
    except (ValueError, KeyError, TypeError):
        readable = False
    if not readable:
        raise BackupError(f"{path} is not a backup manifest this version can read.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is in backup format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    return manifest


def _is_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("path"), str) and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str))


def verify_backup(source: Path) -> dict[str, Any]:
    """The manifest, once the dump and every file in it are there with their recorded size and
    SHA-256; BackupError naming the first that is not."""
    manifest = read_manifest(source)
    database = manifest["database"]
    if database.get("kind") not in DUMP_NAMES or database["path"] != DUMP_NAMES[database["kind"]]:
        raise BackupError(f"The manifest names an unknown database dump {database['path']!r}.")
    for entry in manifest["files"]:
        if not (entry["path"].startswith(f"{FILES}/") and _STORED_FILE.fullmatch(entry["path"][len(FILES) + 1:])):
            raise BackupError(f"The manifest names {entry['path']!r}, which is not a stored file's place.")
    for entry in [database, *manifest["files"]]:
        path = source / entry["path"]
        if not path.is_file():
            raise BackupError(f"{entry['path']} is missing from the backup; nothing was restored.")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its SHA-256 in the manifest (it was changed or "
                              "damaged); nothing was restored.")
    return manifest


def restore_backup(source: Path) -> dict[str, Any]:
    manifest = verify_backup(source)
    kind = database_kind()
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"This is a backup of a {KIND_LABELS[manifest['database']['kind']]} database; the "
                          f"configured database is {KIND_LABELS[kind]}. Restore it into a database of the same kind.")
    _check_revision_known(manifest["alembic_revision"])
    tables = table_names()
    if tables:
        raise BackupError(f"The database {describe_database()} already has {len(tables)} table(s); restore only "
                          "into a new, empty database (do not run `flask db upgrade` on it first).")
    root = _storage_root()
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(f"The storage folder {root} already holds files; restore only into an empty one.")
    restored: list[Path] = []
    try:
        for entry in manifest["files"]:
            restored.append(copy := root / entry["path"][len(FILES) + 1:])
            if _copy(source / entry["path"], copy)[1] != entry["sha256"]:  # changed since it was verified
                raise BackupError(f"{entry['path']} changed while it was being restored; nothing was restored.")
        restore_database(kind, source / manifest["database"]["path"])
    except BaseException:
        for path in restored:  # leave storage as empty as the database, so the restore can be run again
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".part").unlink(missing_ok=True)
        raise
    return manifest


def _check_revision_known(revision: str) -> None:
    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError:
        raise BackupError(f"The backup's database is at migration {revision}, which this version of CoopBid "
                          "does not know; restore it with the version that made it (or a newer one).") from None


def is_at_head(revision: str) -> bool:
    config = current_app.extensions["migrate"].migrate.get_config()
    return revision == ScriptDirectory.from_config(config).get_current_head()


# ----------------------------------------------------------------------------- files
def _storage_root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def _sealing_key_file() -> Path | None:
    path = current_app.config.get("SEALING_KEY_FILE")
    return Path(path).resolve() if path else None


def _copy(source: Path, target: Path) -> tuple[int, str]:
    """Copy through a temporary name, returning the size and SHA-256 of what was written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    partial.replace(target)
    return size, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _remove_contents(folder: Path, *, remove_folder: bool) -> None:
    if remove_folder:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
