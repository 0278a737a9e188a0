from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.core.permissions import roles_required
from app.core.roles import Role
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

# Packages register functions (events, viewer) -> ids of events to show without their actor,
# organization and details (sealed bids, until their opening).
_REDACTIONS: list[Callable[[list[AuditEvent], Any], set[int]]] = []


def register_redaction(check: Callable[[list[AuditEvent], Any], set[int]]) -> None:
    _REDACTIONS.append(check)


@bp.route("/")
@roles_required(Role.ADMIN, Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)
def index():
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if not current_user.has_role(Role.ADMIN):
        query = query.where(AuditEvent.organization_id == current_user.organization_id)
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = db.paginate(query, per_page=50, error_out=False)
    redacted = set().union(*(check(page.items, current_user) for check in _REDACTIONS))
    return render_template("audit/index.html", page=page, action=action, verify_form=ActionForm(),
                           redacted=redacted)


@bp.route("/verify", methods=["POST"])
@roles_required(Role.ADMIN)
def verify():
    if ActionForm().validate_on_submit():
        report = verify_chain()
        flash(str(report), "success" if report.ok else "danger")
    return redirect(url_for("audit.index"))
