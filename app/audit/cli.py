import click
from flask.cli import AppGroup

from app.audit.anchors import write_anchor
from app.audit.services import verify_chain

audit_cli = AppGroup("audit", help="Audit trail commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the hash chain; exit 1 naming the first broken event."""
    report = verify_chain()
    click.echo(str(report))
    if not report.ok:
        raise SystemExit(1)


@audit_cli.command("anchor")
def anchor_command() -> None:
    """Append the current chain head to the anchor log (AUDIT_ANCHOR_PATH) now."""
    click.echo(str(write_anchor()))
