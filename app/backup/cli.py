"""`flask backup create DIR` and `flask backup restore DIR`; a refusal exits 2 with "Error: ..."."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.backup.database import BackupError
from app.backup.services import create_backup, is_at_head, restore_backup

backup_cli = AppGroup("backup", help="Back up and restore the database and stored files (never the sealing key).")

USAGE_ERROR = 2


@backup_cli.command("create")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=True, path_type=Path))
def create_command(folder: Path) -> None:
    """Back up the database and every stored file into DIR (new or empty), with a manifest of their
    SHA-256 digests. The sealing master key is not in it: back the key up separately."""
    try:
        report = create_backup(folder)
    except BackupError as exc:
        _refuse(str(exc))
    manifest = report.manifest
    click.echo(f"Backed up the database (migration {manifest['alembic_revision']}) and "
               f"{len(manifest['files'])} stored file(s) into {folder}.")
    click.echo(f"Manifest SHA-256: {report.manifest_sha256} (keep it with the backup's record to check it later).")
    if report.not_copied:
        click.echo(f"Not copied (not stored files): {', '.join(report.not_copied)}", err=True)
    if report.missing:
        click.echo(f"Warning: {len(report.missing)} file(s) the database records were already missing from "
                   f"storage: {', '.join(report.missing)}", err=True)
    click.echo("The sealing master key is not in the backup; without it no sealed bid opens. "
               "Keep it backed up separately.")


@backup_cli.command("restore")
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Check every SHA-256 in DIR's manifest, then restore the database and the stored files into an
    empty database (no tables: a new one) and an empty storage folder."""
    try:
        manifest = restore_backup(folder)
    except BackupError as exc:
        _refuse(str(exc))
    click.echo(f"Restored the database (migration {manifest['alembic_revision']}, backed up "
               f"{manifest['created_at']}) and {len(manifest['files'])} stored file(s) from {folder}.")
    if not is_at_head(manifest["alembic_revision"]):
        click.echo("The backup is from an older version: run `flask db upgrade` next.")
    click.echo("Next: with the same sealing master key configured, run `flask keys check-bids` and "
               "`flask audit verify`.")


def _refuse(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(USAGE_ERROR)
