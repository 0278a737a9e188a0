"""Steps the browser journeys share: signing in, reading the flash, registering a vendor, the bid
receipt, recording a compliance check's open findings as done, and reaching a control with Tab."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e import world


def sign_in(pages, page: Page, email: str, password: str = world.PASSWORD) -> None:  # noqa: ANN001
    page.goto("/accounts/login")
    pages.audit(page)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def flash(page: Page) -> str:
    return page.locator(".flash-messages").inner_text()


def emailed_link(server, to: str, prefix: str) -> str:  # noqa: ANN001
    """The path of the newest link `prefix`<token> e-mailed to `to` (read from the server's outbox)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            body = connection.execute(text("SELECT body_text FROM outbox_messages WHERE to_address = :to "
                                           "ORDER BY id DESC"), {"to": to.lower()}).scalars().first()
    finally:
        engine.dispose()
    match = re.search(re.escape(prefix) + r"[A-Za-z0-9_\-]+", body or "")
    assert match, f"no link {prefix}... e-mailed to {to}"
    return match.group(0)


def register_vendor(pages, page: Page, business: str, ein: str, person: str, email: str,  # noqa: ANN001
                    password: str, *, city: str, state: str, zip_code: str, server,  # noqa: ANN001
                    shot: str | None = None) -> None:
    """A vendor fills in the registration page, opens the link e-mailed to its address, creates its
    account and lands on its dashboard (the filled form is checked by axe, with a screenshot, when
    `shot` names one)."""
    page.goto("/accounts/register")
    page.get_by_label("Legal business name").fill(business)
    page.get_by_label("Federal tax ID (EIN)").fill(ein)
    page.get_by_label("Street address").fill("100 Main Street")
    page.get_by_label("City").fill(city)
    page.get_by_label("State").select_option(state)
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_label("Your full name").fill(person)
    page.get_by_label("Your work e-mail address").fill(email)
    page.locator("#password").fill(password)
    page.get_by_label("Confirm password").fill(password)
    if shot:
        pages.audit(page, shot)
    page.get_by_role("button", name="Create vendor account").click()
    expect(page).to_have_url(re.compile(r"/accounts/register/sent$"))
    pages.audit(page)
    page.goto(emailed_link(server, email, "/accounts/register/confirm/"))
    pages.audit(page)
    page.get_by_role("button", name="Create vendor account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def receipt_number(page: Page) -> str:
    """A submission lands on its receipt page, whose address carries the receipt number."""
    expect(page).to_have_url(re.compile(r"/bids/receipts/[A-Z0-9-]+$"))
    expect(page.locator(".flash-messages")).to_contain_text("Bid received")
    return page.url.rsplit("/", 1)[1]


def record_open_findings(page: Page, note: str) -> int:
    """On the compliance check page: record each open finding as done, with what was done; returns
    how many were recorded."""
    open_action = page.locator("form", has=page.get_by_role("button", name=re.compile("^Record as done")))
    recorded = 0
    while open_action.count():
        form = open_action.first
        form.get_by_label("What was done").fill(note)
        form.get_by_role("button", name=re.compile("^Record as done")).click()
        expect(page.locator(".flash-messages")).to_contain_text("Recorded as done")
        recorded += 1
    return recorded


def focus_reached(page: Page, target, limit: int = 80) -> None:  # noqa: ANN001
    """Press Tab until `target` has the focus (it must be reachable, in order, by the keyboard)."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reachable with the Tab key")
