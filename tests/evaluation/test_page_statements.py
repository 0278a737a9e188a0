"""The evaluation pages run the same number of SQL statements for 2 bids as for 7: the scorable
bids come with their vendor, lines and versions loaded up front (issue 16)."""
from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.solicitations.models import SolicitationStatus, SolicitationType
from tests.bids.many_bids import opened_pair, statements_per_page
from tests.conftest import login


def _run(app, fn):  # noqa: ANN001
    with app.test_request_context():
        fn()
        db.session.commit()


def _start_evaluation(app, info, committee=None) -> None:  # noqa: ANN001
    """Every bid found responsive; for an RFP, `committee` (one evaluator, the chair) named; the
    evaluation started; the chair's statement signed."""
    from app.accounts.models import User
    from app.bids import opening
    from app.evaluation import services
    from app.solicitations import services as sol
    from app.solicitations.models import Solicitation

    def go() -> None:
        officer, s = db.session.get(User, info.agency.officer.id), db.session.get(Solicitation, info.id)
        for bid in opening.opened_bids(s):
            opening.decide_responsiveness(officer, bid, True, "")
        if committee is not None:
            services.name_committee(officer, s, [committee.id], committee.id)
        sol.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)
        if committee is not None:
            services.attest(db.session.get(User, committee.id), s, has_conflict=False)
    _run(app, go)


def _score_all_and_close(app, info, chair) -> None:  # noqa: ANN001
    from app.accounts.models import User
    from app.evaluation import services
    from app.solicitations.models import Solicitation

    def go() -> None:
        user, s = db.session.get(User, chair.id), db.session.get(Solicitation, info.id)
        services.record_scores(user, s, [(bid, c, Decimal(c.points) / 2, "") for bid in services.scorable_bids(s)
                                         for c in services.technical_criteria(s)])
        services.close_scoring(user, s)
    _run(app, go)


def _same(counts: dict[str, list[int]]) -> None:
    assert all(few == many for few, many in counts.values()), counts  # (2 bids, 7 bids) per page


def test_rfp_evaluation_pages_run_the_same_statements_for_2_bids_as_for_7(app, make_solicitation, make_vendor,
                                                                          open_bids):
    small, large = opened_pair(app, make_solicitation, make_vendor, open_bids, SolicitationType.RFP)
    chair = small.agency.evaluator
    for info in (small, large):
        _start_evaluation(app, info, committee=chair)
    evaluator, officer = app.test_client(), app.test_client()
    assert login(evaluator, chair).status_code == 302
    assert login(officer, small.agency.officer).status_code == 302
    counts: dict[str, list[int]] = {}
    for info in (small, large):
        counts.setdefault("score sheet", []).append(
            statements_per_page(app, evaluator, f"/agency/solicitations/{info.id}/evaluation/scores"))
    for info in (small, large):
        _score_all_and_close(app, info, chair)
    pages = {"ranking": "/agency/solicitations/{id}/evaluation", "report": "/agency/solicitations/{id}/evaluation/report",
             "award": "/agency/solicitations/{id}/award"}
    for name, page in pages.items():
        for info in (small, large):
            counts.setdefault(name, []).append(statements_per_page(app, officer, page.format(id=info.id)))
    _same(counts)


def test_price_only_evaluation_pages_run_the_same_statements_for_2_bids_as_for_7(app, make_solicitation, make_vendor,
                                                                                 open_bids):
    small, large = opened_pair(app, make_solicitation, make_vendor, open_bids, SolicitationType.IFB)
    for info in (small, large):
        _start_evaluation(app, info)
    officer = app.test_client()
    assert login(officer, small.agency.officer).status_code == 302
    counts: dict[str, list[int]] = {}
    for name, page in {"ranking": "/agency/solicitations/{id}/evaluation",
                       "award": "/agency/solicitations/{id}/award"}.items():
        for info in (small, large):
            counts.setdefault(name, []).append(statements_per_page(app, officer, page.format(id=info.id)))
    _same(counts)
