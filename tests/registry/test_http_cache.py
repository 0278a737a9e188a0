"""HTTP caching (app/core/http_cache.py). Public pages give anonymous visitors an ETag and a
Cache-Control a shared cache may follow, and answer a conditional GET with 304; a page carrying
the visitor's own CSRF token or message is private; nothing a signed-in user gets is public, and
their pages are not stored at all. Files carry their SHA-256 as ETag: public ones cacheable by
anyone, the ones needing a permission privately, sealed bid content never."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.conftest import login
from tests.registry.test_stored_file_digests import _get, downloads  # noqa: F401  (fixture)


def _directives(response) -> set[str]:  # noqa: ANN001
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def _revalidated(client, url: str, response):  # noqa: ANN001
    return client.get(url, headers={"If-None-Match": response.headers["ETag"]})


@pytest.mark.parametrize("url", ["/contracts/", "/solicitations/", "/solicitations/?status=past"])
def test_a_public_list_is_cacheable_by_anyone_for_a_minute_and_revalidates_to_304(client, register, url):
    register()
    response = client.get(url)
    assert response.status_code == 200
    assert _directives(response) == {"public", "max-age=60"}
    assert response.headers["ETag"]
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf-token"' not in response.get_data(as_text=True)  # nothing of the visitor's own
    again = _revalidated(client, url, response)
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == response.headers["ETag"]


def test_a_changed_list_gets_a_new_etag_and_the_page(client, register):
    first = client.get("/contracts/")
    register(number="R-2026-777", title="Playground surfacing")
    again = _revalidated(client, "/contracts/", first)
    assert again.status_code == 200 and "Playground surfacing" in again.get_data(as_text=True)
    assert again.headers["ETag"] != first.headers["ETag"]


def test_a_public_solicitation_page_revalidates_every_time(client, make_solicitation):
    s = make_solicitation("published")
    url = f"/solicitations/{s.number}"
    response = client.get(url)
    assert _directives(response) == {"public", "no-cache"}
    assert _revalidated(client, url, response).status_code == 304


def test_a_page_with_the_visitors_own_csrf_token_is_private_and_still_revalidates(client, register):
    number = register()
    url = f"/contracts/{number}"
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert 'name="csrf_token"' in body  # the evidence packet's "verify" form
    assert _directives(response) == {"private", "no-cache"}
    assert response.headers["ETag"]
    # The same visitor (same session) asks again: the copy it holds is still good.
    assert client.get(url).headers["ETag"] == response.headers["ETag"]
    assert _revalidated(client, url, response).status_code == 304


def test_a_flashed_message_keeps_a_public_page_private(app, client, register):
    register()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Welcome back to the registry.")]
    response = client.get("/contracts/")
    assert "Welcome back to the registry." in response.get_data(as_text=True)
    assert "public" not in _directives(response)
    assert "private" in _directives(response)


def test_signed_in_pages_are_never_stored_even_public_ones(client, register, login_as):
    number = register()
    login_as(Role.AGENCY_ADMIN)
    for url in ("/contracts/", f"/contracts/{number}", "/solicitations/", "/dashboard"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" not in _directives(response), url
        assert "no-store" in _directives(response), url
        assert 'name="csrf-token"' in response.get_data(as_text=True)  # signed-in pages keep it


def test_the_home_page_stays_uncached(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_public_pdfs_carry_their_digest_and_revalidate(app, client, make_solicitation):
    s = make_solicitation("published")
    url = f"/solicitations/{s.number}/document.pdf"
    response = client.get(url)
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.get_data()).hexdigest()}"'
    assert _directives(response) == {"public", "no-cache"}
    assert _revalidated(client, url, response).status_code == 304


def test_a_signed_in_users_pdf_is_private(client, make_solicitation, login_as):
    s = make_solicitation("published")
    login_as(Role.BUYER)
    response = client.get(f"/solicitations/{s.number}/document.pdf")
    assert _directives(response) == {"private", "no-cache"}


def test_file_downloads_carry_their_digest_as_etag(app, client, downloads):  # noqa: F811
    from app.bids.models import BidDocument
    from app.contracts.models import ContractDocument
    from app.solicitations.models import SolicitationDocument

    with app.app_context():
        digests = {row.storage_key: row.sha256 for model in (ContractDocument, SolicitationDocument, BidDocument)
                   for row in db.session.scalars(select(model))}
    expected = {
        "/contracts/": {"public", "no-cache"},  # the public contract document, anonymous
        "restricted": {"private", "no-cache"},  # the restricted one, the lead agency's officer
        "/solicitations/": {"public", "no-cache"},  # a published solicitation's document
        "/bid/documents/": {"no-store"},  # the bidder's own sealed file
        "/bids/": {"no-store"},  # a bid's file, opened, for the agency's staff
    }
    kinds = ["/contracts/", "restricted", "/solicitations/", "/bid/documents/", "/bids/"]
    for (who, url, key), kind in zip(downloads, kinds, strict=True):
        response = _get(client, who, url)
        assert response.status_code == 200, url
        assert response.headers["ETag"] == f'"{digests[key]}"', url
        assert _directives(response) == expected[kind], url
        conditional = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert conditional.status_code == 304 and conditional.get_data() == b"", url


def test_a_public_document_downloaded_signed_in_is_private(app, client, downloads):  # noqa: F811
    who, url, _ = downloads[0]
    assert who is None  # the public contract document
    login(client, downloads[1][0])
    response = client.get(url)
    assert _directives(response) == {"private", "no-cache"}
