import click
from flask.cli import AppGroup

from app.core.roles import ROLE_LABELS
from app.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create the demo agencies, vendors and users (safe to run again)."""
    created = seed_demo()
    db.session.commit()
    click.echo(f"Demo data: {created['organizations']} organizations and {created['users']} users created "
               "(existing ones left as they were).")
    click.echo("\nDemo logins (every account's password is the same):")
    click.echo(f"  password: {DEMO_PASSWORD}")
    width = max(len(u.email) for u in DEMO_USERS)
    for user in DEMO_USERS:
        roles = ", ".join(ROLE_LABELS[r] for r in user.roles)
        click.echo(f"  {user.email:<{width}}  {roles:<24} {user.org_name}")
