"""The certificate of competitive solicitation: what a participating agency keeps on file to show
that the contract it joined was competitively solicited, and that its own compliance check
allowed the purchase (with every finding and its citation). Pure: it lays out a Certificate
(app/contracts/participation.py) and touches neither the database nor the request."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from reportlab.platypus import Flowable, Paragraph

from app.compliance.findings import plain_message
from app.core.pdf import CONTENT_WIDTH, banner, build_pdf, data_table, pdf_styles, text
from app.core.templating import format_money

if TYPE_CHECKING:
    from app.contracts.participation import Certificate

VERDICT_LABELS = {"allowed": "Allowed", "needs_action": "Needs action", "not_allowed": "Not allowed"}
STATUS_LABELS = {"pass": "Pass", "fail": "Fail", "action": "Action", "unknown": "Unknown"}
METHOD_LABELS = {"sealed_bid": "Sealed bids", "competitive_proposals": "Competitive sealed proposals",
                 "none": "No competitive solicitation"}
BASIS_LABELS = {"lowest_responsible_bidder": "Lowest responsible bidder", "best_value": "Best value"}
MEDIA_LABELS = {"newspaper": "newspaper", "website": "agency website", "state_registry": "state procurement portal",
                "trade_newspaper": "trade newspaper", "physical_posting": "posted notice"}
FUNDING_LABELS = {"local": "local funds", "state": "state funds", "federal": "federal funds",
                  "e_rate": "E-rate discounts"}
CATEGORY_LABELS = {"goods": "goods", "services": "services", "professional_services": "professional services",
                   "architectural_engineering": "architectural and engineering services",
                   "construction": "construction", "technology": "technology"}
AGENCY_TYPE_LABELS = {"school_district": "school district", "local_government": "local government",
                      "county": "county", "municipality": "municipality", "state_agency": "state agency",
                      "higher_education": "higher education", "public_cooperative": "public cooperative"}
DATE = "%B %-d, %Y"


def _label(value: Any, labels: dict[str, str] | None = None) -> str:
    """Words for a fact's value: from `labels`, else the value with spaces (never an underscore)."""
    if value is None or value == "":
        return "—"
    value = getattr(value, "value", value)
    return (labels or {}).get(str(value), str(value).replace("_", " "))


def _yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not stated")


def _done_note(done: dict[str, Any] | None) -> str:
    return f" — recorded done {done['done_on']}: {done['note']}" if done else ""


def solicitation_rows(facts: dict[str, Any]) -> list[list[str]]:
    """How the contract was solicited, from the contract facts the check ran on."""
    weights = facts.get("evaluation_weights")
    rows = [
        ["Method", _label(facts.get("solicitation_method"), METHOD_LABELS)],
        ["Award basis", _label(facts.get("award_basis"), BASIS_LABELS)],
        ["Cooperative clause", _yes_no(facts.get("cooperative_clause"))
         + (" — the solicitation said other public bodies may use the contract" if facts.get("cooperative_clause")
            else "")],
        ["Public notice first published", facts.get("notice_first_published") or "Not recorded"],
        ["Notice media", ", ".join(_label(m, MEDIA_LABELS) for m in facts.get("notice_media") or []).capitalize()
         or "Not recorded"],
        ["Sealed bids", _yes_no(facts.get("sealed_bids"))],
        ["Public bid opening", facts.get("bid_opening") or "Not recorded"],
        ["Bids received", str(facts["bids_received"]) if facts.get("bids_received") is not None else "Not recorded"],
        ["Award date", facts.get("award_date") or "Not recorded"],
        ["Contract term ends", facts.get("term_end") or "Not recorded"],
    ]
    if weights:
        rows.append(["Evaluation weights", ", ".join(f"{name} {points:g}" for name, points in weights.items())])
    return rows


def render_certificate_pdf(cert: Certificate) -> bytes:
    styles = pdf_styles()
    contract, participation, check = cert.contract, cert.participation, cert.check
    agency, lead = participation.agency, contract.agency
    purchase = check.facts["purchase"]
    report = check.report
    verdict = report["verdict"]
    issued = participation.created_at.astimezone(ZoneInfo(agency.timezone or "UTC")).strftime(DATE)
    checked = check.created_at.astimezone(ZoneInfo(agency.timezone or "UTC")).strftime(DATE)
    wide = [CONTENT_WIDTH * 0.32, CONTENT_WIDTH * 0.68]
    done = check.actions_done or {}
    verdict_note = {
        "allowed": "the purchase may proceed as described.",
        "needs_action": "the purchase may proceed: every action and open question was recorded as done.",
    }.get(verdict, "")

    if contract.solicitation is not None:
        source = f"{contract.solicitation.number} — {contract.solicitation.title} (solicited and awarded on CoopBid)"
    else:
        source = "Registered contract: the solicitation facts were supplied by the registrant"

    story: list[Flowable] = [
        Paragraph("Certificate of competitive solicitation", styles["title"]),
        Paragraph(text(f"Contract {contract.number} — {contract.title}"), styles["subtitle"]),
        banner(text(f"{agency.name}: verdict {_label(verdict, VERDICT_LABELS)} — {verdict_note}"),
               styles),
        Paragraph("The contract", styles["heading"]),
        data_table(["", ""], [
            ["Contract", f"{contract.number} — {contract.title}"],
            ["Lead agency", f"{lead.name} ({lead.state_name or lead.state}; "
                            f"{_label(lead.agency_type, AGENCY_TYPE_LABELS)})"],
            ["Vendor", contract.vendor.name],
            ["Term", f"{contract.effective_on.strftime(DATE)} to {contract.expires_on.strftime(DATE)}; "
                     f"{contract.renewals_used} of {contract.renewal_options} renewal option(s) used"],
            ["Ceiling", format_money(contract.ceiling_value) if contract.ceiling_value else "None stated"],
            ["Solicitation", source],
        ], col_widths=wide, styles=styles),
        Paragraph("How it was solicited", styles["heading"]),
        data_table(["", ""], solicitation_rows(check.facts.get("contract") or {}), col_widths=wide, styles=styles),
        Paragraph("The participating agency", styles["heading"]),
        data_table(["", ""], [
            ["Agency", f"{agency.name} ({agency.state_name or agency.state}; "
                       f"{_label(agency.agency_type, AGENCY_TYPE_LABELS)})"],
            ["Signed for the agency by", f"{participation.signer_name}, {participation.signer_title}"],
            ["Participation terms accepted",
             participation.terms_accepted_at.astimezone(ZoneInfo(agency.timezone or "UTC")).strftime(DATE)],
            ["Board approval", participation.board_approval_reference or "Not asked for by the check"],
        ], col_widths=wide, styles=styles),
        Paragraph("The compliance check", styles["heading"]),
        data_table(["", ""], [
            ["Checked on", checked],
            ["Purchase", f"{format_money(purchase['amount'])} of {_label(purchase['category'], CATEGORY_LABELS)}, "
                         f"planned for {purchase['date']}; funding: "
                         f"{', '.join(_label(f, FUNDING_LABELS) for f in purchase.get('funding') or []) or 'not stated'}"],
            ["Verdict", _label(verdict, VERDICT_LABELS)],
            ["Rules version", report["rules_version"]],
        ], col_widths=wide, styles=styles),
        Paragraph("Findings and citations", styles["subheading"]),
        data_table(["Status", "Finding", "Citation"], [
            [_label(f["status"], STATUS_LABELS) + _done_note(done.get(f["rule"])),
             f"{plain_message(f['message'])} [{f['rule']}]", f["citation"]]
            for f in report["findings"]],
            col_widths=[CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.52, CONTENT_WIDTH * 0.28], styles=styles),
        Paragraph("Evidence digests (SHA-256)", styles["heading"]),
        data_table(["Item", "SHA-256"], [[item.title, Paragraph(text(item.sha256), styles["small"])]
                                         for item in cert.evidence],
                   col_widths=[CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55], styles=styles),
    ]
    if cert.joined_event_hash:
        story.append(Paragraph(text(f"The participation is recorded in CoopBid's hash-chained audit trail "
                                    f"(event hash {cert.joined_event_hash})."), styles["small"]))
    story += [
        Paragraph("Issued", styles["heading"]),
        Paragraph(text(f"Date issued: {issued}. This certificate states what CoopBid's records of the solicitation "
                       f"show and the verdict of the compliance check under the rules version above; it is "
                       f"not legal advice."), styles["body"]),
    ]
    return build_pdf(story, title=f"Certificate of competitive solicitation {contract.number}",
                     subject=f"{agency.name} — {contract.title}")
