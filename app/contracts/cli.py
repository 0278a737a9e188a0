"""`flask contracts ...`: the registry's maintenance commands."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

contracts_cli = AppGroup("contracts", help="The contract registry.")


@contracts_cli.command("refresh-eligibility")
@click.option("--all", "everything", is_flag=True, help="Every contract, not only the stale ones.")
def refresh_eligibility_command(everything: bool) -> None:
    """Recompute the per-state eligibility of contracts whose rules version is not the current one
    (or that have none yet); idempotent, like the scheduler's job."""
    from sqlalchemy import select

    from app.compliance.rulebook import load_rulebook
    from app.contracts.eligibility import STALE_BATCH, refresh_eligibility, refresh_stale_eligibility
    from app.contracts.models import Contract

    if everything:
        rulebook = load_rulebook()
        count = 0
        for contract in db.session.scalars(select(Contract).order_by(Contract.id)):
            refresh_eligibility(contract, rulebook)
            count += 1
        db.session.commit()
        click.echo(f"Eligibility recomputed for {count} contract(s), rules version {rulebook.version}.")
        return
    total = 0
    while True:  # in batches, committing each, until a batch is not full
        refreshed = refresh_stale_eligibility(STALE_BATCH)["refreshed"]
        db.session.commit()
        total += refreshed
        if refreshed < STALE_BATCH:
            break
    click.echo(f"Eligibility recomputed for {total} contract(s).")


@contracts_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the registry's full-text entries (after organizations are renamed, or to repair)."""
    from app.contracts.registry import reindex_all_contracts

    count = reindex_all_contracts()
    db.session.commit()
    click.echo(f"Search entries rebuilt for {count} contract(s).")
