"""Public pages (no sign-in) and the vendor actions on them: questions, follows, acknowledgements."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.accounts.typeahead import SUGGEST_RATE_LIMIT, read_name_filter, suggestions
from app.core.geo import US_STATES
from app.core.http_cache import send_cached
from app.core.numbers import id_arg, page_arg, parse_id, parse_whole
from app.core.permissions import forbid_unless, get_or_404
from app.core.templating import format_number
from app.core.web import commit_or_flash, public_url, send_verified
from app.extensions import db, limiter
from app.solicitations import services
from app.solicitations.blueprint import bp
from app.solicitations.communications import Addendum, Follow
from app.solicitations.exports import solicitation_ics
from app.solicitations.forms import QuestionForm
from app.solicitations.models import (
    Category,
    DemandInvitation,
    Solicitation,
    SolicitationDocument,
    SolicitationStatus,
)
from app.solicitations.pdf import render_solicitation_pdf
from app.solicitations.queries import PUBLIC_AGENCIES, PUBLIC_LIST_STATUSES, OpenFilters, open_solicitations


# Statuses in which the notice of intent to award (then the award notice) is public.
AWARD_NOTICE_STATUSES = (SolicitationStatus.INTENT_TO_AWARD, SolicitationStatus.AWARDED)


def load_visible(number: str) -> Solicitation:
    """Load by number, then authorise: the public sees only advertised solicitations."""
    solicitation = db.session.scalar(select(Solicitation).where(Solicitation.number == number))
    if solicitation is None or not solicitation.can_view(current_user):
        abort(404)  # a draft's existence is not disclosed
    return solicitation


@bp.route("/solicitations/")
def index():
    agency = read_name_filter("agency", PUBLIC_AGENCIES, url_for("solicitations.suggest_agency"))
    filters = OpenFilters(
        q=request.args.get("q", "").strip()[:200],
        category_id=id_arg("category"),
        agency_id=agency.id,
        state=request.args.get("state", "") if request.args.get("state", "") in US_STATES else "",
        closing_within_days=parse_whole(request.args.get("closing", ""), maximum=3650),
        status=request.args.get("status", "") if request.args.get("status", "") in PUBLIC_LIST_STATUSES else "open",
    )
    page = db.paginate(open_solicitations(filters), page=page_arg(), per_page=20, error_out=False)
    categories = db.session.scalars(select(Category).order_by(Category.code)).all()
    winners = {}
    if not filters.is_open:  # one query for the page: who won the awarded ones
        from app.awards.queries import issued_awards  # awards build on solicitations

        winners = {sid: sorted(names.values()) for sid, names in issued_awards(
            [s.id for s in page.items if s.status in AWARD_NOTICE_STATUSES]).items()}
    return render_template("solicitations/index.html", page=page, filters=filters, categories=categories,
                           agency_filter=agency, states=US_STATES, list_statuses=PUBLIC_LIST_STATUSES,
                           winners=winners)


@bp.get("/api/v1/solicitations/suggest/agency")
@limiter.limit(SUGGEST_RATE_LIMIT)
def suggest_agency():
    """The type-ahead suggestions of the public list's agency filter (JSON)."""
    return suggestions(PUBLIC_AGENCIES)


@bp.route("/solicitations/<number>")
def detail(number: str):
    # No CSRF token for a visitor who is not signed in (no form is theirs to send): the page stays
    # one copy for every visitor (app.core.http_cache) and no session is made.
    form = QuestionForm() if current_user.is_authenticated else QuestionForm(meta={"csrf": False})
    return _render_detail(load_visible(number), form)


def _render_detail(solicitation: Solicitation, question_form: QuestionForm, status: int = 200):
    vendor = current_user.is_authenticated and current_user.organization.is_vendor
    following = vendor and db.session.scalar(select(Follow.id).filter_by(
        user_id=current_user.id, solicitation_id=solicitation.id)) is not None
    pending = services.unacknowledged_addenda(current_user.organization_id, solicitation) if vendor else []
    from app.bids.models import Bid  # bids builds on solicitations, not the other way round

    has_bid = vendor and db.session.scalar(select(Bid.id).where(
        Bid.solicitation_id == solicitation.id, Bid.vendor_id == current_user.organization_id)) is not None
    recommendation, contracts = _award(solicitation)
    return render_template(
        "solicitations/detail.html", s=solicitation, volume=services.estimated_volume(solicitation),
        question_form=question_form, following=following,
        pending_addenda={a.id for a in pending}, is_vendor=vendor, has_bid=has_bid,
        recommendation=recommendation, contracts=contracts,
    ), status


def _award(solicitation: Solicitation) -> tuple[object | None, list]:
    """The issued notice of intent to award (or award) and the contracts it made: public."""
    if solicitation.status not in AWARD_NOTICE_STATUSES:
        return None, []
    from app.awards.services import current_recommendation  # awards build on solicitations
    from app.contracts.models import Contract

    recommendation = current_recommendation(solicitation)
    if recommendation is None or recommendation.intent_issued_at is None:
        return None, []
    contracts = db.session.scalars(select(Contract).where(Contract.solicitation_id == solicitation.id)
                                   .order_by(Contract.number)).all()
    return recommendation, list(contracts)


@bp.route("/solicitations/<number>/calendar.ics")
def calendar(number: str):
    solicitation = load_visible(number)
    body = solicitation_ics(solicitation, public_url("solicitations.detail", number=number))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{number}.ics"'})


@bp.route("/solicitations/<number>/document.pdf")
def pdf(number: str):
    solicitation = load_visible(number)
    body = render_solicitation_pdf(solicitation, services.estimated_volume(solicitation))
    return send_cached(body, mimetype="application/pdf", filename=f"{number}.pdf", scope="public")


@bp.route("/solicitations/<number>/documents/<int:document_id>")
def document(number: str, document_id: int):
    solicitation = load_visible(number)
    doc = get_or_404(SolicitationDocument, document_id)
    if doc.solicitation_id != solicitation.id:
        abort(404)
    return send_verified(doc, content_type=doc.content_type, scope="public")


@bp.route("/solicitations/<number>/questions", methods=["POST"])
@login_required
def ask(number: str):
    solicitation = load_visible(number)
    forbid_unless(current_user.organization.is_vendor)  # agency staff and admins do not ask
    form = QuestionForm()
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.ask_question(current_user, solicitation, form.body.data),
                           "Question sent. The answer will be published on this page for every vendor.", form=form):
            return redirect(url_for("solicitations.detail", number=number, _anchor="questions"))
    return _render_detail(solicitation, form)  # keeps the typed question, message beside it


@bp.route("/solicitations/<number>/<any(follow, unfollow):action>", methods=["POST"])
@login_required
def follow(number: str, action: str):
    solicitation = load_visible(number)
    forbid_unless(current_user.organization.is_vendor)
    if ActionForm().validate_on_submit():
        verb = services.follow if action == "follow" else services.unfollow
        verb(current_user, solicitation=solicitation)
        db.session.commit()
        flash("You will get e-mail about this solicitation." if action == "follow"
              else "You no longer follow this solicitation.", "success")
    return redirect(url_for("solicitations.detail", number=number))


@bp.route("/solicitations/<number>/addenda/<int:addendum_number>/acknowledge", methods=["POST"])
@login_required
def acknowledge(number: str, addendum_number: int):
    solicitation = load_visible(number)
    forbid_unless(current_user.organization.is_vendor)
    addendum = db.session.scalar(select(Addendum).filter_by(solicitation_id=solicitation.id,
                                                             number=addendum_number))
    if addendum is None or addendum.published_at is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.acknowledge_addendum(current_user, addendum)
        db.session.commit()
        flash(f"Addendum {addendum.number} acknowledged for {current_user.organization.name}.", "success")
    return redirect(url_for("solicitations.detail", number=number, _anchor="addenda"))


@bp.route("/vendor/follows", methods=["GET", "POST"])
@login_required
def follows():
    forbid_unless(current_user.organization.is_vendor)
    categories = db.session.scalars(select(Category).order_by(Category.code)).all()
    followed = set(db.session.scalars(select(Follow.category_id).where(
        Follow.user_id == current_user.id, Follow.category_id.is_not(None))))
    if request.method == "POST" and ActionForm().validate_on_submit():
        wanted = {i for i in map(parse_id, request.form.getlist("category")) if i is not None}
        by_id = {c.id: c for c in categories}
        for category_id in wanted - followed:
            if category_id in by_id:
                services.follow(current_user, category=by_id[category_id])
        for category_id in followed - wanted:
            services.unfollow(current_user, category=by_id[category_id])
        db.session.commit()
        flash("Your categories are saved. New solicitations in them will be e-mailed to you.", "success")
        return redirect(url_for("solicitations.follows"))
    solicitations = db.session.scalars(
        select(Solicitation).join(Follow, Follow.solicitation_id == Solicitation.id)
        .where(Follow.user_id == current_user.id).order_by(Solicitation.due_at.desc())).all()
    return render_template("solicitations/follows.html", categories=categories, followed=followed,
                           solicitations=solicitations, action_form=ActionForm())


@bp.route("/solicitations/demand/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def demand(invitation_id: int):
    """A participating agency states its intended quantities per price-sheet item."""
    from app.solicitations.staff_views import parse_quantities

    invitation = get_or_404(DemandInvitation, invitation_id)
    forbid_unless(services.can_respond_to_demand(current_user, invitation))
    solicitation = invitation.solicitation
    current = {e.item_id: format_number(e.quantity) for item in solicitation.items for e in item.demand
               if e.agency_id == invitation.agency_id}
    errors: dict[int, str] = {}
    if request.method == "POST" and ActionForm().validate_on_submit():
        quantities, errors = parse_quantities(solicitation, request.form)
        current = {item.id: request.form.get(f"qty-{item.id}", "") for item in solicitation.items}
        if not errors:
            if commit_or_flash(lambda: services.record_demand(current_user, invitation, quantities),
                               "Your quantities are recorded. Thank you."):
                return redirect(url_for("solicitations.demand", invitation_id=invitation_id))
    return render_template("solicitations/demand.html", invitation=invitation, s=solicitation,
                           current=current, errors=errors, action_form=ActionForm())
