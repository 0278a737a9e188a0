"""A joined agency's purchases against a contract: its list, the one-by-one form, the CSV
upload (what was imported and what was refused, by line) and the CSV template."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.contracts import purchase_files
from app.contracts import purchases as services
from app.contracts.models import Contract
from app.contracts.participation_forms import PurchaseForm, PurchaseUploadForm
from app.contracts.participation_views import load_contract
from app.core.files import read_upload
from app.core.numbers import page_arg
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import AGENCY_STAFF, Role
from app.core.templating import format_unit_price
from app.core.web import commit_or_flash, show_domain_error

bp = Blueprint("purchases", __name__)


def _load(number: str) -> Contract:
    contract = load_contract(number)
    forbid_unless(services.can_view_purchases(current_user, contract))
    return contract


def _line_choices(contract: Contract) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(line.position), f"{line.position}. {line.description} ({line.unit}, contract price "
                                                f"{format_unit_price(line.unit_price)})") for line in contract.lines]


def _render(contract: Contract, form: PurchaseForm, upload_form: PurchaseUploadForm, status: int = 200, **context):
    page = services.agency_purchases(contract, current_user.organization_id, page_arg())
    return render_template("contracts/purchases.html", c=contract, form=form, upload_form=upload_form, page=page,
                           can_record=services.can_record(current_user, contract), headers=purchase_files.CSV_HEADERS,
                           **context), status


def _purchase_form(contract: Contract) -> PurchaseForm:
    form = PurchaseForm()
    for entry in form.items.entries:
        entry.form.line.choices = _line_choices(contract)
    return form


@bp.route("/contracts/<number>/purchases", methods=["GET", "POST"])
@roles_required(*AGENCY_STAFF, Role.BUYER)
def index(number: str):
    contract = _load(number)
    form = _purchase_form(contract)
    if request.method == "GET":
        return _render(contract, form, PurchaseUploadForm())
    forbid_unless(services.can_record(current_user, contract))
    if not form.validate_on_submit():
        return _render(contract, form, PurchaseUploadForm(), 422)
    items = [services.ItemInput(*parsed) for entry in form.items.entries if (parsed := entry.form.parsed())]
    done = commit_or_flash(lambda: services.record_purchase(
        current_user, contract, po_number=form.po_number.data, ordered_on=form.ordered_on.day,
        amount=form.amount.amount, items=items), show_refusal=False)
    if not done:
        if done.refusal.field == "items":
            form.items.entries[0].form.line.errors = [done.refusal.message]
        else:
            show_domain_error(form, done.refusal)
        return _render(contract, form, PurchaseUploadForm(), 422)
    recorded = done.value
    flash(f"Purchase order {recorded.purchase.po_number} recorded.", "success")
    for warning in recorded.warnings:
        flash(warning, "warning")
    return redirect(url_for("purchases.index", number=number))


@bp.route("/contracts/<number>/purchases/upload", methods=["POST"])
@roles_required(Role.BUYER, Role.AGENCY_ADMIN)
def upload(number: str):
    contract = _load(number)
    forbid_unless(services.can_record(current_user, contract))
    upload_form = PurchaseUploadForm()
    if not upload_form.validate_on_submit():
        return _render(contract, _purchase_form(contract), upload_form, 422)
    file = request.files.get("file")
    data, _ = read_upload(file, purchase_files.MAX_CSV_BYTES) if file else (b"", 0)
    done = commit_or_flash(lambda: purchase_files.import_purchases_csv(current_user, contract,
                                                                       file.filename if file else None, data),
                           form=upload_form)
    if not done:
        return _render(contract, _purchase_form(contract), upload_form, 422)
    # The page shows what was imported and what was refused, by line: nothing is lost silently.
    return _render(contract, _purchase_form(contract), PurchaseUploadForm(), result=done.value)


@bp.route("/contracts/<number>/purchases/template.csv")
@roles_required(*AGENCY_STAFF, Role.BUYER)
def template(number: str):
    contract = _load(number)
    return Response(purchase_files.template_csv(contract), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{contract.number}-purchases.csv"'})
