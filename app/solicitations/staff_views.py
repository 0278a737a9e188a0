"""Lead-agency staff pages: drafting, approval, publication, answers, addenda, notices, demand."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.accounts.forms import ActionForm
from app.accounts.models import Organization
from app.accounts.typeahead import SUGGEST_RATE_LIMIT, NameFilter, read_name_choice, suggestions
from app.core.errors import DomainError
from app.core.files import check_upload
from app.core.numbers import NumberError, page_arg, parse_id, read_decimal
from app.core.permissions import forbid_unless, get_or_404, roles_required
from app.core.roles import AGENCY_STAFF, Role
from app.core.web import commit_or_flash
from app.extensions import db, limiter
from app.solicitations import drafting, lifecycle, services
from app.solicitations.blueprint import bp
from app.solicitations.communications import Question
from app.solicitations.forms import (
    BLANK_ROWS,
    MAX_QUANTITY,
    AddendumForm,
    AddNoticeForm,
    AnswerForm,
    DemandInviteForm,
    NewSolicitationForm,
    NoteForm,
    ReasonForm,
    SolicitationForm,
)
from app.solicitations.models import (
    Category,
    DemandInvitation,
    NoticeMedium,
    PriceFormula,
    ProcurementCategory,
    Solicitation,
    SolicitationStatus,
    SolicitationType,
)
from app.solicitations.queries import participant_agencies

OFFICERS = (Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)


def load_for_staff(solicitation_id: int) -> Solicitation:
    """The solicitation, for its own agency's staff. Anyone else gets 404, as for an id that does
    not exist: another agency's ids (drafts included) are not confirmed by a different answer."""
    solicitation = db.session.get(Solicitation, solicitation_id)
    if solicitation is None or not solicitation.is_staff(current_user):
        abort(404)
    return solicitation


def _staff_page(solicitation: Solicitation, anchor: str | None = None) -> str:
    return url_for("solicitations.manage", solicitation_id=solicitation.id, _anchor=anchor)


@bp.route("/agency/solicitations/")
@roles_required(*AGENCY_STAFF)
def staff_index():
    status = request.args.get("status", "")
    query = select(Solicitation).where(Solicitation.agency_id == current_user.organization_id)
    if status in SolicitationStatus.__members__.values():
        query = query.where(Solicitation.status == status)
    page = db.paginate(query.order_by(Solicitation.created_at.desc()), page=page_arg(), per_page=25, error_out=False)
    return render_template("solicitations/staff_index.html", page=page, status=status,
                           statuses=list(SolicitationStatus))


@bp.route("/agency/solicitations/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def new():
    form = NewSolicitationForm()
    if form.validate_on_submit():
        done = commit_or_flash(lambda: services.create_solicitation(
            current_user, type_=SolicitationType(form.type.data), title=form.title.data),
            lambda created: f"Draft {created.number} created. Fill in the details and save.", form=form)
        if done:
            return redirect(url_for("solicitations.edit", solicitation_id=done.value.id))
    return render_template("solicitations/new.html", form=form)


def _form_data(s: Solicitation) -> dict[str, Any]:
    local = lambda dt: s.local(dt).replace(tzinfo=None) if dt else None  # noqa: E731
    blank = [{}] * BLANK_ROWS
    return {
        **{name: getattr(s, name) for name in (
            "title", "summary", "scope_md", "terms_md", "estimated_value", "initial_term_years",
            "renewal_options", "renewal_term_years", "required_documents", "bid_bond_percent",
            "cooperative", "cooperative_clause", "eligible_agency_types", "admin_fee_percent",
            "prebid_conference_location", "opening_location")},
        "eligible_states": ", ".join(s.eligible_states or []),
        "procurement_category": s.procurement_category.value,
        "categories": [c.id for c in s.categories],
        **{name: local(getattr(s, name)) for name in ("publish_at", "questions_due_at",
                                                       "prebid_conference_at", "due_at")},
        "criteria": [{"name": c.name, "description": c.description, "points": c.points,
                      "is_price": c.is_price} for c in s.criteria] + blank,
        "items": [{"description": i.description, "unit": i.unit,
                   "estimated_quantity": i.estimated_quantity} for i in s.items] + blank,
        "notices": [{"medium": n.medium.value, "outlet": n.outlet, "published_on": n.published_on}
                    for n in s.notices] + blank,
    }


@bp.route("/agency/solicitations/<int:solicitation_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def edit(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    if not solicitation.can_edit(current_user):
        flash("Only a draft can be edited. A published solicitation changes through an addendum.", "warning")
        return redirect(_staff_page(solicitation))
    tz = solicitation.agency.timezone
    if request.method == "POST":
        form = SolicitationForm(timezone_name=tz)
    else:
        form = SolicitationForm(data=_form_data(solicitation), timezone_name=tz, formdata=None)
    form.categories.choices = [(c.id, str(c)) for c in
                               db.session.scalars(select(Category).order_by(Category.code))]
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.save_draft(current_user, solicitation, **_draft_values(form)), form=form):
            missing = form.partial and lifecycle.problems_for(solicitation, SolicitationStatus.PENDING_APPROVAL,
                                                              current_user)
            flash("Draft saved. It is not complete yet: what it still needs is listed under “Submit for "
                  "approval”." if missing else "Draft saved.", "success")
            return redirect(_staff_page(solicitation))
    return render_template("solicitations/edit.html", s=solicitation, form=form)


def _draft_values(form: SolicitationForm) -> dict[str, Any]:
    fields = {name: form[name].data for name in (
        "title", "summary", "scope_md", "terms_md", "estimated_value", "initial_term_years",
        "renewal_options", "renewal_term_years", "required_documents", "bid_bond_percent",
        "cooperative", "cooperative_clause", "eligible_agency_types", "admin_fee_percent",
        "prebid_conference_location", "opening_location")}
    fields.update({name: form.utc(form[name].data) for name in (
        "publish_at", "questions_due_at", "prebid_conference_at", "due_at")})
    for name, default in (("initial_term_years", 1), ("renewal_options", 0), ("renewal_term_years", 1)):
        if fields[name] is None:  # left blank in a draft saved to finish later
            fields[name] = default
    fields["eligible_states"] = form.state_codes()
    fields["procurement_category"] = ProcurementCategory(form.procurement_category.data)
    fields["cooperative_clause"] = (fields["cooperative_clause"] or "").strip()
    for name in ("summary", "scope_md", "terms_md"):
        fields[name] = fields[name] or ""  # a control missing from the request is empty, not NULL
    return {
        "fields": fields,
        "category_ids": form.categories.data,
        "criteria": [{"name": r.name.data.strip(), "description": (r.description.data or "").strip(),
                      "points": r.points.data, "is_price": r.is_price.data,
                      "price_formula": PriceFormula.LOWEST_OVER_THIS if r.is_price.data else None}
                     for r in form.filled(form.criteria)],
        "items": [{"description": r.description.data.strip(), "unit": r.unit.data.strip(),
                   "estimated_quantity": r.estimated_quantity.data} for r in form.filled(form.items)],
        "notices": [{"medium": NoticeMedium(r.medium.data), "outlet": r.outlet.data.strip(),
                     "published_on": r.published_on.data} for r in form.filled(form.notices)],
    }


@bp.route("/agency/solicitations/<int:solicitation_id>")
@roles_required(*AGENCY_STAFF)
def manage(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    return _render_manage(solicitation)


def _render_manage(solicitation: Solicitation, status: int = 200, **forms: Any):
    # bids and evaluation build on solicitations, not the other way round
    from app.bids.opening import bid_count
    from app.evaluation.services import can_see_proposals

    tz = solicitation.agency.timezone
    invite_field = forms.get("invite_field") or _invite_field(solicitation, read=False)
    invitations = db.session.scalars(select(DemandInvitation).where(
        DemandInvitation.solicitation_id == solicitation.id)).all()
    transitions = lifecycle.available_transitions(solicitation, current_user)
    problems = {t.target: lifecycle.problems_for(solicitation, t.target, current_user, reason="x")
                for t in transitions}
    return render_template(
        "solicitations/manage.html", s=solicitation, tz=tz, transitions=transitions, problems=problems,
        volume=services.estimated_volume(solicitation), invitations=invitations,
        addendum_form=forms.get("addendum_form") or AddendumForm(),
        notice_form=forms.get("notice_form") or AddNoticeForm(),
        reason_form=forms.get("reason_form") or ReasonForm(), note_form=NoteForm(),
        invite_form=forms.get("invite_form") or DemandInviteForm(), invite_field=invite_field,
        answer_form=AnswerForm(), action_form=ActionForm(),
        Status=SolicitationStatus, bid_count=bid_count(solicitation) if solicitation.published_at else None,
        may_see_proposals=can_see_proposals(current_user, solicitation),
    ), status


@bp.route("/agency/solicitations/<int:solicitation_id>/status/<target>", methods=["POST"])
@roles_required(*AGENCY_STAFF)
def change_status(solicitation_id: int, target: str):
    solicitation = load_for_staff(solicitation_id)
    try:
        to = SolicitationStatus(target)
    except ValueError:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_status(current_user, solicitation, to, reason=request.form.get("reason", ""),
                               note=request.form.get("note", ""))
    except lifecycle.TransitionError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.problems]), "danger")
        return redirect(_staff_page(solicitation))
    db.session.commit()
    flash(f"{solicitation.number} is now {to.label.lower()}.", "success")
    return redirect(_staff_page(solicitation))


@bp.route("/agency/solicitations/<int:solicitation_id>/questions/<int:question_id>/answer", methods=["POST"])
@roles_required(*OFFICERS)
def answer(solicitation_id: int, question_id: int):
    solicitation = load_for_staff(solicitation_id)
    question = get_or_404(Question, question_id)
    if question.solicitation_id != solicitation.id:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.answer_question(current_user, question, form.answer.data),
                        "Answer published to every vendor.")
    else:
        flash("Write the answer before publishing it.", "danger")
    return redirect(_staff_page(solicitation, "questions"))


@bp.route("/agency/solicitations/<int:solicitation_id>/addenda", methods=["POST"])
@roles_required(*OFFICERS)
def issue_addendum(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    form = AddendumForm()
    if form.validate_on_submit():
        tz = SolicitationForm(formdata=None, timezone_name=solicitation.agency.timezone)
        if commit_or_flash(lambda: services.issue_addendum(
                current_user, solicitation, title=form.title.data, body_md=form.body_md.data,
                new_due_at=tz.utc(form.new_due_at.data), new_questions_due_at=tz.utc(form.new_questions_due_at.data)),
                lambda addendum: f"Addendum {addendum.number} issued; followers have been notified.", form=form):
            return redirect(_staff_page(solicitation, "addenda"))
    return _render_manage(solicitation, 200, addendum_form=form)


@bp.route("/agency/solicitations/<int:solicitation_id>/notices", methods=["POST"])
@roles_required(*OFFICERS)
def add_notice(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    form = AddNoticeForm()
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.add_notice(current_user, solicitation, medium=NoticeMedium(form.medium.data),
                                                       outlet=form.outlet.data.strip(),
                                                       published_on=form.published_on.data),
                           "Notice recorded.", form=form):
            return redirect(_staff_page(solicitation, "notices"))
    return _render_manage(solicitation, 200, notice_form=form)


def _invite_field(solicitation: Solicitation, *, read: bool = True) -> NameFilter:
    """The type-ahead field naming the agency to ask for quantities (never a list of every agency)."""
    scope = participant_agencies(solicitation)
    url = url_for("solicitations.suggest_participant", solicitation_id=solicitation.id)
    return read_name_choice("agency", scope, url) if read else NameFilter("agency", scope, url)


@bp.route("/agency/solicitations/<int:solicitation_id>/demand", methods=["POST"])
@roles_required(*OFFICERS)
def invite_demand(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    form = DemandInviteForm()
    field = _invite_field(solicitation)
    if form.validate_on_submit():
        # The field's id (chosen from the suggestions or the radio buttons), or several `agencies`.
        ids = {i for i in map(parse_id, request.form.getlist("agency") + request.form.getlist("agencies")) if i}
        ids |= {field.id} if field.id else set()
        agencies = db.session.scalars(select(Organization).where(Organization.id.in_(ids),
                                                                 field.scope.holds())).all() if ids else []
        if agencies:
            if commit_or_flash(lambda: services.invite_demand(current_user, solicitation, list(agencies)),
                               lambda count: f"{count} agenc{'y' if count == 1 else 'ies'} asked for their "
                                             "quantities.", form=form):
                return redirect(_staff_page(solicitation, "demand"))
        elif not field.message:
            field = replace(field, message="Type the name of the agency to ask for its quantities." if not ids
                            else "You chose no agency on CoopBid.")
    return _render_manage(solicitation, 200, invite_form=form, invite_field=field)


@bp.get("/api/v1/agency/solicitations/<int:solicitation_id>/suggest/participant")
@roles_required(*OFFICERS)
@limiter.limit(SUGGEST_RATE_LIMIT)
def suggest_participant(solicitation_id: int):
    """The type-ahead suggestions of the agency to ask for quantities (JSON)."""
    solicitation = load_for_staff(solicitation_id)
    forbid_unless(solicitation.can_manage(current_user))
    return suggestions(participant_agencies(solicitation))


@bp.route("/agency/solicitations/<int:solicitation_id>/documents", methods=["POST"])
@roles_required(*OFFICERS)
def upload_document(solicitation_id: int):
    solicitation = load_for_staff(solicitation_id)
    forbid_unless(solicitation.can_manage(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    if solicitation.status not in (SolicitationStatus.DRAFT, SolicitationStatus.PENDING_APPROVAL,
                                   SolicitationStatus.APPROVED):
        flash("Documents of a published solicitation are added through an addendum.", "warning")
        return redirect(_staff_page(solicitation, "documents"))
    upload = request.files.get("file")
    title = (request.form.get("title") or "").strip()[:200]
    try:
        checked = check_upload(upload.filename if upload else None, upload.read() if upload else b"",
                               allowed={"pdf", "docx", "xlsx"},
                               max_bytes=current_app.config["MAX_DOCUMENT_BYTES"])
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(_staff_page(solicitation, "documents"))
    commit_or_flash(lambda: drafting.add_document(current_user, solicitation, checked, title),
                    lambda document: f"{document.filename} uploaded.")
    return redirect(_staff_page(solicitation, "documents"))


def parse_quantities(solicitation: Solicitation, formdata: MultiDict) -> tuple[dict[int, Decimal], dict[int, str]]:
    """Quantities per price-sheet item from `qty-<item id>` fields; blank means none."""
    quantities: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for item in solicitation.items:
        raw = formdata.get(f"qty-{item.id}") or ""
        if not raw.strip():
            continue
        try:
            quantities[item.id] = read_decimal(raw, minimum=0, maximum=MAX_QUANTITY, places=3, what="quantity",
                                               example="250")
        except NumberError as refused:
            errors[item.id] = {"format": "Enter a number, like 250.", "low": "Enter zero or a positive number.",
                               "high": f"Enter at most {MAX_QUANTITY:,}.",
                               "places": "Use at most three decimal places."}[refused.kind]
    return quantities, errors
