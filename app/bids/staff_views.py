"""Agency staff: the bid count before the opening; after it, the bids, their documents, the
responsiveness decisions and the tabulation (page, PDF, CSV)."""
from __future__ import annotations

import io

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from app.bids import opening, pdf, receipts
from app.bids.drafts import ATTESTATIONS
from app.bids.blueprint import bp
from app.bids.forms import ResponsivenessForm
from app.bids.models import Bid, BidDocument
from app.bids.views import _send_document
from app.core.http_cache import send_cached
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import AGENCY_STAFF
from app.core.spreadsheets import csv_writer
from app.core.web import commit_or_flash
from app.evaluation.services import can_see_proposals
from app.extensions import db
from app.solicitations.staff_views import load_for_staff
from app.solicitations.models import Solicitation


def _load_opened(solicitation_id: int) -> Solicitation:
    s = load_for_staff(solicitation_id)
    if s.opened_at is None:
        abort(404)  # nothing about individual bids exists for staff before the opening
    _forbid_unless_proposals_visible(s)
    return s


def _forbid_unless_proposals_visible(s: Solicitation) -> None:
    """Opened bids are for the officers, the approvers and the committee's signed members only."""
    forbid_unless(can_see_proposals(current_user, s))


def _load_opened_bid(s: Solicitation, bid_id: int) -> Bid:
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.solicitation_id != s.id or not bid.is_opened:
        abort(404)
    return bid


@bp.route("/agency/solicitations/<int:solicitation_id>/bids")
@roles_required(*AGENCY_STAFF)
def staff_bids(solicitation_id: int):
    s = load_for_staff(solicitation_id)
    if s.opened_at is None:
        return render_template("bids/staff_sealed.html", s=s, count=opening.bid_count(s))
    _forbid_unless_proposals_visible(s)
    return render_template("bids/staff_bids.html", s=s, tab=opening.tabulate(s))


@bp.route("/agency/solicitations/<int:solicitation_id>/bids/<int:bid_id>", methods=["GET", "POST"])
@roles_required(*AGENCY_STAFF)
def staff_bid(solicitation_id: int, bid_id: int):
    s = _load_opened(solicitation_id)
    bid = _load_opened_bid(s, bid_id)
    form = ResponsivenessForm(data={"decision": bid.responsiveness.value
                                    if bid.responsiveness.value != "pending" else None,
                                    "reason": bid.responsiveness_reason})
    if form.is_submitted():
        forbid_unless(bid.can_decide(current_user))
        if form.validate_on_submit() and form.decision.data:
            if commit_or_flash(lambda: opening.decide_responsiveness(current_user, bid,
                                                                     form.decision.data == "responsive",
                                                                     form.reason.data or ""),
                               lambda _: f"{bid.vendor.name}: {bid.responsiveness.label.lower()}.", form=form):
                return redirect(url_for("bids.staff_bids", solicitation_id=s.id))
        elif not form.decision.data:
            form.decision.errors = [*form.decision.errors, "Choose responsive or non-responsive."]
    version = bid.current_version
    try:
        content, damaged = receipts.read_version_content(version), None
    except receipts.StoredRecordChanged as exc:
        content, damaged = None, exc.message  # still decided on: shown, not hidden
    attestations = {key: text.split(":", 1)[0] for key, text in ATTESTATIONS.items()}
    return render_template("bids/staff_bid.html", s=s, bid=bid, form=form, version=version, attestations=attestations,
                           content=content, damaged=damaged)


@bp.route("/agency/solicitations/<int:solicitation_id>/bids/<int:bid_id>/documents/<int:document_id>")
@roles_required(*AGENCY_STAFF)
def staff_document(solicitation_id: int, bid_id: int, document_id: int):
    s = _load_opened(solicitation_id)
    bid = _load_opened_bid(s, bid_id)
    document = db.session.get(BidDocument, document_id)
    cited = {d["document_id"] for d in receipts.read_version_content(bid.current_version)["documents"]}
    if document is None or document.bid_id != bid.id or document.id not in cited:
        abort(404)  # only files of the counted version are opened
    return _send_document(document)


@bp.route("/agency/solicitations/<int:solicitation_id>/tabulation")
@roles_required(*AGENCY_STAFF)
def tabulation(solicitation_id: int):
    s = _load_opened(solicitation_id)
    return render_template("bids/tabulation.html", s=s, tab=opening.tabulate(s))


@bp.route("/agency/solicitations/<int:solicitation_id>/tabulation.pdf")
@roles_required(*AGENCY_STAFF)
def tabulation_pdf(solicitation_id: int):
    s = _load_opened(solicitation_id)
    return send_cached(pdf.render_tabulation_pdf(opening.tabulate(s)), mimetype="application/pdf",
                       filename=f"{s.number}-tabulation.pdf", scope="private")


@bp.route("/agency/solicitations/<int:solicitation_id>/tabulation.csv")
@roles_required(*AGENCY_STAFF)
def tabulation_csv(solicitation_id: int):
    s = _load_opened(solicitation_id)
    tab = opening.tabulate(s)
    out = io.StringIO()
    writer = csv_writer(out)
    header = ["Line", "Description", "Unit", "Estimated quantity"]
    for bid in tab.bids:
        header += [f"{bid.vendor.name} unit price", f"{bid.vendor.name} extended"]
    writer.writerow([*header, "Lowest unit price", "Lowest bidder(s)"])
    for row in tab.rows:
        cells = []
        for cell in row.cells:
            cells += ["", ""] if cell is None or cell.unit_price is None else [cell.unit_price, cell.extended]
        lowest = [b.vendor.name for b, c in zip(tab.bids, row.cells, strict=True) if row.is_lowest(c)]
        writer.writerow([row.item.position, row.item.description, row.item.unit,
                         format(row.item.estimated_quantity.normalize(), "f"), *cells,
                         "" if row.lowest is None else row.lowest, "; ".join(lowest)])
    totals = []
    for bid in tab.bids:
        totals += ["", bid.total]
    writer.writerow(["", "Total", "", "", *totals, "", "; ".join(b.vendor.name for b in tab.bids
                                                                   if tab.is_lowest_total(b))])
    writer.writerow(["", "Responsiveness", "", "", *[v for b in tab.bids for v in (b.responsiveness.label, "")],
                     "", ""])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{s.number}-tabulation.csv"'})
