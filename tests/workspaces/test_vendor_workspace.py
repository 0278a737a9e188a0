"""The vendor's workspace on the dashboard: open opportunities in what it follows and its saved
searches, addenda to acknowledge, and drafts not yet submitted with their deadlines in the agency's
time zone; the same number of queries for 2 or 10 rows of each."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from app.core import clock
from app.extensions import db
from tests.conftest import login, page_statements
from tests.workspaces.conftest import section


def _items(app, solicitation_id: int) -> list[int]:
    from app.solicitations.models import Solicitation

    with app.app_context():
        return [item.id for item in db.session.get(Solicitation, solicitation_id).items]


def _save_draft(client, number: str) -> None:
    response = client.submit(f"/solicitations/{number}/bid", {"notes": "Working on it", "save": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _submit_bid(app, client, info) -> None:
    data = {f"price_{item_id}": "10.00" for item_id in _items(app, info.id)}
    data.update({"attest_non_collusion": "y", "attest_not_debarred": "y", "submit": "1"})
    response = client.submit(f"/solicitations/{info.number}/bid", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _issue_addendum(app, info, title: str = "Revised delivery schedule") -> None:
    from app.accounts.models import User
    from app.solicitations import services
    from app.solicitations.models import Solicitation

    with app.test_request_context():
        services.issue_addendum(db.session.get(User, info.agency.officer.id), db.session.get(Solicitation, info.id),
                                title=title, body_md="Deliveries start in the second week.")
        db.session.commit()


def _due_text(app, solicitation_id: int) -> str:
    """The deadline as the page shows it: in the lead agency's time zone."""
    from app.solicitations.models import Solicitation

    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return s.due_at.astimezone(ZoneInfo(s.agency.timezone)).strftime("%b %-d, %Y %-I:%M %p %Z")


def test_the_vendor_sees_its_opportunities_addenda_and_drafts(app, client, make_solicitation, categories, vendor,
                                                              make_vendor):
    login(client, vendor)
    assert client.submit("/vendor/follows", {"category": str(categories[0].id)}).status_code == 302
    assert client.submit("/vendor/searches", {"q": "boiler", "category": "", "state": ""}).status_code == 302

    closed = make_solicitation("closed", title="Boiler replacement", category_ids=[categories[0].id])
    clock.reset()  # closing moved the clock to its deadline
    boiler = make_solicitation("published", title="Boiler maintenance", category_ids=[categories[2].id])
    paper = make_solicitation("published", title="Copy paper", category_ids=[categories[0].id])
    both = make_solicitation("published", title="Boiler room supplies", category_ids=[categories[0].id])
    elsewhere = make_solicitation("published", title="Lawn mowers", category_ids=[categories[1].id])

    html = client.get("/dashboard").get_data(as_text=True)
    opportunities = section(html, "vendor-opportunities")
    for info in (boiler, paper, both):
        assert f'href="/solicitations/{info.number}"' in opportunities
        assert f'href="/solicitations/{info.number}/bid"' in opportunities
    assert elsewhere.number not in opportunities and closed.number not in opportunities
    assert "Category you follow: Office supplies" in opportunities
    assert "Saved search “boiler”" in opportunities
    assert 'href="/vendor/searches"' in opportunities and 'href="/vendor/follows"' in opportunities
    assert "Nothing to acknowledge" in section(html, "vendor-addenda")
    assert "No unsubmitted draft" in section(html, "vendor-drafts")

    # A draft on one, a submitted bid on another; addenda on both and on one it does not bid on.
    _save_draft(client, paper.number)
    _submit_bid(app, client, both)
    for info in (paper, both, elsewhere):
        _issue_addendum(app, info)
    # Another vendor's draft is not this vendor's business.
    rival = app.test_client()
    login(rival, make_vendor("Rival Supply"))
    _save_draft(rival, boiler.number)

    html = client.get("/dashboard").get_data(as_text=True)
    drafts = section(html, "vendor-drafts")
    assert paper.number in drafts and both.number not in drafts and boiler.number not in drafts
    assert f'href="/solicitations/{paper.number}/bid"' in drafts
    assert _due_text(app, paper.id) in drafts  # the agency's time zone
    addenda = section(html, "vendor-addenda")
    assert paper.number in addenda and both.number in addenda and "Submitted" in addenda
    assert f'href="/solicitations/{paper.number}#addenda"' in addenda
    assert f'href="/solicitations/{both.number}#addenda"' in addenda
    assert elsewhere.number not in addenda  # no bid there
    assert "Addendum 1: Revised delivery schedule" in addenda
    opportunities = section(html, "vendor-opportunities")
    assert "Draft · " in opportunities and "Submitted · " in opportunities
    bids = section(html, "vendor-bids")
    assert bids.count('class="bid-outcome"') == 2 and 'href="/vendor/bids"' in bids
    assert "Submitted, sealed" in bids and "Draft, not submitted" in bids
    assert f'href="/solicitations/{both.number}"' in bids and boiler.number not in bids

    # Acknowledged: off the list.
    assert client.submit(f"/solicitations/{paper.number}/addenda/1/acknowledge").status_code == 302
    addenda = section(client.get("/dashboard").get_data(as_text=True), "vendor-addenda")
    assert paper.number not in addenda and both.number in addenda


def test_the_old_vendor_task_counts_are_gone(app, client, vendor):
    login(client, vendor)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Bid drafts not yet submitted (still open)" not in html
    assert "Follow the categories you sell in" in section(html, "vendor-opportunities")


def test_agency_staff_see_no_vendor_section(app, client, agency):
    login(client, agency.officer)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'id="vendor-opportunities"' not in html and 'id="vendor-drafts"' not in html


def test_the_vendor_dashboard_makes_the_same_number_of_queries_for_2_or_10_rows(app, client, make_solicitation,
                                                                               categories, vendor):
    login(client, vendor)
    client.submit("/vendor/follows", {"category": str(categories[0].id)})
    client.submit("/vendor/searches", {"q": "service", "category": "", "state": ""})
    client.submit("/vendor/searches", {"q": "boiler", "category": str(categories[0].id), "state": "VA"})

    def add(count: int) -> None:
        for i in range(count):
            info = make_solicitation("published", title=f"Boiler service {i}", category_ids=[categories[0].id])
            _save_draft(client, info.number)
            _issue_addendum(app, info)

    def rows(html: str, key: str) -> int:
        return len(re.findall(r"<tr>\s*<td", section(html, key)))

    add(2)
    client.get("/dashboard")  # warm up
    html = client.get("/dashboard").get_data(as_text=True)
    assert [rows(html, key) for key in ("vendor-opportunities", "vendor-addenda", "vendor-drafts")] == [2, 2, 2]
    assert section(html, "vendor-bids").count('class="bid-outcome"') == 2
    few = page_statements(app, client, "/dashboard")[0]

    add(8)
    html = client.get("/dashboard").get_data(as_text=True)
    assert [rows(html, key) for key in ("vendor-opportunities", "vendor-addenda", "vendor-drafts")] == [10, 10, 10]
    assert section(html, "vendor-bids").count('class="bid-outcome"') == 10
    assert page_statements(app, client, "/dashboard")[0] == few
