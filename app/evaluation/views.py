"""Evaluation pages: the officer names the committee; each member signs the conflict-of-interest
statement, then scores on one sheet; the chair closes scoring and records consensus; staff see
the results and the report (page and PDF)."""
from __future__ import annotations


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.accounts.models import User
from app.bids.models import Bid
from app.core.errors import DomainError
from app.core.numbers import NumberError, numeric_limit, parse_id, read_decimal
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import AGENCY_STAFF, Role
from app.core.web import commit_or_flash
from app.evaluation import report_files, services
from app.evaluation.forms import AttestationForm, CommitteeForm
from app.evaluation.report import EvaluationReport, build_report
from app.extensions import db
from app.solicitations.models import EvaluationCriterion, Solicitation, SolicitationStatus
from app.solicitations.staff_views import load_for_staff

bp = Blueprint("evaluation", __name__)
MAX_POINTS = numeric_limit(6, 2)  # ConsensusScore.points; the service checks the criterion's own maximum

EVALUATION_STATUSES = (SolicitationStatus.OPENED, SolicitationStatus.UNDER_EVALUATION,
                       SolicitationStatus.INTENT_TO_AWARD, SolicitationStatus.AWARDED)


def _load(solicitation_id: int) -> Solicitation:
    s = load_for_staff(solicitation_id)  # another agency's solicitation: 404, as if missing
    if s.status not in EVALUATION_STATUSES:
        abort(404)
    return s


def _is_officer(s: Solicitation) -> bool:
    return s.can_manage(current_user)


def _committee_form(s: Solicitation, formdata=None) -> CommitteeForm:  # noqa: ANN001
    form = CommitteeForm(formdata=formdata) if formdata is not None else CommitteeForm()
    people = db.session.scalars(select(User).where(User.organization_id == s.agency_id, User.active)
                                .order_by(User.name)).all()
    choices = [(u.id, u.name) for u in people if u.has_role(Role.EVALUATOR)]
    form.evaluators.choices = choices
    form.chair.choices = [(0, "Choose the chair")] + choices
    if formdata is None and request.method == "GET":
        current = services.members(s)
        form.evaluators.data = [m.user_id for m in current if m.excluded_at is None]
        form.chair.data = next((m.user_id for m in current if m.is_chair), 0)
    return form


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation", methods=["GET", "POST"])
@roles_required(*AGENCY_STAFF)
def overview(solicitation_id: int):
    s = _load(solicitation_id)
    form = _committee_form(s)
    if request.method == "POST":
        forbid_unless(_is_officer(s))
        if form.validate_on_submit():
            if commit_or_flash(lambda: services.name_committee(current_user, s, form.evaluators.data or [],
                                                              form.chair.data),
                               "Committee named. Each member signs the conflict-of-interest statement before "
                               "scoring.", form=form):
                return redirect(url_for("evaluation.overview", solicitation_id=s.id))
    return _render_overview(s, form)


def _render_overview(s: Solicitation, form: CommitteeForm, status: int = 200, **context):
    member = services.member_for(s, current_user)
    evaluation = services.evaluation_for(s)
    # While scoring is open, the officer sees who has scored, not the scores (independence); the
    # ranking is shown only to those who may read the proposals.
    may_see = services.can_see_proposals(current_user, s)
    res = services.results(s) if may_see and services.ranking_ready(s, evaluation) else None
    context.setdefault("consensus_typed", {"bid_id": None, "criterion_id": None, "points": "", "reason": ""})
    return render_template("evaluation/overview.html", s=s, form=form, member=member, evaluation=evaluation,
                           committee=services.members(s), res=res, is_officer=_is_officer(s), may_see_proposals=may_see,
                           attest_form=AttestationForm(), action_form=ActionForm(),
                           statement=services.ATTESTATION_TEXT, **context), status


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/attest", methods=["POST"])
@roles_required(Role.EVALUATOR)
def attest(solicitation_id: int):
    s = _load(solicitation_id)
    form = AttestationForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.attest(current_user, s, has_conflict=form.answer.data == "conflict",
                                                disclosure=form.disclosure.data or ""),
                        "Statement recorded." if form.answer.data == "none"
                        else "Conflict declared: you are excluded from this evaluation.")
    else:
        flash("Choose whether you have a conflict of interest.", "danger")
    return redirect(url_for("evaluation.overview", solicitation_id=s.id))


def _parse_sheet(s: Solicitation, bids: list[Bid], criteria: list[EvaluationCriterion]):
    entries, errors, typed = [], {}, {}
    for bid in bids:
        for c in criteria:
            name = f"score-{bid.id}-{c.id}"
            raw = request.form.get(name, "").strip()
            typed[name] = raw
            comment = request.form.get(f"comment-{bid.id}-{c.id}", "")[:2000]
            typed[f"comment-{bid.id}-{c.id}"] = comment
            if not raw:
                continue
            try:
                points = read_decimal(raw, minimum=0, maximum=c.points, places=2, what="points", example="12.5")
            except NumberError as refused:
                errors[name] = (f"From 0 to {c.points.normalize():f}." if refused.kind in ("low", "high")
                                else "Enter a number with at most 2 decimals." if refused.kind == "places"
                                else "Enter a number.")
                continue
            entries.append((bid, c, points, comment))
    return entries, errors, typed


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/scores", methods=["GET", "POST"])
@roles_required(Role.EVALUATOR)
def score_sheet(solicitation_id: int):
    s = _load(solicitation_id)
    member = services.member_for(s, current_user)
    if member is None or not member.may_see_proposals:
        abort(403)  # no proposal before the statement; none at all for an excluded member
    bids = services.scorable_bids(s)
    criteria = services.technical_criteria(s)
    own = services.own_scores(s, current_user)
    typed = {f"score-{b}-{c}": f"{sc.points.normalize():f}" for (b, c), sc in own.items()}
    typed.update({f"comment-{b}-{c}": sc.comment for (b, c), sc in own.items()})
    errors: dict[str, str] = {}
    if request.method == "POST" and ActionForm().validate_on_submit():
        entries, errors, typed = _parse_sheet(s, bids, criteria)
        if not errors and entries:
            if commit_or_flash(lambda: services.record_scores(current_user, s, entries),
                               f"{len(entries)} score{'s' if len(entries) != 1 else ''} saved."):
                return redirect(url_for("evaluation.score_sheet", solicitation_id=s.id))
        elif errors:
            flash("Some scores are out of range; nothing was saved. Correct the marked cells.", "danger")
    evaluation = services.evaluation_for(s)
    return render_template("evaluation/score_sheet.html", s=s, bids=bids, criteria=criteria, typed=typed,
                           errors=errors, action_form=ActionForm(), evaluation=evaluation,
                           member=member), 422 if errors else 200


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/close", methods=["POST"])
@roles_required(Role.EVALUATOR)
def close_scoring(solicitation_id: int):
    s = _load(solicitation_id)
    if ActionForm().validate_on_submit():
        commit_or_flash(lambda: services.close_scoring(current_user, s),
                        "Scoring closed. The committee's scores are now visible to the committee and staff.")
    return redirect(url_for("evaluation.overview", solicitation_id=s.id))


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/consensus", methods=["POST"])
@roles_required(Role.EVALUATOR)
def consensus(solicitation_id: int):
    s = _load(solicitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    bid = db.session.get(Bid, parse_id(request.form.get("bid_id")) or 0)
    criterion = db.session.get(EvaluationCriterion, parse_id(request.form.get("criterion_id")) or 0)
    if bid is None or criterion is None or bid.solicitation_id != s.id or criterion.solicitation_id != s.id:
        abort(404)
    typed = {"bid_id": bid.id, "criterion_id": criterion.id, "points": request.form.get("points", "").strip(),
             "reason": request.form.get("reason", "")}

    def record():
        try:
            points = read_decimal(typed["points"], minimum=0, maximum=MAX_POINTS, places=2,
                                  what="consensus points", example="12.5")
        except NumberError as refused:
            raise DomainError("Enter the consensus points as a number." if refused.kind == "format"
                              else f"{str(refused)[0].upper()}{str(refused)[1:]}.", field="points") from None
        services.record_consensus(current_user, s, bid, criterion, points, typed["reason"])

    done = commit_or_flash(record, f"Consensus recorded for {bid.vendor.name}, {criterion.name}.",
                           show_refusal=False)
    if not done:
        # The page again, with what the chair typed and the reason for the refusal beside the field.
        return _render_overview(s, _committee_form(s), 422, consensus_typed=typed, consensus_error=done.refusal)
    return redirect(url_for("evaluation.overview", solicitation_id=s.id, _anchor="consensus"))


def _report_access(solicitation_id: int) -> Solicitation:
    s = _load(solicitation_id)
    evaluation = services.evaluation_for(s)
    if not services.ranking_ready(s, evaluation):
        abort(404)  # scores stay independent until the chair closes scoring
    forbid_unless(services.can_see_proposals(current_user, s))
    return s


def _report(solicitation_id: int) -> tuple[Solicitation, EvaluationReport]:
    s = _report_access(solicitation_id)
    from app.awards.services import current_recommendation

    return s, build_report(services.results(s), current_recommendation(s))


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/report")
@roles_required(*AGENCY_STAFF)
def report(solicitation_id: int):
    s, report = _report(solicitation_id)
    return render_template("evaluation/report.html", s=s, report=report)


@bp.route("/agency/solicitations/<int:solicitation_id>/evaluation/report.pdf")
@roles_required(*AGENCY_STAFF)
def report_pdf(solicitation_id: int):
    """The stored report, checked against its SHA-256 (report_files). Out of date or not built
    yet: a small evaluation's is built here; a large one's by the scheduler, meanwhile a page
    says so (202)."""
    s = _report_access(solicitation_id)
    found = report_files.read_current(s)
    if found is None:
        if not report_files.builds_inline(s):
            return render_template("evaluation/report_preparing.html", s=s), 202
        found = commit_or_flash(lambda: report_files.build_report_file(s)).value
    stored, body = found
    response = Response(body, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{stored.filename}"'})
    response.set_etag(stored.sha256)
    response.last_modified = stored.built_at
    response.cache_control.private = True
    response.cache_control.no_cache = True  # asked again each time: the report changes with the evaluation
    return response.make_conditional(request)
