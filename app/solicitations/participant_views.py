"""Pages for participating agencies before publication: requests for their quantities."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.permissions import roles_required
from app.core.roles import Role
from app.extensions import db
from app.solicitations.blueprint import bp
from app.solicitations.models import DemandInvitation


@bp.route("/agency/demand-requests")
@roles_required(Role.BUYER, Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def demand_requests():
    invitations = db.session.scalars(
        select(DemandInvitation).where(DemandInvitation.agency_id == current_user.organization_id)
        .options(joinedload(DemandInvitation.solicitation)).order_by(DemandInvitation.created_at.desc())
    ).all()
    return render_template("solicitations/demand_requests.html", invitations=invitations)
