"""Words, not codes, at every step of a price-only solicitation's life and on a cancelled one: the
staff's solicitation, bids, evaluation and award pages (with a recommendation waiting for
approval, approved, noticed, protested, awarded), the public pages and PDFs, the vendor's bids and
debriefing show no snake_case value."""
from __future__ import annotations

import re

import pytest

from app.core import clock
from app.solicitations.models import SolicitationType
from tests.demo.test_words_not_codes import codes_in, pdf_text, visible_text
from tests.evaluation.price_only import price_only, three_bids_opened


def _read(walk, pages: dict) -> dict[str, list[str]]:  # noqa: ANN001
    """{reader url: codes} for every page that opens (200) for that reader."""
    found = {}
    for user, urls in pages.items():
        client = walk.as_user(user) if user is not None else walk.app.test_client()
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            if response.status_code != 200:
                continue
            text = (pdf_text(response.data) if response.mimetype == "application/pdf"
                    else visible_text(response.get_data(as_text=True)))
            if codes_in(text):
                found[url] = codes_in(text)
    return found


@pytest.mark.parametrize("type_", [SolicitationType.IFB, SolicitationType.RFQ])
def test_every_step_of_a_price_only_award_reads_in_words(app, make_solicitation, make_vendor, post_bid, files,
                                                         open_bids, type_):
    walk = three_bids_opened(price_only(app, make_solicitation, type_), post_bid, files, make_vendor, open_bids,
                             non_responsive="High Co")
    agency, n, sid = walk.info.agency, walk.number, walk.id

    def pages() -> dict:
        staff = [f"/agency/solicitations/{sid}", f"/agency/solicitations/{sid}/bids", "/agency/solicitations/",
                 f"/agency/solicitations/{sid}/tabulation", f"/agency/solicitations/{sid}/tabulation.pdf",
                 f"/agency/solicitations/{sid}/evaluation", f"/agency/solicitations/{sid}/evaluation/report",
                 f"/agency/solicitations/{sid}/evaluation/report.pdf", f"/agency/solicitations/{sid}/award",
                 *[f"/agency/solicitations/{sid}/bids/{bid}" for bid in walk.bid_ids.values()]]
        public = [f"/solicitations/{n}", f"/solicitations/{n}/results", f"/solicitations/{n}/award",
                  f"/solicitations/{n}/award.pdf", f"/solicitations/{n}/document.pdf",
                  *[f"/solicitations/?status={st}" for st in ("open", "closed", "awarded", "past")]]
        vendor = ["/vendor/bids", f"/solicitations/{n}/bid", f"/solicitations/{n}/debriefing", *public]
        return {agency.officer: staff, agency.approver: staff[-1:], None: public,
                walk.vendors["Low Co"]: vendor, walk.vendors["High Co"]: vendor}

    steps = {"opened": _read(walk, pages())}
    walk.status("under_evaluation")
    steps["under evaluation"] = _read(walk, pages())
    response = walk.as_user(agency.officer).submit(f"/agency/solicitations/{sid}/award/recommend",
                                                   {"bid": [str(walk.bid_ids["Low Co"])], "justification": "Lowest."})
    assert response.status_code == 302
    award_page = walk.as_user(agency.officer).get(f"/agency/solicitations/{sid}/award").get_data(as_text=True)
    assert "Recommendation: waiting for approval" in visible_text(award_page)
    steps["recommended"] = _read(walk, pages())
    walk.officer_post(f"/agency/solicitations/{sid}/award/approve", {}, user=agency.approver)
    steps["approved"] = _read(walk, pages())
    walk.status("intent_to_award")
    steps["intent"] = _read(walk, pages())
    mid = walk.as_user(walk.vendors["Mid Co"])
    assert mid.submit(f"/solicitations/{n}/protest", {"grounds": "Our price was misread."}).status_code == 302
    steps["protested"] = _read(walk, pages())
    from app.awards.models import Protest
    from app.extensions import db

    with app.app_context():
        protest_id = db.session.scalar(db.select(Protest.id))
    walk.officer_post(f"/agency/solicitations/{sid}/protests/{protest_id}/decide",
                      {"outcome": "denied", "decision": "Read as submitted."})
    steps["protest denied"] = _read(walk, pages())
    from datetime import timedelta

    from app.jobs.runner import tick

    clock.advance(timedelta(days=31))
    with app.app_context():
        tick()
    steps["awarded"] = _read(walk, pages())
    assert not {step: found for step, found in steps.items() if found}, steps
    clock.reset()


def test_a_cancelled_solicitation_reads_in_words(app, make_solicitation, make_vendor, post_bid, files):
    walk = price_only(app, make_solicitation)
    walk.bid(post_bid, files, "Low Co", make_vendor("Low Co"), ("9.00", "40.00"))
    walk.status("cancelled", reason="Funding withdrawn by the board")
    agency, n, sid = walk.info.agency, walk.number, walk.id
    found = _read(walk, {
        agency.officer: [f"/agency/solicitations/{sid}", "/agency/solicitations/", f"/agency/solicitations/{sid}/bids"],
        None: [f"/solicitations/{n}", "/solicitations/?status=cancelled", f"/solicitations/{n}/document.pdf"],
        walk.vendors["Low Co"]: ["/vendor/bids", f"/solicitations/{n}/bid", f"/solicitations/{n}"],
    })
    assert not found, found
    text = visible_text(walk.as_user(walk.vendors["Low Co"]).get("/vendor/bids").get_data(as_text=True))
    assert "Cancelled" in text and "Funding withdrawn by the board" in text
    assert re.search(r"cancelled|Cancelled", visible_text(walk.as_user(agency.officer).get(
        f"/agency/solicitations/{sid}").get_data(as_text=True)))
