"""The opened-bid pages run the same number of SQL statements for 2 bids as for 7: each bid's
vendor, lines and versions are loaded up front, not one bid at a time (issue 16)."""
from __future__ import annotations

import pytest

from app.solicitations.models import SolicitationType
from tests.bids.many_bids import opened_pair, statements_per_page
from tests.conftest import login

STAFF_PAGES = ["/agency/solicitations/{id}/bids", "/agency/solicitations/{id}/tabulation",
               "/agency/solicitations/{id}/tabulation.csv", "/agency/solicitations/{id}/tabulation.pdf"]


@pytest.mark.parametrize("type_", [SolicitationType.RFP, SolicitationType.IFB])
def test_opened_bid_pages_run_the_same_statements_for_2_bids_as_for_7(app, client, make_solicitation, make_vendor,
                                                                      open_bids, type_):
    small, large = opened_pair(app, make_solicitation, make_vendor, open_bids, type_)
    public = app.test_client()
    counts = {}
    for info in (small, large):
        counts.setdefault("results", []).append(statements_per_page(app, public, f"/solicitations/{info.number}/results"))
    assert login(client, small.agency.officer).status_code == 302
    for page in STAFF_PAGES:
        for info in (small, large):
            counts.setdefault(page, []).append(statements_per_page(app, client, page.format(id=info.id)))
    assert all(few == many for few, many in counts.values()), counts  # (2 bids, 7 bids) per page
