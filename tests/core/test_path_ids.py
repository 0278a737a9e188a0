"""An `<int:...>` path value past the database's 64-bit integers is a 404 like any missing id: handed
to the database it crashed (SQLite: "Python int too large to convert to SQLite INTEGER")."""
from __future__ import annotations

import pytest

from app.core.numbers import MAX_ID
from app.core.roles import Role


@pytest.mark.parametrize("path", ["/agency/solicitations/{id}", "/agency/solicitations/{id}/edit",
                                  "/accounts/members/{id}/roles", "/solicitations/demand/{id}"])
@pytest.mark.parametrize("ident", [str(MAX_ID + 1), str(2**64), "9" * 400])
def test_an_id_in_the_path_beyond_64_bits_is_not_found(login_as, client, path, ident):
    login_as(Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER)
    assert client.get(path.format(id=ident)).status_code == 404


def test_the_largest_id_still_routes(app):
    endpoint, values = app.url_map.bind("localhost").match(f"/agency/solicitations/{MAX_ID}")
    assert (endpoint, values) == ("solicitations.manage", {"solicitation_id": MAX_ID})
