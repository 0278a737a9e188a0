import click
from flask.cli import AppGroup

from app.core.roles import ROLE_LABELS
from flask import current_app

from app.demo.awards import seed_awarded_ifb
from app.demo.bids import seed_bids
from app.demo.cooperative import seed_cooperative
from app.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo
from app.demo.solicitations import seed_solicitations
from app.extensions import db
from app.solicitations.services import ensure_builtin_categories

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create the demo agencies, vendors and users (safe to run again)."""
    # A URL context, so e-mails queued by the demo's actions can build their links.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        created = seed_demo()
        categories = ensure_builtin_categories()
        solicitations = seed_solicitations()
        opened, bids = seed_bids()
        awarded, awarded_bids = seed_awarded_ifb()
        solicitations += opened + awarded
        bids += awarded_bids
        cooperative = seed_cooperative()
    db.session.commit()
    click.echo(f"Demo data: {created['organizations']} organizations, {created['users']} users, "
               f"{categories} categories, {solicitations} solicitations, {bids} bids, "
               f"{cooperative.contracts} registered contracts, {cooperative.participations} participations and "
               f"{cooperative.purchases} purchases created (existing ones left as they were).")
    _echo_logins()


@demo_cli.command("logins")
@click.option("--url", default="", help="The address the demo is served on, printed first.")
def logins_command(url: str) -> None:
    """Print the demo logins (make run prints them once the servers have started)."""
    if url:
        click.echo(f"\nCoopBid is running on {url} (Ctrl+C stops the web server and the scheduler).")
    _echo_logins()


def _echo_logins() -> None:
    click.echo("\nDemo logins (every account's password is the same):")
    click.echo(f"  password: {DEMO_PASSWORD}")
    width = max(len(u.email) for u in DEMO_USERS)
    for user in DEMO_USERS:
        roles = ", ".join(ROLE_LABELS[r] for r in user.roles)
        click.echo(f"  {user.email:<{width}}  {roles:<24} {user.org_name}")
