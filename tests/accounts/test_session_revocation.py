"""Sessions end on the server: a copy of the session cookie taken before sign-out, a password
change or a deactivation no longer signs anyone in (the per-user session token the cookie carries
is rotated each time)."""
from __future__ import annotations

from app.core.roles import Role
from tests.conftest import login


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replayed(app, cookie: str):
    """A fresh client (another browser) that presents only the copied cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/dashboard")


def test_a_copied_cookie_stops_working_after_sign_out(app, client, make_user):
    user = make_user(Role.BUYER)
    assert login(client, user).status_code == 302
    copied = _cookie(client)
    assert _replayed(app, copied).status_code == 200  # the copy works while the session lives
    response = client.submit("/accounts/logout")
    assert response.status_code == 302
    replay = _replayed(app, copied)
    assert replay.status_code == 302 and "/accounts/login" in replay.headers["Location"]


def test_a_copied_cookie_stops_working_after_a_password_change(app, client, make_user):
    from tests.conftest import PASSWORD

    user = make_user(Role.BUYER)
    login(client, user)
    other_browser = app.test_client()
    login(other_browser, user)
    copied = _cookie(other_browser)
    response = client.submit("/accounts/profile", {"password-current_password": PASSWORD,
                                                   "password-password": "a brand new passphrase 42",
                                                   "password-confirm": "a brand new passphrase 42",
                                                   "password-submit": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert client.get("/dashboard").status_code == 200  # the session that changed it continues
    assert _replayed(app, copied).status_code == 302


def test_a_copied_cookie_stops_working_after_deactivation(app, client, make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    member = make_user(Role.BUYER, org_id=admin.organization_id)
    member_browser = app.test_client()
    login(member_browser, member)
    copied = _cookie(member_browser)
    login(client, admin)
    response = client.submit(f"/accounts/members/{member.id}/deactivate")
    assert response.status_code == 302
    assert _replayed(app, copied).status_code == 302
