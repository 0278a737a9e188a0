"""Password reset by e-mailed, single-use, expiring link."""
from __future__ import annotations

from datetime import timedelta

from app.core import clock
from app.core.roles import Role
from tests.accounts.helpers import link_token, location_path, page
from tests.conftest import PASSWORD, login

RESET_PREFIX = "/accounts/password-reset/"
NEW_PASSWORD = "granite meadow lantern"


def request_reset(client, email: str):
    return client.submit("/accounts/password-reset", {"email": email})


def reset_token(mail, email: str, index: int = -1) -> str:
    messages = mail("password_reset", to=email)
    assert messages, f"no password_reset message to {email}"
    return link_token(messages[index].body, RESET_PREFIX)


def choose(client, token: str, password: str = NEW_PASSWORD):
    return client.submit(RESET_PREFIX + token, {"password": password, "confirm": password})


def flashes(client, response) -> str:
    return page(client.get(response.headers["Location"])).alert_text("info")


def test_known_and_unknown_addresses_get_the_same_answer(client, new_client, make_user, mail):
    user = make_user(Role.BUYER, email="known@example.org")

    known = request_reset(client, user.email)
    other = new_client()
    unknown = request_reset(other, "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert location_path(known) == location_path(unknown) == "/accounts/login"
    known_flash, unknown_flash = flashes(client, known), flashes(other, unknown)
    assert "If that address belongs to an account" in known_flash
    assert known_flash == unknown_flash

    [message] = mail()
    assert (message.kind, message.to) == ("password_reset", "known@example.org")
    assert f"http://localhost{RESET_PREFIX}" in message.body
    assert link_token(message.body, RESET_PREFIX)


def test_inactive_accounts_get_no_reset_link(client, make_user, mail):
    user = make_user(Role.BUYER, active=False)
    response = request_reset(client, user.email)
    assert response.status_code == 302
    assert mail() == []


def test_the_link_sets_a_new_password_once(client, new_client, make_user, mail, audit, user_row):
    user = make_user(Role.BUYER)
    request_reset(client, user.email)
    token = reset_token(mail, user.email)

    form = client.get(RESET_PREFIX + token)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)

    response = choose(client, token)
    assert response.status_code == 302
    assert location_path(response) == "/accounts/login"
    [event] = audit("auth.password_reset")
    assert event.actor_id == user.id

    assert login(new_client(), user, PASSWORD).status_code == 200  # the old one no longer works
    assert login(new_client(), user, NEW_PASSWORD).status_code == 302

    # The link is spent, whether opened or submitted again.
    again = client.get(RESET_PREFIX + token)
    assert again.status_code == 400
    assert "no longer valid" in again.get_data(as_text=True)
    resubmitted = choose(client, token, "another fresh phrase")
    assert resubmitted.status_code == 400
    assert "no longer valid" in resubmitted.get_data(as_text=True)
    assert login(new_client(), user, NEW_PASSWORD).status_code == 302


def test_every_outstanding_link_is_spent_by_a_reset(client, new_client, make_user, mail):
    user = make_user(Role.BUYER)
    request_reset(client, user.email)
    request_reset(client, user.email)
    first, second = reset_token(mail, user.email, 0), reset_token(mail, user.email, 1)
    assert first != second

    assert choose(client, first).status_code == 302

    later = choose(client, second, "a different new phrase")
    assert later.status_code == 400
    assert "no longer valid" in later.get_data(as_text=True)
    assert login(new_client(), user, NEW_PASSWORD).status_code == 302


def test_an_expired_link_is_refused(client, new_client, make_user, mail):
    user = make_user(Role.BUYER)
    request_reset(client, user.email)
    token = reset_token(mail, user.email)
    assert client.get(RESET_PREFIX + token).status_code == 200

    clock.advance(timedelta(hours=2))

    opened = client.get(RESET_PREFIX + token)
    assert opened.status_code == 400
    assert "no longer valid" in opened.get_data(as_text=True)
    assert choose(client, token).status_code == 400
    assert login(new_client(), user, PASSWORD).status_code == 302  # unchanged


def test_an_unknown_token_is_refused(client):
    response = client.get(RESET_PREFIX + "not-a-real-token")
    assert response.status_code == 400
    assert "no longer valid" in response.get_data(as_text=True)


def test_resetting_signs_out_other_sessions(client, new_client, make_user, mail):
    user = make_user(Role.BUYER)
    elsewhere = new_client()
    assert login(elsewhere, user).status_code == 302
    remembered = new_client()
    assert remembered.submit("/accounts/login", {"email": user.email, "password": user.password,
                                                 "remember": "y"}).status_code == 302
    assert elsewhere.get("/dashboard").status_code == 200

    request_reset(client, user.email)
    assert choose(client, reset_token(mail, user.email)).status_code == 302

    for other in (elsewhere, remembered):
        response = other.get("/dashboard")
        assert response.status_code == 302
        assert location_path(response) == "/accounts/login"


def test_a_reset_lifts_a_lockout(client, new_client, make_user, mail):
    user = make_user(Role.BUYER)
    for _ in range(5):
        login(client, user, "wrong-password")
    request_reset(client, user.email)
    assert choose(client, reset_token(mail, user.email)).status_code == 302
    assert login(new_client(), user, NEW_PASSWORD).status_code == 302
