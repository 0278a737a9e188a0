"""What vendors follow (categories, solicitations) and who is e-mailed on publication; demand
aggregation: participating agencies invited before publication state their quantities, which
add up into the estimated volume the public sees."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.notifications.services import deliver_outbox
from app.solicitations import services
from app.solicitations.communications import Follow
from app.solicitations.models import DemandEstimate, DemandInvitation, Solicitation, SolicitationStatus
from tests.accounts.helpers import Page
from tests.conftest import login

UTC = timezone.utc
NOW = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)


def client_for(app, user):
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def actions(app, action: str) -> list[dict]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.data).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.seq)))


def followed_categories(app, user_id: int) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Follow.category_id).where(
            Follow.user_id == user_id, Follow.category_id.is_not(None))))


@pytest.fixture
def make_vendor(make_org, make_user):
    def make(name: str, **user_fields):
        return make_user(Role.VENDOR_ADMIN, org_id=make_org(OrganizationKind.VENDOR, name=name), **user_fields)

    return make


# ----------------------------------------------------------------------------- follows
def test_vendor_follows_and_unfollows_categories(app, vendor, categories):
    client = client_for(app, vendor)
    page = Page.of(client.get("/vendor/follows"))
    boxes = page.controls("category")
    assert [b.attrs["value"] for b in boxes] == [str(c.id) for c in categories]
    assert not any("checked" in b.attrs for b in boxes)

    c0, c1, c2 = (str(c.id) for c in categories)
    response = client.submit("/vendor/follows", {"category": [c0, c1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/vendor/follows")
    assert followed_categories(app, vendor.id) == {categories[0].id, categories[1].id}
    page = Page.of(client.get("/vendor/follows"))
    assert {b.attrs["value"] for b in page.controls("category") if "checked" in b.attrs} == {c0, c1}

    # Unticking one and ticking another; unknown or malformed ids are ignored.
    assert client.submit("/vendor/follows", {"category": [c1, c2, "99999", "abc"]}).status_code == 302
    assert followed_categories(app, vendor.id) == {categories[1].id, categories[2].id}
    assert client.submit("/vendor/follows", {}).status_code == 302
    assert followed_categories(app, vendor.id) == set()
    assert [d["category"] for d in actions(app, "follow.added")] == ["615-00", "620-00", "765-00"]
    assert sorted(d["category"] for d in actions(app, "follow.removed")) == ["615-00", "620-00", "765-00"]


def test_only_vendors_have_a_follows_page(app, client, agency, categories):
    response = client.get("/vendor/follows")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    officer = client_for(app, agency.officer)
    assert officer.get("/vendor/follows").status_code == 403
    assert officer.submit("/vendor/follows", {"category": [str(categories[0].id)]}).status_code == 403
    assert count(app, Follow) == 0


def test_follow_button_on_a_solicitation(app, vendor, make_solicitation):
    clock.freeze(NOW)
    s = make_solicitation("published")
    draft = make_solicitation()
    client = client_for(app, vendor)
    assert 'action="/solicitations/%s/follow"' % s.number in client.get(f"/solicitations/{s.number}").get_data(as_text=True)

    response = client.submit(f"/solicitations/{s.number}/follow", follow_redirects=True)
    assert "You will get e-mail about this solicitation." in response.get_data(as_text=True)
    assert "Stop following" in response.get_data(as_text=True)
    assert client.submit(f"/solicitations/{s.number}/follow").status_code == 302  # twice: one row
    assert count(app, Follow, Follow.user_id == vendor.id, Follow.solicitation_id == s.id) == 1
    follows_page = client.get("/vendor/follows").get_data(as_text=True)
    assert f'href="/solicitations/{s.number}"' in follows_page

    response = client.submit(f"/solicitations/{s.number}/unfollow", follow_redirects=True)
    assert "You no longer follow this solicitation." in response.get_data(as_text=True)
    assert count(app, Follow) == 0
    assert f'href="/solicitations/{s.number}"' not in client.get("/vendor/follows").get_data(as_text=True)

    # A draft cannot be followed (it does not exist for vendors); agency staff do not follow.
    assert client.submit(f"/solicitations/{draft.number}/follow").status_code == 404
    assert client_for(app, s.agency.officer).submit(f"/solicitations/{s.number}/follow").status_code == 403
    assert count(app, Follow) == 0


def test_publication_e_mails_category_followers_once(app, make_vendor, make_user, categories,
                                                     make_solicitation, outbox):
    clock.freeze(NOW)
    both = make_vendor("Follows Both")
    one = make_vendor("Follows One")
    other = make_vendor("Follows Another Category")
    nobody = make_vendor("Follows Nothing")
    inactive = make_vendor("Inactive Follower", active=False)
    for user, cats in ((both, categories[:2]), (one, categories[1:2]), (other, categories[2:])):
        assert client_for(app, user).submit("/vendor/follows", {"category": [str(c.id) for c in cats]}).status_code == 302
    with app.app_context():
        db.session.add(Follow(user_id=inactive.id, category_id=categories[0].id))
        db.session.commit()

    s = make_solicitation("published")  # filed under the first two categories
    with app.app_context():
        deliver_outbox()
    published = [m for m in outbox if m["Subject"].startswith(f"New solicitation: {s.number}")]
    assert sorted(m["To"] for m in published) == sorted([both.email, one.email])
    assert nobody.email not in [m["To"] for m in outbox] and other.email not in [m["To"] for m in outbox]
    body = published[0].get_body(("plain",)).get_content()
    assert f"/solicitations/{s.number}" in body

    # Nothing is sent while it is still a draft or awaiting approval.
    outbox.clear()
    make_solicitation("approved", title="Approved but not published")
    with app.app_context():
        deliver_outbox()
    assert [m for m in outbox if m["Subject"].startswith("New solicitation")] == []


# ----------------------------------------------------------------------------- demand
QTY_ERROR = re.compile(r'id="qty-(\d+)-error"[^>]*>([^<]*)<')


def _items(app, solicitation_id: int) -> list[int]:
    with app.app_context():
        return [i.id for i in db.session.get(Solicitation, solicitation_id).items]


def _estimates(app) -> dict[tuple[int, int], Decimal]:
    with app.app_context():
        return {(e.item_id, e.agency_id): e.quantity for e in db.session.scalars(select(DemandEstimate))}


@pytest.fixture
def approved(make_solicitation):
    clock.freeze(NOW)
    return make_solicitation("approved")


def _invite(app, s, *agency_ids) -> object:
    officer = client_for(app, s.agency.officer)
    return officer.submit(f"/agency/solicitations/{s.id}/demand", {"agencies": [str(i) for i in agency_ids]})


def test_demand_aggregation_from_invitation_to_public_volume(app, approved, other_agency, make_agency,
                                                             outbox):
    s = approved
    third = make_agency("NC")
    response = _invite(app, s, other_agency.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agency/solicitations/{s.id}#demand")
    with app.app_context():
        [invitation] = db.session.scalars(select(DemandInvitation)).all()
        assert (invitation.solicitation_id, invitation.agency_id) == (s.id, other_agency.id)
        assert invitation.invited_by_id == s.agency.officer.id and invitation.responded_at is None
        invitation_id = invitation.id
        deliver_outbox()
    # The invited agency's purchasing people are asked; approvers and evaluators are not.
    assert sorted(m["To"] for m in outbox if m["Subject"].endswith("asks for your quantities: Office supplies and paper")) \
        == sorted([other_agency.admin.email, other_agency.officer.email, other_agency.buyer.email])
    assert f"/solicitations/demand/{invitation_id}" in outbox[0].get_body(("plain",)).get_content()
    assert len(actions(app, "demand.invited")) == 1
    # Asking the same agency again, or the lead agency itself, adds nobody.
    _invite(app, s, other_agency.id, s.agency.id)
    assert count(app, DemandInvitation) == 1

    first, second = _items(app, s.id)
    buyer = client_for(app, other_agency.buyer)
    page = Page.of(buyer.get(f"/solicitations/demand/{invitation_id}"))
    assert page.value(f"qty-{first}") == "" and page.value(f"qty-{second}") == ""
    response = buyer.submit(f"/solicitations/demand/{invitation_id}",
                            {f"qty-{first}": "250", f"qty-{second}": "1,000.5"})
    assert response.status_code == 302
    assert _estimates(app) == {(first, other_agency.id): Decimal(250), (second, other_agency.id): Decimal("1000.5")}
    with app.app_context():
        assert db.session.get(DemandInvitation, invitation_id).responded_at == NOW
    # The form shows what was recorded.
    page = Page.of(buyer.get(f"/solicitations/demand/{invitation_id}"))
    assert page.value(f"qty-{first}") == "250" and page.value(f"qty-{second}") == "1,000.5"

    # Publication, from the staff page.
    officer = client_for(app, s.agency.officer)
    response = officer.submit(f"/agency/solicitations/{s.id}/status/published")
    assert response.status_code == 302
    with app.app_context():
        solicitation = db.session.get(Solicitation, s.id)
        assert solicitation.status == SolicitationStatus.PUBLISHED
        volume = [(item.id, lead, others) for item, lead, others in services.estimated_volume(solicitation)]
    assert volume == [(first, Decimal(1200), Decimal(250)), (second, Decimal(300), Decimal("1000.5"))]

    public = Page.of(app.test_client().get(f"/solicitations/{s.number}"))
    rows = [row.text for row in public.find_all("tr")]
    assert any(r.startswith("1 Copy paper") and r.endswith("case 1,200 250 1,450") for r in rows), rows
    assert any(r.startswith("2 Toner cartridge") and r.endswith("each 300 1,000.5 1,300.5") for r in rows), rows

    # Estimates are frozen once published; demand is no longer gathered.
    response = buyer.submit(f"/solicitations/demand/{invitation_id}", {f"qty-{first}": "999"})
    assert "The solicitation has been published; estimates can no longer change." in response.get_data(as_text=True)
    assert _estimates(app)[(first, other_agency.id)] == Decimal(250)
    response = _invite(app, s, third.id)
    assert response.status_code == 200
    assert "Demand is gathered before publication" in response.get_data(as_text=True)
    assert count(app, DemandInvitation) == 1


@pytest.mark.parametrize(("first_value", "message"), [
    ("abc", "Enter a number, like 250."),
    ("-5", "Enter zero or a positive number."),
    ("1.2345", "Use at most three decimal places."),
    ("NaN", "Enter a number, like 250."),
    ("Infinity", "Enter a number, like 250."),
    ("1e400", "Enter a number, like 250."),
    ("100000000000", "Enter at most 99,999,999,999."),
])
def test_bad_quantities_are_refused_line_by_line(app, approved, other_agency, first_value, message):
    s = approved
    assert _invite(app, s, other_agency.id).status_code == 302
    with app.app_context():
        invitation_id = db.session.scalar(select(DemandInvitation.id))
    first, second = _items(app, s.id)
    buyer = client_for(app, other_agency.buyer)
    assert buyer.submit(f"/solicitations/demand/{invitation_id}", {f"qty-{first}": "10"}).status_code == 302
    before = _estimates(app)

    response = buyer.submit(f"/solicitations/demand/{invitation_id}",
                            {f"qty-{first}": first_value, f"qty-{second}": "40"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert "Some quantities need correcting" in html
    control = page.by_id(f"qty-{first}")
    assert control.attrs.get("aria-invalid") == "true"
    assert control.attrs.get("aria-describedby") == f"qty-{first}-error"
    assert page.by_id(f"qty-{first}-error").text == message
    assert page.by_id(f"qty-{second}").attrs.get("aria-invalid") is None
    # Both typed values are kept; nothing was stored, not even the good line.
    assert page.value(f"qty-{first}") == first_value and page.value(f"qty-{second}") == "40"
    assert _estimates(app) == before
    assert len(actions(app, "demand.recorded")) == 1


def test_only_the_invited_agency_opens_its_invitation(app, approved, other_agency, make_agency, vendor):
    s = approved
    assert _invite(app, s, other_agency.id).status_code == 302
    with app.app_context():
        invitation_id = db.session.scalar(select(DemandInvitation.id))
    first, _ = _items(app, s.id)
    stranger = make_agency("NC")
    url = f"/solicitations/demand/{invitation_id}"
    for user in (stranger.buyer, stranger.officer, s.agency.officer, s.agency.buyer, vendor,
                 other_agency.approver, other_agency.evaluator):
        client = client_for(app, user)
        assert client.get(url).status_code == 403, user
        assert client.submit(url, {f"qty-{first}": "5"}).status_code == 403, user
    assert _estimates(app) == {}
    assert app.test_client().get(url).status_code == 302  # sign in first
    assert client_for(app, other_agency.officer).get(url).status_code == 200
    assert client_for(app, other_agency.buyer).get("/solicitations/demand/99999").status_code == 404


@pytest.mark.parametrize("status", ["published", "closed"])
def test_participants_are_invited_only_before_publication(app, make_solicitation, other_agency, status):
    clock.freeze(NOW)
    s = make_solicitation(status)
    response = _invite(app, s, other_agency.id)
    assert response.status_code == 200
    assert "Demand is gathered before publication; this solicitation is already public." in \
        response.get_data(as_text=True)
    assert count(app, DemandInvitation) == 0


def test_only_officers_invite_participants(app, approved, other_agency):
    for user, refused in ((approved.agency.evaluator, 403), (approved.agency.approver, 403),
                          (other_agency.officer, 404)):  # another agency's ids answer as missing ones
        response = client_for(app, user).submit(f"/agency/solicitations/{approved.id}/demand",
                                                {"agencies": [str(other_agency.id)]})
        assert response.status_code == refused
    assert count(app, DemandInvitation) == 0


def test_demand_can_be_recorded_by_service_with_the_same_rules(app, approved, other_agency):
    """The service refuses quantities for items of another solicitation and negative ones."""
    from app.core.errors import DomainError

    assert _invite(app, approved, other_agency.id).status_code == 302
    with app.test_request_context():
        invitation = db.session.scalar(select(DemandInvitation))
        buyer = db.session.get(User, other_agency.buyer.id)
        first = invitation.solicitation.items[0].id
        with pytest.raises(DomainError, match="not on this price sheet"):
            services.record_demand(buyer, invitation, {first + 999: Decimal(1)})
        db.session.rollback()
        with pytest.raises(DomainError, match="cannot be negative"):
            services.record_demand(buyer, invitation, {first: Decimal(-1)})
        db.session.rollback()
    assert _estimates(app) == {}
