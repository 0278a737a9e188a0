"""Vendor self-registration."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Organization
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from tests.accounts.helpers import link_token, location_path, without_csrf

NEW_PASSWORD = "plum orchard ladder"

VALID = {
    "legal_name": "Acme Widgets LLC",
    "tax_id": "12-3456789",
    "address_line1": "1 Main Street",
    "address_line2": "Suite 200",
    "city": "Fairfax",
    "state": "VA",
    "postal_code": "22030",
    "is_small_business": "y",
    "is_women_owned": "y",
    "admin_name": "Ada Vendor",
    "email": "ada@acme.example",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}


def registration(**overrides: str) -> dict[str, str]:
    return {**VALID, **overrides}


CONFIRM_PREFIX = "/accounts/register/confirm/"


def confirm(client, mail, email: str = "ada@acme.example"):
    """Open the link e-mailed to `email` and press "Create vendor account"."""
    [message] = mail("registration_confirm", to=email)
    token = link_token(message.body, CONFIRM_PREFIX)
    assert client.get(CONFIRM_PREFIX + token).status_code == 200
    return client.submit(CONFIRM_PREFIX + token)


def org_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organization))


def test_registration_creates_vendor_with_admin_and_signs_in(app, client, user_row, password_ok,
                                                             audit, mail, deliver, outbox):
    response = client.submit("/accounts/register", registration(email="Ada@Acme.example"))
    assert response.status_code == 302 and location_path(response) == "/accounts/register/sent"
    assert user_row("ada@acme.example") is None  # nothing until the address is confirmed

    response = confirm(client, mail)
    assert response.status_code == 302
    assert location_path(response) == "/dashboard"
    user = user_row("ada@acme.example")  # stored normalised
    assert user is not None
    assert user.name == "Ada Vendor"
    assert user.roles == {Role.VENDOR_ADMIN.value}
    assert user.organization_kind == OrganizationKind.VENDOR.value
    assert user.active
    assert password_ok(user.id, NEW_PASSWORD)
    with app.app_context():
        org = db.session.get(Organization, user.organization_id)
        assert (org.name, org.tax_id, org.state, org.city, org.postal_code) == (
            "Acme Widgets LLC", "12-3456789", "VA", "Fairfax", "22030")
        assert (org.address_line1, org.address_line2) == ("1 Main Street", "Suite 200")
        assert (org.is_small_business, org.is_women_owned) == (True, True)
        assert (org.is_minority_owned, org.is_veteran_owned) == (False, False)

    # Signed in as the new administrator.
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Ada Vendor" in dashboard.get_data(as_text=True)
    assert client.get("/accounts/team").status_code == 200

    [event] = audit("vendor.registered")
    assert event.actor_id == user.id
    assert event.object_type == "organizations"
    assert event.object_id == str(user.organization_id)
    assert event.data["legal_name"] == "Acme Widgets LLC"

    [welcome] = mail("welcome_vendor")
    assert welcome.to == "ada@acme.example"
    assert deliver()["sent"] == 2  # the confirmation link, then the welcome
    assert [m["To"] for m in outbox] == ["ada@acme.example"] * 2
    assert outbox[1]["Subject"] == "Welcome to CoopBid"


def test_tax_id_without_dash_is_normalised(client, user_row, app, mail):
    response = client.submit("/accounts/register", registration(tax_id="987654321"))
    assert response.status_code == 302
    assert confirm(client, mail).status_code == 302
    with app.app_context():
        org = db.session.get(Organization, user_row("ada@acme.example").organization_id)
        assert org.tax_id == "98-7654321"


def _answer(response) -> tuple:
    """What the registration page tells whoever submits it: status, where it sends them, the page."""
    return response.status_code, response.headers.get("Location"), without_csrf(response.get_data(as_text=True))


def test_the_page_answers_the_same_whatever_exists(app, new_client, make_org, make_user, mail):
    """Defect 4: a new address and tax ID, an address that has an account, a tax ID that is taken:
    the same bytes (but the CSRF token), and the page after it too."""
    make_org(OrganizationKind.VENDOR, tax_id="55-5555555", name="Already Here Inc")
    make_user(Role.VENDOR_USER, email="taken@acme.example")
    answers = []
    for overrides in ({}, {"email": "taken@acme.example", "tax_id": "66-6666666"},
                      {"email": "new@acme.example", "tax_id": "555555555"}):
        client = new_client()
        response = client.submit("/accounts/register", registration(**overrides))
        followed = client.get(response.headers["Location"])
        answers.append((_answer(response), _answer(followed), sorted(response.headers.keys())))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0][1].endswith("/accounts/register/sent") and "Check your e-mail" in answers[0][1][2]
    # The owners learn the rest by e-mail: a link to each new address, a note to the account's.
    assert [(m.kind, m.to) for m in mail()] == [("registration_confirm", "ada@acme.example"),
                                                ("registration_exists", "taken@acme.example"),
                                                ("registration_confirm", "new@acme.example")]


def test_a_taken_tax_id_is_explained_on_the_link_page_and_its_vendor_told(app, client, make_org, make_user,
                                                                          user_row, audit, mail):
    holder = make_org(OrganizationKind.VENDOR, tax_id="12-3456789", name="Already Here Inc")
    make_user(Role.VENDOR_ADMIN, org_id=holder, email="boss@already.example")
    before = org_count(app)

    # The same EIN typed without the dash is still the same EIN.
    response = client.submit("/accounts/register", registration(tax_id="123456789"))
    assert response.status_code == 302 and location_path(response) == "/accounts/register/sent"

    page = confirm(client, mail)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "This tax ID is already registered" in body and "invite you" in body
    assert org_count(app) == before
    assert user_row("ada@acme.example") is None
    assert audit("vendor.registered") == []
    [note] = mail("registration_tax_id_taken")
    assert note.to == "boss@already.example" and "ada@acme.example" in note.body
    assert client.get("/dashboard").status_code == 302  # nobody signed in
    # The link worked once.
    token = link_token(mail("registration_confirm")[0].body, CONFIRM_PREFIX)
    assert client.get(CONFIRM_PREFIX + token).status_code == 400


def test_an_existing_email_gets_a_note_and_no_link(app, client, make_user, user_row, audit, mail):
    owner = make_user(Role.VENDOR_USER, email="ada@acme.example", name="Original Ada")
    before = org_count(app)

    response = client.submit("/accounts/register", registration(email="ADA@acme.example"))

    assert response.status_code == 302 and location_path(response) == "/accounts/register/sent"
    assert org_count(app) == before
    with app.app_context():
        assert db.session.scalar(select(Organization).where(Organization.tax_id == "12-3456789")) is None
    existing = user_row("ada@acme.example")
    assert (existing.id, existing.name, existing.organization_id) == (owner.id, "Original Ada", owner.organization_id)
    assert audit("vendor.registered") == []
    [note] = mail()
    assert (note.kind, note.to) == ("registration_exists", "ada@acme.example")
    assert client.get("/dashboard").status_code == 302


def test_the_confirmation_needs_the_csrf_token_and_an_unknown_link_is_refused(app, client, mail, user_row):
    client.submit("/accounts/register", registration())
    token = link_token(mail("registration_confirm")[0].body, CONFIRM_PREFIX)
    assert client.post(CONFIRM_PREFIX + token).status_code in (200, 400)
    assert user_row("ada@acme.example") is None
    assert client.get(CONFIRM_PREFIX + "not-a-token").status_code == 400
    assert confirm(client, mail).status_code == 302
    assert user_row("ada@acme.example") is not None
