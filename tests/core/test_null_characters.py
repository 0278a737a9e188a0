"""A null character in a request (path, query or form) is a 400 with a plain message, on every
database: PostgreSQL refuses NUL in text ("text fields cannot contain NUL (0x00) bytes"), so the
public search, the receipt check and every saved text field answered 500 there."""
from __future__ import annotations

from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db


def test_a_null_character_in_the_query_is_refused(client):
    for path in ("/solicitations/?q=a%00b", "/bids/verify?receipt=%00", "/contracts/?q=%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "null character" in response.get_data(as_text=True)


def test_a_null_character_in_the_path_is_refused(client):
    assert client.get("/contracts/AB%00C").status_code == 400


def test_a_null_character_in_a_form_saves_nothing(app, client, login_as):
    user = login_as(Role.VENDOR_ADMIN)
    response = client.submit("/accounts/profile", {"profile-name": "Nul\x00Name", "profile-title": ""})
    assert response.status_code == 400
    from app.accounts.models import User

    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.id == user.id)) == "Test User"
