"""The list pages' type-ahead filters in a browser (issue 16): the WAI-ARIA combobox made by
static/js/combobox.js under the page's strict CSP, driven by the keyboard alone (type, Down,
Enter, Escape), the count of suggestions said in a live region, axe with the list open; the
chosen name filters the list and stays in the field."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import on_the_demo

VENDOR = "Summit Technology Partners LLC"
LEAD_AGENCY = "Gulf Coast Educational Purchasing Cooperative (TX)"
AGENCY = "Ashford County Public Schools (VA)"


@on_the_demo()
def test_the_filters_suggest_names_and_are_chosen_with_the_keyboard(pages):
    page = pages.new()
    page.goto("/contracts/?state=")
    pages.audit(page)
    vendor = page.get_by_role("combobox", name="Vendor")
    expect(vendor).to_have_attribute("aria-expanded", "false")
    vendor.focus()
    page.keyboard.type("summit tech", delay=30)
    expect(page.get_by_role("option", name=VENDOR)).to_be_visible()
    expect(vendor).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".typeahead [role=status]").first).to_contain_text("1 vendor found for “summit tech”")
    pages.audit(page, "typeahead-01-suggestions")  # the list open
    page.keyboard.press("ArrowDown")
    expect(vendor).to_have_attribute("aria-activedescendant", "vendor-name-listbox-0")
    expect(page.get_by_role("option", name=VENDOR)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # chooses; the form is not sent yet
    expect(vendor).to_have_value(VENDOR)
    expect(vendor).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(r"/contracts/\?state=$"))
    page.keyboard.press("Enter")  # the list closed: Enter sends the form
    expect(page).to_have_url(re.compile(r"[?&]vendor=\d+"))
    expect(page.get_by_role("combobox", name="Vendor")).to_have_value(VENDOR)
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text(VENDOR)
    for text in rows.all_inner_texts():
        assert VENDOR in text
    pages.audit(page, "typeahead-02-filtered")

    # Escape closes the list, then empties the field; Up from the field opens it at the last name.
    agency = page.get_by_role("combobox", name="Lead agency")
    agency.focus()
    page.keyboard.type("gulf", delay=30)
    expect(page.get_by_role("option", name=LEAD_AGENCY)).to_be_visible()
    page.keyboard.press("Escape")
    expect(agency).to_have_attribute("aria-expanded", "false")
    expect(agency).to_have_value("gulf")
    page.keyboard.press("ArrowUp")
    expect(agency).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name=LEAD_AGENCY)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(agency).to_have_value("")

    # The solicitation list's agency, chosen with the mouse this time.
    page.goto("/solicitations/?status=past")
    pages.audit(page)
    field = page.get_by_role("combobox", name="Agency")
    field.focus()
    page.keyboard.type("ashford", delay=30)
    expect(page.get_by_role("option", name=AGENCY)).to_be_visible()
    pages.audit(page, "typeahead-03-agency-suggestions")
    page.get_by_role("option", name=AGENCY).click()
    expect(field).to_have_value(AGENCY)
    expect(field).to_be_focused()
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]agency=\d+"))
    expect(page.get_by_role("combobox", name="Agency")).to_have_value(AGENCY)
    pages.audit(page)
    pages.assert_every_visited_page_audited()
