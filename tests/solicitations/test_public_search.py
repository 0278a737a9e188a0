"""The public list of open solicitations: search words, filters, and a number of SQL queries that
does not grow with the number of solicitations listed."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


from app.core import clock
from tests.conftest import login, page_statements
from tests.solicitations.conftest import local_datetime

UTC = timezone.utc
NOW = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
LISTED = re.compile(r'<h2 class="h5 mb-1"><a href="/solicitations/([^"/]+)">')


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/solicitations/{query}")
    assert response.status_code == 200
    return LISTED.findall(response.get_data(as_text=True))


def test_search_words_and_filters(app, client, categories, make_solicitation, make_agency):
    clock.freeze(NOW)
    c0, c1, c2 = categories
    laptops = make_solicitation("published", title="Student laptops", category_ids=[c0.id],
                                summary="Chromebooks for middle schools.")
    fuel = make_solicitation("published", title="Diesel fuel delivery", category_ids=[c1.id],
                             summary="Bulk fuel for the bus fleet, 100% biodiesel blend.")
    nc = make_agency("NC", short_code="WAKE")
    today = NOW.astimezone(ZoneInfo(nc.timezone)).date()
    mowers = make_solicitation("published", agency=nc, title="Zero-turn mowers", category_ids=[c2.id],
                               summary="Mowers for athletic fields.",
                               questions_due_at=local_datetime(nc.timezone, today + timedelta(days=3), 12),
                               due_at=local_datetime(nc.timezone, today + timedelta(days=5), 14))
    make_solicitation(title="Secret laptops draft", category_ids=[c0.id])       # a draft: never listed
    make_solicitation("approved", title="Approved laptops", category_ids=[c0.id])  # not yet published

    # Everything open, soonest closing first.
    assert listed(client) == [mowers.number, laptops.number, fuel.number]
    # Words match the title, the summary or the number, in any case; every word must match.
    assert listed(client, "?q=laptops") == [laptops.number]
    assert listed(client, "?q=CHROMEBOOKS") == [laptops.number]
    assert listed(client, "?q=fuel+bus") == [fuel.number]
    assert listed(client, "?q=fuel+laptops") == []
    assert listed(client, f"?q={fuel.number}") == [fuel.number]
    assert listed(client, "?q=wake-rfp") == [mowers.number]
    # LIKE wildcards are plain characters.
    assert listed(client, "?q=100%25") == [fuel.number]
    assert listed(client, "?q=%25") == [fuel.number]
    assert listed(client, "?q=_") == []
    # Filters, alone and together.
    assert listed(client, f"?category={c1.id}") == [fuel.number]
    assert listed(client, "?state=NC") == [mowers.number]
    assert listed(client, "?state=VA") == [laptops.number, fuel.number]
    assert listed(client, f"?agency={nc.id}") == [mowers.number]
    assert listed(client, f"?agency={laptops.agency.id}") == [laptops.number, fuel.number]
    assert listed(client, "?closing=7") == [mowers.number]
    assert listed(client, "?closing=30") == [mowers.number, laptops.number, fuel.number]
    assert listed(client, f"?category={c0.id}&state=VA&q=student") == [laptops.number]
    assert listed(client, f"?category={c0.id}&state=NC") == []
    # Nonsense in the query string is ignored, not an error.
    assert listed(client, "?category=abc&state=ZZ&agency=-1&closing=soon") == [mowers.number, laptops.number,
                                                                              fuel.number]
    html = client.get("/solicitations/?q=nothing-matches-this").get_data(as_text=True)
    assert "No open solicitation matches." in html

    # Past its due date a solicitation leaves the list, whatever the scheduler has done.
    clock.advance(timedelta(days=6))
    assert listed(client) == [laptops.number, fuel.number]
    assert listed(client, "?closing=7") == []


def test_the_list_makes_the_same_number_of_queries_for_2_or_12_solicitations(app, client, categories,
                                                                            make_solicitation, vendor):
    clock.freeze(NOW)
    vendor_client = app.test_client()
    login(vendor_client, vendor)
    pages = ("/solicitations/", f"/solicitations/?q=solicitation&category={categories[0].id}&state=VA&closing=30")

    def measure() -> list[int]:
        return [page_statements(app, c, path)[0] for c in (client, vendor_client) for path in pages]

    for i in range(2):
        make_solicitation("published", title=f"Solicitation {i}", category_ids=[c.id for c in categories])
    client.get("/solicitations/")  # warm up
    assert len(listed(client)) == 2 and len(listed(client, pages[1][len("/solicitations/"):])) == 2
    few = measure()

    for i in range(2, 12):
        make_solicitation("published", title=f"Solicitation {i}", category_ids=[c.id for c in categories])
    assert len(listed(client)) == 12 and len(listed(client, pages[1][len("/solicitations/"):])) == 12
    assert measure() == few
    assert max(few) <= 10, few
