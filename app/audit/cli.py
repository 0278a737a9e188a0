import click
from flask.cli import AppGroup

from app.audit.services import verify_chain

audit_cli = AppGroup("audit", help="Audit trail commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the hash chain; exit 1 naming the first broken event."""
    report = verify_chain()
    click.echo(str(report))
    if not report.ok:
        raise SystemExit(1)


