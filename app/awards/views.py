"""Award pages: the officer's recommendation, the approver's approval, protests (bidders file,
staff decide), the public award notice, and each bidder's debriefing."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.awards import services
from app.awards.models import Protest
from app.bids.models import Bid
from app.core import clock
from app.core.http_cache import send_cached
from app.core.numbers import parse_id
from app.core.web import commit_or_flash
from app.core.permissions import forbid_unless, get_or_404, roles_required
from app.core.roles import AGENCY_STAFF, Role
from app.evaluation.services import results
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus
from app.solicitations.public_views import load_visible
from app.solicitations.staff_views import load_for_staff

bp = Blueprint("awards", __name__)

AWARD_STATUSES = (SolicitationStatus.UNDER_EVALUATION, SolicitationStatus.INTENT_TO_AWARD,
                  SolicitationStatus.AWARDED)


def _load_staff(solicitation_id: int) -> Solicitation:
    s = load_for_staff(solicitation_id)  # another agency's solicitation: 404, as if missing
    if s.status not in AWARD_STATUSES:
        abort(404)
    return s


def _back(s: Solicitation):
    return redirect(url_for("awards.staff_award", solicitation_id=s.id))


@bp.route("/agency/solicitations/<int:solicitation_id>/award")
@roles_required(*AGENCY_STAFF)
def staff_award(solicitation_id: int):
    return _render_staff(_load_staff(solicitation_id))


def _render_staff(s: Solicitation, status: int = 200, **context):
    from app.evaluation.services import evaluation_for, ranking_ready

    evaluation = evaluation_for(s)
    ranked = results(s).ranked if evaluation is None or ranking_ready(s, evaluation) else []
    protests = db.session.scalars(select(Protest).where(Protest.solicitation_id == s.id)
                                  .order_by(Protest.filed_at)).all()
    context.setdefault("typed", {"bids": [], "justification": ""})
    return render_template("awards/staff.html", s=s, ranked=ranked, recommendation=services.current_recommendation(s),
                           protests=protests, action_form=ActionForm(), today=s.local(clock.now()).date().isoformat(),
                           can_recommend=s.can_manage(current_user) and s.status == SolicitationStatus.UNDER_EVALUATION,
                           can_approve=current_user.has_role(Role.APPROVER), **context), status


@bp.route("/agency/solicitations/<int:solicitation_id>/award/recommend", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def recommend(solicitation_id: int):
    s = _load_staff(solicitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {"bids": [i for i in map(parse_id, request.form.getlist("bid")) if i is not None],
             "justification": request.form.get("justification", "")}
    done = commit_or_flash(lambda: services.recommend_award(current_user, s, typed["bids"], typed["justification"]),
                           "Recommendation recorded; an approver must approve it.", show_refusal=False)
    if not done:
        return _render_staff(s, 422, typed=typed, recommend_error=done.refusal)
    return _back(s)


@bp.route("/agency/solicitations/<int:solicitation_id>/award/approve", methods=["POST"])
@roles_required(Role.APPROVER)
def approve(solicitation_id: int):
    s = _load_staff(solicitation_id)
    recommendation = services.current_recommendation(s)
    if recommendation is None or not ActionForm().validate_on_submit():
        abort(404 if recommendation is None else 400)
    raw_date = request.form.get("board_approved_on", "").strip()
    try:
        board_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        flash("Enter the board approval date as YYYY-MM-DD.", "danger")
        return _back(s)
    commit_or_flash(lambda: services.approve_recommendation(current_user, recommendation, board_approved_on=board_date,
                                                            board_reference=request.form.get("board_reference", "")),
                    "Award recommendation approved. The officer can now issue the notice of intent to award.")
    return _back(s)


@bp.route("/agency/solicitations/<int:solicitation_id>/protests/<int:protest_id>/decide", methods=["POST"])
@roles_required(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)
def decide(solicitation_id: int, protest_id: int):
    s = _load_staff(solicitation_id)
    protest = get_or_404(Protest, protest_id)
    if protest.solicitation_id != s.id or not ActionForm().validate_on_submit():
        abort(404)
    upheld = request.form.get("outcome") == "upheld"
    commit_or_flash(lambda: services.decide_protest(current_user, protest, upheld=upheld,
                                                    decision=request.form.get("decision", "")),
                    "Protest upheld: the evaluation is reopened." if upheld else "Protest denied; the protester is told.")
    return _back(s)


# ----------------------------------------------------------------------------- bidders and the public
@bp.route("/solicitations/<number>/award")
def notice(number: str):
    """The public notice of intent to award / award."""
    s = load_visible(number)
    recommendation = services.current_recommendation(s)
    if recommendation is None or recommendation.intent_issued_at is None:
        abort(404)
    return _render_notice(s, recommendation)


def _render_notice(s: Solicitation, recommendation, status: int = 200, **context):
    own_bid = None
    if current_user.is_authenticated and current_user.organization.is_vendor:
        own_bid = db.session.scalar(select(Bid).where(Bid.solicitation_id == s.id,
                                                      Bid.vendor_id == current_user.organization_id,
                                                      Bid.opened_at.is_not(None)))
    from app.contracts.models import Contract

    contracts = db.session.scalars(select(Contract).where(Contract.solicitation_id == s.id)
                                   .order_by(Contract.number)).all()
    return render_template("awards/notice.html", s=s, recommendation=recommendation, own_bid=own_bid,
                           contracts=contracts, **context), status


@bp.route("/solicitations/<number>/award.pdf")
def notice_pdf(number: str):
    from app.awards.pdf import render_award_notice_pdf
    from app.bids.opening import opened_bids

    s = load_visible(number)
    recommendation = services.current_recommendation(s)
    if recommendation is None or recommendation.intent_issued_at is None:
        abort(404)
    body = render_award_notice_pdf(s, recommendation, opened_bids(s))
    return send_cached(body, mimetype="application/pdf", filename=f"{number}-award-notice.pdf", scope="public")


@bp.route("/solicitations/<number>/protest", methods=["POST"])
@login_required
def protest(number: str):
    s = load_visible(number)
    forbid_unless(current_user.organization.is_vendor)
    if not ActionForm().validate_on_submit():
        abort(400)
    grounds = request.form.get("grounds", "")
    done = commit_or_flash(lambda: services.file_protest(current_user, s, grounds),
                           "Protest filed. The agency decides it and you will be told by e-mail; the award waits.",
                           show_refusal=False)
    if not done:
        recommendation = services.current_recommendation(s)
        if recommendation is None or recommendation.intent_issued_at is None:
            abort(404)
        # Long grounds are not lost: the notice page comes back with them and the reason.
        return _render_notice(s, recommendation, 422, grounds=grounds, protest_error=done.refusal)
    return redirect(url_for("awards.notice", number=number))


@bp.route("/solicitations/<number>/debriefing")
@login_required
def debriefing(number: str):
    """After the award, each bidder sees its own scores and rank (and nobody else's)."""
    s = load_visible(number)
    forbid_unless(current_user.organization.is_vendor)
    if s.status != SolicitationStatus.AWARDED:
        abort(404)
    bid = db.session.scalar(select(Bid).where(Bid.solicitation_id == s.id, Bid.vendor_id == current_user.organization_id,
                                              Bid.opened_at.is_not(None)))
    if bid is None:
        abort(404)
    res = results(s)
    mine = next((r for r in res.ranked if r.key == bid.id), None)
    recommendation = services.current_recommendation(s)
    awarded = sorted(recommendation.bids if recommendation else [], key=lambda b: b.vendor.name)
    return render_template("awards/debriefing.html", s=s, bid=bid, res=res, mine=mine, awarded=awarded,
                           is_winner=bid in awarded)


def _protest_status_label(protest: Protest) -> str:
    return protest.status.label


bp.add_app_template_filter(_protest_status_label, "protest_status")
