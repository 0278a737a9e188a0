"""The whole lifecycle in a real browser, one person per browser context: an officer drafts an RFP
with criteria and a price sheet, an approver approves, it is published; a vendor registers, asks a
question, gets an answer, acknowledges an addendum and bids with a file; two more vendors bid (the
third with the keyboard alone); the deadline passes; the officer opens the bids and sees the
tabulation; the evaluators sign their statements and score; intent to award; the protest period
runs out and the scheduler awards; the contract is in the public registry, where a Colorado
district finds it as usable in its state, runs the compliance check, joins, downloads its
certificate and records a purchase. axe-core checks every page on the way."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.bids.conftest import make_pdf
from tests.e2e import world
from tests.e2e.steps import flash, focus_reached, receipt_number, record_open_findings, register_vendor, sign_in

TITLE = "Student Chromebooks and Classroom Displays"
VENDORS = [  # (business, EIN, person, e-mail, unit prices for the two lines)
    ("Appalachian Devices LLC", "54-7000001", "Avery Stone", "bids@appalachian.e2e.example", ("279.00", "1890.00")),
    ("Blue Heron Technology Inc.", "54-7000002", "Blake Heron", "sales@blueheron.e2e.example", ("265.50", "2015.00")),
    ("Cardinal Education Supply", "54-7000003", "Casey Reed", "office@cardinal.e2e.example", ("299.00", "1749.00")),
]
VENDOR_PASSWORD = "vendor-journey-password-26"
LEAD_TZ, DISTRICT_TZ = world.LEAD["timezone"], world.DISTRICT["timezone"]
TECHNICAL_SCORES = {VENDORS[0][0]: ("30", "20"), VENDORS[1][0]: ("26", "22"), VENDORS[2][0]: ("33", "18")}


def test_the_whole_lifecycle(server, pages, tmp_path):
    officer, approver = pages.new(), pages.new()
    vendors = [pages.new() for _ in VENDORS]
    chair, evaluator, district = pages.new(), pages.new(), pages.new()

    # ----------------------------------------------------------------- the officer drafts an RFP
    sign_in(pages, officer, world.OFFICER.email)
    pages.audit(officer, "01-officer-dashboard")
    officer.get_by_role("navigation").get_by_role("link", name="Our solicitations", exact=True).click()
    pages.audit(officer)
    officer.goto("/agency/solicitations/new")
    pages.audit(officer)
    officer.get_by_label("Type").select_option("rfp")
    officer.get_by_label("Title").fill(TITLE)
    officer.get_by_role("button", name="Create draft").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Edit")
    officer.get_by_label("Summary").fill("Chromebooks for students and interactive displays for classrooms, "
                                         "open to other public agencies.")
    officer.get_by_label("Scope of work (Markdown)").fill("Devices, displays, delivery and installation.")
    officer.get_by_label("Computer hardware and peripherals").check()
    officer.get_by_label("Estimated value (USD)").fill("2500000")
    officer.get_by_label("Initial term (years)").fill("3")
    officer.get_by_label("Renewal options").fill("2")
    officer.get_by_label("IRS Form W-9").check()
    officer.get_by_label("Questions due").fill(server.local_datetime(LEAD_TZ, 4, 14))
    officer.get_by_label("Due at (bid opening)").fill(server.local_datetime(LEAD_TZ, 7, 14))
    officer.get_by_label("Public opening location").fill("ACPS Procurement Office, Room 120")
    for row, (name, points, is_price) in enumerate([("Price", "40", True), ("Technical approach", "35", False),
                                                     ("Experience", "25", False)], start=1):
        officer.get_by_label(f"Criterion, row {row}", exact=True).fill(name)
        officer.get_by_label(f"Points, row {row}", exact=True).fill(points)
        officer.get_by_label(f"Price criterion, row {row}", exact=True).set_checked(is_price)
    for line, (item, unit, quantity) in enumerate([("Student Chromebook, 11.6 inch", "each", "4000"),
                                                   ("Interactive display, 75 inch", "each", "150")], start=1):
        officer.get_by_label(f"Item, line {line}", exact=True).fill(item)
        officer.get_by_label(f"Unit, line {line}", exact=True).fill(unit)
        officer.get_by_label(f"Estimated quantity, line {line}", exact=True).fill(quantity)
    officer.get_by_label("Medium, notice 1", exact=True).select_option(label="Newspaper")
    officer.get_by_label("Newspaper, web address or portal, notice 1", exact=True).fill("The Ashford County Courier")
    officer.get_by_label("Publication date, notice 1", exact=True).fill(server.today(LEAD_TZ))
    pages.audit(officer, "02-officer-edit-rfp")
    officer.get_by_role("button", name="Save draft").click()
    expect(officer.locator(".flash-messages")).to_contain_text("saved")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("Pending approval").first).to_be_visible()
    manage_url = officer.url
    pages.audit(officer)

    # ----------------------------------------------------------------- the approver approves
    sign_in(pages, approver, world.APPROVER.email)
    approver.goto(manage_url)
    approver.get_by_role("button", name="Approve").click()
    expect(approver.get_by_text("Approved").first).to_be_visible()
    pages.audit(approver, "03-approver-approved")

    # ----------------------------------------------------------------- published
    officer.goto(manage_url)
    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_text("Published").first).to_be_visible()
    number = re.search(r"ACPS-RFP-\d{4}-\d{3}", officer.inner_text("main")).group(0)

    # ----------------------------------------------------------------- vendors register and find it
    for page, (business, ein, person, email, _prices) in zip(vendors, VENDORS, strict=True):
        register_vendor(pages, page, business, ein, person, email, VENDOR_PASSWORD, server=server, city="Roanoke", state="VA",
                        zip_code="24011", shot="04-vendor-register" if page is vendors[0] else None)
    first = vendors[0]
    first.get_by_role("link", name="Solicitations", exact=True).click()
    pages.audit(first, "05-public-solicitations")
    first.get_by_role("link", name=TITLE).click()
    expect(first.get_by_role("heading", level=1)).to_contain_text(TITLE)
    first.get_by_label("Your question").fill("May we offer a 2-in-1 convertible Chromebook for line 1?")
    first.get_by_role("button", name="Send question").click()
    expect(first.locator(".flash-messages")).to_be_visible()
    pages.audit(first)

    # ----------------------------------------------------------------- answer and addendum
    officer.goto(manage_url)
    officer.get_by_label("Answer").fill("Yes: convertibles meeting the minimum specification are acceptable.")
    officer.get_by_role("button", name="Publish answer").click()
    expect(officer.locator(".flash-messages")).to_be_visible()
    addendum = officer.locator("form", has=officer.get_by_role("button", name="Issue addendum"))
    addendum.get_by_label("Title").fill("Convertible Chromebooks accepted")
    addendum.get_by_label("Text (Markdown)").fill("Line 1 may be a 2-in-1 convertible meeting the specification.")
    addendum.get_by_role("button", name="Issue addendum").click()
    expect(officer.get_by_text("Addendum 1").first).to_be_visible()
    pages.audit(officer, "06-officer-manage-published")

    # ----------------------------------------------------------------- the vendors bid
    w9 = tmp_path / "w9.pdf"
    w9.write_bytes(make_pdf("Form W-9 (journey)"))
    first.goto(f"/solicitations/{number}")
    expect(first.get_by_text("convertibles meeting the minimum specification")).to_be_visible()
    first.get_by_role("button", name="Acknowledge addendum 1").click()
    expect(first.locator(".flash-messages")).to_be_visible()
    pages.audit(first, "07-vendor-solicitation")
    receipts = []
    for index, page in enumerate(vendors):
        page.goto(f"/solicitations/{number}/bid")
        if index == 0:
            pages.audit(page, "08-vendor-bid-form")
        if index == 2:
            receipts.append(bid_with_keyboard(page, VENDORS[index][4], w9))
            pages.audit(page)
            continue
        for line, price in enumerate(VENDORS[index][4], start=1):
            page.get_by_label(re.compile(f"^Unit price, line {line}")).fill(price)
        page.get_by_label("IRS Form W-9").set_input_files(str(w9))
        acknowledge = page.get_by_label(re.compile("addendum 1", re.I))
        if acknowledge.count():
            acknowledge.check()
        page.get_by_label(re.compile("non-collusion", re.I)).check()
        page.get_by_label(re.compile("debarred", re.I)).check()
        page.get_by_role("button", name="Submit bid").click()
        receipts.append(receipt_number(page))
        pages.audit(page)
    vendors[0].goto(f"/bids/receipts/{receipts[0]}")
    pages.audit(vendors[0], "09-vendor-receipt")
    officer.goto(manage_url)
    expect(officer.locator("main")).to_contain_text("3 sealed bids received")
    # Sealed: the bids card gives a count only; the vendors who did not ask a question (the asker is
    # named beside its question, which is not sealed) appear nowhere on the officer's page.
    bids_card = officer.locator("section", has=officer.locator("#bids-title"))
    for business, *_ in VENDORS:
        expect(bids_card).not_to_contain_text(business)
    for business, *_ in VENDORS[1:]:
        expect(officer.locator("main")).not_to_contain_text(business)

    # ----------------------------------------------------------------- the deadline passes; opening
    server.move_clock(timedelta(days=8))
    officer.goto(manage_url)
    officer.get_by_role("button", name="Close").click()
    officer.get_by_role("button", name="Open the bids").click()
    expect(officer.locator("main")).to_contain_text("3 bids opened")
    officer.get_by_role("link", name="Tabulation").click()
    for business, *_ in VENDORS:
        expect(officer.locator("main")).to_contain_text(business)
    pages.audit(officer, "10-officer-tabulation")
    officer.goto(manage_url)
    officer.get_by_role("link", name="Bids and responsiveness").click()
    pages.audit(officer)
    bids_url = officer.url
    for business, *_ in VENDORS:
        officer.goto(bids_url)
        officer.get_by_role("link", name=business).click()
        pages.audit(officer)
        officer.get_by_label("Responsive", exact=True).check()
        officer.get_by_role("button", name="Record decision").click()
        expect(officer.locator(".flash-messages")).to_be_visible()
    pages.audit(officer, "11-officer-bid-decision")

    # ----------------------------------------------------------------- the committee scores
    officer.goto(manage_url)
    officer.get_by_role("link", name="Evaluation").click()
    officer.get_by_text("Name or change the committee").click()
    officer.get_by_label(world.CHAIR.name).check()
    officer.get_by_label(world.EVALUATOR.name).check()
    officer.locator("#chair").select_option(label=world.CHAIR.name)
    officer.get_by_role("button", name="Name the committee").click()
    expect(officer.locator(".flash-messages")).to_be_visible()
    pages.audit(officer)
    officer.goto(manage_url)
    officer.get_by_role("button", name="Start the evaluation").click()
    expect(officer.get_by_text("Under evaluation").first).to_be_visible()
    evaluation_url = manage_url + "/evaluation"
    for page, person in ((chair, world.CHAIR), (evaluator, world.EVALUATOR)):
        sign_in(pages, page, person.email)
        page.goto(evaluation_url)
        if page is chair:
            pages.audit(page, "12-evaluator-statement")
        page.get_by_label(re.compile("I have no conflict of interest")).check()
        page.get_by_role("button", name="Record my statement").click()
        page.get_by_role("link", name="Your scoring sheet").click()
        for business, (technical, experience) in TECHNICAL_SCORES.items():
            sheet = page.locator("fieldset", has=page.locator("legend", has_text=business))
            sheet.get_by_label(re.compile(r"^Technical approach \(")).fill(technical)
            sheet.get_by_label(re.compile(r"^Experience \(")).fill(experience)
        if page is chair:
            pages.audit(page, "13-evaluator-scoring-sheet")
        page.get_by_role("button", name="Save my scores").click()
        expect(page.locator(".flash-messages")).to_be_visible()
    chair.goto(evaluation_url)
    chair.get_by_role("button", name="Close scoring (chair)").click()
    expect(chair.locator("main")).to_contain_text("Ranking")
    pages.audit(chair, "14-evaluation-ranking")

    # ----------------------------------------------------------------- recommendation, approval, intent
    officer.goto(manage_url + "/award")
    pages.audit(officer)
    officer.get_by_label(re.compile(r"^Rank 1")).first.check()
    officer.get_by_label("Justification (required)").fill("Highest total score; prices checked against the "
                                                          "state contract.")
    officer.get_by_role("button", name="Recommend").click()
    expect(officer.locator(".flash-messages")).to_be_visible()
    winner = re.search(r"Rank 1(?: \(tie\))?: (.+?) —", officer.inner_text("main")).group(1)
    approver.goto(manage_url + "/award")
    approver.get_by_label(re.compile("Board approval date")).fill(server.today(LEAD_TZ))
    approver.get_by_label(re.compile("Board reference")).fill("School Board regular meeting, item 9.2")
    approver.get_by_role("button", name="Approve the recommendation").click()
    expect(approver.locator(".flash-messages")).to_be_visible()
    pages.audit(approver, "15-award-approval")
    officer.goto(manage_url)
    officer.get_by_role("button", name="Issue the notice of intent to award").click()
    expect(officer.get_by_text("Intent to award").first).to_be_visible()
    vendors[1].goto(f"/solicitations/{number}/award")
    expect(vendors[1].locator("main")).to_contain_text(winner)
    pages.audit(vendors[1], "16-public-notice-of-intent")

    # ----------------------------------------------------------------- the protest period ends
    server.move_clock(timedelta(days=12))
    server.run_scheduler_tick()
    officer.goto(manage_url)
    expect(officer.get_by_text("Awarded").first).to_be_visible()
    # The contract takes effect on the lead agency's date of the award; the district uses it the
    # next day (in Colorado it may still be the day before: 06:30 UTC is 23:30 in Denver).
    server.move_clock(timedelta(days=1))

    # ----------------------------------------------------------------- a Colorado district uses it
    sign_in(pages, district, world.DISTRICT_ADMIN.email)
    district.get_by_role("link", name="Contracts", exact=True).click()
    pages.audit(district)
    expect(district.locator("#state")).to_have_value("CO")  # the signed-in agency's own state
    district.get_by_label("Needs action").check()
    district.get_by_label("Allowed").check()
    district.get_by_role("button", name="Search").click()
    pages.audit(district, "17-registry-usable-in-my-state")
    district.get_by_role("link", name=TITLE).click()
    expect(district.locator("main")).to_contain_text(winner)
    district.get_by_role("button", name="Verify the evidence packet").click()
    expect(district.locator("main")).to_contain_text(re.compile("every item matches", re.I))
    pages.audit(district, "18-contract-vehicle")
    district.get_by_role("link", name="Check and join").click()
    district.get_by_label("Amount of this purchase (USD)").fill("180000")
    district.get_by_label("Planned purchase or contract date").fill(server.today(DISTRICT_TZ, 1))
    pages.audit(district, "19-compliance-check-form")
    district.get_by_role("button", name="Run the check").click()
    expect(district.locator("main")).to_contain_text("Needs action")
    pages.audit(district, "20-compliance-check-report")
    # Each open finding is recorded as done, with what the district did about it.
    assert record_open_findings(district, "Participation agreement signed by the superintendent; "
                                          "board resolution 2027-04.")
    district.get_by_role("link", name="Join the contract").first.click()
    district.get_by_label("Signer's name").fill(world.DISTRICT_ADMIN.name)
    district.get_by_label("Signer's title").fill("Chief Financial Officer")
    board = district.get_by_label(re.compile("Board approval reference"))
    if board.count():
        board.fill("Board of Education regular meeting, resolution 2027-04")
    district.get_by_label(re.compile("accept the participation terms", re.I)).check()
    pages.audit(district, "21-join")
    district.get_by_role("button", name="Join the contract").click()
    expect(district.locator(".flash-messages")).to_contain_text("Your agency joined contract")
    contract_number = re.search(r"joined contract (\S+)\.", flash(district)).group(1)
    # The certificate opens in the browser's PDF viewer; fetch it with the district's session.
    district.goto(f"/contracts/{contract_number}")
    link = district.get_by_role("link", name=re.compile("Certificate of competitive solicitation"))
    certificate = district.request.get(link.get_attribute("href"))
    assert certificate.ok and certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")
    (tmp_path / "certificate.pdf").write_bytes(certificate.body())
    district.goto(f"/contracts/{contract_number}")
    district.get_by_role("link", name="Your purchases").click()
    district.get_by_label("Purchase order number").fill("FRSD-PO-27-0001")
    district.get_by_label("Order date").fill(server.today(DISTRICT_TZ))  # the district's today
    district.get_by_label("Amount of the order (USD)").fill("56100.00")
    pages.audit(district, "22-record-purchase")
    district.get_by_role("button", name="Record the purchase").click()
    expect(district.locator(".flash-messages")).to_contain_text("Purchase order FRSD-PO-27-0001 recorded")
    district.goto(f"/contracts/{contract_number}")
    expect(district.locator("main")).to_contain_text("$56,100.00")
    pages.audit(district, "23-contract-with-spend")

    pages.assert_every_visited_page_audited()
    assert len(pages.audited) > 20 and not any(pages.audited.values())


def bid_with_keyboard(page: Page, prices: tuple[str, str], w9: Path) -> str:
    """The whole bid form with the keyboard alone: Tab to each control, type, Space to tick, Enter
    or Space on the file control (the chooser it opens gets the file), and Enter to submit."""
    # Listening from the start turns on the interception of file choosers before any key is pressed.
    page.on("filechooser", lambda chooser: chooser.set_files(str(w9)))
    first_price = page.get_by_label(re.compile("^Unit price, line 1"))
    page.locator("body").press("Tab")  # the skip link first: the form's controls follow in order
    focus_reached(page, first_price)
    page.keyboard.type(prices[0])
    page.keyboard.press("Tab")
    page.keyboard.type(prices[1])
    w9_control = page.get_by_label("IRS Form W-9")
    focus_reached(page, w9_control)
    page.keyboard.press("Space")  # opens the file chooser, which the listener answers
    expect(w9_control).to_have_value(re.compile(r"w9\.pdf$"))
    for label in (re.compile("addendum 1", re.I), re.compile("non-collusion", re.I), re.compile("debarred", re.I)):
        control = page.get_by_label(label)
        if control.count():
            focus_reached(page, control)
            page.keyboard.press("Space")
            expect(control).to_be_checked()
    focus_reached(page, page.get_by_role("button", name="Submit bid"))
    page.keyboard.press("Enter")
    return receipt_number(page)
