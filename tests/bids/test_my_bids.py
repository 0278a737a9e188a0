""""My bids": every bid with its outcome in words (draft, submitted and sealed, withdrawn, not
submitted, opened, under evaluation, non-responsive, intent to award to you or another, awarded,
not awarded, cancelled) and links to the bid results, award notice, debriefing and contract when
they exist; and a number of SQL queries that does not grow with the number of bids."""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from app.core import clock
from app.extensions import db
from app.solicitations.models import SolicitationType
from tests.conftest import counting_statements, login
from tests.evaluation.conftest import opened_rfp  # noqa: F401  (fixture)
from tests.evaluation.price_only import price_only, three_bids_opened


class _Rows(HTMLParser):
    """number -> {"label", "detail", "links": {label: href}} from the My bids table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}
        self._row: dict | None = None
        self._into: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if tag == "tr" and "bid-outcome" in (attrs.get("class") or ""):
            self._row = self.rows.setdefault(attrs["data-number"], {"label": "", "detail": "", "links": {}})
        elif self._row is not None and tag == "span" and "badge" in (attrs.get("class") or ""):
            self._into = "label"
        elif self._row is not None and tag == "span" and "outcome-detail" in (attrs.get("class") or ""):
            self._into = "detail"
        elif self._row is not None and tag == "a" and attrs["href"].count("/") > 1 and self._into is None:
            self._href, self._text = attrs["href"], []
        elif self._href and tag == "span":
            self._into = "hidden"

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "tr":
            self._row = None
        elif tag == "span" and self._into in ("label", "detail", "hidden"):
            self._into = None
        elif tag == "a" and self._href:
            label = "".join(self._text).strip()
            if label != self._row_number():
                self._row["links"][label] = self._href
            self._href = None

    def _row_number(self) -> str:
        return next(n for n, r in self.rows.items() if r is self._row)

    def handle_data(self, data):  # noqa: ANN001
        if self._row is None:
            return
        if self._into in ("label", "detail"):
            self._row[self._into] += data
        elif self._href and self._into is None:
            self._text.append(data)


def my_bids(client, query: str = "") -> dict[str, dict]:
    response = client.get(f"/vendor/bids{query}")
    assert response.status_code == 200
    parser = _Rows()
    parser.feed(response.get_data(as_text=True))
    for row in parser.rows.values():
        row["detail"] = " ".join(row["detail"].split())
    return parser.rows


@pytest.mark.parametrize("type_", [SolicitationType.IFB, SolicitationType.RFQ])
def test_outcomes_from_opening_to_award_of_a_price_only_solicitation(app, make_solicitation, make_vendor,
                                                                      post_bid, files, open_bids, type_):
    walk = three_bids_opened(price_only(app, make_solicitation, type_), post_bid, files, make_vendor, open_bids,
                             non_responsive="High Co")
    low, mid, high = (walk.as_user(walk.vendors[n]) for n in ("Low Co", "Mid Co", "High Co"))
    n = walk.number

    row = my_bids(low)[n]
    assert row["label"] == "Opened" and "the evaluation has not started" in row["detail"]
    assert set(row["links"]) == {"Your bid (read only)", "Receipt", "Bid results"}
    assert row["links"]["Bid results"] == f"/solicitations/{n}/results"
    assert my_bids(high)[n]["label"] == "Found non-responsive"
    assert my_bids(high)[n]["detail"] == "Found non-responsive: Bid bond missing."

    walk.status("under_evaluation")
    assert my_bids(low)[n]["label"] == "Under evaluation"
    assert my_bids(low)[n]["detail"] == "Being ranked on price."

    walk.intent("Low Co")
    row = my_bids(low)[n]
    assert row["label"] == "Intent to award to you" and "the protest period ends" in row["detail"]
    assert row["links"]["Notice of intent to award"] == f"/solicitations/{n}/award"
    assert "Debriefing" not in row["links"]
    row = my_bids(mid)[n]
    assert row["label"] == "Intent to award to another bidder"
    assert row["detail"] == "The agency intends to award the contract to Low Co."
    assert "Notice of intent to award" in row["links"]

    from app.jobs.runner import tick

    clock.advance(timedelta(days=31))
    with app.app_context():
        tick()
        from app.contracts.models import Contract

        contract_number = db.session.scalar(db.select(Contract.number))
    row = my_bids(low)[n]
    assert row["label"] == "Awarded to you" and row["detail"] == "The contract was awarded to you."
    assert row["links"] == {"Your bid (read only)": f"/solicitations/{n}/bid", "Receipt": row["links"]["Receipt"],
                            "Bid results": f"/solicitations/{n}/results", "Award notice": f"/solicitations/{n}/award",
                            "Debriefing": f"/solicitations/{n}/debriefing",
                            f"Contract {contract_number}": f"/contracts/{contract_number}"}
    row = my_bids(mid)[n]
    assert row["label"] == "Not awarded" and row["detail"] == "Awarded to Low Co."
    assert {"Bid results", "Award notice", "Debriefing"} <= set(row["links"])
    assert not any(label.startswith("Contract") for label in row["links"])
    row = my_bids(high)[n]
    assert row["label"] == "Not awarded"
    assert row["detail"] == "Awarded to Low Co. Found non-responsive: Bid bond missing."
    # Every link works for the vendor who sees it.
    for client in (low, mid, high):
        for href in my_bids(client)[n]["links"].values():
            assert client.get(href).status_code == 200, href
    clock.reset()


def test_outcomes_before_the_opening_and_after_a_cancellation(app, make_solicitation, make_vendor, post_bid,
                                                              files):
    walk = price_only(app, make_solicitation)
    drafting, bidding_, withdrawing = make_vendor("Draft Co"), make_vendor("Sealed Co"), make_vendor("Gone Co")
    walk.bid(post_bid, files, "Draft Co", drafting, ("9.00", "40.00"), action="save")
    walk.bid(post_bid, files, "Sealed Co", bidding_, ("9.00", "40.00"))
    walk.bid(post_bid, files, "Gone Co", withdrawing, ("9.00", "40.00"))
    assert walk.as_user(withdrawing).submit(f"/solicitations/{walk.number}/bid/withdraw").status_code == 302
    n = walk.number

    row = my_bids(walk.as_user(drafting))[n]
    assert row["label"] == "Draft, not submitted" and "submit it before the deadline" in row["detail"]
    assert set(row["links"]) == {"Your bid"}
    row = my_bids(walk.as_user(bidding_))[n]
    assert row["label"] == "Submitted, sealed" and "nobody can see it until the public opening" in row["detail"]
    assert set(row["links"]) == {"Your bid", "Receipt"}  # sealed: no results yet
    row = my_bids(walk.as_user(withdrawing))[n]
    assert row["label"] == "Withdrawn" and "you may submit again" in row["detail"]

    clock.freeze(walk.info.due_at + timedelta(minutes=1))  # past the deadline; the scheduler has not run
    row = my_bids(walk.as_user(drafting))[n]
    assert row["label"] == "Not submitted" and set(row["links"]) == {"Your bid (read only)"}
    assert my_bids(walk.as_user(bidding_))[n]["label"] == "Submitted, sealed"

    walk.status("cancelled", reason="Funding withdrawn by the board")
    for vendor in (drafting, bidding_, withdrawing):
        row = my_bids(walk.as_user(vendor))[n]
        assert row["label"] == "Cancelled"
        assert row["detail"] == "The agency cancelled the solicitation: Funding withdrawn by the board"
        assert "Bid results" not in row["links"]
    clock.reset()


def test_outcomes_of_an_rfp(app, client, opened_rfp):
    from app.jobs.runner import tick
    from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
    from tests.evaluation.test_committee_and_scores import _start

    with app.app_context():
        from app.accounts.models import User

        emails = {name: db.session.get(User, _vendor_user(app, opened_rfp, name)).email
                  for name in ("Alpha Supply", "Bravo Office")}
    clients = {}
    for name, email in emails.items():
        clients[name] = app.test_client()
        login(clients[name], email)
    n = opened_rfp.number
    _start(app, opened_rfp)
    row = my_bids(clients["Alpha Supply"])[n]
    assert row["label"] == "Under evaluation" and row["detail"] == "The evaluation committee is scoring the proposals."
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    assert my_bids(clients["Bravo Office"])[n]["label"] == "Intent to award to you"
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
    assert my_bids(clients["Bravo Office"])[n]["label"] == "Awarded to you"
    row = my_bids(clients["Alpha Supply"])[n]
    assert row["label"] == "Not awarded" and row["detail"] == "Awarded to Bravo Office."
    assert clients["Alpha Supply"].get(row["links"]["Debriefing"]).status_code == 200
    clock.reset()


def _count_queries(app, fn) -> tuple[int, object]:
    with counting_statements(app) as statements:
        result = fn()
    return len(statements), result


def test_my_bids_makes_the_same_number_of_queries_for_2_or_12_bids(app, make_solicitation, make_vendor, post_bid,
                                                                   files, open_bids):
    from app.bids.outcomes import outcomes_for_vendor

    ours = make_vendor("Low Co")
    clients: dict = {}

    def awarded_walk():
        walk = price_only(app, make_solicitation, clients=clients)
        walk.bid(post_bid, files, "Low Co", ours, ("9.00", "40.00"))
        walk.bid(post_bid, files, "Mid Co", make_vendor("Mid Co"), ("10.00", "40.00"))
        open_bids(walk.info)
        walk.load_bid_ids()
        walk.decide("Low Co")
        walk.decide("Mid Co")
        walk.status("under_evaluation")
        walk.award("Low Co")
        return walk

    def one_more(action: str = "submit", cancel: bool = False):
        walk = price_only(app, make_solicitation, clients=clients)
        walk.bid(post_bid, files, "Low Co", ours, ("9.00", "40.00"), action=action)
        if cancel:
            walk.status("cancelled", reason="No longer needed")
        return walk

    client = awarded_walk().as_user(ours)
    one_more("save")

    def measure():
        page = _count_queries(app, lambda: client.get("/vendor/bids"))
        assert page[1].status_code == 200

        def direct():
            with app.test_request_context():
                return [(o.kind, len(o.links)) for o in outcomes_for_vendor(ours.organization_id)]
        return page[0], _count_queries(app, direct)

    (few_page, (few_direct, outcomes)) = measure()
    assert len(outcomes) == 2 and few_direct <= 3, few_direct

    awarded_walk()
    one_more(cancel=True)
    for i in range(8):
        one_more("save" if i % 2 else "submit")
    (many_page, (many_direct, outcomes)) = measure()
    assert len(outcomes) == 12
    kinds = {kind.label for kind, _ in outcomes}
    assert {"Awarded to you", "Cancelled", "Submitted, sealed", "Draft, not submitted"} <= kinds, kinds
    assert (many_page, many_direct) == (few_page, few_direct)
    assert many_page <= 8, many_page
    assert len(my_bids(client)) == 12
    clock.reset()


def test_my_bids_pages_through_many_bids(app, make_solicitation, make_vendor, post_bid, files, monkeypatch):
    import app.bids.views as views

    monkeypatch.setattr(views, "MY_BIDS_PER_PAGE", 2)
    ours = make_vendor("Low Co")
    numbers, clients = [], {}
    for _ in range(3):
        walk = price_only(app, make_solicitation, clients=clients)
        walk.bid(post_bid, files, "Low Co", ours, ("9.00", "40.00"), action="save")
        numbers.append(walk.number)
    client = walk.as_user(ours)
    first, second = my_bids(client), my_bids(client, "?page=2")
    assert len(first) == 2 and len(second) == 1 and set(first) | set(second) == set(numbers)
    assert "Page 1 of 2" in client.get("/vendor/bids").get_data(as_text=True)
    assert my_bids(client, "?page=99") == second and my_bids(client, "?page=abc") == first
    assert re.search(r"No bids yet", client.get("/vendor/bids?page=1").get_data(as_text=True)) is None
