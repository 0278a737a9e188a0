"""The evaluation pages: committee form, statement before proposals, independent scoring sheets."""
from __future__ import annotations

from tests.conftest import login


def test_evaluator_signs_before_seeing_proposals_and_scores_stay_independent(app, client, opened_rfp):
    rfp = opened_rfp
    chair, second, third = rfp.evaluators
    login(client, rfp.agency.officer)
    page = client.get(f"/agency/solicitations/{rfp.id}/evaluation")
    assert page.status_code == 200
    response = client.submit(f"/agency/solicitations/{rfp.id}/evaluation",
                             {"evaluators": [chair.id, second.id, third.id], "chair": chair.id})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert client.submit(f"/agency/solicitations/{rfp.id}/status/under_evaluation").status_code == 302
    client.submit("/accounts/logout")

    login(client, third)
    assert client.get(f"/agency/solicitations/{rfp.id}/evaluation/scores").status_code == 403  # not signed
    client.submit(f"/agency/solicitations/{rfp.id}/evaluation/attest",
                  {"answer": "conflict", "disclosure": "I own shares in Alpha Supply."})
    assert client.get(f"/agency/solicitations/{rfp.id}/evaluation/scores").status_code == 403  # excluded
    client.submit("/accounts/logout")

    login(client, second)
    client.submit(f"/agency/solicitations/{rfp.id}/evaluation/attest", {"answer": "none"})
    sheet = client.get(f"/agency/solicitations/{rfp.id}/evaluation/scores")
    assert sheet.status_code == 200 and "Alpha Supply" in sheet.get_data(as_text=True)
    with app.app_context():
        from app.extensions import db
        from app.solicitations.models import Solicitation

        criteria = [c.id for c in db.session.get(Solicitation, rfp.id).criteria if not c.is_price]
    bid = rfp.bid_ids["Alpha Supply"]
    bad = client.submit(f"/agency/solicitations/{rfp.id}/evaluation/scores",
                        {f"score-{bid}-{criteria[0]}": "99", f"score-{bid}-{criteria[1]}": "10"})
    assert bad.status_code == 422 and "From 0 to 40." in bad.get_data(as_text=True)
    assert 'value="99"' in bad.get_data(as_text=True)
    ok = client.submit(f"/agency/solicitations/{rfp.id}/evaluation/scores",
                       {f"score-{bid}-{criteria[0]}": "31.5", f"comment-{bid}-{criteria[0]}": "Solid plan"})
    assert ok.status_code == 302
    client.submit("/accounts/logout")

    # Another evaluator and the officer do not see those scores while scoring is open.
    login(client, chair)
    client.submit(f"/agency/solicitations/{rfp.id}/evaluation/attest", {"answer": "none"})
    assert "31.5" not in client.get(f"/agency/solicitations/{rfp.id}/evaluation/scores").get_data(as_text=True)
    client.submit("/accounts/logout")
    login(client, rfp.agency.officer)
    assert "31.5" not in client.get(f"/agency/solicitations/{rfp.id}/evaluation").get_data(as_text=True)
    assert client.get(f"/agency/solicitations/{rfp.id}/evaluation/report.pdf").status_code == 404
