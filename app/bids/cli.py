import click
from flask.cli import AppGroup

from app.bids.models import BidVersion
from app.bids.receipts import stored_record_problems
from app.core.crypto import generate_master_key
from app.extensions import db

keys_cli = AppGroup("keys", help="The sealing master key (kept outside the database).")


@keys_cli.command("new-sealing-key")
def new_sealing_key() -> None:
    """Print a new master key for SEALING_KEY (store it in your secret manager; losing it loses
    every sealed bid that is not yet opened)."""
    click.echo(generate_master_key())


@keys_cli.command("check-bids")
def check_bids() -> None:
    """Open every stored bid version with the configured key and check it against its receipt
    digest; exit 1 naming the first that fails (a wrong key or a changed record)."""
    failures = 0
    for version in db.session.scalars(db.select(BidVersion).order_by(BidVersion.id)):
        problems = stored_record_problems(version)
        if problems:
            failures += 1
            click.echo(f"{version.receipt_number}: {' '.join(problems)}")
    click.echo("All bid versions match their receipts." if not failures else f"{failures} version(s) failed.")
    if failures:
        raise SystemExit(1)
