import click
from flask.cli import AppGroup

from app.notifications.services import deliver_outbox

outbox_cli = AppGroup("outbox", help="E-mail outbox.")


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver every due message once."""
    counts = deliver_outbox(limit=10_000)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
