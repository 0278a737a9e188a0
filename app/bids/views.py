"""Vendor pages (the bid form, receipts, my bids) and the public pages after the opening (bid
results, receipt verification). A vendor's URLs carry no bid id: each vendor reaches only its
own bid, by solicitation number."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.forms import ActionForm
from app.bids import deadline, drafts, opening, pdf, pricefiles, receipts, submission
from app.bids.blueprint import bp
from app.bids.forms import BidForm, VerifyReceiptForm, bid_form_class
from app.bids.models import Bid, BidDocument, BidStatus, BidVersion
from app.core.errors import DomainError
from app.core.files import check_upload, read_upload
from app.core.http_cache import send_cached
from app.core.numbers import page_arg
from app.core.permissions import forbid_unless
from app.core.roles import Role
from app.core.templating import price_input
from app.core.web import commit_or_flash, send_verified, show_domain_error
from app.extensions import db
from app.solicitations import services as solicitation_services
from app.solicitations.models import Solicitation
from app.solicitations.public_views import load_visible

DOCUMENT_TYPES = {"pdf", "xlsx", "docx", "png", "jpg", "jpeg"}
MY_BIDS_PER_PAGE = 25


def _require_vendor_user() -> None:
    forbid_unless(current_user.organization.is_vendor
                  and current_user.has_any_role(Role.VENDOR_ADMIN, Role.VENDOR_USER))


def _initial_data(s: Solicitation, draft: drafts.Draft) -> dict[str, object]:
    data: dict[str, object] = {"notes": draft.notes,
                               "attest_non_collusion": draft.attestations.get("non_collusion", False),
                               "attest_not_debarred": draft.attestations.get("not_debarred", False)}
    for item in s.items:
        price = draft.prices.get(item.id)
        data[f"price_{item.id}"] = price_input(price)
    return data


def _render_form(s: Solicitation, bid: Bid | None, form: BidForm, status: int = 200):
    draft = drafts.read_draft(bid)
    return render_template(
        "bids/form.html", s=s, bid=bid, form=form, action_form=ActionForm(),
        warnings=drafts.warnings(bid, s, draft) if s.accepting_bids else [],
        problems=drafts.blocking_problems(current_user.organization_id, s, draft),
        versions=list(reversed(bid.versions)) if bid else [],
    ), status


@bp.route("/solicitations/<number>/bid", methods=["GET", "POST"])
@login_required
def bid_form(number: str):
    s = load_visible(number)
    _require_vendor_user()
    bid = drafts.find_bid(current_user.organization_id, s)
    pending = solicitation_services.unacknowledged_addenda(current_user.organization_id, s)
    form_class = bid_form_class(s, pending)
    if request.method == "GET":
        return _render_form(s, bid, form_class(data=_initial_data(s, drafts.read_draft(bid))))
    if not s.accepting_bids:
        return _refuse_late(s, "save" if "submit" not in request.form else "submit")

    form = form_class()
    form.validate()  # per-field messages; what is valid is still saved
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        return _render_form(s, bid, form, 400)
    prices = {item.id: pricefiles.parse_unit_price(form[name].data or "")
              for item, name in form.price_fields if not form[name].errors}
    _apply_price_file(s, form, prices)
    uploads = _checked_uploads(form)
    acknowledge = [addendum for addendum, name in form.addendum_fields if form[name].data]
    notes = None if form.notes.errors else form.notes.data or ""  # None: invalid notes keep the saved ones
    has_errors = any(field.errors for field in form)
    try:
        bid = drafts.save_draft(current_user, s, prices=prices, notes=notes,
                                  attestations=form.attestations, uploads=uploads, acknowledge=acknowledge)
        if form.submit.data and not has_errors:
            version = submission.submit_bid(current_user, s)
    except deadline.BidsClosed:
        db.session.rollback()
        return _refuse_late(s, "submit" if form.submit.data else "save")
    except DomainError as exc:
        # Not submitted: keep the draft (what was valid) and say why.
        db.session.rollback()
        try:
            bid = drafts.save_draft(current_user, s, prices=prices, notes=notes,
                                      attestations=form.attestations, uploads=uploads, acknowledge=acknowledge)
        except deadline.BidsClosed:  # the deadline passed in between
            return _refuse_late(s, "submit")
        db.session.commit()
        flash(exc.message + " Your draft is saved.", "danger")
        return redirect(url_for("bids.bid_form", number=number))
    db.session.commit()
    if has_errors:
        flash("Saved what was valid. Correct the marked fields" +
              (" before submitting; the bid was not submitted." if form.submit.data else "."), "danger")
        return _render_form(s, bid, _with_saved_prices(form, prices), 422)
    if form.submit.data:
        flash(f"Bid {'received' if version.number == 1 else 'replaced'}: receipt {version.receipt_number}. "
              "A copy is on its way by e-mail.", "success")
        return redirect(url_for("bids.receipt", receipt_number=version.receipt_number))
    flash("Draft saved. It is sealed: nobody at the agency can see it. Submit it before the deadline.",
          "success")
    return redirect(url_for("bids.bid_form", number=number))


def _with_saved_prices(form: BidForm, prices: dict) -> BidForm:
    """Show prices taken from an uploaded file in their fields; typed values with errors stay."""
    for item, name in form.price_fields:
        if not form[name].errors and item.id in prices:
            form[name].data = price_input(prices[item.id])
    return form


def _apply_price_file(s: Solicitation, form: BidForm, prices: dict) -> None:
    upload = form.price_file.data
    if not upload or not getattr(upload, "filename", ""):
        return
    data = upload.read(current_app.config["MAX_BID_DOCUMENT_BYTES"] + 1)
    if len(data) > current_app.config["MAX_BID_DOCUMENT_BYTES"]:
        form.price_file.errors = [*form.price_file.errors, f"{upload.filename} is too large for a price sheet."]
        return
    try:
        parsed = pricefiles.parse_price_file(s, upload.filename, data)
    except DomainError as exc:
        form.price_file.errors = [*form.price_file.errors, exc.message]
        return
    prices.update(parsed.prices)
    for item, name in form.price_fields:
        if item.id in parsed.prices:
            form[name].errors = []  # the file's value replaces what was typed
    if parsed.errors:
        form.price_file.errors = [*form.price_file.errors, *parsed.errors]


def _checked_uploads(form: BidForm) -> list:
    uploads = []
    limit = current_app.config["MAX_BID_DOCUMENT_BYTES"]
    for requirement, name in form.document_fields:
        upload = form[name].data
        if not upload or not getattr(upload, "filename", ""):
            continue
        data, size = read_upload(upload, limit)
        try:
            uploads.append((requirement, check_upload(upload.filename, data, allowed=DOCUMENT_TYPES,
                                                      max_bytes=limit, field=name, size=size)))
        except DomainError as exc:
            form[name].errors = [*form[name].errors, exc.message]
    return uploads


def _refuse_late(s: Solicitation, attempted: str):
    """Late is late: nothing of the request is kept; the refusal is recorded."""
    db.session.rollback()
    deadline.record_late_refusal(current_user, s, attempted)
    db.session.commit()
    flash(deadline.BidsClosed(deadline.closed_message(s)).message, "danger")
    return redirect(url_for("bids.bid_form", number=s.number))


@bp.route("/solicitations/<number>/bid/withdraw", methods=["POST"])
@login_required
def withdraw(number: str):
    s = load_visible(number)
    _require_vendor_user()
    if not ActionForm().validate_on_submit():
        abort(400)
    if not s.accepting_bids:
        return _refuse_late(s, "withdraw")
    done = commit_or_flash(lambda: submission.withdraw_bid(current_user, s),
                           lambda version: f"Bid withdrawn: receipt {version.receipt_number}. You may submit again "
                                           "before the deadline.", show_refusal=False)
    if isinstance(done.refusal, deadline.BidsClosed):
        return _refuse_late(s, "withdraw")
    if not done:
        show_domain_error(None, done.refusal)
        return redirect(url_for("bids.bid_form", number=number))
    return redirect(url_for("bids.receipt", receipt_number=done.value.receipt_number))


def _own_document(number: str, document_id: int) -> tuple[Solicitation, Bid, BidDocument]:
    s = load_visible(number)
    _require_vendor_user()
    document = db.session.get(BidDocument, document_id)
    if document is None or document.bid.vendor_id != current_user.organization_id \
            or document.bid.solicitation_id != s.id:
        abort(404)  # another vendor's file does not exist, as far as this vendor can tell
    return s, document.bid, document


@bp.route("/solicitations/<number>/bid/documents/<int:document_id>")
@login_required
def own_document(number: str, document_id: int):
    _, _, document = _own_document(number, document_id)
    return _send_document(document)


@bp.route("/solicitations/<number>/bid/documents/<int:document_id>/remove", methods=["POST"])
@login_required
def remove_document(number: str, document_id: int):
    s, bid, document = _own_document(number, document_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not s.accepting_bids:
        return _refuse_late(s, "remove a document")
    commit_or_flash(lambda: drafts.remove_document(current_user, bid, document),
                    f"{document.filename} removed from your draft.")
    return redirect(url_for("bids.bid_form", number=number))


def _send_document(document: BidDocument):
    # A bid's file: sealed content, before the opening and after it, is kept by no cache.
    return send_verified(document, receipts.read_document(document), content_type=document.content_type,
                         scope="sealed")


@bp.route("/solicitations/<number>/bid/price-sheet.<any(xlsx, csv):fmt>")
def price_template(number: str, fmt: str):
    """The blank template (no prices): public like the price sheet it copies."""
    s = load_visible(number)
    if fmt == "xlsx":
        return Response(pricefiles.template_xlsx(s),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{number}-price-sheet.xlsx"'})
    return Response(pricefiles.template_csv(s), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{number}-price-sheet.csv"'})


def _own_version(receipt_number: str) -> BidVersion:
    version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == receipt_number))
    if version is None or not version.bid.is_bidder(current_user):
        abort(404)
    return version


@bp.route("/bids/receipts/<receipt_number>")
@login_required
def receipt(receipt_number: str):
    version = _own_version(receipt_number)
    return render_template("bids/receipt.html", version=version, bid=version.bid, s=version.bid.solicitation)


@bp.route("/bids/receipts/<receipt_number>.pdf")
@login_required
def receipt_pdf(receipt_number: str):
    version = _own_version(receipt_number)
    return send_cached(pdf.render_receipt_pdf(version), mimetype="application/pdf",
                       filename=f"receipt-{receipt_number}.pdf", scope="private")


@bp.route("/vendor/bids")
@login_required
def my_bids():
    """Every bid of the vendor with its outcome in words and the pages that exist for it."""
    from app.bids.outcomes import count_for_vendor, outcomes_for_vendor

    _require_vendor_user()
    total = count_for_vendor(current_user.organization_id)
    pages = max(1, -(-total // MY_BIDS_PER_PAGE))
    page = min(page_arg(), pages)
    outcomes = outcomes_for_vendor(current_user.organization_id, MY_BIDS_PER_PAGE,
                                   offset=(page - 1) * MY_BIDS_PER_PAGE)
    return render_template("bids/my_bids.html", outcomes=outcomes, total=total, page=page, pages=pages)


# ----------------------------------------------------------------------------- public
@bp.route("/solicitations/<number>/results")
def results(number: str):
    s = load_visible(number)
    bids = opening.opened_bids(s) if s.opened_at else []
    return render_template("bids/results.html", s=s, bids=bids)


@bp.route("/bids/verify")
def verify():
    form = VerifyReceiptForm(request.args)
    check = None
    if request.args.get("receipt"):
        if form.validate():
            check = receipts.verify_receipt(form.receipt.data, form.digest.data or "")
    return render_template("bids/verify.html", form=form, check=check,
                           BidStatus=BidStatus)
