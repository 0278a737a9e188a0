"""Demo of the cooperative side, through the real services: two contracts awarded elsewhere and
registered with the facts their registrants supplied (a cooperative's technology contract open
nationwide, and a construction job-order contract that many states' laws will not let a district
piggyback on), and a North Carolina district that checked the awarded custodial IFB's contract,
recorded the actions its check asked for, joined, and has reported purchases since (one priced
above the contract's price list, so it is flagged)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from reportlab.platypus import Paragraph
from sqlalchemy import select

from app.accounts.models import Organization, User
from app.contracts import links, participation, purchases
from app.contracts.models import Contract
from app.contracts.registration import PriceLine, Registration, register_contract
from app.core import clock
from app.core.files import CheckedUpload, check_upload
from app.core.pdf import build_pdf, pdf_styles
from app.demo.awards import AWARDED_IFB_TITLE
from app.demo.bids import _user
from app.extensions import db
from app.solicitations.models import Category, ProcurementCategory, Solicitation

TECHNOLOGY_NUMBER = "NSEC-2025-TECH-01"
JOB_ORDER_NUMBER = "GCEPC-JOC-2024-07"


@dataclass(frozen=True)
class Counts:
    contracts: int = 0
    participations: int = 0
    purchases: int = 0


def _pdf(title: str, *lines: str) -> CheckedUpload:
    styles = pdf_styles()
    story = [Paragraph(title, styles["title"]), *(Paragraph(line, styles["body"]) for line in lines)]
    filename = title.lower().replace(" ", "-").replace(",", "").replace(":", "") + ".pdf"
    return check_upload(filename, build_pdf(story, title=title), allowed={"pdf"}, max_bytes=5 * 1024 * 1024)


def _category_ids(*codes: str) -> list[int]:
    return list(db.session.scalars(select(Category.id).where(Category.code.in_(codes))))


def _technology_contract(today: date) -> Registration:
    """A Minnesota public cooperative's RFP for classroom technology, open to public agencies in
    every state, registered by the cooperative's own administrator."""
    effective = today - timedelta(days=420)
    return Registration(
        number=TECHNOLOGY_NUMBER, title="Classroom Technology: Chromebooks, Tablets and Accessories",
        summary="Student and teacher devices, device management licences, carts and accidental-damage "
                "warranties, for public agencies nationwide.",
        lead_agency_name="North Star Education Cooperative", lead_agency_state="MN",
        lead_agency_type="public_cooperative", vendor_name="Summit Technology Partners LLC",
        vendor_tax_id="74-2345678", vendor_state="TX", procurement_category=ProcurementCategory.TECHNOLOGY,
        category_ids=_category_ids("200", "210"), effective_on=effective,
        expires_on=effective + timedelta(days=3 * 365), renewal_options=2, renewal_term_years=1,
        ceiling_value=Decimal("40000000.00"), cooperative_clause=True, eligible_states=[],
        solicitation_method="competitive_proposals", award_basis="best_value",
        notice_first_published=effective - timedelta(days=120), notice_media=["newspaper", "website"],
        bid_opening=effective - timedelta(days=82), sealed_bids=True, bids_received=9,
        award_date=effective - timedelta(days=19),
        price_lines=[
            PriceLine("Chromebook 11.6\", 8 GB, with management licence", "each", Decimal("289.0000")),
            PriceLine("Tablet 10.9\", 64 GB, with rugged case", "each", Decimal("344.5000")),
            PriceLine("Charging cart, 36 devices", "each", Decimal("1195.0000")),
            PriceLine("Accidental-damage warranty, 3 years", "each", Decimal("39.0000")),
        ],
        documents=[
            _pdf("Request for Proposals NSEC-2025-TECH-01",
                 "North Star Education Cooperative requests proposals for classroom technology.",
                 "Cooperative clause: any public agency in the United States may purchase under the resulting contract."),
            _pdf("Proposal evaluation and tabulation",
                 "Nine proposals were received and evaluated on price (40), technical (35) and experience (25)."),
            _pdf("Board award resolution", "The Board of Directors awarded the contract to Summit Technology Partners LLC."),
        ],
    )


def _job_order_contract(today: date) -> Registration:
    """A Texas cooperative's job-order contract for facility repair: construction, which many
    states' cooperative statutes exclude, so the registry shows it as not usable there."""
    effective = today - timedelta(days=600)
    return Registration(
        number=JOB_ORDER_NUMBER, title="Job Order Contracting: Facility Repair and Renovation",
        summary="Indefinite-quantity job orders for building repair, renovation and maintenance, priced by "
                "unit-price book and adjustment factor.",
        lead_agency_name="Gulf Coast Educational Purchasing Cooperative", lead_agency_state="TX",
        lead_agency_type="public_cooperative", vendor_name="Keystone Facilities Group",
        vendor_tax_id="23-3456789", vendor_state="PA", procurement_category=ProcurementCategory.CONSTRUCTION,
        category_ids=_category_ids("510", "720"), effective_on=effective, expires_on=effective + timedelta(days=4 * 365),
        renewal_options=1, renewal_term_years=1, ceiling_value=Decimal("15000000.00"), cooperative_clause=True,
        eligible_states=[], solicitation_method="competitive_proposals", award_basis="best_value",
        notice_first_published=effective - timedelta(days=90), notice_media=["newspaper", "website"],
        bid_opening=effective - timedelta(days=60), sealed_bids=True, bids_received=4,
        award_date=effective - timedelta(days=14), lead_distance_miles=None,
        price_lines=[
            PriceLine("Adjustment factor, normal working hours (times unit-price book)", "factor", Decimal("1.0850")),
            PriceLine("Adjustment factor, after hours", "factor", Decimal("1.1900")),
        ],
        documents=[_pdf("Job order contract award notice",
                        "Four proposals were received; the contract was awarded on best value.")],
    )


def _register(today: date) -> int:
    created = 0
    registrations = (
        (TECHNOLOGY_NUMBER, "contracts@nsec.example", _technology_contract),
        (JOB_ORDER_NUMBER, "admin@coopbid.example", _job_order_contract),
    )
    for number, registrant, build in registrations:
        if db.session.scalar(select(Contract.id).where(Contract.number == number)):
            continue
        contract = register_contract(_user(registrant), build(today))
        # The demo's vendors are platform members: their administrators confirm the contracts are theirs.
        for link in list(contract.links):
            links.answer_link(links.member_admins(link.organization)[0], link, confirm=True)
        created += 1
    return created


def _custodial_contract() -> Contract | None:
    return db.session.scalar(select(Contract).join(Solicitation, Contract.solicitation_id == Solicitation.id)
                             .where(Solicitation.title == AWARDED_IFB_TITLE))


def _join_and_buy(contract: Contract, admin: User, buyer: User) -> tuple[int, int]:
    """Piedmont Valley Schools (NC) checks the contract for a $120,000 year of supplies, records the
    board approval and interlocal resolution its check asks for, joins, then reports purchases."""
    agency: Organization = admin.organization
    if participation.participation_of(contract, agency.id) is not None:
        return 0, 0
    real_now = clock.now()
    with clock.preserved():
        clock.freeze(real_now - timedelta(days=60))
        check = participation.run_check(
            admin, contract, amount=Decimal(120_000), aggregate_12mo=Decimal(120_000), category="goods",
            date=participation.agency_today(agency), funding=["local"], attestations={"same_or_better_terms": True})
        notes = {
            "board_approval_regular_meeting": "Board of Education regular meeting; notice of intent posted 14 days "
                                              "before; minute 2026-41.",
            "interlocal_agreement_filed_or_posted": "Interlocal resolution adopted by the Board and spread on its "
                                                    "minutes (resolution 2026-17).",
        }
        for finding in participation.open_findings(check):
            kind = "interlocal_agreement_filed_or_posted" if "interlocal" in finding["rule"] \
                else "board_approval_regular_meeting"
            participation.record_action_done(admin, check, finding["rule"], notes[kind])
        participation.join_contract(admin, contract, check, signer_name="Leslie Grant",
                                    signer_title="Chief Finance Officer", accept_terms=True,
                                    board_approval_reference="Board of Education regular meeting, minute 2026-41")

        lines = {line.position: line.unit_price for line in contract.lines}
        orders = [  # (days before today, PO, [(line, quantity, unit price)])
            (55, "PVS-PO-26-0412", [(1, 400, lines[1]), (2, 600, lines[2])]),
            (30, "PVS-PO-26-0587", [(3, 300, lines[3]), (4, 1500, lines[4])]),
            # A price above the contract's list: recorded and flagged for review.
            (7, "PVS-PO-26-0733", [(1, 250, lines[1] + Decimal("1.15")), (4, 800, lines[4])]),
        ]
        for days, po, items in orders:
            clock.freeze(real_now - timedelta(days=days))
            item_inputs = [purchases.ItemInput(line=line, quantity=Decimal(qty), unit_price=price)
                           for line, qty, price in items]
            amount = sum((i.quantity * i.unit_price for i in item_inputs), Decimal(0)).quantize(purchases.CENTS)
            ordered_on = participation.agency_today(buyer.organization)
            purchases.record_purchase(buyer, contract, po_number=po, ordered_on=ordered_on, amount=amount,
                                      items=item_inputs)
    return 1, len(orders)


def seed_cooperative() -> Counts:
    contracts = _register(clock.now().date())
    contract = _custodial_contract()
    joined = bought = 0
    if contract is not None:
        joined, bought = _join_and_buy(contract, _user("agency.admin@pvs.example"), _user("buyer@pvs.example"))
    return Counts(contracts=contracts, participations=joined, purchases=bought)

