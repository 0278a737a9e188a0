"""`flask demo seed`: a Virginia lead agency, agencies in other states, vendors, one user per
role; idempotent; the printed logins work; the audit chain stays intact."""
from __future__ import annotations

import re
from datetime import datetime, time, timezone

import pytest
from sqlalchemy import func, select

from app.accounts.models import AgencyType, Organization, User, UserRole
from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from tests.conftest import login

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _seed(runner) -> str:
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _password(output: str) -> str:
    match = re.search(r"password:\s*(\S+)", output)
    assert match, output
    return match.group(1)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Organization, User, UserRole, AuditEvent)}


@pytest.fixture
def seeded(runner) -> str:
    return _seed(runner)


def test_seed_creates_the_lead_agency_and_participants(app, seeded):
    with app.app_context():
        agencies = db.session.scalars(
            select(Organization).where(Organization.kind == OrganizationKind.AGENCY)).all()
        lead_candidates = [a for a in agencies
                           if a.state == "VA" and a.agency_type == AgencyType.SCHOOL_DISTRICT]
        assert len(lead_candidates) == 1
        lead = lead_candidates[0]
        # The lead agency is the one whose staff run solicitations.
        staff_roles = {r for m in lead.members for r in m.roles}
        assert {Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER} <= staff_roles
        others = [a for a in agencies if a.id != lead.id]
        other_states = {a.state for a in others} - {"VA"}
        assert len(other_states) >= 6, other_states
        assert all(a.agency_type is not None for a in agencies)

        vendors = db.session.scalars(
            select(Organization).where(Organization.kind == OrganizationKind.VENDOR)).all()
        assert len(vendors) >= 3
        assert all(v.tax_id and v.state for v in vendors)
        assert len({v.tax_id for v in vendors}) == len(vendors)

        platform = db.session.scalars(
            select(Organization).where(Organization.kind == OrganizationKind.PLATFORM)).all()
        assert len(platform) == 1


def test_seed_has_a_user_for_every_role(app, seeded):
    with app.app_context():
        held = set(db.session.scalars(select(UserRole.role)))
        assert held == set(Role)
        for user in db.session.scalars(select(User)):
            assert user.active
            assert user.roles, user.email
            # Roles fit the kind of organization the user belongs to.
            assert user.roles <= set(user.organization.allowed_roles), user.email


def test_seed_prints_every_login_and_the_password(app, seeded):
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
    assert len(emails) >= len(Role)
    printed = set(EMAIL.findall(seeded))
    assert emails <= printed, emails - printed
    password = _password(seeded)
    assert len(password) >= app.config["PASSWORD_MIN_LENGTH"]


def test_demo_users_sign_in_with_the_printed_password(app, seeded):
    password = _password(seeded)
    with app.app_context():
        users = db.session.scalars(select(User).order_by(User.id)).all()
        accounts = [(u.email, {r.value for r in u.roles}) for u in users]
    for number, (email, _roles) in enumerate(accounts, start=1):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number}"  # one sign-in per address: no rate limit
        response = login(client, email, password)
        assert response.status_code == 302, (email, response.get_data(as_text=True)[:300])
        assert response.headers["Location"].endswith("/dashboard")
        assert client.get("/dashboard").status_code == 200
    # A wrong password is refused.
    response = login(app.test_client(), accounts[0][0], password + "x")
    assert response.status_code == 200


def test_seeding_twice_creates_nothing_new(app, runner, seeded):
    before = _counts(app)
    with app.app_context():
        hashes = dict(db.session.execute(select(User.email, User.password_hash)).all())
    again = _seed(runner)
    assert _counts(app) == before
    assert ("0 organizations, 0 users, 0 categories, 0 solicitations, 0 bids, 0 registered contracts, "
            "0 participations and 0 purchases created") in again
    assert _password(again) == _password(seeded)
    with app.app_context():
        assert dict(db.session.execute(select(User.email, User.password_hash)).all()) == hashes
        assert verify_chain().ok


def test_first_seed_reports_what_it_created(app, seeded):
    counts = _counts(app)
    assert f"{counts['Organization']} organizations, {counts['User']} users," in seeded
    with app.app_context():
        demo_events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                        .where(AuditEvent.action.startswith("demo.")))
    assert demo_events == counts["Organization"] + counts["User"]


def test_audit_chain_verifies_after_seeding(app, runner, seeded):
    with app.app_context():
        report = verify_chain()
        assert report.ok, str(report)
        assert report.events_checked == db.session.scalar(select(func.count()).select_from(AuditEvent))
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"demo.organization_created", "demo.user_created", "solicitation.published",
                "addendum.issued", "question.answered"} <= actions
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("OK")


def test_seed_fills_in_what_is_missing(app, runner, seeded):
    """Deleting one demo user and seeding again recreates just that user."""
    before = _counts(app)
    with app.app_context():
        # A demo user who has done nothing yet (users with history are deactivated, not deleted).
        user = db.session.scalar(select(User).where(User.email == "vendor.user@blueridge.example"))
        assert user is not None
        db.session.delete(user)
        db.session.commit()
    again = _seed(runner)
    assert re.search(r"\b0 organizations, 1 users?,", again), again
    after = _counts(app)
    assert after["User"] == before["User"]
    assert after["AuditEvent"] == before["AuditEvent"] + 1
    with app.app_context():
        assert verify_chain().ok


def test_seed_after_real_activity_keeps_the_chain(app, runner, client, make_user):
    user = make_user(Role.BUYER)
    assert login(client, user).status_code == 302
    _seed(runner)
    with app.app_context():
        assert verify_chain().ok


def test_demo_has_an_opened_ifb_and_an_awarded_contract_made_by_the_real_path(app, client, seeded):
    from app.awards.models import AwardRecommendation
    from app.contracts.models import Contract
    from app.demo.awards import AWARDED_IFB_TITLE
    from app.demo.bids import OPENED_IFB_TITLE
    from app.solicitations.models import Solicitation, SolicitationStatus

    with app.app_context():
        opened = db.session.scalar(select(Solicitation).where(Solicitation.title == OPENED_IFB_TITLE))
        awarded = db.session.scalar(select(Solicitation).where(Solicitation.title == AWARDED_IFB_TITLE))
        assert opened.status == SolicitationStatus.OPENED and awarded.status == SolicitationStatus.AWARDED
        recommendation = db.session.scalar(select(AwardRecommendation)
                                           .where(AwardRecommendation.solicitation_id == awarded.id))
        contract = db.session.scalar(select(Contract).where(Contract.solicitation_id == awarded.id))
        # The lowest bid won (Keystone: 36.95 x 5,200 + 29.10 x 3,800 + 10.90 x 2,400 + 7.15 x 9,600).
        assert contract.vendor.name == "Keystone Facilities Group"
        assert [str(line.unit_price) for line in contract.lines] == ["36.9500", "29.1000", "10.9000", "7.1500"]
        assert recommendation.board_approved_on is not None and recommendation.protest_ends_at < awarded.awarded_at
        assert contract.effective_on == awarded.local(awarded.awarded_at).date()
        assert contract.volume_discounts and [d.filename for d in contract.documents] == ["signed-contract.pdf"]
        number, opened_number, document_id = contract.number, opened.number, contract.documents[0].id
        awarded_number = awarded.number
    notice = client.get(f"/solicitations/{awarded_number}/award").get_data(as_text=True)
    assert f'href="/contracts/{number}"' in notice
    page = client.get(f"/contracts/{number}").get_data(as_text=True)
    assert "Keystone Facilities Group" in page and "signed-contract.pdf" in page
    assert client.get(f"/contracts/{number}/documents/{document_id}").data.startswith(b"%PDF")
    assert "3 bids received" in client.get(f"/solicitations/{opened_number}/results").get_data(as_text=True)


# UTC hours at which an American agency's date is not the UTC date (02:30: every US zone is still
# on the previous day; 06:30: only the west), and one where they agree.
@pytest.mark.parametrize("hour", [time(2, 30), time(6, 30), time(23, 30)], ids=lambda t: t.strftime("%H:%M"))
def test_the_demo_seeds_at_any_hour_of_the_day(app, runner, hour):
    """Every date the demo types (order dates, board approvals, compliance checks) is the date in
    the time zone of the agency that checks it, so seeding works whatever the hour."""
    today = clock.now().date()
    with clock.preserved():
        clock.freeze(datetime.combine(today, hour, tzinfo=timezone.utc))
        _seed(runner)
    with app.app_context():
        assert verify_chain().ok
