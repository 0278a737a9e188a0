"""Contract links: an organization's administrators answer whether a registered contract that
names their organization is theirs (see app.contracts.links)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.forms import ActionForm
from app.contracts import links
from app.contracts.models import ContractLink
from app.core.permissions import roles_required
from app.core.roles import Role
from app.core.web import commit_or_flash
from app.extensions import db

bp = Blueprint("links", __name__)


@bp.route("/contracts/links")
@roles_required(Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)
def index():
    return render_template("contracts/links.html", links=links.links_for(current_user.organization_id),
                           action_form=ActionForm())


@bp.route("/contracts/links/<int:link_id>/<any(confirm, decline):answer>", methods=["POST"])
@roles_required(Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)
def answer(link_id: int, answer: str):
    link = db.session.get(ContractLink, link_id)
    if link is None or not links.can_answer(current_user, link):
        abort(404)  # another organization's question: as if it did not exist
    if ActionForm().validate_on_submit():
        confirm = answer == "confirm"
        commit_or_flash(lambda: links.answer_link(current_user, link, confirm=confirm),
                        f"Contract {link.contract.number} now names {link.organization.name} as its "
                        f"{link.role.label.lower()}." if confirm else
                        f"Contract {link.contract.number} keeps the names its registrant typed.")
    return redirect(url_for("links.index"))
