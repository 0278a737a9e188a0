from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from app.accounts.models import Invitation, User
from app.audit.activity import recent_for
from app.core import clock
from app.extensions import db
from app.solicitations.queries import dashboard_tasks
from app.workspaces.dashboard import sections_for

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    org = current_user.organization
    pending_invitations = members = 0
    if org.can_manage(current_user):
        members = db.session.scalar(select(func.count()).select_from(User).where(User.organization_id == org.id))
        pending_invitations = db.session.scalar(
            select(func.count()).select_from(Invitation).where(
                Invitation.organization_id == org.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > clock.now(),
            )
        )
    return render_template("core/dashboard.html", org=org, recent=recent_for(current_user),
                           pending_invitations=pending_invitations, members=members,
                           tasks=dashboard_tasks(current_user),
                           sections=sections_for(current_user))


@bp.route("/healthz")
def healthz():
    """Up, and the database answers: one SELECT 1 on a pooled connection in autocommit (no ORM
    session, no BEGIN and ROLLBACK around it: a load balancer asks this every few seconds)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT 1"))
    return jsonify(status="ok", time=clock.now().isoformat())
