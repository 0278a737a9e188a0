"""Sign-in, sign-out, lockout, rate limiting."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.core import clock
from app.core.roles import Role
from tests.accounts.helpers import location, location_path, page, without_csrf
from tests.conftest import PASSWORD, login

GENERIC_FAILURE = "did not match an active account"


def test_correct_credentials_redirect_to_dashboard_and_are_audited(client, make_user, audit, user_row):
    user = make_user(Role.PROCUREMENT_OFFICER, name="Pat Officer")

    response = login(client, user)

    assert response.status_code == 302
    assert location_path(response) == "/dashboard"
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Pat Officer" in dashboard.get_data(as_text=True)
    [event] = audit("auth.login")
    assert event.actor_id == user.id
    assert event.object_id == str(user.id)
    assert user_row(user.id).last_login_at is not None


def test_email_is_matched_case_insensitively(client, make_user):
    user = make_user(Role.BUYER, email="casey@example.org")
    assert login(client, "Casey@Example.ORG", user.password).status_code == 302


def test_logout_is_post_only_and_audited(client, make_user, audit):
    user = make_user(Role.BUYER)
    login(client, user)

    get = client.get("/accounts/logout")
    assert get.status_code == 405
    assert "POST" in get.headers.get("Allow", "")
    assert client.get("/dashboard").status_code == 200  # still signed in

    # A cross-site POST (no CSRF token) does not sign anyone out either.
    forged = client.post("/accounts/logout")
    assert forged.status_code == 400
    assert client.get("/dashboard").status_code == 200
    assert audit("auth.logout") == []

    response = client.submit("/accounts/logout")
    assert response.status_code == 302
    [event] = audit("auth.logout")
    assert event.actor_id == user.id

    after = client.get("/dashboard")
    assert after.status_code == 302
    assert location_path(after) == "/accounts/login"


def test_unknown_email_and_wrong_password_look_identical(client, make_user, audit):
    user = make_user(Role.BUYER, email="known@example.org")
    unknown = login(client, "stranger@example.org", "some-password-1")
    wrong = login(client, user, "not-the-password")

    assert unknown.status_code == wrong.status_code == 200
    unknown_error = page(unknown).alert_text()
    wrong_error = page(wrong).alert_text()
    assert GENERIC_FAILURE in unknown_error
    assert unknown_error.encode() == wrong_error.encode()
    # The whole page is the same once the typed address and the CSRF tokens are set aside.
    unknown_html = without_csrf(unknown.get_data(as_text=True)).replace("stranger@example.org", "EMAIL")
    wrong_html = without_csrf(wrong.get_data(as_text=True)).replace("known@example.org", "EMAIL")
    assert unknown_html == wrong_html
    assert [e.data.get("reason") for e in audit("auth.login_failed")] == ["unknown_email", None]


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/dashboard\r\nSet-Cookie: session=stolen",
    "/accounts/profile\nLocation: https://evil.example/",
])
def test_next_to_another_site_is_not_followed(client, make_user, target):
    user = make_user(Role.BUYER)
    response = client.submit("/accounts/login", {"email": user.email, "password": user.password},
                             query_string={"next": target})
    assert response.status_code == 302
    assert location(response) == "/dashboard"


def test_next_on_this_site_is_followed(client, make_user):
    user = make_user(Role.BUYER)
    response = client.submit("/accounts/login", {"email": user.email, "password": user.password},
                             query_string={"next": "/accounts/profile"})
    assert response.status_code == 302
    assert location(response) == "/accounts/profile"


def test_protected_page_sends_anonymous_users_to_login_and_back(client, make_user):
    first = client.get("/accounts/profile")
    assert first.status_code == 302
    assert location_path(first) == "/accounts/login"
    user = make_user(Role.BUYER)
    response = client.submit(location(first), {"email": user.email, "password": user.password})
    assert location(response) == "/accounts/profile"


def test_five_wrong_passwords_lock_the_account(client, make_user, mail, user_row, audit):
    start = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    clock.freeze(start)
    user = make_user(Role.EVALUATOR)

    for attempt in range(5):
        response = login(client, user, f"wrong-password-{attempt}")
        assert response.status_code == 200
        assert GENERIC_FAILURE in page(response).alert_text()
    wrong_error = page(response).alert_text()
    assert user_row(user.id).locked_until == start + timedelta(minutes=15)

    [locked] = mail("account_locked")
    assert locked.to == user.email

    # The right password is refused, with exactly the same message.
    refused = login(client, user, PASSWORD)
    assert refused.status_code == 200
    assert page(refused).alert_text() == wrong_error
    assert client.get("/dashboard").status_code == 302
    assert audit("auth.login") == []

    clock.advance(timedelta(minutes=14))
    assert login(client, user, PASSWORD).status_code == 200  # still paused

    clock.advance(timedelta(minutes=2))
    response = login(client, user, PASSWORD)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    row = user_row(user.id)
    assert row.locked_until is None and row.failed_login_count == 0
    assert len(mail("account_locked")) == 1


def test_a_successful_login_resets_the_failure_count(client, make_user, user_row, mail):
    user = make_user(Role.EVALUATOR)
    for _ in range(4):
        login(client, user, "wrong-password")
    assert login(client, user).status_code == 302
    client.submit("/accounts/logout")
    for _ in range(4):
        login(client, user, "wrong-password")
    assert user_row(user.id).locked_until is None
    assert mail("account_locked") == []


def test_login_posts_are_rate_limited_per_address(client, new_client):
    for i in range(10):
        response = client.submit("/accounts/login", {"email": f"nobody{i}@example.org",
                                                     "password": "whatever-it-is"})
        assert response.status_code == 200

    limited = client.submit("/accounts/login", {"email": "nobody@example.org", "password": "x-y-z-w"})

    assert limited.status_code == 429
    body = limited.get_data(as_text=True)
    assert "Too many attempts" in body
    assert "Wait a minute and try again" in body
    assert limited.mimetype == "text/html"
    assert "Retry-After" in limited.headers
    # Only sign-in attempts are limited: the page itself still opens.
    assert client.get("/accounts/login").status_code == 200
    # Another address is not affected.
    other = new_client("203.0.113.7")
    assert other.submit("/accounts/login", {"email": "a@example.org", "password": "b-c-d-e"}).status_code == 200


def test_inactive_user_cannot_sign_in(client, make_user, audit):
    user = make_user(Role.BUYER, active=False)
    response = login(client, user)
    assert response.status_code == 200
    assert GENERIC_FAILURE in page(response).alert_text()
    assert client.get("/dashboard").status_code == 302
    assert audit("auth.login") == []
    [refused] = audit("auth.login_refused")
    assert refused.data == {"reason": "inactive"}
