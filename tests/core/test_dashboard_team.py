"""The dashboard's team card counts the organization's members (a count, not every member's row)."""
from __future__ import annotations

import re

from app.core.roles import Role
from tests.conftest import counting_statements


def test_the_team_card_counts_the_members(app, client, login_as, make_user):
    admin = login_as(Role.AGENCY_ADMIN)
    client.get("/dashboard")
    with counting_statements(app) as before:
        client.get("/dashboard")
    for n in range(3):
        make_user(Role.BUYER, org_id=admin.organization_id, email=f"member{n}@example.org")
    with counting_statements(app) as statements:
        html = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'id="team-title"[^>]*>Your team</h2>\s*<p class="display-6 mb-0">4</p>', html)
    assert len(statements) == len(before)
    assert not any("FROM users" in s and "ORDER BY users.name" in s for s in statements)  # no member list loaded
