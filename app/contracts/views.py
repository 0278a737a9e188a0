"""Contract pages: public (the award made public), and the lead agency's renewals and amendments."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.contracts import services
from app.contracts.models import Contract
from app.core.errors import DomainError
from app.core.permissions import roles_required
from app.core.roles import Role
from app.extensions import db

bp = Blueprint("contracts", __name__)


def _load(number: str) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.number == number))
    if contract is None:
        abort(404)
    return contract


@bp.route("/contracts/<number>")
def detail(number: str):
    contract = _load(number)
    can_change = (current_user.is_authenticated and current_user.organization_id == contract.agency_id
                  and current_user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN))
    typed = {"price_guarantee": contract.price_guarantee, "delivery_terms": contract.delivery_terms,
             "volume_discounts": "\n".join(f"{t['min_amount']}: {t['percent']}" for t in contract.volume_discounts)}
    return render_template("contracts/detail.html", c=contract, can_change=can_change, action_form=ActionForm(),
                           typed=typed)


@bp.route("/contracts/<number>/terms", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def terms(number: str):
    contract = _load(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {k: request.form.get(k, "") for k in ("price_guarantee", "delivery_terms", "volume_discounts")}
    try:
        services.update_terms(current_user, contract, **typed)
    except DomainError as exc:
        db.session.rollback()
        # Keep what was typed on the page, with the message beside the field it concerns.
        return render_template("contracts/detail.html", c=contract, can_change=True, action_form=ActionForm(),
                               typed=typed, terms_error=exc), 422
    db.session.commit()
    flash("Buyer terms saved.", "success")
    return redirect(url_for("contracts.detail", number=number))


@bp.route("/contracts/<number>/<any(renew, amend):action>", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def change(number: str, action: str):
    contract = _load(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if action == "renew":
            services.renew(current_user, contract, request.form.get("note", ""))
        else:
            raw = request.form.get("new_ceiling", "").replace(",", "").replace("$", "").strip()
            try:
                ceiling = Decimal(raw) if raw else None
            except InvalidOperation:
                raise DomainError("Enter the new ceiling as an amount, like 2500000.00.") from None
            services.amend(current_user, contract, request.form.get("description", ""), ceiling)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash("Renewal recorded." if action == "renew" else "Amendment recorded.", "success")
    return redirect(url_for("contracts.detail", number=number))
