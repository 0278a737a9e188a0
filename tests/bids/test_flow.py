"""The whole sealed-bid path through the web pages: draft, submit, receipt, count, opening,
tabulation, results and receipt verification."""
from __future__ import annotations

import re

from app.core import clock
from tests.conftest import login


def test_vendor_bids_and_staff_open(app, client, bidding, vendor, post_bid, files, open_bids, outbox):
    login(client, vendor)
    page = client.get(f"/solicitations/{bidding.number}/bid")
    assert page.status_code == 200
    assert "Unit price, line 1" in page.get_data(as_text=True)

    saved = post_bid(client, prices={1: "12.50", 2: "80"}, notes="Delivery in 10 days",
                     documents={0: (files["pdf"], "w9.pdf")}, action="save")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    submitted = post_bid(client, prices={1: "12.50", 2: "80"}, notes="Delivery in 10 days", action="submit")
    assert submitted.status_code == 302, submitted.get_data(as_text=True)
    receipt_url = submitted.headers["Location"]
    receipt = client.get(receipt_url).get_data(as_text=True)
    number = re.search(r"<strong>([A-Z0-9-]+)</strong>", receipt).group(1)
    digest = re.search(r'class="col-sm-9 digest">([0-9a-f]{64})<', receipt).group(1)
    pdf = client.get(receipt_url + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    client.get("/accounts/logout")
    client.submit("/accounts/logout")
    login(client, bidding.agency.officer)
    manage = client.get(f"/agency/solicitations/{bidding.id}").get_data(as_text=True)
    assert "<strong>1</strong> sealed bid received" in manage
    assert "12.50" not in manage
    assert client.get(f"/agency/solicitations/{bidding.id}/tabulation").status_code == 404

    open_bids(bidding)
    tab = client.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    assert "$12.50" in tab and "Lowest" in tab
    assert client.get(f"/agency/solicitations/{bidding.id}/tabulation.pdf").data.startswith(b"%PDF")
    csv_text = client.get(f"/agency/solicitations/{bidding.id}/tabulation.csv").get_data(as_text=True)
    assert "12.5000" in csv_text

    results = client.get(f"/solicitations/{bidding.number}/results").get_data(as_text=True)
    assert "$15,000.00" in results or "$39,000.00" in results
    verify = client.get(f"/bids/verify?receipt={number}&digest={digest}").get_data(as_text=True)
    assert "Verified" in verify
    clock.reset()
