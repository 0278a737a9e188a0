"""The public archive: the solicitations list filters by status (open, closed or being evaluated,
awarded, cancelled, all past) with the same words and filters; drafts, solicitations awaiting
approval and approved ones not yet published never appear; bid results are linked only once the
bids were opened; awarded rows link to the award notice. An awarded solicitation's page links to
its award notice and contracts, an intent-to-award one to its notice of intent."""
from __future__ import annotations

import re
from datetime import timedelta


from app.core import clock
from app.extensions import db
from app.solicitations.models import SolicitationType
from tests.bids.conftest import bidding, files, make_vendor, open_bids, post_bid  # noqa: F401  (fixtures)
from tests.conftest import login, page_statements
from tests.evaluation.conftest import opened_rfp  # noqa: F401  (fixture)
from tests.evaluation.price_only import price_only, three_bids_opened
from tests.solicitations.conftest import local_datetime

ARTICLE = re.compile(r'<article class="card mb-3">(.*?)</article>', re.S)
NUMBER = re.compile(r'<h2 class="h5 mb-1"><a href="/solicitations/([^"/]+)">')
LINK = re.compile(r'<a href="([^"]+)">([^<]+)<span class="visually-hidden">')


def rows(client, query: str = "") -> dict[str, dict]:
    """number -> {"links": {label: href}, "text": visible text} for each listed solicitation."""
    response = client.get(f"/solicitations/{query}")
    assert response.status_code == 200
    found = {}
    for article in ARTICLE.findall(response.get_data(as_text=True)):
        number = NUMBER.search(article).group(1)
        found[number] = {"links": {label: href for href, label in LINK.findall(article)},
                         "text": " ".join(re.sub(r"<[^>]+>", " ", article).split())}
    return found


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/solicitations/{query}")
    return NUMBER.findall(response.get_data(as_text=True))


def _world(app, make_solicitation, make_vendor, post_bid, files, open_bids, categories):
    """One solicitation in every public state (and some that are never public)."""
    clients, vendors = {}, {}
    awarded = three_bids_opened(price_only(app, make_solicitation, SolicitationType.IFB, clients=clients,
                                           title="Custodial supplies", category_ids=[categories[0].id]),
                                post_bid, files, make_vendor, open_bids, vendors=vendors)
    awarded.status("under_evaluation")
    awarded.award("Low Co", "Mid Co")  # a multi-award: two contracts
    intent = three_bids_opened(price_only(app, make_solicitation, SolicitationType.RFQ, clients=clients,
                                          title="Custodial paper quotes", category_ids=[categories[1].id]),
                               post_bid, files, make_vendor, open_bids, vendors=vendors)
    intent.status("under_evaluation")
    intent.intent("Mid Co")
    evaluating = three_bids_opened(price_only(app, make_solicitation, SolicitationType.IFB, clients=clients,
                                              title="Floor wax"), post_bid, files, make_vendor, open_bids,
                                   vendors=vendors)
    evaluating.status("under_evaluation")
    sealed = price_only(app, make_solicitation, clients=clients, title="Sealed mops")
    sealed.bid(post_bid, files, "Secret Bidder Co", make_vendor("Secret Bidder Co"), ("1.00", "2.00"))
    clock.freeze(sealed.info.due_at + timedelta(minutes=5))
    sealed.status("closed")
    cancelled = make_solicitation("cancelled", cancel_from="published", title="Cancelled brooms")
    never = [make_solicitation(title="Draft buckets"), make_solicitation("pending_approval", title="Pending buckets"),
             make_solicitation("approved", title="Approved buckets"),
             make_solicitation("cancelled", title="Cancelled draft buckets")]
    # Published, its deadline passed a minute ago; the scheduler has not closed it yet.
    tz = sealed.info.agency.timezone
    today = clock.now().astimezone(__import__("zoneinfo").ZoneInfo(tz)).date()
    lapsed = make_solicitation("published", title="Lapsed sponges",
                               questions_due_at=local_datetime(tz, today + timedelta(days=1), 12),
                               due_at=local_datetime(tz, today + timedelta(days=2), 14))
    open_ = make_solicitation("published", title="Open paper towels", due_at=local_datetime(tz, today + timedelta(days=30), 14),
                              questions_due_at=local_datetime(tz, today + timedelta(days=20), 12))
    with app.app_context():
        from app.solicitations.models import Solicitation

        clock.freeze(db.session.get(Solicitation, lapsed.id).due_at + timedelta(minutes=1))
    return {"awarded": awarded, "intent": intent, "evaluating": evaluating, "sealed": sealed,
            "cancelled": cancelled, "never": never, "lapsed": lapsed, "open": open_}


def test_the_archive_by_status_with_filters_and_links(app, client, make_solicitation, make_vendor, post_bid,
                                                      files, open_bids, categories, bidding):
    w = _world(app, make_solicitation, make_vendor, post_bid, files, open_bids, categories)
    n = {key: value.number for key, value in w.items() if key != "never"}
    n["rfp"] = bidding.number  # post_bid's own RFP (published, nobody bid): its deadline has passed too
    never = {s.number for s in w["never"]}

    assert listed(client) == [n["open"]]
    assert listed(client, "?status=nonsense") == [n["open"]]
    assert "Open solicitations" in client.get("/solicitations/").get_data(as_text=True)

    closed = rows(client, "?status=closed")
    assert set(closed) == {n["intent"], n["evaluating"], n["sealed"], n["lapsed"], n["rfp"]}
    # Bid results only once opened: the sealed and lapsed ones have no results link, and no
    # bidder's name shows anywhere on the page.
    assert closed[n["evaluating"]]["links"] == {"Bid results": f"/solicitations/{n['evaluating']}/results"}
    assert closed[n["sealed"]]["links"] == {} and closed[n["lapsed"]]["links"] == {}
    assert "Secret Bidder Co" not in client.get("/solicitations/?status=closed").get_data(as_text=True)
    assert closed[n["intent"]]["links"] == {"Bid results": f"/solicitations/{n['intent']}/results",
                                            "Notice of intent to award": f"/solicitations/{n['intent']}/award"}
    assert "Intended award to Mid Co" in closed[n["intent"]]["text"]
    assert "Bids were due" in closed[n["sealed"]]["text"] and "Deadline passed" in closed[n["lapsed"]]["text"]

    awarded = rows(client, "?status=awarded")
    assert set(awarded) == {n["awarded"]}
    assert awarded[n["awarded"]]["links"] == {"Bid results": f"/solicitations/{n['awarded']}/results",
                                              "Award notice": f"/solicitations/{n['awarded']}/award"}
    assert re.search(r"Awarded .+ to Low Co, Mid Co", awarded[n["awarded"]]["text"])

    cancelled = rows(client, "?status=cancelled")
    assert set(cancelled) == {n["cancelled"]} and "Funding withdrawn" in cancelled[n["cancelled"]]["text"]
    assert cancelled[n["cancelled"]]["links"] == {}

    past = listed(client, "?status=past")
    assert set(past) == {n["awarded"], n["intent"], n["evaluating"], n["sealed"], n["cancelled"], n["lapsed"],
                         n["rfp"]}
    assert not never & set(past) and n["open"] not in past
    for status in ("", "?status=closed", "?status=awarded", "?status=cancelled", "?status=past"):
        assert not never & set(listed(client, status)), status

    # Every linked page opens.
    for found in (closed, awarded):
        for row in found.values():
            for href in row["links"].values():
                assert client.get(href).status_code == 200, href
    # The sealed one's results page says sealed, and names nobody.
    sealed_results = client.get(f"/solicitations/{n['sealed']}/results").get_data(as_text=True)
    assert "Bids are sealed until the public opening" in sealed_results and "Secret Bidder Co" not in sealed_results

    # The same words and filters as the open list.
    assert listed(client, "?status=past&q=custodial") == [n["intent"], n["awarded"]]  # latest due date first
    assert listed(client, f"?status=past&q=custodial&category={categories[0].id}") == [n["awarded"]]
    assert listed(client, "?status=awarded&state=VA") == [n["awarded"]]
    assert listed(client, "?status=awarded&state=NC") == []
    assert listed(client, f"?status=past&agency={w['awarded'].info.agency.id}&q=brooms") == [n["cancelled"]]
    assert listed(client, "?status=past&q=buckets") == []
    assert "No past solicitation matches." in client.get("/solicitations/?status=past&q=zzz").get_data(as_text=True)
    assert "Past solicitations: awarded" in client.get("/solicitations/?status=awarded").get_data(as_text=True)
    clock.reset()


def test_the_solicitation_page_links_to_its_award_notice_and_contracts(app, client, make_solicitation, make_vendor,
                                                                       post_bid, files, open_bids, categories):
    w = _world(app, make_solicitation, make_vendor, post_bid, files, open_bids, categories)
    from app.contracts.models import Contract

    with app.app_context():
        contracts = dict(db.session.execute(db.select(Contract.number, Contract.solicitation_id)).all())
    assert len(contracts) == 2 and set(contracts.values()) == {w["awarded"].id}

    page = client.get(f"/solicitations/{w['awarded'].number}").get_data(as_text=True)
    award = page[page.find('id="award"'):page.find("</section>", page.find('id="award"'))]
    assert f'href="/solicitations/{w["awarded"].number}/award">Award notice</a>' in award
    for number in contracts:
        assert f'href="/contracts/{number}">{number}</a>' in award
    assert "Low Co" in award and "Mid Co" in award and "Contracts:" in award
    assert f'href="/solicitations/{w["awarded"].number}/results"' in page
    assert 'href="/solicitations/?status=past">Past solicitations</a>' in page

    page = client.get(f"/solicitations/{w['intent'].number}").get_data(as_text=True)
    assert f'href="/solicitations/{w["intent"].number}/award">Notice of intent to award</a>' in page
    award = page[page.find('id="award"'):page.find("</section>", page.find('id="award"'))]
    assert "intends to award to <strong>Mid Co</strong>" in award and "/contracts/" not in award

    for key in ("evaluating", "sealed", "lapsed", "open"):
        page = client.get(f"/solicitations/{w[key].number}").get_data(as_text=True)
        assert 'id="award"' not in page and f"/solicitations/{w[key].number}/award" not in page, key
    assert "/results" not in client.get(f"/solicitations/{w['sealed'].number}").get_data(as_text=True)
    clock.reset()


def test_an_awarded_rfp_page_links_to_its_notice_and_contract(app, client, opened_rfp):
    from app.jobs.runner import tick
    from tests.evaluation.test_award_path import _intent, _score_and_close
    from tests.evaluation.test_committee_and_scores import _start

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    page = client.get(f"/solicitations/{opened_rfp.number}").get_data(as_text=True)
    assert "Notice of intent to award</a>" in page and "intends to award to <strong>Bravo Office</strong>" in page
    assert opened_rfp.number in rows(client, "?status=closed")
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        from app.contracts.models import Contract

        number = db.session.scalar(db.select(Contract.number))
    page = client.get(f"/solicitations/{opened_rfp.number}").get_data(as_text=True)
    assert f'href="/contracts/{number}">{number}</a> (Bravo Office)' in page and "Award notice</a>" in page
    assert rows(client, "?status=awarded")[opened_rfp.number]["links"] == {
        "Bid results": f"/solicitations/{opened_rfp.number}/results",
        "Award notice": f"/solicitations/{opened_rfp.number}/award"}
    clock.reset()


def test_the_archive_makes_the_same_number_of_queries_for_3_or_12_solicitations(app, client, make_solicitation,
                                                                                make_vendor, post_bid, files,
                                                                                open_bids, vendor):
    clients, vendors = {}, {}
    vendor_client = app.test_client()
    login(vendor_client, vendor)
    paths = ("/solicitations/?status=past", "/solicitations/?status=awarded",
             "/solicitations/?status=closed&q=solicitation&state=VA")

    def awarded(title: str):
        walk = three_bids_opened(price_only(app, make_solicitation, clients=clients, title=title), post_bid, files,
                                 make_vendor, open_bids, vendors=vendors)
        walk.status("under_evaluation")
        walk.award("Low Co")

    def measure() -> list[int]:
        return [page_statements(app, c, p)[0] for c in (client, vendor_client) for p in paths]

    awarded("Awarded solicitation 0")
    make_solicitation("closed", title="Closed solicitation 0")
    client.get(paths[0])  # warm up
    assert len(listed(client, "?status=past")) == 3  # with post_bid's own RFP, past its deadline
    few = measure()

    awarded("Awarded solicitation 1")
    for i in range(1, 5):
        make_solicitation("closed", title=f"Closed solicitation {i}")
        make_solicitation("cancelled", cancel_from="published", title=f"Cancelled solicitation {i}")
    assert len(listed(client, "?status=past")) == 12 and len(listed(client, "?status=awarded")) == 2
    assert measure() == few
    assert max(few) <= 12, few
    clock.reset()
