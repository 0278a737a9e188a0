"""Saved searches: a vendor saves a search from the public list or its page, sees and deletes it,
and is e-mailed each NEW matching solicitation once when it is published (by a person or by the
scheduler), through the outbox."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.solicitations.conftest import local_datetime
from tests.workspaces.conftest import section, sign_in


def _mails(app, kind: str = "saved_search_match") -> list[tuple[str, str, str]]:
    from app.notifications.models import OutboxMessage

    with app.app_context():
        return [(m.to_address, m.subject, m.body_text) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def _searches(app, user_id: int) -> list[tuple[int, str, int | None, str | None]]:
    from app.solicitations.saved_searches import SavedSearch

    with app.app_context():
        return [(s.id, s.q, s.category_id, s.state) for s in db.session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id))]


def _notify_again(app, solicitation_id: int) -> int:
    from app.solicitations.models import Solicitation
    from app.solicitations.saved_searches import notify_saved_searches

    with app.test_request_context():
        sent = notify_saved_searches(db.session.get(Solicitation, solicitation_id))
        db.session.commit()
        return sent


def test_save_from_the_list_then_one_mail_per_new_matching_solicitation(app, client, make_solicitation, vendor,
                                                                        categories):
    from app.jobs.runner import tick

    assert "Save this search" not in client.get("/solicitations/?q=boiler").get_data(as_text=True)  # anonymous
    login(client, vendor)
    listing = client.get("/solicitations/?q=boiler&state=VA").get_data(as_text=True)
    assert 'action="/vendor/searches"' in listing and "Save this search" in listing
    assert "Save this search" not in client.get("/solicitations/").get_data(as_text=True)  # nothing to save
    response = client.submit("/vendor/searches", {"q": "  Boiler  ", "category": "", "state": "VA"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/vendor/searches")
    page = client.get("/vendor/searches").get_data(as_text=True)
    assert "“Boiler” from agencies in Virginia" in page
    assert 'href="/solicitations/?q=Boiler&amp;state=VA"' in page
    [(search_id, q, category_id, state)] = _searches(app, vendor.id)
    assert (q, category_id, state) == ("Boiler", None, "VA")

    # Published after the search was saved, in Virginia, with the word: one e-mail.
    match = make_solicitation("published", title="Boiler maintenance and repair")
    [(to, subject, body)] = _mails(app)
    assert to == vendor.email and match.number in subject
    assert f"/solicitations/{match.number}" in body and "/vendor/searches" in body
    assert "“Boiler” from agencies in Virginia" in body

    # Running the matching again, or the scheduler, sends nothing more.
    assert _notify_again(app, match.id) == 0
    with app.app_context():
        tick()
    assert len(_mails(app)) == 1

    # Not the words, or another state: nothing.
    make_solicitation("published", title="Copy paper and toner")
    make_solicitation("published", agency_state="TX", title="Boiler replacement")
    assert len(_mails(app)) == 1

    # The dashboard lists the match under the saved search.
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Saved search “Boiler” from agencies in Virginia" in section(html, "vendor-opportunities")


def test_publication_by_the_scheduler_mails_too(app, client, make_solicitation, vendor, agency, categories):
    from app.jobs.runner import tick

    login(client, vendor)
    client.submit("/vendor/searches", {"q": "mower", "category": str(categories[0].id), "state": ""})
    # Dates typed as the agency would: from the server's clock, in the agency's time zone.
    today = clock.now().astimezone(ZoneInfo(agency.timezone)).date()
    publish_at = local_datetime(agency.timezone, today + timedelta(days=2), 8)
    scheduled = make_solicitation("approved", title="Riding mower", publish_at=publish_at)
    assert _mails(app) == []
    clock.freeze(publish_at + timedelta(minutes=1))
    with app.app_context():
        tick()
        tick()
    [(to, subject, _body)] = _mails(app)
    assert to == vendor.email and scheduled.number in subject


def test_one_mail_per_person_for_several_matching_searches_and_none_for_followers(
        app, client, make_solicitation, vendor, make_vendor, categories):
    login(client, vendor)
    client.submit("/vendor/searches", {"q": "paper", "category": "", "state": ""})
    client.submit("/vendor/searches", {"q": "", "category": str(categories[0].id), "state": ""})
    follower = make_vendor("Follower Supply")
    other = app.test_client()
    login(other, follower)
    other.submit("/vendor/follows", {"category": str(categories[0].id)})
    other.submit("/vendor/searches", {"q": "paper", "category": "", "state": ""})

    info = make_solicitation("published", title="Copy paper")
    assert [to for to, _s, _b in _mails(app)] == [vendor.email]  # one mail naming both searches
    assert [to for to, _s, _b in _mails(app, "solicitation_published")] == [follower.email]
    body = _mails(app)[0][2]
    assert "“paper”" in body and "Every solicitation in Office supplies" in body
    assert _notify_again(app, info.id) == 0


def test_mistakes_are_shown_beside_the_field_and_kept(app, client, vendor, categories):
    login(client, vendor)
    response = client.submit("/vendor/searches", {"q": "  ", "category": "", "state": ""})
    assert response.status_code == 422
    assert "Type some words to look for" in response.get_data(as_text=True)
    assert client.submit("/vendor/searches", {"q": "laptops", "category": "", "state": "TX"}).status_code == 302
    response = client.submit("/vendor/searches", {"q": "Laptops", "category": "", "state": "TX"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "You have saved this search already." in page
    assert 'value="Laptops"' in page and 'id="q-error"' in page
    response = client.submit("/vendor/searches", {"q": "x", "category": "99999", "state": "ZZ"})
    assert response.status_code == 422
    assert len(_searches(app, vendor.id)) == 1


def test_only_the_owner_deletes_a_search_and_only_vendors_save(app, client, vendor, make_vendor, make_user, agency):
    from app.core.roles import Role

    login(client, vendor)
    client.submit("/vendor/searches", {"q": "boiler", "category": "", "state": ""})
    [(search_id, *_rest)] = _searches(app, vendor.id)

    # Another vendor, and a colleague of the same vendor: a search is its owner's own.
    for intruder in (make_vendor("Another Vendor"), make_user(Role.VENDOR_USER, org_id=vendor.organization_id)):
        sign_in(client, intruder)
        assert client.submit(f"/vendor/searches/{search_id}/delete").status_code == 404
        assert "boiler" not in client.get("/vendor/searches").get_data(as_text=True)
    assert len(_searches(app, vendor.id)) == 1

    sign_in(client, agency.officer)
    assert client.get("/vendor/searches").status_code == 403
    assert client.submit("/vendor/searches", {"q": "boiler"}).status_code == 403
    assert client.submit(f"/vendor/searches/{search_id}/delete").status_code == 403

    sign_in(client, vendor)
    assert client.submit(f"/vendor/searches/{search_id}/delete").status_code == 302
    assert _searches(app, vendor.id) == []
    assert client.submit(f"/vendor/searches/{search_id}/delete").status_code == 404
