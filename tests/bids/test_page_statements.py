"""The opened-bid pages run the same number of SQL statements for 2 bids as for 7: each bid's
vendor, lines and versions are loaded up front, not one bid at a time (issue 16)."""
from __future__ import annotations

import pytest

from app.solicitations.models import SolicitationType
from tests.bids.many_bids import opened_pair, page_sql
from tests.conftest import login

STAFF_PAGES = ["/agency/solicitations/{id}/bids", "/agency/solicitations/{id}/tabulation",
               "/agency/solicitations/{id}/tabulation.csv", "/agency/solicitations/{id}/tabulation.pdf"]


@pytest.mark.parametrize("type_", [SolicitationType.RFP, SolicitationType.IFB])
def test_opened_bid_pages_run_the_same_statements_for_2_bids_as_for_7(app, client, make_solicitation, make_vendor,
                                                                      open_bids, type_):
    small, large = opened_pair(app, make_solicitation, make_vendor, open_bids, type_)
    public = app.test_client()
    counts: dict[str, list[int]] = {}
    sealed_reads: list[str] = []

    def measure(browser, page: str) -> None:  # noqa: ANN001
        for info in (small, large):
            sql = page_sql(app, browser, page.format(id=info.id, number=info.number))
            counts.setdefault(page, []).append(len(sql))
            sealed_reads.extend(s for s in sql if "sealed_content" in s or "sealed_draft" in s)

    measure(public, "/solicitations/{number}/results")
    assert login(client, small.agency.officer).status_code == 302
    for page in STAFF_PAGES:
        measure(client, page)
    # The lists need no ciphertext: it stays unread until a single bid is opened.
    assert sealed_reads == []
    assert all(few == many for few, many in counts.values()), counts  # (2 bids, 7 bids) per page
