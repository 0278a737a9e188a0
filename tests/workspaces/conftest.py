"""A seeded agency world for the workspace tests, built with the real services (the pages under
test only read it). The solicitation fixtures (agency, other_agency, make_solicitation,
try_transition ...) are shared from tests/solicitations/conftest.py and tests/bids/conftest.py.

Fixtures
--------
world           a World: helpers that walk solicitations of `agency` through the services.
grow(n)         n of every kind of row the agency staff's workspaces show (see World.grow).

Helpers
-------
section(html, key) -> str                 the HTML of one dashboard section (by its id).
sign_in(client, user)                     sign out whoever was signed in, then sign `user` in.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db, limiter
from tests.bids.conftest import make_vendor  # noqa: F401
from tests.solicitations.conftest import (  # noqa: F401
    agency,
    audit_events,
    categories,
    load_solicitation,
    make_agency,
    make_solicitation,
    other_agency,
    try_transition,
    vendor,
)
from tests.conftest import login


def section(html: str, key: str) -> str:
    """The dashboard section with id `key` (empty when the page has none)."""
    match = re.search(rf'<section class="mb-4" id="{re.escape(key)}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def sign_in(client, user) -> None:
    """These tests sign several people in from one address: the login rate limit is not under test."""
    limiter.reset()
    client.submit("/accounts/logout")
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


IFB_CRITERIA = [{"name": "Price", "points": Decimal(100), "is_price": True}]


def run(app, fn):
    """Call fn() in a request context (services send e-mail) and commit."""
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def get(model, row_id):
    return db.session.get(model, row_id)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (tags dropped, entities decoded)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong|em|code|small|abbr)\b[^>]*>", "", html)  # inline: no space
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section_html(page: str, key: str) -> str:
    """The HTML of the dashboard section with id `key`, after its h2 title."""
    start = page.index("</h2>", page.index(f'id="{key}"'))
    end = page.index("</section>", start)
    return page[start + len("</h2>"):end]


@dataclass
class World:
    app: object
    agency: object
    make_solicitation: object
    try_transition: object
    vendors: list = field(default_factory=list)  # UserInfo of vendor admins

    # ------------------------------------------------------------------ bids and questions
    def bid(self, info, bidder) -> None:
        from app.accounts.models import User
        from app.bids.drafts import ATTESTATIONS, save_draft
        from app.bids.submission import submit_bid
        from app.solicitations.models import Solicitation

        def go():
            user, s = get(User, bidder.id), get(Solicitation, info.id)
            save_draft(user, s, prices={item.id: Decimal("10.00") + item.position for item in s.items},
                       attestations={key: True for key in ATTESTATIONS}, uploads=[], acknowledge=[])
            submit_bid(user, s)
        run(self.app, go)

    def question(self, info, bidder, body: str) -> None:
        from app.accounts.models import User
        from app.solicitations import services
        from app.solicitations.models import Solicitation

        run(self.app, lambda: services.ask_question(get(User, bidder.id), get(Solicitation, info.id), body))

    # ------------------------------------------------------------------ lifecycle
    def officer_does(self, info, fn):
        from app.accounts.models import User
        from app.solicitations.models import Solicitation

        return run(self.app, lambda: fn(get(User, self.agency.officer.id), get(Solicitation, info.id)))

    def move(self, info, status: str, actor=None, **ctx) -> None:
        error = self.try_transition((actor or self.agency.officer).id, info.id, status, **ctx)
        assert error is None, (error.message, error.problems)

    def open(self, *infos) -> None:
        """Past the latest due date, closed and opened by the officer."""
        from app.solicitations.models import Solicitation

        with self.app.app_context():
            latest = max(db.session.get(Solicitation, i.id).due_at for i in infos)
        clock.freeze(max(clock.now(), latest + timedelta(minutes=1)))
        for info in infos:
            self.move(info, "closed")
            self.move(info, "opened")

    def decide_all(self, info) -> None:
        from app.bids.models import Bid
        from app.bids.opening import decide_responsiveness

        self.officer_does(info, lambda officer, s: [
            decide_responsiveness(officer, b, True, "")
            for b in db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id))])

    def name_committee(self, info, evaluators, chair) -> None:
        from app.evaluation import services

        self.officer_does(info, lambda officer, s: services.name_committee(
            officer, s, [e.id for e in evaluators], chair.id))

    def attest(self, info, evaluator) -> None:
        from app.accounts.models import User
        from app.evaluation import services
        from app.solicitations.models import Solicitation

        run(self.app, lambda: services.attest(get(User, evaluator.id), get(Solicitation, info.id), has_conflict=False))

    def recommend(self, info) -> None:
        from app.awards import services as awards
        from app.bids.models import Bid

        def first_bid(s):
            return db.session.scalars(select(Bid.id).where(Bid.solicitation_id == s.id).order_by(Bid.id)).first()

        self.officer_does(info, lambda officer, s: awards.recommend_award(
            officer, s, [first_bid(s)], "Lowest responsive, responsible bid."))

    def approve_recommendation(self, info, approver) -> None:
        from app.accounts.models import User
        from app.awards import services as awards
        from app.solicitations.models import Solicitation

        def go():
            s = get(Solicitation, info.id)
            awards.approve_recommendation(get(User, approver.id), awards.current_recommendation(s))
        run(self.app, go)

    def protest(self, info, bidder) -> None:
        from app.accounts.models import User
        from app.awards import services as awards
        from app.solicitations.models import Solicitation

        run(self.app, lambda: awards.file_protest(get(User, bidder.id), get(Solicitation, info.id),
                                                  "The price of line 2 was misread."))

    def ifb(self, **overrides):
        """A published IFB due in a day (questions in twelve hours)."""
        now = clock.now()
        return self.make_solicitation("published", type="ifb", criteria=IFB_CRITERIA,
                                      questions_due_at=now + timedelta(hours=12), due_at=now + timedelta(days=1),
                                      **overrides)

    def rfp_due_soon(self, **overrides):
        now = clock.now()
        return self.make_solicitation("published", questions_due_at=now + timedelta(hours=12),
                                      due_at=now + timedelta(days=1), **overrides)

    def contract_expiring(self, info, days: int, number: str) -> None:
        """A platform contract on an opened solicitation's first bid, expiring in `days` days
        (the agency's local date)."""
        from app.bids.models import Bid
        from app.contracts.models import Contract
        from app.solicitations.models import Solicitation

        def go():
            s = get(Solicitation, info.id)
            bid = db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id).order_by(Bid.id)).first()
            today = s.local(clock.now()).date()
            db.session.add(Contract(number=number, solicitation_id=s.id, agency_id=s.agency_id, vendor_id=bid.vendor_id,
                                    bid_id=bid.id, title=s.title, effective_on=today - timedelta(days=300),
                                    expires_on=today + timedelta(days=days), renewal_options=2, renewals_used=1,
                                    awarded_at=clock.now()))
        run(self.app, go)

    def demand_response(self, info, participant) -> None:
        """The officer asks `participant`'s agency for quantities; its buyer answers."""
        from app.accounts.models import Organization, User
        from app.solicitations import services
        from app.solicitations.models import DemandInvitation, Solicitation

        self.officer_does(info, lambda officer, s: services.invite_demand(
            officer, s, [get(Organization, participant.organization_id)]))

        def answer():
            s = get(Solicitation, info.id)
            invitation = db.session.scalar(select(DemandInvitation).where(
                DemandInvitation.solicitation_id == s.id, DemandInvitation.agency_id == participant.organization_id))
            services.record_demand(get(User, participant.id), invitation, {s.items[0].id: Decimal(40)})
        run(self.app, answer)

    # ------------------------------------------------------------------ everything at once
    def grow(self, n: int, evaluators, participant, tag: str = "") -> None:
        """n of every kind of row: solicitations in each status (published with 2 sealed bids and
        2 questions, pending approval, returned, opened with undecided bids and a committee,
        recommended, under protest), an expiring contract and a demand response."""
        for i in range(n):
            to_decide, to_approve, to_protest = self.rfp_due_soon(), self.ifb(), self.ifb()
            for info in (to_decide, to_approve, to_protest):
                for bidder in self.vendors:
                    self.bid(info, bidder)
            self.open(to_decide, to_approve, to_protest)
            self.name_committee(to_decide, evaluators, evaluators[-1])
            for info in (to_approve, to_protest):
                self.decide_all(info)
                self.move(info, "under_evaluation")
                self.recommend(info)
            self.approve_recommendation(to_protest, self.agency.second_approver)
            self.move(to_protest, "intent_to_award")
            self.protest(to_protest, self.vendors[-1])
            self.contract_expiring(to_approve, 30 + i, f"{tag}C-{i}-{to_approve.number}")
            published = self.make_solicitation("published", title=f"Art supplies {tag}{i}")
            for bidder in self.vendors:
                self.bid(published, bidder)
                self.question(published, bidder, f"May we offer an equivalent brand? ({bidder.email})")
            self.make_solicitation("pending_approval", title=f"Cafeteria equipment {tag}{i}")
            returned = self.make_solicitation("pending_approval", title=f"Bus tires {tag}{i}")
            self.move(returned, "draft", actor=self.agency.approver, note="Add the insurance requirement.")
            draft = self.make_solicitation("draft", title=f"Library furniture {tag}{i}")
            self.demand_response(draft, participant)


@pytest.fixture
def world(app, agency, make_solicitation, try_transition, make_vendor) -> World:
    return World(app, agency, make_solicitation, try_transition,
                 vendors=[make_vendor("Alpha Supply"), make_vendor("Bravo Office")])
