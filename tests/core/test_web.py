"""The request boundary helper: one place where a view commits, rolls back and says why."""
from __future__ import annotations

from flask import session
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from app.accounts.models import Organization
from app.core.errors import DomainError
from app.core.roles import OrganizationKind
from app.core.web import commit_or_flash
from app.extensions import db


class NameForm(FlaskForm):
    name = StringField("Name")


def _add(name: str) -> Organization:
    org = Organization(name=name, kind=OrganizationKind.VENDOR, state="CO", tax_id="84-1234567")
    db.session.add(org)
    db.session.flush()
    return org


def _names() -> list[str]:
    return list(db.session.scalars(select(Organization.name).order_by(Organization.name)))


def _flashed() -> list[tuple[str, str]]:
    """What the next page will show (get_flashed_messages caches per request)."""
    return [tuple(message) for message in session.pop("_flashes", [])]


def test_done_commits_and_flashes_a_sentence_made_from_the_result(app):
    with app.test_request_context(method="POST"):
        done = commit_or_flash(lambda: _add("Acme"), lambda org: f"{org.name} added.")
        assert done and done.value.name == "Acme" and done.refusal is None
        db.session.rollback()  # nothing left to undo: it was committed
        assert _names() == ["Acme"]
        assert _flashed() == [("success", "Acme added.")]


def test_refused_rolls_back_and_puts_the_reason_beside_the_field(app):
    def refuse():
        _add("Half done")
        raise DomainError("That name is taken.", field="name")

    with app.test_request_context(method="POST", data={"name": "Acme"}):
        form = NameForm(meta={"csrf": False})
        done = commit_or_flash(refuse, "never said", form=form)
        assert not done and done.refusal.message == "That name is taken."
        assert _names() == []
        assert form.name.errors == ["That name is taken."]
        assert form.name.data == "Acme"  # what was typed stays for the page shown again
        assert _flashed() == []


def test_a_refusal_about_no_field_is_flashed_and_can_be_left_to_the_page(app):
    def refuse():
        raise DomainError("The solicitation is closed.")

    with app.test_request_context(method="POST"):
        assert not commit_or_flash(refuse, "never said", form=NameForm(meta={"csrf": False}))
        assert _flashed() == [("danger", "The solicitation is closed.")]
        quiet = commit_or_flash(refuse, "never said", show_refusal=False)
        assert quiet.refusal.message == "The solicitation is closed."
        assert _flashed() == []
