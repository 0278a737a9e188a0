"""A price-only solicitation (IFB or RFQ) walked through the pages: vendors bid, the officer opens
the bids, decides responsiveness, starts the evaluation, recommends; the approver approves; the
officer issues the notice of intent; the protest period runs out and the scheduler awards.

Use with the fixtures of tests/bids/conftest.py (make_solicitation, make_vendor, post_bid, files,
open_bids). Everything returns plain values, never ORM objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.solicitations.models import SolicitationType
from tests.bids.conftest import Bidding
from tests.conftest import login

PRICE_ONLY = [{"name": "Price", "points": Decimal(100), "is_price": True}]


@dataclass
class Walk:
    """One price-only solicitation and the people on it."""

    app: object
    info: Bidding
    type: SolicitationType
    vendors: dict[str, object] = field(default_factory=dict)  # vendor name -> UserInfo
    bid_ids: dict[str, int] = field(default_factory=dict)  # vendor name -> bid id
    clients: dict[str, object] = field(default_factory=dict)  # e-mail -> a client signed in as that user

    @property
    def number(self) -> str:
        return self.info.number

    @property
    def id(self) -> int:
        return self.info.id

    def as_user(self, user):  # noqa: ANN001
        """A test client signed in as `user` (one per user: sign-ins are rate-limited)."""
        if user.email not in self.clients:
            client = self.app.test_client()
            assert login(client, user).status_code == 302
            self.clients[user.email] = client
        return self.clients[user.email]

    def bid(self, post_bid, files, name: str, vendor, prices: tuple[str, str] | tuple[str | None, str | None],
            action: str = "submit") -> None:
        self.vendors[name] = vendor
        response = post_bid(self.as_user(vendor), self.number, prices={i + 1: p for i, p in enumerate(prices) if p},
                            item_ids=self.info.item_ids, action=action, documents={0: (files["pdf"], "w9.pdf")})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def load_bid_ids(self) -> None:
        from app.bids.models import Bid

        with self.app.app_context():
            for bid in db.session.scalars(select(Bid).where(Bid.solicitation_id == self.id)):
                self.bid_ids[bid.vendor.name] = bid.id

    def officer_post(self, path: str, data: dict | None = None, user=None):  # noqa: ANN001
        response = self.as_user(user or self.info.agency.officer).submit(path, data or {})
        assert response.status_code in (302, 200), (path, response.status_code, response.get_data(as_text=True)[:500])
        return response

    def decide(self, name: str, responsive: bool = True, reason: str = "") -> None:
        self.officer_post(f"/agency/solicitations/{self.id}/bids/{self.bid_ids[name]}",
                          {"decision": "responsive" if responsive else "non_responsive", "reason": reason})

    def status(self, target: str, **data: str) -> None:
        self.officer_post(f"/agency/solicitations/{self.id}/status/{target}", data)

    def recommend(self, *names: str) -> None:
        response = self.as_user(self.info.agency.officer).submit(f"/agency/solicitations/{self.id}/award/recommend",
                                      {"bid": [str(self.bid_ids[n]) for n in names],
                                       "justification": "Lowest responsive, responsible bid."})
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        self.officer_post(f"/agency/solicitations/{self.id}/award/approve", {}, user=self.info.agency.approver)

    def intent(self, *names: str) -> None:
        self.recommend(*names)
        self.status("intent_to_award")

    def award(self, *names: str) -> None:
        from app.jobs.runner import tick

        self.intent(*names)
        clock.advance(timedelta(days=31))
        with self.app.app_context():
            tick()


def price_only(app, make_solicitation, type_: SolicitationType = SolicitationType.IFB, *,  # noqa: ANN001
               clients: dict | None = None, **fields) -> Walk:
    """A published price-only solicitation (two price lines: 1,200 cases and 300 each). Pass the
    `clients` of an earlier walk to reuse its signed-in clients (sign-ins are rate-limited)."""
    from app.solicitations.models import Solicitation

    info = make_solicitation("published", type=type_, criteria=PRICE_ONLY, required_documents=["w9"], **fields)
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        bidding = Bidding(info.id, info.number, info.agency, {i.position: i.id for i in s.items}, s.due_at)
    walk = Walk(app, bidding, SolicitationType(type_))
    if clients is not None:
        walk.clients = clients
    return walk


def three_bids_opened(walk: Walk, post_bid, files, make_vendor, open_bids, *, non_responsive: str = "",  # noqa: ANN001
                      vendors: dict | None = None) -> Walk:
    """Low Co $22,800, Mid Co $24,000, High Co $26,400; opened; all responsive (or one not).
    `vendors` (name -> UserInfo) reuses the vendors of an earlier walk, and gets the new ones."""
    vendors = {} if vendors is None else vendors
    for name, prices in {"Low Co": ("9.00", "40.00"), "Mid Co": ("10.00", "40.00"),
                         "High Co": ("12.00", "40.00")}.items():
        if name not in vendors:
            vendors[name] = make_vendor(name)
        walk.bid(post_bid, files, name, vendors[name], prices)
    open_bids(walk.info)
    walk.load_bid_ids()
    for name in walk.bid_ids:
        walk.decide(name, name != non_responsive, "Bid bond missing." if name == non_responsive else "")
    return walk
