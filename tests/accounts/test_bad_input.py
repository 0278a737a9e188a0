"""Every accounts form refuses bad input the same accessible way: the page comes back (200, not
a redirect) with the field marked invalid, the specific message next to it, and what was typed
(except passwords) still in the field. Nothing is saved."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Invitation, Organization
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from tests.accounts.helpers import (
    assert_choices_error,
    assert_field_error,
    assert_rerendered_invalid,
    link_token,
)
from tests.accounts.test_registration import NEW_PASSWORD, VALID
from tests.conftest import login

EMAIL_MESSAGE = "Enter a valid e-mail address, like name@example.org."


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# ----------------------------------------------------------------------------- sign-in
def test_login(client):
    response = client.submit("/accounts/login", {"email": "not-an-address", "password": ""})
    p = assert_rerendered_invalid(response, EMAIL_MESSAGE, "Enter your password.",
                                  typed={"email": "not-an-address"})
    assert_field_error(p, "email", EMAIL_MESSAGE)
    assert_field_error(p, "password", "Enter your password.")


# ----------------------------------------------------------------------------- registration
TEXT_FIELDS = ("legal_name", "tax_id", "address_line1", "address_line2", "city", "postal_code",
               "admin_name", "email")

REGISTRATION_CASES = {
    "everything-missing": (
        {k: "" for k in VALID},
        {"legal_name": "Enter the legal business name.", "tax_id": "Enter the EIN.",
         "address_line1": "Enter the street address.", "city": "Enter the city.",
         "state": "Choose a state.", "postal_code": "Enter the ZIP code.",
         "admin_name": "Enter a name.", "email": "Enter an e-mail address.",
         "password": "Choose a password.", "confirm": "Type the password again."},
    ),
    "malformed": (
        {"tax_id": "12-34", "postal_code": "2203", "email": "ada-at-acme", "state": "ZZ"},
        {"tax_id": "Enter the federal tax ID (EIN) as nine digits, like 12-3456789.",
         "postal_code": "Enter a ZIP code like 22030 or 22030-1234.",
         "email": EMAIL_MESSAGE, "state": "Not a valid choice."},
    ),
    "weak-password": (
        {"password": "short", "confirm": "short"},
        {"password": "Use at least 10 characters."},
    ),
    "repetitive-password": (
        {"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"},
        {"password": "Use more than a few different characters."},
    ),
    "password-contains-email": (
        {"password": "my name is ada.lovelace!", "confirm": "my name is ada.lovelace!",
         "email": "ada.lovelace@acme.example"},
        {"password": "Do not use your e-mail address in your password."},
    ),
    "passwords-differ": (
        {"confirm": NEW_PASSWORD + "x"},
        {"confirm": "The two passwords do not match."},
    ),
    "blank-names": (
        {"legal_name": "   ", "admin_name": "   ", "city": "  ", "address_line1": "  "},
        {"legal_name": "Enter the legal business name.", "admin_name": "Enter a name.",
         "city": "Enter the city.", "address_line1": "Enter the street address."},
    ),
    "too-long": (
        {"legal_name": "A" * 201},
        {"legal_name": "Field cannot be longer than 200 characters."},
    ),
}


@pytest.mark.parametrize("case", REGISTRATION_CASES, ids=str)
def test_registration(app, client, mail, case):
    overrides, errors = REGISTRATION_CASES[case]
    data = {**VALID, **overrides}
    response = client.submit("/accounts/register", data)

    p = assert_rerendered_invalid(response, *errors.values(),
                                  typed={k: data[k] for k in TEXT_FIELDS},
                                  secrets=tuple({data["password"], data["confirm"]} - {""}))
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    if data["state"] == "VA":  # a valid choice stays chosen
        assert p.value("state") == "VA"
    if data.get("is_small_business"):
        assert "checked" in p.controls("is_small_business")[0].attrs
    assert count(app, Organization) == 0
    assert mail() == []
    assert client.get("/dashboard").status_code == 302


# ----------------------------------------------------------------------------- password reset
def test_reset_request(client, mail):
    response = client.submit("/accounts/password-reset", {"email": "nobody@"})
    p = assert_rerendered_invalid(response, EMAIL_MESSAGE, typed={"email": "nobody@"})
    assert_field_error(p, "email", EMAIL_MESSAGE)
    assert mail() == []


@pytest.fixture
def reset_link(client, make_user, mail):
    user = make_user(Role.BUYER)
    client.submit("/accounts/password-reset", {"email": user.email})
    [message] = mail("password_reset")
    return user, "/accounts/password-reset/" + link_token(message.body, "/accounts/password-reset/")


@pytest.mark.parametrize(("password", "confirm", "field", "message"), [
    ("", "", "password", "Choose a password."),
    ("short", "short", "password", "Use at least 10 characters."),
    ("x" * 129, "x" * 129, "password", "Use at most 128 characters."),
    ("granite meadow lantern", "granite meadow lanterns", "confirm", "The two passwords do not match."),
])
def test_reset(client, new_client, reset_link, password, confirm, field, message):
    user, url = reset_link
    response = client.submit(url, {"password": password, "confirm": confirm})
    p = assert_rerendered_invalid(response, message, secrets=tuple({password, confirm} - {""}))
    assert_field_error(p, field, message)
    # Nothing changed and the link still works.
    assert login(new_client(), user).status_code == 302
    assert client.get(url).status_code == 200


# ----------------------------------------------------------------------------- invitations
@pytest.fixture
def invitation_link(client, new_client, make_user, mail):
    admin = make_user(Role.AGENCY_ADMIN)
    inviter = new_client()
    login(inviter, admin)
    inviter.submit("/accounts/team", {"email": "nia@example.org", "roles": ["buyer"]})
    [message] = mail("invitation")
    return "/accounts/invitations/" + link_token(message.body, "/accounts/invitations/")


@pytest.mark.parametrize(("name", "password", "confirm", "errors"), [
    ("", "", "", {"name": "Enter a name.", "password": "Choose a password.",
                  "confirm": "Type the password again."}),
    ("   ", "copper kettle horizon", "copper kettle horizon", {"name": "Enter a name."}),
    ("Nia Newcomer", "short", "short", {"password": "Use at least 10 characters."}),
    ("Nia Newcomer", "copper kettle horizon", "copper kettle", {"confirm": "The two passwords do not match."}),
    ("N" * 121, "copper kettle horizon", "copper kettle horizon",
     {"name": "Field cannot be longer than 120 characters."}),
])
def test_accept_invitation(app, client, user_row, invitation_link, name, password, confirm, errors):
    response = client.submit(invitation_link, {"name": name, "password": password, "confirm": confirm})
    p = assert_rerendered_invalid(response, *errors.values(), typed={"name": name},
                                  secrets=tuple({password, confirm} - {""}))
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    assert user_row("nia@example.org") is None
    assert client.get(invitation_link).status_code == 200  # still usable


@pytest.mark.parametrize(("data", "typed", "check"), [
    ({"email": "", "roles": ["buyer"]}, {"email": ""}, ("email", "Enter an e-mail address.")),
    ({"email": "nia@", "roles": ["buyer"]}, {"email": "nia@"}, ("email", EMAIL_MESSAGE)),
    ({"email": "nia@example.org"}, {"email": "nia@example.org"}, ("roles", "Choose at least one role.")),
    ({"email": "nia@example.org", "roles": ["admin"]}, {"email": "nia@example.org"},
     ("roles", "not a valid choice")),
])
def test_invitation(app, client, login_as, mail, data, typed, check):
    login_as(Role.AGENCY_ADMIN)
    response = client.submit("/accounts/team", data)
    field, message = check
    p = assert_rerendered_invalid(response, message, typed=typed)
    if field == "roles":
        assert_choices_error(p, field, message)
    else:
        assert_field_error(p, field, message)
        # The roles that were ticked are still ticked.
        assert [c.attrs["value"] for c in p.controls("roles") if "checked" in c.attrs] == data["roles"]
    assert count(app, Invitation) == 0
    assert mail() == []


def test_roles(client, make_user, user_row):
    admin = make_user(Role.AGENCY_ADMIN)
    member = make_user(Role.BUYER, org_id=admin.organization_id)
    login(client, admin)
    response = client.submit(f"/accounts/members/{member.id}/roles", {})
    p = assert_rerendered_invalid(response, "Choose at least one role.")
    assert_choices_error(p, "roles", "Choose at least one role.")
    assert user_row(member.id).roles == {"buyer"}


# ----------------------------------------------------------------------------- profile
@pytest.mark.parametrize(("name", "title", "field", "message"), [
    ("", "Clerk", "profile-name", "Enter a name."),
    ("   ", "Clerk", "profile-name", "Enter a name."),
    ("N" * 121, "Clerk", "profile-name", "Field cannot be longer than 120 characters."),
    ("Pat", "T" * 121, "profile-title", "Field cannot be longer than 120 characters."),
])
def test_profile(client, login_as, user_row, name, title, field, message):
    user = login_as(Role.BUYER, name="Pat Original")
    response = client.submit("/accounts/profile", {"profile-name": name, "profile-title": title,
                                                   "profile-submit": "Save profile"})
    p = assert_rerendered_invalid(response, message, typed={"profile-name": name, "profile-title": title})
    assert_field_error(p, field, message)
    assert (user_row(user.id).name, user_row(user.id).title) == ("Pat Original", None)


@pytest.mark.parametrize(("current", "new", "confirm", "errors"), [
    ("", "saffron tugboat meadow", "saffron tugboat meadow",
     {"password-current_password": "Enter your current password."}),
    ("correct-horse-battery", "short", "short", {"password-password": "Use at least 10 characters."}),
    ("correct-horse-battery", "saffron tugboat meadow", "saffron",
     {"password-confirm": "The two passwords do not match."}),
    ("wrong-current-password", "saffron tugboat meadow", "saffron tugboat meadow",
     {"password-current_password": "The current password is not correct."}),
])
def test_change_password(client, login_as, user_row, current, new, confirm, errors):
    user = login_as(Role.BUYER)
    before = user_row(user.id).password_hash
    response = client.submit("/accounts/profile", {
        "password-current_password": current, "password-password": new, "password-confirm": confirm,
        "password-submit": "Change password"})
    p = assert_rerendered_invalid(response, *errors.values(),
                                  secrets=tuple({current, new, confirm} - {""}))
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    assert user_row(user.id).password_hash == before


# ----------------------------------------------------------------------------- organizations
AGENCY_VALID = {"name": "Fairfax County", "agency_type": "county", "state": "VA",
                "timezone": "America/New_York", "short_code": "FFX", "enrollment": "", "population": "1150000",
                "protest_period_days": "10"}

AGENCY_CASES = [
    ({"name": ""}, {"name": "Enter the agency name."}),
    ({"name": "   "}, {"name": "Enter the agency name."}),
    ({"short_code": "ffx-1"}, {"short_code": "Use capital letters and digits only, like ACPS."}),
    ({"short_code": "ABCDEFGHIJKLM"}, {"short_code": "Field cannot be longer than 12 characters."}),
    ({"enrollment": "-5"}, {"enrollment": "Enter a whole number from 0 to 5,000,000."}),
    ({"population": "lots"}, {"population": "Enter a whole number, like 3."}),
    *[({"population": typed}, {"population": "Enter a whole number, like 3."})
      for typed in ("²", "１２", "٣", "1,2,3", "NaN", "1e400", "1e-30", "12.5")],
    ({"population": str(2**64)}, {"population": "Enter a whole number from 0 to 50,000,000."}),
    ({"agency_type": "bank", "state": ""}, {"agency_type": "Not a valid choice.", "state": "Choose a state."}),
    ({"timezone": "Europe/Paris"}, {"timezone": "Not a valid choice."}),
]
AGENCY_TEXT = ("name", "short_code", "enrollment", "population")
# Only an agency's own settings page has the protest period (a new agency starts with 10 days).
AGENCY_SETTINGS_CASES = [
    *AGENCY_CASES,
    ({"protest_period_days": "0"}, {"protest_period_days": "Enter a number of days from 1 to 60."}),
    ({"protest_period_days": ""}, {"protest_period_days": "Enter the number of days bidders have to protest."}),
]


@pytest.mark.parametrize(("overrides", "errors"), AGENCY_SETTINGS_CASES)
def test_agency_settings(app, client, make_org, make_user, overrides, errors):
    org_id = make_org(OrganizationKind.AGENCY, name="Original Agency")
    login(client, make_user(Role.AGENCY_ADMIN, org_id=org_id))
    data = {**AGENCY_VALID, **overrides}
    response = client.submit("/accounts/organization", data)
    p = assert_rerendered_invalid(response, *errors.values(), typed={k: data[k] for k in AGENCY_TEXT})
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    with app.app_context():
        org = db.session.get(Organization, org_id)
        assert (org.name, org.short_code, org.population) == ("Original Agency", None, None)


def test_agency_settings_short_code_taken(app, client, make_org, make_user):
    make_org(OrganizationKind.AGENCY, short_code="FFX")
    org_id = make_org(OrganizationKind.AGENCY, name="Original Agency")
    login(client, make_user(Role.AGENCY_ADMIN, org_id=org_id))
    response = client.submit("/accounts/organization", AGENCY_VALID)
    p = assert_rerendered_invalid(response, typed={k: AGENCY_VALID[k] for k in AGENCY_TEXT})
    assert_field_error(p, "short_code", "Another organization already uses this value.")
    with app.app_context():
        assert db.session.get(Organization, org_id).name == "Original Agency"


VENDOR_VALID = {k: v for k, v in VALID.items() if k not in ("admin_name", "email", "password", "confirm")}
VENDOR_TEXT = ("legal_name", "tax_id", "address_line1", "address_line2", "city", "postal_code")

VENDOR_CASES = [
    ({"legal_name": ""}, {"legal_name": "Enter the legal business name."}),
    ({"tax_id": "1234"}, {"tax_id": "Enter the federal tax ID (EIN) as nine digits, like 12-3456789."}),
    ({"postal_code": "ABCDE", "city": ""}, {"postal_code": "Enter a ZIP code like 22030 or 22030-1234.",
                                            "city": "Enter the city."}),
    ({"state": ""}, {"state": "Choose a state."}),
]


@pytest.mark.parametrize(("overrides", "errors"), VENDOR_CASES)
def test_vendor_settings(app, client, make_org, make_user, overrides, errors):
    org_id = make_org(OrganizationKind.VENDOR, name="Original Vendor", tax_id="55-5555555")
    login(client, make_user(Role.VENDOR_ADMIN, org_id=org_id))
    data = {**VENDOR_VALID, **overrides}
    response = client.submit("/accounts/organization", data)
    p = assert_rerendered_invalid(response, *errors.values(), typed={k: data[k] for k in VENDOR_TEXT})
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    with app.app_context():
        org = db.session.get(Organization, org_id)
        assert (org.name, org.tax_id, org.city) == ("Original Vendor", "55-5555555", None)


def test_vendor_settings_tax_id_taken(app, client, make_org, make_user):
    make_org(OrganizationKind.VENDOR, tax_id=VENDOR_VALID["tax_id"])
    org_id = make_org(OrganizationKind.VENDOR, name="Original Vendor", tax_id="55-5555555")
    login(client, make_user(Role.VENDOR_ADMIN, org_id=org_id))
    response = client.submit("/accounts/organization", VENDOR_VALID)
    p = assert_rerendered_invalid(response, typed={k: VENDOR_VALID[k] for k in VENDOR_TEXT})
    assert_field_error(p, "tax_id", "Another organization already uses this value.")
    with app.app_context():
        assert db.session.get(Organization, org_id).tax_id == "55-5555555"


def test_vendor_settings_are_saved_when_valid(app, client, make_org, make_user, audit):
    """The control case for the refusals above."""
    org_id = make_org(OrganizationKind.VENDOR, name="Original Vendor", tax_id="55-5555555")
    login(client, make_user(Role.VENDOR_ADMIN, org_id=org_id))
    response = client.submit("/accounts/organization", VENDOR_VALID)
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organization, org_id)
        assert (org.name, org.tax_id, org.city) == ("Acme Widgets LLC", "12-3456789", "Fairfax")
    assert audit("organization.updated")[0].data["changed"]["name"] == "Acme Widgets LLC"


NEW_AGENCY_TEXT = AGENCY_TEXT + ("admin_email",)


@pytest.mark.parametrize(("overrides", "errors"), [
    *AGENCY_CASES,
    ({"admin_email": ""}, {"admin_email": "Enter an e-mail address."}),
    ({"admin_email": "chief at ffx"}, {"admin_email": EMAIL_MESSAGE}),
])
def test_new_agency(app, client, login_as, mail, overrides, errors):
    login_as(Role.ADMIN)
    before = count(app, Organization)
    data = {**AGENCY_VALID, "admin_email": "chief@ffx.example", **overrides}
    response = client.submit("/accounts/admin/organizations/new", data)
    p = assert_rerendered_invalid(response, *errors.values(), typed={k: data[k] for k in NEW_AGENCY_TEXT})
    for field_id, message in errors.items():
        assert_field_error(p, field_id, message)
    assert count(app, Organization) == before
    assert count(app, Invitation) == 0
    assert mail() == []


@pytest.mark.parametrize(("setup", "field", "message"), [
    ("short_code", "short_code", "This short code is taken by another agency."),
    ("email", "admin_email", "This address already has a CoopBid account."),
])
def test_new_agency_refused_by_the_service(app, client, login_as, make_org, make_user, mail, audit,
                                           setup, field, message):
    login_as(Role.ADMIN)
    if setup == "short_code":
        make_org(OrganizationKind.AGENCY, short_code="FFX")
    else:
        make_user(Role.VENDOR_USER, email="chief@ffx.example")
    before = count(app, Organization)
    data = {**AGENCY_VALID, "admin_email": "chief@ffx.example"}
    response = client.submit("/accounts/admin/organizations/new", data)
    p = assert_rerendered_invalid(response, message, typed={k: data[k] for k in NEW_AGENCY_TEXT})
    assert_field_error(p, field, message)
    assert count(app, Organization) == before
    assert count(app, Invitation) == 0
    assert mail() == []
    assert audit("agency.created") == []


# ----------------------------------------------------------------------------- escaping
SCRIPT = "<script>alert(1)</script>"


def test_names_are_escaped_on_the_team_page(client, make_org, make_user):
    org_id = make_org(OrganizationKind.AGENCY, name=f"Agency {SCRIPT}")
    admin = make_user(Role.AGENCY_ADMIN, org_id=org_id)
    member = make_user(Role.BUYER, org_id=org_id, name=SCRIPT)
    login(client, admin)

    for url in ("/accounts/team", f"/accounts/members/{member.id}/roles", "/dashboard"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_script_typed_into_a_field_comes_back_escaped(client):
    response = client.submit("/accounts/login", {"email": f"x{SCRIPT}", "password": ""})
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert_rerendered_invalid(response, EMAIL_MESSAGE, typed={"email": f"x{SCRIPT}"})
