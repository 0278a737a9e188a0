"""`flask backup create DIR` and `flask backup restore DIR`: a backup restored into a new, empty
database and storage folder passes `flask audit verify`, `flask keys check-bids` (with the same
sealing key, from a key file) and every evidence packet's check; the sealing key is never in a
backup; a changed backup and a database that is not empty are refused, restoring nothing."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from app.core import clock
from app.extensions import db
from config import TestConfig


def _invoke(target, *args: str):
    return target.test_cli_runner().invoke(args=list(args))


def _create(app, folder: Path) -> dict:
    result = _invoke(app, "backup", "create", str(folder))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads((folder / "manifest.json").read_text())


def _row_counts(target) -> dict[str, int]:
    with target.app_context():
        with db.engine.connect() as connection:
            return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    for name in inspect(connection).get_table_names()}


def _packets(target, numbers) -> dict[str, tuple[bool, dict]]:
    """number -> (the packet verifies, {item key: (recorded SHA-256, SHA-256 now)})."""
    from app.contracts.evidence import verify_evidence
    from app.contracts.models import Contract

    with target.app_context():
        checks = {}
        for number in numbers:
            check = verify_evidence(db.session.scalar(select(Contract).where(Contract.number == number)))
            checks[number] = (check.ok, {c.item.key: (c.item.sha256, c.actual_sha256) for c in check.items})
        return checks


def _stored_files(target) -> list[Path]:
    root = Path(target.config["STORAGE_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _assert_no_sealing_key(folder: Path) -> None:
    key_text = TestConfig.SEALING_KEY.strip().encode()
    key_bytes = base64.urlsafe_b64decode(key_text)
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key_bytes not in data and key_text not in data, path


def test_a_restored_backup_passes_every_check(app, seeded, empty_target, tmp_path):
    from app.bids.models import Bid, BidVersion

    before = _packets(app, seeded.contract_numbers)
    assert all(ok for ok, _ in before.values()) and all(items for _, items in before.values())
    counts = _row_counts(app)
    folder = tmp_path / "backup"
    manifest = _create(app, folder)

    with app.app_context():
        kind = db.engine.dialect.name
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        sealed = db.session.scalar(select(func.count()).select_from(Bid).where(Bid.opened_at.is_(None)))
        assert sealed == 1 and db.session.scalar(select(func.count()).select_from(BidVersion)) >= 4
    assert manifest["created_at"] == clock.now().isoformat()  # the app's clock (frozen by the award)
    assert manifest["alembic_revision"] == revision
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["path"] == {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[kind]
    stored = {p.relative_to(app.config["STORAGE_DIR"]).as_posix() for p in _stored_files(app)}
    assert {f["path"].removeprefix("files/") for f in manifest["files"]} == stored
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in [manifest["database"], *manifest["files"]])
    _assert_no_sealing_key(folder)

    target = empty_target()
    result = _invoke(target, "backup", "restore", str(folder))
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert f"{len(manifest['files'])} stored file(s)" in result.output

    assert _row_counts(target) == counts
    assert len(_stored_files(target)) == len(manifest["files"])
    result = _invoke(target, "audit", "verify")
    assert result.exit_code == 0, result.output
    result = _invoke(target, "keys", "check-bids")
    assert result.exit_code == 0, result.output
    assert "All bid versions match their receipts." in result.output
    after = _packets(target, seeded.contract_numbers)
    assert after == before
    assert all(ok for ok, _ in after.values())

    # The restored platform carries on: the next audit event extends the restored chain.
    with target.app_context():
        from app.audit.services import record, verify_chain

        record("test.after_restore")
        db.session.commit()
        assert verify_chain().ok


def test_the_sealing_key_file_is_never_copied_even_inside_the_storage_folder(app, seeded, tmp_path, monkeypatch):
    """A key file put where storage keeps its files, under a name storage could have made."""
    key_file = Path(app.config["STORAGE_DIR"]) / "se" / "sealingkey"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(TestConfig.SEALING_KEY + "\n")
    monkeypatch.setitem(app.config, "SEALING_KEY_FILE", str(key_file))
    try:
        manifest = _create(app, tmp_path / "backup")
    finally:
        key_file.unlink()
    assert "files/se/sealingkey" not in {f["path"] for f in manifest["files"]}
    _assert_no_sealing_key(tmp_path / "backup")


@pytest.mark.parametrize("damaged", ["stored file", "database"])
def test_a_changed_backup_is_refused_and_nothing_is_restored(app, seeded, empty_target, tmp_path, damaged):
    folder = tmp_path / "backup"
    manifest = _create(app, folder)
    entry = manifest["files"][0] if damaged == "stored file" else manifest["database"]
    path = folder / entry["path"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit: same size, another digest
    path.write_bytes(bytes(data))

    target = empty_target()
    result = _invoke(target, "backup", "restore", str(folder))
    assert result.exit_code == 2, result.output
    assert f"Error: {entry['path']} does not match its SHA-256 in the manifest" in result.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert _stored_files(target) == []


def test_a_database_that_is_not_empty_is_refused(app, seeded, empty_target, tmp_path):
    folder = tmp_path / "backup"
    _create(app, folder)
    counts = _row_counts(app)
    result = _invoke(app, "backup", "restore", str(folder))  # the suite's own, seeded database
    assert result.exit_code == 2, result.output
    assert "already has" in result.output and "restore only into a new, empty database" in result.output
    assert _row_counts(app) == counts

    # Migrated but with no rows is not empty either: the dump brings the schema itself.
    target = empty_target()
    assert _invoke(target, "db", "upgrade").exit_code == 0
    result = _invoke(target, "backup", "restore", str(folder))
    assert result.exit_code == 2 and "do not run `flask db upgrade` on it first" in result.output, result.output
    assert _stored_files(target) == []


def test_a_backup_goes_only_into_a_new_or_empty_folder(app, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "notes.txt").write_text("something else")
    result = _invoke(app, "backup", "create", str(folder))
    assert result.exit_code == 2 and "Error: " in result.output and "not an empty folder" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_folder_without_a_manifest_is_not_restored(empty_target, tmp_path):
    result = _invoke(empty_target(), "backup", "restore", str(tmp_path))
    assert result.exit_code == 2 and "has no manifest.json" in result.output, result.output
