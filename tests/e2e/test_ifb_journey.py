"""An invitation for bids from draft to contract through the pages alone, then a contract awarded
elsewhere used by a district of another state.

The Virginia officer drafts an IFB (one price criterion of 100 points, a price sheet, a notice);
the approver approves; it is published; three vendors register and bid; the deadline passes; the
officer closes, opens and decides responsiveness (the lowest bid is not responsive) and starts
the evaluation with no committee: the award page ranks the responsive bids on price at once. The
officer recommends the lowest responsive bid, the approver approves, the notice of intent goes
out, the protest period runs out and the scheduler awards: the contract is in the registry.

Then a Texas public cooperative's registrar registers a contract it awarded itself, and an Arizona
district (Mountain Standard Time all year, so at 06:30 UTC still on the previous day) finds it as
usable in its state, runs the compliance check, records the open steps as done, joins and records
a purchase dated by the server's clock in Arizona. axe-core checks every page on the way."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from app.compliance.findings import ATTESTATION_QUESTIONS
from tests.bids.conftest import make_pdf
from tests.e2e import world
from tests.e2e.steps import receipt_number, record_open_findings, register_vendor, sign_in

TITLE = "Custodial Paper and Hand Soap"
LINES = [("Paper towels, multifold, case of 4,000", "case", "800"), ("Foam hand soap refill, 1,200 ml", "each", "2400")]
VENDORS = [  # (business, EIN, person, e-mail, unit prices for the two lines)
    ("Piedmont Janitorial Supply Co.", "54-7100001", "Parker Vance", "bids@piedmont.e2e.example", ("24.10", "6.05")),
    ("Shenandoah Sanitation Products LLC", "54-7100002", "Shay Monroe", "bids@shenandoah.e2e.example", ("25.40", "6.20")),
    ("Tidewater Clean Solutions Inc.", "54-7100003", "Toni Walsh", "bids@tidewater.e2e.example", ("26.95", "6.75")),
]
# A bid's total: each line's estimated quantity times its unit price.
TOTALS = {name: sum(Decimal(quantity) * Decimal(price) for (_i, _u, quantity), price in zip(LINES, prices, strict=True))
          for name, _e, _p, _m, prices in VENDORS}
NOT_RESPONSIVE, WINNER, RUNNER_UP = (v[0] for v in VENDORS)
VENDOR_PASSWORD = "vendor-ifb-journey-password-26"
LEAD_TZ = world.LEAD["timezone"]
COOP_TZ = world.COOPERATIVE["timezone"]
DESERT_TZ = world.DESERT_DISTRICT["timezone"]

REGISTERED = {"number": "LSCPN-25-117", "title": "Classroom Furniture for K-12 Schools",
              "vendor": "Mesquite School Furniture Inc.", "ein": "74-3100117"}


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def test_an_ifb_from_draft_to_contract_and_a_registered_contract_used_in_another_state(server, pages, tmp_path):
    officer, approver = pages.new(), pages.new()
    vendors = [pages.new() for _ in VENDORS]
    registrar, district = pages.new(), pages.new()

    # ----------------------------------------------------------------- the officer drafts an IFB
    sign_in(pages, officer, world.OFFICER.email)
    officer.goto("/agency/solicitations/new")
    pages.audit(officer)
    officer.get_by_label("Type").select_option("ifb")
    officer.get_by_label("Title").fill(TITLE)
    officer.get_by_role("button", name="Create draft").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Edit")
    officer.get_by_label("Summary").fill("Paper towels and foam hand soap for every school, delivered monthly; "
                                         "open to other public agencies.")
    officer.get_by_label("Scope of work (Markdown)").fill("Supply and monthly delivery to 38 schools.")
    officer.get_by_label("Custodial and janitorial supplies").check()
    officer.get_by_label("Estimated value (USD)").fill("95000")
    officer.get_by_label("Initial term (years)").fill("2")
    officer.get_by_label("Renewal options").fill("2")
    officer.get_by_label("Questions due").fill(server.local_datetime(LEAD_TZ, 4, 10))
    officer.get_by_label("Due at (bid opening)").fill(server.local_datetime(LEAD_TZ, 7, 10))
    officer.get_by_label("Public opening location").fill("ACPS Procurement Office, Room 120")
    # An IFB is awarded on price alone: one price criterion of 100 points.
    officer.get_by_label("Criterion, row 1", exact=True).fill("Price")
    officer.get_by_label("Points, row 1", exact=True).fill("100")
    officer.get_by_label("Price criterion, row 1", exact=True).check()
    for line, (item, unit, quantity) in enumerate(LINES, start=1):
        officer.get_by_label(f"Item, line {line}", exact=True).fill(item)
        officer.get_by_label(f"Unit, line {line}", exact=True).fill(unit)
        officer.get_by_label(f"Estimated quantity, line {line}", exact=True).fill(quantity)
    officer.get_by_label("Medium, notice 1", exact=True).select_option(label="Newspaper")
    officer.get_by_label("Newspaper, web address or portal, notice 1", exact=True).fill("The Ashford County Courier")
    officer.get_by_label("Publication date, notice 1", exact=True).fill(server.today(LEAD_TZ))
    pages.audit(officer, "ifb-01-officer-edit-ifb")
    officer.get_by_role("button", name="Save draft").click()
    expect(officer.locator(".flash-messages")).to_contain_text("saved")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("Pending approval").first).to_be_visible()
    manage_url = officer.url
    pages.audit(officer)

    # ----------------------------------------------------------------- approved, published
    sign_in(pages, approver, world.APPROVER.email)
    approver.goto(manage_url)
    approver.get_by_role("button", name="Approve").click()
    expect(approver.get_by_text("Approved").first).to_be_visible()
    pages.audit(approver)
    officer.goto(manage_url)
    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_text("Published").first).to_be_visible()
    number = re.search(r"ACPS-IFB-\d{4}-\d{3}", officer.inner_text("main")).group(0)
    pages.audit(officer)

    # ----------------------------------------------------------------- vendors register and bid
    for index, (page, (business, ein, person, email, prices)) in enumerate(zip(vendors, VENDORS, strict=True)):
        register_vendor(pages, page, business, ein, person, email, VENDOR_PASSWORD, server=server, city="Richmond", state="VA",
                        zip_code="23219", shot="ifb-02-vendor-register" if index == 0 else None)
        if index == 0:
            pages.audit(page)  # the new vendor's dashboard
        page.goto(f"/solicitations/{number}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
        if index == 0:
            pages.audit(page, "ifb-03-vendor-solicitation")
        page.goto(f"/solicitations/{number}/bid")
        for line, price in enumerate(prices, start=1):
            page.get_by_label(re.compile(f"^Unit price, line {line}")).fill(price)
        page.get_by_label(re.compile("non-collusion", re.I)).check()
        page.get_by_label(re.compile("debarred", re.I)).check()
        if index == 0:
            pages.audit(page, "ifb-04-vendor-bid-form")
        page.get_by_role("button", name="Submit bid").click()
        receipt_number(page)
        pages.audit(page)
    officer.goto(manage_url)
    expect(officer.locator("main")).to_contain_text("3 sealed bids received")

    # ----------------------------------------------------------------- the deadline passes: close, open
    server.move_clock(timedelta(days=8))
    officer.goto(manage_url)
    officer.get_by_role("button", name="Close").click()
    officer.get_by_role("button", name="Open the bids").click()
    expect(officer.locator("main")).to_contain_text("3 bids opened")
    pages.audit(officer)
    officer.get_by_role("link", name="Tabulation").click()
    for business, *_ in VENDORS:
        expect(officer.locator("main")).to_contain_text(business)
    pages.audit(officer, "ifb-05-tabulation")

    # ----------------------------------------------------------------- responsiveness
    officer.goto(manage_url)
    officer.get_by_role("link", name="Bids and responsiveness").click()
    pages.audit(officer)
    bids_url = officer.url
    for business, *_ in VENDORS:
        officer.goto(bids_url)
        officer.get_by_role("link", name=business).click()
        pages.audit(officer)
        if business == NOT_RESPONSIVE:
            officer.get_by_label("Non-responsive", exact=True).check()
            officer.get_by_label(re.compile("^Reason")).fill("The bid offers 1,000 ml soap refills; the "
                                                             "specification requires 1,200 ml.")
        else:
            officer.get_by_label("Responsive", exact=True).check()
        officer.get_by_role("button", name="Record decision").click()
        expect(officer.locator(".flash-messages")).to_be_visible()
    pages.audit(officer, "ifb-06-responsiveness-decided")

    # ----------------------------------------------------------------- evaluation without a committee
    officer.goto(manage_url)
    officer.get_by_role("button", name="Start the evaluation").click()
    expect(officer.get_by_text("Under evaluation").first).to_be_visible()
    pages.audit(officer)
    officer.get_by_role("link", name="Evaluation").click()
    ranking = officer.get_by_role("table", name=re.compile("Ranking on price"))
    expect(ranking).to_contain_text(WINNER)
    expect(ranking).to_contain_text(money(TOTALS[WINNER]))
    expect(ranking).not_to_contain_text(NOT_RESPONSIVE)
    pages.audit(officer, "ifb-07-price-ranking")
    # The award page ranks the responsive bids on price at once: lowest total first.
    officer.goto(manage_url)
    officer.get_by_role("link", name="Award", exact=True).click()
    expect(officer.get_by_label(re.compile(r"^Rank 1:"))).to_have_count(1)
    expect(officer.get_by_label(f"Rank 1: {WINNER} — {money(TOTALS[WINNER])}")).to_be_visible()
    expect(officer.get_by_label(f"Rank 2: {RUNNER_UP} — {money(TOTALS[RUNNER_UP])}")).to_be_visible()
    expect(officer.locator("main")).not_to_contain_text(NOT_RESPONSIVE)
    expect(officer.locator("main")).not_to_contain_text("closes scoring")
    pages.audit(officer, "ifb-08-award-ranking")
    award_url = officer.url

    # ----------------------------------------------------------------- recommendation, approval, intent
    officer.get_by_label(re.compile(r"^Rank 1:")).check()
    officer.get_by_label("Justification (required)").fill("Lowest responsive, responsible bid; references "
                                                          "checked.")
    officer.get_by_role("button", name="Recommend").click()
    expect(officer.locator(".flash-messages")).to_contain_text("Recommendation recorded")
    pages.audit(officer)
    approver.goto(award_url)
    expect(approver.locator("main")).to_contain_text(WINNER)
    approver.get_by_label(re.compile("Board approval date")).fill(server.today(LEAD_TZ))
    approver.get_by_label(re.compile("Board reference")).fill("School Board regular meeting, consent item 6.4")
    pages.audit(approver)
    approver.get_by_role("button", name="Approve the recommendation").click()
    expect(approver.locator(".flash-messages")).to_be_visible()
    pages.audit(approver, "ifb-09-award-approved")
    officer.goto(manage_url)
    officer.get_by_role("button", name="Issue the notice of intent to award").click()
    expect(officer.get_by_text("Intent to award").first).to_be_visible()
    pages.audit(officer)
    vendors[2].goto(f"/solicitations/{number}/award")
    expect(vendors[2].locator("main")).to_contain_text(WINNER)
    pages.audit(vendors[2])

    # ----------------------------------------------------------------- the protest period ends: awarded
    server.move_clock(timedelta(days=12))
    server.run_scheduler_tick()
    officer.goto(manage_url)
    expect(officer.get_by_text("Awarded").first).to_be_visible()
    pages.audit(officer)
    # The contract is made from the winning bid and is in the public registry.
    winner_page = vendors[1]
    winner_page.goto(f"/contracts/?q={TITLE.split()[0]}")
    pages.audit(winner_page)
    winner_page.get_by_role("link", name=TITLE).click()
    expect(winner_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    contract_main = winner_page.locator("main")
    expect(contract_main).to_contain_text(f"{number}-C01")
    expect(contract_main).to_contain_text(WINNER)
    expect(contract_main).to_contain_text(LINES[0][0])
    pages.audit(winner_page, "ifb-10-contract")

    # ----------------------------------------------------------------- a cooperative registers its contract
    # The registrar's dates are the cooperative's (Texas): awarded months ago, in term for years.
    sign_in(pages, registrar, world.REGISTRAR.email)
    registrar.get_by_role("link", name="Contracts", exact=True).click()
    pages.audit(registrar)
    registrar.get_by_role("link", name="Register a contract awarded elsewhere").click()
    registrar.get_by_label("Contract number").fill(REGISTERED["number"])
    registrar.get_by_label("Title").fill(REGISTERED["title"])
    registrar.get_by_label("Summary").fill("Student desks and chairs, teacher desks and library tables, "
                                           "delivered and installed.")
    registrar.get_by_label("Procurement category").select_option(label="Goods")
    registrar.get_by_label("Effective on").fill(server.today(COOP_TZ, -200))
    registrar.get_by_label("Expires on").fill(server.today(COOP_TZ, 900))
    registrar.get_by_label("Renewal options left").fill("2")
    registrar.get_by_label("Years per renewal").fill("1")
    registrar.get_by_label("Ceiling (USD, optional)").fill("5000000")
    registrar.get_by_label("Classroom and library furniture").check()
    registrar.get_by_role("textbox", name="Lead agency", exact=True).fill(world.COOPERATIVE["name"])
    registrar.get_by_label("Lead agency's state").select_option("TX")
    registrar.get_by_label("Lead agency type").select_option(label="Public cooperative")
    registrar.get_by_label("Vendor (legal name)").fill(REGISTERED["vendor"])
    registrar.get_by_label("Vendor's federal tax ID (EIN)").fill(REGISTERED["ein"])
    registrar.get_by_label("Vendor's state").select_option("TX")
    registrar.get_by_label(re.compile("let other public agencies use the contract")).select_option("yes")
    registrar.get_by_label("Solicitation method").select_option(label="Sealed bid")
    registrar.get_by_label("Award basis").select_option(label="Lowest responsible bidder")
    registrar.get_by_label("Sealed bids").select_option(label="Yes")
    registrar.get_by_label("First public notice").fill(server.today(COOP_TZ, -260))
    registrar.get_by_label("Bid opening").fill(server.today(COOP_TZ, -230))
    registrar.get_by_label("Award date").fill(server.today(COOP_TZ, -205))
    registrar.get_by_label("Bids received").fill("6")
    registrar.get_by_label("Newspaper", exact=True).check()
    registrar.get_by_label("Website", exact=True).check()
    registrar.get_by_label("Price list", exact=True).fill("Student desk, adjustable height | each | 89.50\n"
                                                          "Student chair, 18 inch | each | 42.75\n"
                                                          "Teacher desk, 60 x 30 inch | each | 389.00")
    award_pdf = tmp_path / "award-letter.pdf"
    award_pdf.write_bytes(make_pdf("Award letter LSCPN-25-117"))
    registrar.get_by_label("Documents (PDF, DOCX or XLSX)").set_input_files(str(award_pdf))
    pages.audit(registrar, "ifb-11-register-contract")
    registrar.get_by_role("button", name="Register the contract").click()
    expect(registrar.locator(".flash-messages")).to_contain_text(f"Contract {REGISTERED['number']} is in the registry")
    expect(registrar.locator("main")).to_contain_text("Facts supplied by registrant")
    expect(registrar.locator("main")).to_contain_text("Teacher desk, 60 x 30 inch")
    pages.audit(registrar, "ifb-12-registered-contract")

    # ----------------------------------------------------------------- an Arizona district uses it
    sign_in(pages, district, world.DESERT_ADMIN.email)
    district.get_by_role("link", name="Contracts", exact=True).click()
    expect(district.locator("#state")).to_have_value("AZ")  # the signed-in agency's own state
    district.get_by_label("Needs action").check()
    district.get_by_label("Allowed").check()
    district.get_by_role("button", name="Search").click()
    pages.audit(district, "ifb-13-registry-usable-in-arizona")
    district.get_by_role("link", name=REGISTERED["title"]).click()
    expect(district.locator("main")).to_contain_text(REGISTERED["vendor"])
    pages.audit(district)
    district.get_by_role("link", name="Check and join").click()
    district.get_by_label("Amount of this purchase (USD)").fill("24530")
    district.get_by_label("Planned purchase or contract date").fill(server.today(DESERT_TZ))
    # Arizona's conditions that the district can answer now (R7-2-1191, -1194, -1004).
    district.get_by_label(ATTESTATION_QUESTIONS["participation_agreement_signed"]).select_option("yes")
    district.get_by_label(ATTESTATION_QUESTIONS["same_or_better_terms"]).select_option("yes")
    district.get_by_label(ATTESTATION_QUESTIONS["written_determination"]).select_option("yes")
    pages.audit(district, "ifb-14-compliance-check-form")
    district.get_by_role("button", name="Run the check").click()
    report = district.locator("#report")
    expect(report).to_contain_text("Needs action")  # the district's own due diligence (R7-2-1191(D))
    expect(report).not_to_contain_text("Not allowed")
    pages.audit(district, "ifb-15-compliance-check-report")
    assert record_open_findings(district, "Due diligence file SVUSD-DD-114: the cooperative's solicitation, "
                                          "tabulation and award reviewed by the business office.")
    district.get_by_role("link", name="Join the contract").first.click()
    district.get_by_label("Signer's title").fill("Director of Purchasing")
    board = district.get_by_label(re.compile("Board approval reference"))
    if board.count():
        board.fill("Governing Board regular meeting, item 12")
    district.get_by_label(re.compile("accept the participation terms", re.I)).check()
    pages.audit(district, "ifb-16-join")
    district.get_by_role("button", name="Join the contract").click()
    expect(district.locator(".flash-messages")).to_contain_text(f"Your agency joined contract {REGISTERED['number']}")
    pages.audit(district)
    district.goto(f"/contracts/{REGISTERED['number']}")
    district.get_by_role("link", name="Your purchases").click()
    district.get_by_label("Purchase order number").fill("SVUSD-PO-0412")
    district.get_by_label("Order date").fill(server.today(DESERT_TZ))  # Arizona's today, by the server's clock
    district.get_by_label("Amount of the order (USD)").fill("24530.00")
    pages.audit(district, "ifb-17-record-purchase")
    district.get_by_role("button", name="Record the purchase").click()
    expect(district.locator(".flash-messages")).to_contain_text("Purchase order SVUSD-PO-0412 recorded")
    pages.audit(district)
    district.goto(f"/contracts/{REGISTERED['number']}")
    expect(district.locator("main")).to_contain_text("$24,530.00")
    pages.audit(district, "ifb-18-contract-with-spend")

    pages.assert_every_visited_page_audited()
    assert len(pages.audited) > 20 and not any(pages.audited.values())
