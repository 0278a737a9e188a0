"""Pages of a participating agency: the compliance check of a contract (with the report and the
actions recorded as done), joining the contract, and the certificate of competitive solicitation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.compliance.facts import FactsError
from app.compliance.pdf import render_certificate_pdf
from app.contracts import participation as services
from app.contracts.models import ComplianceCheck, Contract, Participation
from app.contracts.participation_forms import ActionDoneForm, CheckForm, JoinForm
from app.core.errors import DomainError
from app.core.http_cache import send_cached
from app.core.numbers import id_arg, parse_id
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import AGENCY_STAFF, Role
from app.core.web import commit_or_flash, show_domain_error
from app.extensions import db

bp = Blueprint("participation", __name__)

# Engine fields (COMPLIANCE.md) -> the check form's fields, so a refusal shows beside its field.
FACTS_FIELDS = {"purchase.amount": "amount", "purchase.aggregate_12mo": "aggregate_12mo",
                "purchase.category": "category", "purchase.date": "planned_on", "purchase.funding": "funding",
                "purchase.form_470_certified": "form_470_certified", "purchase.contract_signed": "contract_signed"}


def load_contract(number: str) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.number == number))
    if contract is None:
        abort(404)
    return contract


def _load_for_agency(number: str) -> Contract:
    contract = load_contract(number)
    forbid_unless(services.is_participant_candidate(current_user, contract))
    return contract


def show_facts_error(form: CheckForm, exc: FactsError) -> None:
    """`purchase.amount: must be a number >= 0` -> "Must be a number >= 0." beside Amount."""
    engine_field = (exc.field or "").split("[")[0]
    name = FACTS_FIELDS.get(engine_field) or engine_field.removeprefix("attestations.")
    problem = exc.message.split(": ", 1)[-1]
    show_domain_error(form, DomainError(f"{problem[0].upper()}{problem[1:]}.", field=name))


def use_context(contract: Contract, user) -> dict:  # noqa: ANN001
    """What the contract page's "Use this contract" and spend sections need."""
    from app.contracts import purchases

    context: dict = {"can_use": services.is_participant_candidate(user, contract)}
    if user.is_authenticated and user.organization_id != contract.agency_id:
        context["my_participation"] = services.participation_of(contract, user.organization_id)
        context["my_check"] = services.latest_check(contract, user.organization_id) if context["can_use"] else None
    spend = purchases.contract_spend(contract)
    context.update(spend=spend, spend_rows=purchases.visible_spend_rows(user, contract),
                   spend_of_all=purchases.sees_every_agency(user, contract),
                   participants=services.participations(contract)
                   if user.is_authenticated and user.organization_id == contract.agency_id else [])
    return context


# ----------------------------------------------------------------------------- the check
def _render_check(contract: Contract, form: CheckForm, status: int = 200):
    agency_id = current_user.organization_id
    latest = services.latest_check(contract, agency_id)
    return render_template(
        "contracts/check.html", c=contract, form=form, check=latest,
        board_findings={f["rule"] for f in services.board_approval_findings(latest)} if latest else set(),
        problems=services.check_problems(latest, contract) if latest else [],
        participation=services.participation_of(contract, agency_id), action_form=ActionDoneForm(),
        pending=services.pending_findings(latest) if latest else [],
        can_join=current_user.has_role(Role.AGENCY_ADMIN)), status


@bp.route("/contracts/<number>/check", methods=["GET", "POST"])
@roles_required(Role.BUYER, Role.AGENCY_ADMIN)
def check(number: str):
    contract = _load_for_agency(number)
    form = CheckForm()
    if request.method == "GET":
        latest = services.latest_check(contract, current_user.organization_id)
        if latest is not None:
            form.fill_from(latest.facts)
        else:
            form.category.data = contract.procurement_category.value
            form.funding.data = ["local"]
        return _render_check(contract, form)
    if not form.validate_on_submit():
        return _render_check(contract, form, 422)
    done = commit_or_flash(lambda: services.run_check(
        current_user, contract, amount=form.amount.amount, aggregate_12mo=form.aggregate_12mo.amount,
        category=form.category.data, date=form.planned_on.day, funding=form.funding.data,
        attestations=form.attestations(), form_470_certified=form.form_470_certified.day,
        contract_signed=form.contract_signed.day), show_refusal=False)
    if not done:
        if isinstance(done.refusal, FactsError):
            show_facts_error(form, done.refusal)
        else:
            show_domain_error(form, done.refusal)
        return _render_check(contract, form, 422)
    return redirect(url_for("participation.check", number=number, _anchor="report"))


@bp.route("/contracts/<number>/check/actions", methods=["POST"])
@roles_required(Role.BUYER, Role.AGENCY_ADMIN)
def record_action(number: str):
    contract = _load_for_agency(number)
    form = ActionDoneForm()
    if not form.validate_on_submit():
        flash(next(iter(form.note.errors), "The form expired; send it again."), "danger")
        return redirect(url_for("participation.check", number=number, _anchor="report"))
    check_ = db.session.get(ComplianceCheck, parse_id(form.check_id.data) or 0)
    # Another agency's check, or one of another contract, does not exist for this page.
    if check_ is None or check_.contract_id != contract.id or check_.agency_id != current_user.organization_id:
        abort(404)
    commit_or_flash(lambda: services.record_action_done(current_user, check_, form.rule.data or "", form.note.data or ""),
                    lambda finding: f"Recorded as done: {finding['citation']}.")
    return redirect(url_for("participation.check", number=number, _anchor="report"))


# ----------------------------------------------------------------------------- joining
def _render_join(contract: Contract, form: JoinForm, status: int = 200):
    agency_id = current_user.organization_id
    latest = services.latest_check(contract, agency_id)
    if form.check_id.data is None and latest is not None:
        form.check_id.data = str(latest.id)
    return render_template(
        "contracts/join.html", c=contract, form=form, check=latest, terms=services.PARTICIPATION_TERMS,
        participation=services.participation_of(contract, agency_id),
        pending=services.blocking_findings(latest) if latest else [],
        signed_by_joining=services.signed_by_joining(latest) if latest else [],
        problems=services.check_problems(latest, contract) if latest else [],
        board_findings=services.board_approval_findings(latest) if latest else []), status


@bp.route("/contracts/<number>/join", methods=["GET", "POST"])
@roles_required(Role.BUYER, Role.AGENCY_ADMIN)
def join(number: str):
    contract = _load_for_agency(number)
    form = JoinForm()
    if request.method == "GET":
        form.signer_name.data = current_user.name
        form.signer_title.data = current_user.title or ""
        return _render_join(contract, form)
    forbid_unless(current_user.has_role(Role.AGENCY_ADMIN))
    if not form.validate_on_submit():
        return _render_join(contract, form, 422)
    check_ = db.session.get(ComplianceCheck, parse_id(form.check_id.data) or 0)
    if check_ is None:
        show_domain_error(form, DomainError("Run the compliance check first; joining rests on its verdict."))
        return _render_join(contract, form, 422)
    done = commit_or_flash(lambda: services.join_contract(
        current_user, contract, check_, signer_name=form.signer_name.data, signer_title=form.signer_title.data,
        accept_terms=form.accept_terms.data, board_approval_reference=form.board_approval_reference.data or ""),
        f"Your agency joined contract {contract.number}. Download the certificate for your records.",
        show_refusal=False)
    if not done:
        if done.refusal.status_code == 403:
            abort(403)
        show_domain_error(form, done.refusal)
        return _render_join(contract, form, 422)
    return redirect(url_for("participation.join", number=number))


# ----------------------------------------------------------------------------- certificate
@bp.route("/contracts/<number>/certificate.pdf")
@login_required  # a vendor's or a stranger's request is a 404 below, never a 403 that confirms it
def certificate(number: str):
    """The joined agency's users get their certificate; the lead agency's staff may ask for a
    participant's (?agency=<id>). Anyone else: 404, a participation is not public."""
    contract = load_contract(number)
    agency_id = current_user.organization_id
    if agency_id == contract.agency_id and current_user.has_any_role(*AGENCY_STAFF):
        agency_id = id_arg("agency") or 0
    participation = db.session.scalar(select(Participation).where(Participation.contract_id == contract.id,
                                                                  Participation.agency_id == agency_id))
    if participation is None:
        abort(404)
    body = render_certificate_pdf(services.certificate_for(participation))
    return send_cached(body, mimetype="application/pdf", filename=f"{contract.number}-certificate.pdf",
                       scope="private")
