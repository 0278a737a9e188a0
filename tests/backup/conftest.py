"""Fixtures for backups: a realistic platform to back up, and an app over a new, empty database of
the suite's kind (a new SQLite file, or a new PostgreSQL database when DATABASE_URL is one) with
an empty storage folder and the sealing key supplied in a key file, as operators supply it.

Fixtures
--------
seeded          the fixture RFP awarded through the real path (three sealed bids with files,
                opened, scored, awarded; contract with its evidence packet) plus a restricted
                contract document added after the award, a registered contract with a document,
                and a bid still sealed in another solicitation. Returns Seeded.
empty_target    empty_target() -> a Flask app over a new empty database and storage folder.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.bids.conftest import make_pdf
from tests.conftest import login
from tests.registry.conftest import (  # noqa: F401  (fixtures shared with these tests)
    agency,
    audit_events,
    awarded_number,
    bidding,
    categories,
    coop,
    files,
    load_solicitation,
    make_agency,
    make_solicitation,
    make_vendor,
    open_bids,
    opened_rfp,
    other_agency,
    post_bid,
    register,
    try_transition,
    vendor,
)


@dataclass(frozen=True)
class Seeded:
    contract_numbers: tuple[str, ...]
    sealed_solicitation: str


@pytest.fixture
def seeded(app, client, opened_rfp, awarded_number, register, make_solicitation, make_vendor,  # noqa: F811
           post_bid, files) -> Seeded:  # noqa: F811  (the imported fixtures, requested by name)
    from app.accounts.models import User
    from app.contracts import services as contracts
    from app.contracts.models import Contract
    from app.solicitations.models import Solicitation

    with app.test_request_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == awarded_number))
        officer = db.session.get(User, opened_rfp.agency.officer.id)
        signed = make_pdf("Signed contract")
        contracts.add_document(officer, contract, title="Signed contract", filename="signed.pdf", data=signed,
                               size=len(signed), public=False, max_bytes=10_000_000)
        db.session.commit()
    registered = register(documents=[(make_pdf("Award notice"), "award-notice.pdf")])

    sealed = make_solicitation("published", required_documents=["w9"], title="Road salt")
    with app.app_context():
        item_ids = {i.position: i.id for i in db.session.get(Solicitation, sealed.id).items}
    login(client, make_vendor("Delta Salt"))
    response = post_bid(client, sealed.number, prices={1: "7.00", 2: "9.50"}, item_ids=item_ids,
                        documents={0: (files["pdf"], "w9.pdf")}, action="submit")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.submit("/accounts/logout")
    return Seeded((awarded_number, registered), sealed.number)


@pytest.fixture
def empty_target(app, tmp_path):
    """empty_target() -> an app over a new, empty database (no tables) and an empty storage folder,
    reading the suite's sealing key from a key file (SEALING_KEY unset)."""
    made: list[tuple] = []
    source_url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    key_file = tmp_path / "sealing.key"
    key_file.write_text(TestConfig.SEALING_KEY + "\n")

    def make():
        name = f"restore_{secrets.token_hex(4)}"
        if source_url.get_backend_name() == "postgresql":
            _admin(source_url, f'CREATE DATABASE "{name}"')
            url = source_url.set(database=name)
        else:
            url = make_url(f"sqlite:///{tmp_path / (name + '.db')}")

        class RestoreConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
            STORAGE_DIR = str(tmp_path / f"{name}-files")
            SEALING_KEY = None
            SEALING_KEY_FILE = str(key_file)
            SEALING_KEY_AUTO_CREATE = False
            # The operator's anchor log survives the loss of the database: the restored chain
            # must match what the source wrote there (never the checkout's instance/ log).
            AUDIT_ANCHOR_PATH = app.config["AUDIT_ANCHOR_PATH"]

        target = create_app(RestoreConfig)
        made.append((target, url))
        return target

    yield make
    for target, url in made:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()
        if url.get_backend_name() == "postgresql":
            _admin(source_url, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _admin(url, statement: str) -> None:
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
