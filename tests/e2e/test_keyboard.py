"""Signing in with the keyboard alone: Tab from the top of the page to each field, type, Enter."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e import world
from tests.e2e.steps import focus_reached


def test_sign_in_with_the_keyboard_alone(pages):
    page = pages.new()
    page.goto("/accounts/login")
    pages.audit(page, "00-sign-in")
    page.locator("body").press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")  # the skip link moves the focus to the main content
    focus_reached(page, page.locator("#email"))
    page.keyboard.type(world.OFFICER.email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(world.PASSWORD)
    page.keyboard.press("Enter")
    # The skip link's #main stays on the address through the redirect, as browsers do.
    expect(page).to_have_url(re.compile(r"/dashboard(#main)?$"))
    expect(page.locator("header")).to_contain_text(world.OFFICER.name)
    pages.audit(page)
    pages.assert_every_visited_page_audited()
