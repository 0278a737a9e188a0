"""Who sees the audit trail, and the admin's verify button."""
from __future__ import annotations

from sqlalchemy import text

from app.core.roles import Role
from app.extensions import db


def test_platform_admin_sees_every_event(client, login_as, make_org, make_events):
    other_org = make_org()
    make_events(2, action="test.other_org", organization_id=other_org)
    make_events(1, action="test.platform_wide")
    login_as(Role.ADMIN)
    response = client.get("/audit/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "test.other_org.1" in body and "test.other_org.2" in body
    assert "test.platform_wide.1" in body
    assert "You signed in." in body  # in words, not the audit code
    assert "auth.login" not in body
    assert "Verify the hash chain" in body


def test_agency_admin_sees_only_own_organization(client, login_as, make_org, make_events):
    other_org = make_org()
    make_events(2, action="test.other_org", organization_id=other_org)
    make_events(1, action="test.no_org")
    user = login_as(Role.AGENCY_ADMIN)
    make_events(2, action="test.own_org", organization_id=user.organization_id)
    response = client.get("/audit/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "test.own_org.1" in body and "test.own_org.2" in body
    assert "You signed in." in body  # their own sign-in
    assert "test.other_org" not in body
    assert "test.no_org" not in body
    assert "Verify the hash chain" not in body  # verification is for platform admins
    # Filtering cannot reach another organization's events either.
    filtered = client.get("/audit/", query_string={"action": "test.other"}).get_data(as_text=True)
    assert "test.other_org" not in filtered


def test_vendor_admin_sees_only_own_organization(client, login_as, make_org, make_events):
    from app.core.roles import OrganizationKind

    other_vendor = make_org(OrganizationKind.VENDOR)
    make_events(1, action="test.other_vendor", organization_id=other_vendor)
    user = login_as(Role.VENDOR_ADMIN)
    make_events(1, action="test.own_vendor", organization_id=user.organization_id)
    body = client.get("/audit/").get_data(as_text=True)
    assert "test.own_vendor.1" in body
    assert "test.other_vendor" not in body


def test_action_filter(client, login_as, make_events):
    make_events(2, action="test.alpha")
    make_events(1, action="test.beta")
    login_as(Role.ADMIN)
    body = client.get("/audit/", query_string={"action": "test.alpha"}).get_data(as_text=True)
    assert "test.alpha.1" in body and "test.alpha.2" in body
    assert "test.beta" not in body
    # LIKE wildcards are taken literally
    body = client.get("/audit/", query_string={"action": "test%"}).get_data(as_text=True)
    assert "test.alpha" not in body and "No events." in body


def test_procurement_officer_is_refused(client, login_as):
    login_as(Role.PROCUREMENT_OFFICER)
    assert client.get("/audit/").status_code == 403


def test_other_non_admin_roles_are_refused(app, make_user):
    from tests.conftest import login

    for role in (Role.APPROVER, Role.EVALUATOR, Role.BUYER, Role.VENDOR_USER):
        client = app.test_client()
        assert login(client, make_user(role)).status_code == 302
        assert client.get("/audit/").status_code == 403, role


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert "/accounts/login" in response.headers["Location"]
    assert client.post("/audit/verify").status_code in (302, 400)


def test_admin_verify_flashes_ok(client, login_as, make_events):
    make_events(3)
    login_as(Role.ADMIN)
    response = client.submit("/audit/verify")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/audit/")
    body = client.get("/audit/").get_data(as_text=True)
    # 3 events plus the admin's own sign-in
    assert "OK: 4 events, chain intact" in body
    assert "alert-success" in body


def test_admin_verify_flashes_a_broken_chain(app, client, login_as, make_events):
    make_events(3)
    login_as(Role.ADMIN)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET action = 'forged' WHERE seq = 2"))
    response = client.submit("/audit/verify", follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "BROKEN at seq 2" in body
    assert "alert-danger" in body


def test_verify_is_admin_only(client, login_as):
    login_as(Role.AGENCY_ADMIN)
    assert client.submit("/audit/verify").status_code == 403


def test_verify_without_csrf_token_is_refused(client, login_as):
    login_as(Role.ADMIN)
    assert client.post("/audit/verify").status_code == 400
