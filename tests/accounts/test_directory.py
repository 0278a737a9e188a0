"""The index of organizations' names behind the type-ahead filters (app.accounts.directory,
migration 0010): each typed word starts a word of the name, on SQLite and PostgreSQL alike; the
index follows every new, renamed and deleted organization; a scope answers only for its own."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from app.core.roles import OrganizationKind
from app.extensions import db

NAMES = ["Springfield Public Schools", "City of Springfield", "Winston-Salem/Forsyth County Schools",
         "Amazon.com Services LLC", "3M Company", "O'Brien & Sons", "Fairfax County Public Schools",
         "Spring Branch ISD", "Springs Charter Schools"]


@pytest.fixture
def everyone(app, make_org):
    """The names above as vendors (no tax ID clash), and a scope holding all of them."""
    from app.accounts.directory import Scope
    from app.accounts.models import Organization

    ids = {name: make_org(OrganizationKind.VENDOR, name=name, tax_id=f"{10 + i}-1000000")
           for i, name in enumerate(NAMES)}
    scope = Scope("vendor", "vendors", "in this test", lambda: Organization.kind == OrganizationKind.VENDOR)
    return ids, scope


def _suggest(app, scope, typed) -> list[str]:
    from app.accounts.directory import suggest

    with app.app_context():
        return [choice.label for choice in suggest(scope, typed)]


def test_every_typed_word_starts_a_word_of_the_name(app, everyone):
    ids, scope = everyone
    assert _suggest(app, scope, "spring pub") == ["Springfield Public Schools"]
    # Names starting with what was typed come first, then the others by name.
    assert _suggest(app, scope, "spring") == ["Spring Branch ISD", "Springfield Public Schools",
                                              "Springs Charter Schools", "City of Springfield"]
    assert _suggest(app, scope, "SCHOOLS fors") == ["Winston-Salem/Forsyth County Schools"]
    assert _suggest(app, scope, "winston-salem") == ["Winston-Salem/Forsyth County Schools"]
    assert _suggest(app, scope, "salem") == ["Winston-Salem/Forsyth County Schools"]
    assert _suggest(app, scope, "amazon") == ["Amazon.com Services LLC"]
    assert _suggest(app, scope, "amazon.com serv") == ["Amazon.com Services LLC"]
    assert _suggest(app, scope, "3m") == ["3M Company"]
    assert _suggest(app, scope, "o'brien") == ["O'Brien & Sons"]
    assert _suggest(app, scope, "field") == []  # words start, they are not searched inside
    assert _suggest(app, scope, "spring zeppelin") == []


def test_exact_names_and_ids_stay_inside_the_scope(app, everyone, make_org):
    from app.accounts.directory import by_id, named

    ids, scope = everyone
    agency = make_org(OrganizationKind.AGENCY, name="Springfield Public Schools")
    with app.app_context():
        assert [c.id for c in named(scope, "springfield public schools")] == [ids["Springfield Public Schools"]]
        assert named(scope, "Springfield Public") == []
        assert by_id(scope, agency) is None and by_id(scope, ids["3M Company"]).name == "3M Company"


def test_the_index_follows_new_renamed_and_deleted_organizations(app, everyone):
    from app.accounts.models import Organization

    ids, scope = everyone
    with app.app_context():
        db.session.get(Organization, ids["3M Company"]).name = "Minnesota Mining and Manufacturing"
        db.session.commit()
    assert _suggest(app, scope, "3m") == [] and _suggest(app, scope, "minnesota min") == [
        "Minnesota Mining and Manufacturing"]
    with app.app_context():
        db.session.execute(delete(Organization).where(Organization.id == ids["O'Brien & Sons"]))
        db.session.commit()
    assert _suggest(app, scope, "brien") == []
