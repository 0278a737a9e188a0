"""Vendor self-registration."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Organization
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from tests.accounts.helpers import assert_field_error, location_path

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


def org_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organization))


def test_registration_creates_vendor_with_admin_and_signs_in(app, client, user_row, password_ok,
                                                             audit, mail, deliver, outbox):
    response = client.submit("/accounts/register", registration(email="Ada@Acme.example"))

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
    assert deliver()["sent"] == 1
    assert [m["To"] for m in outbox] == ["ada@acme.example"]
    assert outbox[0]["Subject"] == "Welcome to CoopBid"


def test_tax_id_without_dash_is_normalised(client, user_row, app):
    response = client.submit("/accounts/register", registration(tax_id="987654321"))
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organization, user_row("ada@acme.example").organization_id)
        assert org.tax_id == "98-7654321"


def test_duplicate_tax_id_is_refused_next_to_the_field_and_nothing_saved(app, client, make_org,
                                                                         user_row, audit, mail):
    make_org(OrganizationKind.VENDOR, tax_id="12-3456789", name="Already Here Inc")
    before = org_count(app)

    # The same EIN typed without the dash is still the same EIN.
    response = client.submit("/accounts/register", registration(tax_id="123456789"))

    assert response.status_code == 200
    assert_field_error(response, "tax_id",
                       "A vendor with this tax ID is already registered. Ask its administrator to invite you.")
    assert org_count(app) == before
    assert user_row("ada@acme.example") is None
    assert audit("vendor.registered") == []
    assert mail() == []
    assert client.get("/dashboard").status_code == 302  # nobody signed in


def test_existing_email_is_refused_and_the_owner_is_told_by_email(app, client, make_user, user_row,
                                                                  audit, mail):
    owner = make_user(Role.VENDOR_USER, email="ada@acme.example", name="Original Ada")
    before = org_count(app)

    response = client.submit("/accounts/register", registration(email="ADA@acme.example"))

    assert response.status_code == 200
    assert_field_error(response, "email", "We could not register this address.")
    assert org_count(app) == before
    with app.app_context():
        assert db.session.scalar(select(Organization).where(Organization.tax_id == "12-3456789")) is None
    existing = user_row("ada@acme.example")
    assert (existing.id, existing.name, existing.organization_id) == (owner.id, "Original Ada", owner.organization_id)
    assert audit("vendor.registered") == []
    [note] = mail()
    assert (note.kind, note.to) == ("registration_exists", "ada@acme.example")
    assert client.get("/dashboard").status_code == 302
