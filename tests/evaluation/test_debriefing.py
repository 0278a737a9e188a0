"""The debriefing page speaks of price and rank for a price-only solicitation (IFB, RFQ) and of
points for an RFP; it shows a bidder only its own result."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.core import clock
from app.solicitations.models import SolicitationType
from tests.evaluation.price_only import price_only, three_bids_opened


def _main(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html[html.find("<main"):]))


@pytest.mark.parametrize("type_", [SolicitationType.IFB, SolicitationType.RFQ])
def test_price_only_debriefing_speaks_of_price_and_rank(app, client, make_solicitation, make_vendor, post_bid,
                                                         files, open_bids, type_):
    walk = three_bids_opened(price_only(app, make_solicitation, type_), post_bid, files, make_vendor,
                             open_bids)
    walk.status("under_evaluation")
    walk.award("Low Co")

    client = walk.as_user(walk.vendors["Mid Co"])
    notice = client.get(f"/solicitations/{walk.number}/award").get_data(as_text=True)
    assert "Your debriefing: your price and rank" in notice and "scores" not in _main(notice)
    page = client.get(f"/solicitations/{walk.number}/debriefing")
    assert page.status_code == 200
    text = _main(page.get_data(as_text=True))
    assert ("Mid Co: your total price $24,000.00, rank 2 of 3; the awarded total $22,800.00 (Low Co)."
            in text), text
    assert "points" not in text and "High Co" not in text
    assert f"An {type_.code} is awarded to the lowest responsive, responsible bid" in text

    client = walk.as_user(walk.vendors["Low Co"])
    text = _main(client.get(f"/solicitations/{walk.number}/debriefing").get_data(as_text=True))
    assert "Low Co: your total price $22,800.00, rank 1 of 3; the contract is awarded to you." in text
    assert "points" not in text and "Mid Co" not in text

    # The award notice PDF speaks of totals, never points.
    pdf = client.get(f"/solicitations/{walk.number}/award.pdf")
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Awarded to: Low Co" in pdf_text and "$24,000.00" in pdf_text and "points" not in pdf_text.lower()
    clock.reset()


def test_price_only_debriefing_of_a_non_responsive_bid_says_why(app, client, make_solicitation, make_vendor,
                                                                post_bid, files, open_bids):
    walk = three_bids_opened(price_only(app, make_solicitation), post_bid, files, make_vendor, open_bids,
                             non_responsive="Low Co")
    walk.status("under_evaluation")
    walk.award("Mid Co")
    client = walk.as_user(walk.vendors["Low Co"])
    text = _main(client.get(f"/solicitations/{walk.number}/debriefing").get_data(as_text=True))
    assert "Low Co: your total price $22,800.00, not ranked; the awarded total $24,000.00 (Mid Co)." in text
    assert "Your bid was found non-responsive: Bid bond missing." in text
    clock.reset()


def test_rfp_debriefing_keeps_points(app, client, opened_rfp):
    from datetime import timedelta

    from app.jobs.runner import tick
    from tests.conftest import login
    from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
    from tests.evaluation.test_committee_and_scores import _start

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        from app.accounts.models import User
        from app.extensions import db

        email = db.session.get(User, _vendor_user(app, opened_rfp, "Charlie Paper")).email
    login(client, email)
    notice = client.get(f"/solicitations/{opened_rfp.number}/award").get_data(as_text=True)
    assert "Your debriefing: your scores and rank" in notice
    text = _main(client.get(f"/solicitations/{opened_rfp.number}/debriefing").get_data(as_text=True))
    assert "Charlie Paper: rank 2 of 3, total 69.55 points. The award went to Bravo Office." in text, text
    assert "Your scores" in text and "Alpha Supply" not in text
    clock.reset()
