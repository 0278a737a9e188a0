"""The profile page: details and password change."""
from __future__ import annotations

from app.core.roles import Role
from tests.accounts.helpers import assert_field_error, location_path
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "saffron tugboat meadow"


def save_profile(client, name: str, title: str = ""):
    return client.submit("/accounts/profile", {"profile-name": name, "profile-title": title,
                                               "profile-submit": "Save profile"})


def change_password(client, current: str, new: str, confirm: str | None = None):
    return client.submit("/accounts/profile", {
        "password-current_password": current, "password-password": new,
        "password-confirm": new if confirm is None else confirm, "password-submit": "Change password",
    })


def test_updating_the_name_and_title(client, login_as, user_row, audit):
    user = login_as(Role.BUYER, name="Old Name")

    response = save_profile(client, "  New Name  ", "Purchasing clerk")

    assert response.status_code == 302
    assert location_path(response) == "/accounts/profile"
    row = user_row(user.id)
    assert (row.name, row.title) == ("New Name", "Purchasing clerk")
    assert "New Name" in client.get("/accounts/profile").get_data(as_text=True)
    [event] = audit("user.profile_updated")
    assert event.actor_id == user.id


def test_a_wrong_current_password_changes_nothing(client, new_client, login_as, user_row, audit):
    user = login_as(Role.BUYER)
    before = user_row(user.id)

    response = change_password(client, "not-my-password", NEW_PASSWORD)

    assert response.status_code == 200
    assert_field_error(response, "password-current_password", "The current password is not correct.")
    after = user_row(user.id)
    assert (after.password_hash, after.session_token) == (before.password_hash, before.session_token)
    assert audit("auth.password_changed") == []
    assert login(new_client(), user, PASSWORD).status_code == 302
    assert login(new_client(), user, NEW_PASSWORD).status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, new_client, login_as,
                                                                       audit):
    user = login_as(Role.BUYER)
    elsewhere = new_client()
    login(elsewhere, user)

    response = change_password(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert client.get("/accounts/profile").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    assert len(audit("auth.password_changed")) == 1
    assert login(new_client(), user, PASSWORD).status_code == 200
    assert login(new_client(), user, NEW_PASSWORD).status_code == 302
