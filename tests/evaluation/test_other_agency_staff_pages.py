"""Another agency's staff pages answer exactly as a solicitation id that does not exist (404):
the answer never confirms that an id belongs to someone else's solicitation. Own staff still
get the pages; a role the page does not admit still gets 403 (it knows the solicitation)."""
from __future__ import annotations

import pytest

from tests.conftest import login
from tests.evaluation.test_committee_and_scores import _start

MISSING = 987654


def _pages(sid: int, bid_id: int, document_id: int) -> list[tuple[str, str]]:
    base = f"/agency/solicitations/{sid}"
    return [("GET", base), ("GET", f"{base}/edit"), ("GET", f"{base}/bids"), ("GET", f"{base}/bids/{bid_id}"),
            ("GET", f"{base}/bids/{bid_id}/documents/{document_id}"), ("GET", f"{base}/tabulation"),
            ("GET", f"{base}/tabulation.csv"), ("GET", f"{base}/evaluation"), ("GET", f"{base}/evaluation/scores"),
            ("GET", f"{base}/evaluation/report"), ("GET", f"{base}/award"), ("GET", f"{base}/price-sheet.csv"),
            ("GET", f"{base}/price-sheet/import"), ("POST", f"{base}/status/closed"), ("POST", f"{base}/copy"),
            ("POST", f"{base}/award/recommend"), ("POST", f"{base}/evaluation/close")]


def _answer(client, method: str, url: str) -> int:
    return (client.get(url) if method == "GET" else client.submit(url, {})).status_code


@pytest.fixture
def under_evaluation(app, opened_rfp):
    from app.bids.models import BidDocument
    from app.extensions import db

    _start(app, opened_rfp)
    bid_id = opened_rfp.bid_ids["Bravo Office"]
    with app.app_context():
        document_id = db.session.scalar(db.select(BidDocument.id).where(BidDocument.bid_id == bid_id))
    return opened_rfp, bid_id, document_id


@pytest.mark.parametrize("role", ["officer", "admin", "evaluator"])
def test_another_agencys_staff_get_404_as_for_a_missing_id(app, client, under_evaluation, other_agency, role):
    rfp, bid_id, document_id = under_evaluation
    login(client, getattr(other_agency, role))
    for (method, url), (_, missing_url) in zip(_pages(rfp.id, bid_id, document_id),
                                               _pages(MISSING, bid_id, document_id)):
        existing, missing = _answer(client, method, url), _answer(client, method, missing_url)
        assert existing == missing, (url, existing, missing)
        assert existing in (403, 404), url  # 403 only where the role itself is not admitted (any id)


def test_the_agencys_own_staff_still_get_their_pages(app, client, under_evaluation):
    rfp, bid_id, _ = under_evaluation
    login(client, rfp.agency.officer)
    for url in (f"/agency/solicitations/{rfp.id}", f"/agency/solicitations/{rfp.id}/bids/{bid_id}",
                f"/agency/solicitations/{rfp.id}/evaluation", f"/agency/solicitations/{rfp.id}/award"):
        assert client.get(url).status_code == 200, url
    client.submit("/accounts/logout")
    login(client, rfp.agency.buyer)  # the lead agency's buyer: not staff of procurement, and knows it
    assert client.get(f"/agency/solicitations/{rfp.id}").status_code == 403
