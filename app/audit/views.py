from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.audit.activity import describe, redacted_ids, register_redaction  # noqa: F401 (packages register here)
from app.audit.details import details
from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.core.numbers import page_arg
from app.core.permissions import roles_required
from app.core.roles import Role
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

# Families of events a reader can filter on, in words (the stored prefix stays in the address).
FAMILIES = (
    ("auth.", "Sign-ins and passwords"), ("user.", "Accounts and roles"), ("invitation.", "Invitations"),
    ("organization.", "Organization details"), ("agency.", "Agencies added"), ("vendor.", "Vendor registrations"),
    ("solicitation.", "Solicitations"), ("question.", "Questions"),
    ("addendum.", "Addenda"), ("notice.", "Public notices"), ("document.", "Solicitation documents"),
    ("demand.", "Demand aggregation"), ("follow.", "Follows"), ("bid.", "Bids"), ("bids.", "Bid openings"),
    ("evaluation.", "Evaluations"), ("award.", "Awards"), ("protest.", "Protests"), ("contract.", "Contracts"),
    ("compliance.", "Compliance checks"), ("purchase.", "Purchases"), ("categories.", "Categories"),
    ("saved_search.", "Saved searches"), ("demo.", "Demo set-up"),
)


@bp.route("/")
@roles_required(Role.ADMIN, Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)
def index():
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if not current_user.has_role(Role.ADMIN):
        query = query.where(AuditEvent.organization_id == current_user.organization_id)
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    redacted = redacted_ids(page.items, current_user)
    # Events about sealed bids stay out of the list until the opening: a row saying only "sealed",
    # or a gap in the numbering, next to a vendor's sign-in would tell who is bidding.
    activities = [a for a in describe(page.items, current_user, redacted) if not a.redacted]
    return render_template("audit/index.html", page=page, action=action, verify_form=ActionForm(),
                           activities=activities, details=details, families=FAMILIES)


@bp.route("/verify", methods=["POST"])
@roles_required(Role.ADMIN)
def verify():
    if ActionForm().validate_on_submit():
        report = verify_chain()
        flash(str(report), "success" if report.ok else "danger")
    return redirect(url_for("audit.index"))
