"""Contract pages: public (the award made public), and the lead agency's renewals and amendments."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.forms import ActionForm
from app.contracts import services
from app.contracts.evidence import verify_evidence
from app.contracts.models import Contract, ContractDocument
from app.contracts.participation_views import use_context
from app.contracts.registry_views import vehicle_context
from app.core.errors import DomainError
from app.core.files import read_upload
from app.core.numbers import MAX_MONEY, NumberError, read_decimal
from app.core.web import commit_or_flash, send_verified
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import Role
from app.extensions import db, limiter

bp = Blueprint("contracts", __name__)


def _load(number: str) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.number == number)
                                 .options(joinedload(Contract.agency), joinedload(Contract.vendor)))
    if contract is None:
        abort(404)
    return contract


def _render(contract: Contract, status: int = 200, **context):
    context.setdefault("typed", {
        "price_guarantee": contract.price_guarantee, "delivery_terms": contract.delivery_terms,
        "volume_discounts": "\n".join(f"{t['min_amount']}: {t['percent']}" for t in contract.volume_discounts)})
    context.setdefault("document_typed", {"title": "", "public": True})
    context.update(use_context(contract, current_user))  # participation and spend (participation_views)
    context.update(vehicle_context(contract, current_user, context.pop("packet_check", None)))  # registry_views
    return render_template("contracts/detail.html", c=contract, can_change=contract.is_managed_by(current_user),
                           documents=contract.visible_documents(current_user), action_form=ActionForm(),
                           **context), status


@bp.route("/contracts/<number>")
def detail(number: str):
    return _render(_load(number))


@bp.route("/contracts/<number>/verify", methods=["POST"])
@limiter.limit("20 per minute")
def verify(number: str):
    """Anyone may check the evidence packet against the stored records and the audit chain."""
    contract = _load(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _render(contract, packet_check=verify_evidence(contract))


@bp.route("/contracts/<number>/terms", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def terms(number: str):
    contract = _load(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {k: request.form.get(k, "") for k in ("price_guarantee", "delivery_terms", "volume_discounts")}
    done = commit_or_flash(lambda: services.update_terms(current_user, contract, **typed), "Buyer terms saved.",
                           show_refusal=False)
    if not done:
        # Keep what was typed on the page, with the message beside the field it concerns.
        return _render(contract, 422, typed=typed, terms_error=done.refusal)
    return redirect(url_for("contracts.detail", number=number))


@bp.route("/contracts/<number>/<any(renew, amend):action>", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def change(number: str, action: str):
    contract = _load(number)
    if not ActionForm().validate_on_submit():
        abort(400)

    def change_contract():
        if action == "renew":
            return services.renew(current_user, contract, request.form.get("note", ""))
        raw = request.form.get("new_ceiling", "")
        try:
            ceiling = read_decimal(raw, minimum=Decimal("0.01"), maximum=MAX_MONEY, places=2, what="new ceiling",
                                   dollar=True, example="2,500,000.00") if raw.strip() else None
        except NumberError as refused:
            raise DomainError("Enter the new ceiling as an amount, like 2,500,000.00." if refused.kind == "format"
                              else f"{str(refused)[0].upper()}{str(refused)[1:]}.", field="new_ceiling") from None
        return services.amend(current_user, contract, request.form.get("description", ""), ceiling)

    commit_or_flash(change_contract, "Renewal recorded." if action == "renew" else "Amendment recorded.")
    return redirect(url_for("contracts.detail", number=number))


@bp.route("/contracts/<number>/documents", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def upload_document(number: str):
    contract = _load(number)
    forbid_unless(contract.is_managed_by(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {"title": request.form.get("title", ""), "public": request.form.get("visibility") != "restricted"}
    upload = request.files.get("file")
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    data, size = read_upload(upload, limit) if upload else (b"", 0)
    done = commit_or_flash(lambda: services.add_document(
        current_user, contract, title=typed["title"], filename=upload.filename if upload else None, data=data,
        size=size, public=typed["public"], max_bytes=limit),
        lambda document: f"{document.filename} added to the contract record.", show_refusal=False)
    if not done:
        return _render(contract, 422, document_typed=typed, document_error=done.refusal)
    return redirect(url_for("contracts.detail", number=number))


@bp.route("/contracts/<number>/documents/<int:document_id>")
def document(number: str, document_id: int):
    contract = _load(number)
    doc = db.session.get(ContractDocument, document_id)
    # A restricted document answers 404 to those who may not see it: its existence is not public.
    if doc is None or doc.contract_id != contract.id or doc not in contract.visible_documents(current_user):
        abort(404)
    return send_verified(doc, content_type=doc.content_type, scope="public" if doc.public else "private")
