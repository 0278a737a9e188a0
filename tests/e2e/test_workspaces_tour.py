"""A tour of the workspaces on the demo data (`flask demo seed`), signed in as each of the
README's demo logins in turn: every dashboard shows the sections of its person's roles and their
activity in words, and each page new or changed with the workspaces is checked by axe-core on
the way, reached by following links from the dashboard — the officer's work queue, the staff
pages of the opened and the awarded IFB (evaluation, award), "Copy into a new draft" and the
price-sheet import, the approver's queue, the platform's audit trail and its verification, a
participating district's contracts with the compliance check and the participation certificate,
the registrar's registered contracts, the vendors' saved searches, "My bids" with outcomes, bid
results, award notice and debriefing, and the public archive of solicitations by status.

It runs once (the first of COOPBID_E2E_HOURS), on a server of its own whose database holds the
demo alone. The workspaces' screenshots are under test-output/screenshots/workspace-*.png."""
from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.audit.wording import WORDING
from app.demo.awards import AWARDED_IFB_TITLE
from app.demo.bids import OPENED_IFB_TITLE
from app.demo.cooperative import TECHNOLOGY_NUMBER
from app.demo.seed import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.conftest import on_the_demo
from tests.e2e.steps import sign_in

PLATFORM_ADMIN, LEAD_ADMIN, OFFICER, APPROVER, EVALUATOR, BUYER, PARTICIPANT_ADMIN, REGISTRAR, \
    VENDOR_ADMIN, VENDOR_USER, SUMMIT, KEYSTONE = (u.email for u in DEMO_USERS)

WORK_QUEUE = ["Work queue"]
PARTICIPANT = ["Contracts your agency joined", "Purchases this fiscal year", "Compliance checks to run again",
               "New contracts usable in your state"]
VENDOR = ["Open opportunities for you", "Addenda to acknowledge", "Bid drafts not yet submitted",
          "Your bids and their outcomes"]
# Each demo login's workspace sections, in the dashboard's order.
SECTIONS = {
    PLATFORM_ADMIN: [],
    LEAD_ADMIN: [*WORK_QUEUE, *PARTICIPANT],
    OFFICER: WORK_QUEUE,
    APPROVER: ["Waiting for your approval"],
    EVALUATOR: ["Evaluations you sit on"],
    BUYER: PARTICIPANT,
    PARTICIPANT_ADMIN: [*WORK_QUEUE, *PARTICIPANT],
    REGISTRAR: [*WORK_QUEUE, "Contracts you registered"],
    VENDOR_ADMIN: VENDOR, VENDOR_USER: VENDOR, SUMMIT: VENDOR, KEYSTONE: VENDOR,
}
# What a person must never read in their activity: an audit action's code, or an enum value
# (snake_case, other than in a file's name).
SNAKE_CASE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b(?!\.\w)")


def link(page: Page, name: str | re.Pattern, within: str = "main"):  # noqa: ANN201
    """The first link of that name (the whole name when a string) in `within`."""
    return page.locator(within).get_by_role("link", name=name, exact=isinstance(name, str) or None).first


@on_the_demo()
def test_a_tour_of_every_workspace_on_the_demo_data(server, pages):
    toured: set[str] = set()

    def workspace(email: str, shot: str | None = None) -> Page:
        """Sign in on a browser of their own; the dashboard shows exactly their roles' sections
        and their activity in words."""
        page = pages.new()
        sign_in(pages, page, email, DEMO_PASSWORD)
        headings = page.locator("main section[id] > h2")
        if SECTIONS[email]:
            expect(headings).to_have_text(SECTIONS[email])
        else:
            expect(headings).to_have_count(0)
        activity = page.locator("table", has=page.locator("caption", has_text="Your recent activity"))
        expect(activity.locator("tbody tr").first).to_contain_text("You signed in.")
        for sentence in activity.locator("tbody td:nth-child(2)").all_inner_texts():
            assert not SNAKE_CASE.search(sentence) and not any(code in sentence for code in WORDING), \
                f"{email}'s activity shows a code: {sentence!r}"
        pages.audit(page, shot)
        toured.add(email)
        return page

    # --------------------------------------------------------------- the lead agency's officer
    officer = workspace(OFFICER, "workspace-officer")
    queue = officer.locator("#agency-work-queue")
    expect(queue).to_contain_text("Opened bids waiting for a responsiveness decision")
    expect(queue).to_contain_text("Demand responses received")
    link(officer, re.compile(r"^Evaluation page of ACPS-IFB-")).click()  # the opened IFB's
    expect(officer.locator("h1")).to_contain_text(OPENED_IFB_TITLE)
    pages.audit(officer)
    link(officer, "Our solicitations", within="nav").click()
    pages.audit(officer)
    officer.locator("main tr", has_text=AWARDED_IFB_TITLE).get_by_role("link").first.click()
    expect(officer.locator("h1")).to_have_text(AWARDED_IFB_TITLE)
    pages.audit(officer)
    manage = officer.url
    link(officer, "Evaluation", within="main").click()
    expect(officer.locator("main")).to_contain_text("Ranking")
    pages.audit(officer, "workspace-tour-ifb-evaluation")
    link(officer, "Award").click()
    pages.audit(officer, "workspace-tour-ifb-award")
    officer.goto(manage)
    officer.get_by_role("button", name="Copy into a new draft").click()
    expect(officer.locator(".flash-messages")).to_contain_text("created from")
    pages.audit(officer)
    link(officer, re.compile("^Add them at once from a spreadsheet")).click()
    expect(officer.locator("h1")).to_contain_text("Add price-sheet lines")
    pages.audit(officer)
    officer.get_by_label("Or type or paste lines").fill("Mop heads, cotton, 24 oz, each, many")
    officer.get_by_role("button", name="Add the lines").click()
    expect(officer.locator("main")).to_contain_text("Nothing was added")  # each problem named by its line
    expect(officer.locator("main")).to_contain_text("Line 1: expected 3 values")
    pages.audit(officer)
    officer.get_by_label("Or type or paste lines").fill("\"Mop heads, cotton, 24 oz\",each,500\n"
                                                        "Wet floor signs,each,120")
    officer.get_by_label("After the current lines").check()
    officer.get_by_role("button", name="Add the lines").click()
    expect(officer.locator(".flash-messages")).to_contain_text("2 lines added to the price sheet")
    pages.audit(officer)

    # --------------------------------------------------------------- approver, evaluator, agency admin
    approver = workspace(APPROVER)
    link(approver, re.compile(r"^Review and approve")).click()
    expect(approver.locator("main")).to_contain_text("Synthetic Turf Replacement")
    pages.audit(approver)

    evaluator = workspace(EVALUATOR)
    expect(evaluator.locator("#agency-evaluations")).to_contain_text("You are on no evaluation committee.")

    lead_admin = workspace(LEAD_ADMIN)
    link(lead_admin, "Audit trail", within="nav").click()
    pages.audit(lead_admin)

    # --------------------------------------------------------------- the platform administrator
    admin = workspace(PLATFORM_ADMIN)
    link(admin, "Audit trail and chain verification").click()
    pages.audit(admin, "workspace-tour-audit")
    admin.get_by_role("button", name="Verify the hash chain").click()
    expect(admin.locator(".flash-messages")).to_be_visible()
    pages.audit(admin)

    # --------------------------------------------------------------- a participating district
    buyer = workspace(BUYER, "workspace-participant")
    joined = buyer.locator("#participant-contracts")
    contract = joined.locator("tbody tr").first.get_by_role("link").first.inner_text()
    link(buyer, f"Purchases on {contract}").click()
    pages.audit(buyer)
    buyer.go_back()
    joined.get_by_role("link", name=contract, exact=True).click()
    expect(buyer.locator("h1")).to_have_text(AWARDED_IFB_TITLE)
    pages.audit(buyer)
    certificate = buyer.request.get(link(buyer, "Certificate of competitive solicitation (PDF)").get_attribute("href"))
    assert certificate.ok and certificate.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.body())).pages)
    assert "Piedmont Valley Schools" in text and contract in text

    district = workspace(PARTICIPANT_ADMIN)
    district.locator("#participant-contracts").get_by_role("link", name=contract, exact=True).click()
    pages.audit(district)
    district.goto(f"/contracts/{contract}/check")  # the check it ran before joining: its report
    expect(district.locator("main")).to_contain_text("Your latest check")
    pages.audit(district, "workspace-tour-compliance-check")
    district.goto("/dashboard")
    district.locator("#participant-new-contracts").get_by_role("link", name=TECHNOLOGY_NUMBER).click()
    pages.audit(district)
    link(district, "Check and join").click()
    expect(district.get_by_role("button", name="Run the check")).to_be_visible()
    pages.audit(district)

    # --------------------------------------------------------------- the cooperative's registrar
    registrar = workspace(REGISTRAR, "workspace-registrar")
    registrar.locator("#registrar-contracts").get_by_role("link", name=TECHNOLOGY_NUMBER).click()
    expect(registrar.locator("main")).to_contain_text("Facts supplied by registrant")
    pages.audit(registrar)

    # --------------------------------------------------------------- vendors
    vendor = workspace(VENDOR_ADMIN)
    link(vendor, re.compile(r"^Your saved searches")).click()
    pages.audit(vendor)
    vendor.get_by_label("Words to look for").fill("classroom")
    vendor.get_by_role("button", name="Save this search").click()
    expect(vendor.locator("main table")).to_contain_text("classroom")
    pages.audit(vendor)
    link(vendor, "Dashboard", within="nav").click()
    expect(vendor.locator("#vendor-opportunities")).to_contain_text("classroom")
    pages.audit(vendor, "workspace-vendor")
    link(vendor, "All your bids and their outcomes").click()
    expect(vendor.locator("main tbody tr.bid-outcome")).to_have_count(3)
    pages.audit(vendor, "my-bids")
    lost = vendor.locator("tr.bid-outcome", has_text=AWARDED_IFB_TITLE)
    for page_name in ("Award notice", "Debriefing", "Bid results"):
        lost.get_by_role("link", name=re.compile(f"^{page_name} for")).click()
        pages.audit(vendor)
        vendor.go_back()

    colleague = workspace(VENDOR_USER)
    link(colleague, "All your bids and their outcomes").click()
    pages.audit(colleague)

    summit = workspace(SUMMIT)
    link(summit, "All your bids and their outcomes").click()
    pages.audit(summit)
    summit.locator("tr.bid-outcome", has_text=OPENED_IFB_TITLE).get_by_role(
        "link", name=re.compile("^Bid results for")).click()
    pages.audit(summit)

    keystone = workspace(KEYSTONE)
    won = keystone.locator("#vendor-bids tr.bid-outcome", has_text=AWARDED_IFB_TITLE)
    won.get_by_role("link", name=re.compile("^Debriefing for")).click()
    pages.audit(keystone, "workspace-tour-debriefing")
    keystone.go_back()
    won.get_by_role("link", name=re.compile("^Award notice for")).click()
    expect(keystone.locator("main")).to_contain_text("Keystone Facilities Group")
    pages.audit(keystone, "workspace-tour-award-notice")
    keystone.go_back()
    won.get_by_role("link", name=re.compile("^Contract ")).click()
    pages.audit(keystone)

    # --------------------------------------------------------------- the public archive, by status
    visitor = pages.new()
    visitor.goto("/")
    pages.audit(visitor)
    link(visitor, "Solicitations", within="nav").click()
    expect(visitor.locator("h1")).to_have_text("Open solicitations")
    pages.audit(visitor)
    for status, shows in (("Awarded", AWARDED_IFB_TITLE), ("Closed or being evaluated", OPENED_IFB_TITLE),
                          ("Cancelled", None), ("All past solicitations", AWARDED_IFB_TITLE)):
        visitor.get_by_label("Status").select_option(label=status)
        visitor.get_by_role("button", name="Search").click()
        expect(visitor).to_have_url(re.compile(r"[?&]status=\w+"))
        if shows:
            expect(visitor.locator("main article")).to_contain_text([shows])
        pages.audit(visitor, "solicitation-archive" if status == "All past solicitations" else None)
    link(visitor, AWARDED_IFB_TITLE).click()
    pages.audit(visitor)

    assert toured == {u.email for u in DEMO_USERS}
    pages.assert_every_visited_page_audited()
