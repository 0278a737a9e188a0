"""Inviting colleagues into an organization and accepting the invitation."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Invitation
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from tests.accounts.helpers import assert_choices_error, assert_field_error, link_token, location_path
from tests.conftest import login

INVITE_PREFIX = "/accounts/invitations/"
PASSWORD_NEW = "copper kettle horizon"


def invite(client, email: str, *roles: Role):
    return client.submit("/accounts/team", {"email": email, "roles": [r.value for r in roles]})


def invitation_token(mail, email: str) -> str:
    messages = mail("invitation", to=email)
    assert messages, f"no invitation to {email}"
    return link_token(messages[-1].body, INVITE_PREFIX)


def accept(client, token: str, name: str = "Nia Newcomer", password: str = PASSWORD_NEW):
    return client.submit(INVITE_PREFIX + token, {"name": name, "password": password, "confirm": password})


def invitation_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Invitation))


def test_invitation_is_sent_accepted_and_signs_the_new_member_in(app, client, new_client, login_as,
                                                                  mail, audit, user_row):
    admin = login_as(Role.AGENCY_ADMIN)

    response = invite(client, "Nia@Example.org", Role.PROCUREMENT_OFFICER, Role.EVALUATOR)

    assert response.status_code == 302
    assert location_path(response) == "/accounts/team"
    [message] = mail("invitation")
    assert message.to == "nia@example.org"
    token = link_token(message.body, INVITE_PREFIX)
    assert f"http://localhost{INVITE_PREFIX}{token}" in message.body
    [sent] = audit("invitation.sent")
    assert sent.actor_id == admin.id
    assert sent.organization_id == admin.organization_id
    assert sent.data == {"email": "nia@example.org", "roles": ["procurement_officer", "evaluator"]}
    assert "nia@example.org" in client.get("/accounts/team").get_data(as_text=True)

    newcomer = new_client()
    form = newcomer.get(INVITE_PREFIX + token)
    assert form.status_code == 200
    assert "nia@example.org" in form.get_data(as_text=True)

    accepted = accept(newcomer, token)

    assert accepted.status_code == 302
    assert location_path(accepted) == "/dashboard"
    user = user_row("nia@example.org")
    assert user.organization_id == admin.organization_id
    assert user.roles == {"procurement_officer", "evaluator"}
    assert user.name == "Nia Newcomer"
    dashboard = newcomer.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Nia Newcomer" in dashboard.get_data(as_text=True)
    [event] = audit("invitation.accepted")
    assert event.actor_id == user.id
    assert event.data["user_id"] == user.id
    assert sorted(event.data["roles"]) == ["evaluator", "procurement_officer"]

    # The new member signs in with the password they chose.
    assert login(new_client(), "nia@example.org", PASSWORD_NEW).status_code == 302

    # The link works once.
    reused = new_client().get(INVITE_PREFIX + token)
    assert reused.status_code == 400
    assert "no longer valid" in reused.get_data(as_text=True)
    resubmitted = accept(new_client(), token, name="Someone Else")
    assert resubmitted.status_code == 400
    assert user_row("nia@example.org").name == "Nia Newcomer"


def test_vendor_admin_invites_vendor_users(client, new_client, login_as, mail, user_row):
    admin = login_as(Role.VENDOR_ADMIN)
    assert invite(client, "val@example.org", Role.VENDOR_USER).status_code == 302
    assert accept(new_client(), invitation_token(mail, "val@example.org")).status_code == 302
    user = user_row("val@example.org")
    assert (user.organization_id, user.roles) == (admin.organization_id, {"vendor_user"})


def test_an_expired_invitation_is_refused(client, new_client, login_as, mail, user_row):
    login_as(Role.AGENCY_ADMIN)
    invite(client, "late@example.org", Role.BUYER)
    token = invitation_token(mail, "late@example.org")

    clock.advance(timedelta(days=8))

    late = new_client()
    opened = late.get(INVITE_PREFIX + token)
    assert opened.status_code == 400
    assert "no longer valid" in opened.get_data(as_text=True)
    assert accept(late, token).status_code == 400
    assert user_row("late@example.org") is None


def test_a_revoked_invitation_is_refused(app, client, new_client, login_as, mail, audit, user_row):
    login_as(Role.AGENCY_ADMIN)
    invite(client, "gone@example.org", Role.BUYER)
    token = invitation_token(mail, "gone@example.org")
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))

    revoked = client.submit(f"/accounts/invitations/{invitation_id}/revoke")
    assert revoked.status_code == 302
    assert len(audit("invitation.revoked")) == 1

    visitor = new_client()
    assert visitor.get(INVITE_PREFIX + token).status_code == 400
    assert accept(visitor, token).status_code == 400
    assert user_row("gone@example.org") is None


def test_a_vendor_role_cannot_be_given_in_an_agency(app, client, login_as, mail, audit):
    login_as(Role.AGENCY_ADMIN)

    response = invite(client, "wrong@example.org", Role.VENDOR_USER)

    assert response.status_code == 200
    assert_choices_error(response, "roles", "not a valid choice")
    assert invitation_count(app) == 0
    assert mail() == []
    assert audit("invitation.sent") == []


def test_roles_of_another_kind_are_refused_by_the_service_too(app, make_user):
    """Defence in depth: the service refuses even if a view offered the wrong roles."""
    from app.accounts import services
    from app.accounts.models import Organization, User
    from app.core.errors import DomainError

    admin = make_user(Role.AGENCY_ADMIN)
    with app.app_context():
        actor = db.session.get(User, admin.id)
        org = db.session.get(Organization, admin.organization_id)
        try:
            services.invite_member(actor, org, "x@example.org", [Role.VENDOR_ADMIN])
        except DomainError as exc:
            assert exc.field == "roles"
        else:
            raise AssertionError("a vendor role was accepted for an agency")
        finally:
            db.session.rollback()
    assert invitation_count(app) == 0


def test_procurement_officers_cannot_invite(app, client, login_as, mail):
    login_as(Role.PROCUREMENT_OFFICER)
    response = invite(client, "friend@example.org", Role.BUYER)
    assert response.status_code == 403
    assert invitation_count(app) == 0
    assert mail() == []


def test_inviting_an_address_with_an_account_answers_as_for_any_address(app, client, login_as, make_user, mail):
    """No enumeration: the page says the same as for a new address, and the owner of the account is
    told by e-mail instead of receiving a link (an account belongs to one organization)."""
    make_user(Role.VENDOR_USER, email="taken@example.org")
    login_as(Role.AGENCY_ADMIN)
    taken = invite(client, "Taken@example.org", Role.BUYER)
    after_taken = client.get("/accounts/team").get_data(as_text=True)
    fresh = invite(client, "new.person@example.org", Role.BUYER)
    after_fresh = client.get("/accounts/team").get_data(as_text=True)

    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert "Invitation sent to Taken@example.org" in after_taken
    assert "Invitation sent to new.person@example.org" in after_fresh
    assert "taken@example.org" in after_fresh  # listed among the pending invitations like any other
    assert invitation_count(app) == 2
    [note, link] = mail()
    assert note.to == "taken@example.org" and "already has a CoopBid account" in note.body
    assert "/invitations/" not in note.body
    assert link.to == "new.person@example.org" and "/invitations/" in link.body


def test_invitations_are_rate_limited_per_organization(app, client, login_as, mail):
    login_as(Role.AGENCY_ADMIN)
    answers = [invite(client, f"person{i}@example.org", Role.BUYER).status_code for i in range(31)]
    assert answers[:30] == [302] * 30 and answers[30] == 429


def test_an_admin_cannot_revoke_another_organizations_invitation(app, client, new_client, make_user, mail):
    owner = make_user(Role.AGENCY_ADMIN)
    owner_client = new_client()
    login(owner_client, owner)
    invite(owner_client, "theirs@example.org", Role.BUYER)
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))

    outsider = make_user(Role.AGENCY_ADMIN)
    login(client, outsider)
    assert client.submit(f"/accounts/invitations/{invitation_id}/revoke").status_code == 403
    assert new_client().get(INVITE_PREFIX + invitation_token(mail, "theirs@example.org")).status_code == 200


def test_platform_admin_adds_an_agency_and_invites_its_first_admin(app, client, new_client, login_as,
                                                                  mail, audit, user_row):
    from app.accounts.models import Organization

    platform_admin = login_as(Role.ADMIN)
    response = client.submit("/accounts/admin/organizations/new", {
        "name": "Arlington County Public Schools", "agency_type": "school_district", "state": "VA",
        "timezone": "America/New_York", "short_code": "ACPS", "enrollment": "27000",
        "population": "", "admin_email": "chief@acps.example",
    })

    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.short_code == "ACPS"))
        assert org.kind == OrganizationKind.AGENCY
        assert (org.name, org.state, org.enrollment, org.population) == (
            "Arlington County Public Schools", "VA", 27000, None)
        org_id = org.id
    assert location_path(response) == f"/accounts/admin/organizations/{org_id}"
    [created] = audit("agency.created")
    assert created.actor_id == platform_admin.id and created.organization_id == org_id
    [sent] = audit("invitation.sent")
    assert sent.data["roles"] == ["agency_admin"]
    assert client.get("/accounts/admin/organizations").status_code == 200
    assert "Arlington County Public Schools" in client.get("/accounts/admin/organizations").get_data(as_text=True)

    chief = new_client()
    assert accept(chief, invitation_token(mail, "chief@acps.example"), name="Chief Admin").status_code == 302
    user = user_row("chief@acps.example")
    assert (user.organization_id, user.roles) == (org_id, {"agency_admin"})
    assert chief.get("/accounts/team").status_code == 200
