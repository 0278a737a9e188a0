"""The public contract registry (search and filters) and the registration of contracts awarded
elsewhere by cooperative administrators."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.typeahead import SUGGEST_RATE_LIMIT, read_name_filter, suggestions
from app.compliance.rulebook import load_rulebook
from app.contracts.evidence import PacketCheck, evidence_packet, visible_keys
from app.contracts.forms import RegistrationForm
from app.contracts.models import Contract, Eligibility
from app.contracts.registration import can_register_contracts, register_contract
from app.contracts.registry import LEAD_AGENCIES, VENDORS, search_contracts
from app.core.geo import US_STATES
from app.core.numbers import id_arg, page_arg
from app.core.permissions import forbid_unless
from app.core.roles import Role
from app.core.web import commit_or_flash
from app.extensions import db, limiter
from app.solicitations.models import Category

bp = Blueprint("registry", __name__)

# The levels a visitor may ask for: "usable" means allowed, or allowed once the listed steps are done.
USABLE_LEVELS = (Eligibility.ALLOWED, Eligibility.NEEDS_ACTION)


def _state_arg(states: list[str]) -> str:
    """The state asked for; on a first visit, the signed-in agency's own state."""
    if "state" in request.args:
        return request.args["state"] if request.args["state"] in states else ""
    own = current_user.organization.state if current_user.is_authenticated and current_user.organization.is_agency \
        else ""
    return own if own in states else ""


def vehicle_context(contract: Contract, user, packet_check: PacketCheck | None = None) -> dict:  # noqa: ANN001
    """What the contract page shows from the registry: eligibility by state and the evidence
    packet (with a verification's results after the "verify" button)."""
    restricted = visible_keys(contract, user)
    packet = evidence_packet(contract)
    return {"packet": packet, "packet_items": packet.visible_items(restricted), "packet_check": packet_check,
            "checked_items": packet_check.visible_items(restricted) if packet_check else [],
            "state_names": US_STATES,
            "audit_link": user.is_authenticated and user.has_any_role(Role.ADMIN, Role.AGENCY_ADMIN,
                                                                      Role.VENDOR_ADMIN)}


@bp.route("/contracts/")
def index():
    states = sorted(load_rulebook().states)
    state = _state_arg(states)
    levels = [level for level in USABLE_LEVELS if level.value in request.args.getlist("usable")]
    vendor = read_name_filter("vendor", VENDORS, url_for("registry.suggest_vendor"))
    agency = read_name_filter("agency", LEAD_AGENCIES, url_for("registry.suggest_agency"))
    filters = {"q": request.args.get("q", "").strip()[:200], "category": id_arg("category"),
               "vendor": vendor.id, "agency": agency.id,
               "active": request.args.get("active") == "1", "state": state, "usable": [l.value for l in levels]}
    results = search_contracts(filters["q"], category_id=filters["category"], vendor_id=filters["vendor"],
                               agency_id=filters["agency"], active_only=filters["active"],
                               usable_in_state=state or None, eligibility_levels=levels,
                               page=page_arg(), per_page=20)
    return render_template(
        "contracts/registry.html", results=results, filters=filters, rule_states=states, state_names=US_STATES,
        categories=db.session.scalars(select(Category).order_by(Category.code)).all(),
        vendor_filter=vendor, agency_filter=agency, can_register=can_register_contracts(current_user),
        levels=USABLE_LEVELS)


# The type-ahead suggestions of the registry's vendor and lead agency filters (JSON).
@bp.get("/api/v1/contracts/suggest/vendor")
@limiter.limit(SUGGEST_RATE_LIMIT)
def suggest_vendor():
    return suggestions(VENDORS)


@bp.get("/api/v1/contracts/suggest/agency")
@limiter.limit(SUGGEST_RATE_LIMIT)
def suggest_agency():
    return suggestions(LEAD_AGENCIES)


@bp.route("/contracts/register", methods=["GET", "POST"])
@login_required
def register():
    forbid_unless(can_register_contracts(current_user))
    form = RegistrationForm()
    form.categories.choices = [(c.id, str(c)) for c in db.session.scalars(select(Category).order_by(Category.code))]
    if form.validate_on_submit():
        done = commit_or_flash(lambda: register_contract(current_user, form.registration()),
                               lambda contract: f"Contract {contract.number} is in the registry, marked as facts "
                                                "supplied by you.", form=form)
        if done:
            return redirect(url_for("contracts.detail", number=done.value.number))
    status = 422 if request.method == "POST" else 200
    return render_template("contracts/register.html", form=form), status
