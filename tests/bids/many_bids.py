"""Opened solicitations with any number of bids, built through the services (no sign-ins: the
login rate limit would stop a test that needs many bidders). For the "constant statements per
page" tests: the same page built over 2 bids and over 7 must run the same number of statements."""
from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.solicitations.models import SolicitationType

PRICE_ONLY = [{"name": "Price", "points": Decimal(100), "is_price": True}]


def _run(app, fn):  # noqa: ANN001
    """fn() in a request context (services send e-mail), then commit."""
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def submit_bids(app, info, vendors) -> None:  # noqa: ANN001
    """Each vendor (a UserInfo) prices every line (all different) and submits."""
    from app.accounts.models import User
    from app.bids.drafts import ATTESTATIONS, save_draft
    from app.bids.submission import submit_bid
    from app.solicitations.models import Solicitation

    for n, vendor in enumerate(vendors):
        def go(vendor=vendor, n=n) -> None:  # noqa: ANN001
            user, s = db.session.get(User, vendor.id), db.session.get(Solicitation, info.id)
            save_draft(user, s, prices={item.id: Decimal(10 + n) + item.position for item in s.items},
                       attestations={key: True for key in ATTESTATIONS})
            submit_bid(user, s)
        _run(app, go)


def opened_pair(app, make_solicitation, make_vendor, open_bids, type_: SolicitationType,  # noqa: ANN001
                few: int = 2, many: int = 7):
    """Two opened solicitations of `type_`, one with `few` bids and one with `many` (the same
    vendors bid on both). Returns (few_info, many_info)."""
    fields = {"type": type_} if type_ == SolicitationType.RFP else {"type": type_, "criteria": PRICE_ONLY}
    small, large = make_solicitation("published", **fields), make_solicitation("published", **fields)
    vendors = [make_vendor(f"Vendor {chr(ord('A') + i)} Supply") for i in range(max(few, many))]
    submit_bids(app, small, vendors[:few])
    submit_bids(app, large, vendors[:many])
    open_bids(small)
    open_bids(large)
    return small, large


def page_sql(app, client, path: str) -> list[str]:  # noqa: ANN001
    """The SQL statements of one GET of `path` (a page, CSV or PDF), after a first GET (which may
    warm caches)."""
    from tests.conftest import counting_statements

    assert client.get(path).status_code == 200, path
    with counting_statements(app) as statements:
        assert client.get(path).status_code == 200, path
    return statements


def statements_per_page(app, client, path: str) -> int:  # noqa: ANN001
    return len(page_sql(app, client, path))
