"""Who may open which accounts page, and managing members' roles and access."""
from __future__ import annotations

import pytest

from app.core.roles import OrganizationKind, Role
from tests.accounts.helpers import assert_choices_error, location_path, page
from tests.conftest import login

ALL_ROLES = list(Role)
ORG_ADMINS = {Role.AGENCY_ADMIN, Role.VENDOR_ADMIN}


def _id(roles: tuple[Role, ...]) -> str:
    return "+".join(r.value for r in roles) or "no-role"


ROLE_SETS = [(r,) for r in ALL_ROLES] + [()]


@pytest.mark.parametrize("roles", ROLE_SETS, ids=_id)
@pytest.mark.parametrize("url", ["/accounts/team", "/accounts/organization"])
def test_team_and_organization_pages_are_for_organization_admins(client, login_as, roles, url):
    login_as(*roles)
    expected = 200 if set(roles) & ORG_ADMINS else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("roles", ROLE_SETS, ids=_id)
@pytest.mark.parametrize("url", ["/accounts/admin/organizations", "/accounts/admin/organizations/new"])
def test_platform_pages_are_for_platform_admins_only(client, login_as, roles, url):
    login_as(*roles)
    expected = 200 if Role.ADMIN in roles else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", ["/accounts/team", "/accounts/organization", "/accounts/profile",
                                 "/accounts/admin/organizations", "/accounts/admin/organizations/new",
                                 "/accounts/members/1/roles"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert location_path(response) == "/accounts/login"


def test_platform_admin_can_open_any_organization(client, login_as, make_org):
    login_as(Role.ADMIN)
    vendor = make_org(OrganizationKind.VENDOR, name="Widget Works")
    response = client.get(f"/accounts/admin/organizations/{vendor}")
    assert response.status_code == 200
    assert "Widget Works" in response.get_data(as_text=True)


@pytest.fixture
def two_agencies(make_org, make_user):
    """An agency admin (signed in by the test) and a member of a different agency."""
    ours, theirs = make_org(), make_org()
    admin = make_user(Role.AGENCY_ADMIN, org_id=ours)
    colleague = make_user(Role.BUYER, org_id=ours)
    stranger = make_user(Role.BUYER, org_id=theirs)
    make_user(Role.AGENCY_ADMIN, org_id=theirs)
    return admin, colleague, stranger


def test_an_admin_cannot_touch_members_of_another_organization(client, two_agencies, user_row, audit):
    admin, _, stranger = two_agencies
    login(client, admin)
    before = user_row(stranger.id)

    assert client.get(f"/accounts/members/{stranger.id}/roles").status_code == 403
    assert client.submit(f"/accounts/members/{stranger.id}/roles",
                         {"roles": ["agency_admin"]}).status_code == 403
    assert client.submit(f"/accounts/members/{stranger.id}/deactivate").status_code == 403

    after = user_row(stranger.id)
    assert (after.roles, after.active, after.session_token) == (before.roles, True, before.session_token)
    assert audit("user.roles_changed") == [] and audit("user.deactivated") == []


def test_the_team_page_lists_only_our_members(client, two_agencies):
    admin, colleague, stranger = two_agencies
    login(client, admin)
    html = client.get("/accounts/team").get_data(as_text=True)
    assert colleague.email in html
    assert stranger.email not in html


def test_changing_roles_is_audited_with_before_and_after(client, two_agencies, user_row, audit):
    admin, colleague, _ = two_agencies
    login(client, admin)
    form = client.get(f"/accounts/members/{colleague.id}/roles")
    assert form.status_code == 200
    checked = [c.attrs["value"] for c in page(form).controls("roles") if "checked" in c.attrs]
    assert checked == ["buyer"]

    response = client.submit(f"/accounts/members/{colleague.id}/roles",
                             {"roles": ["buyer", "evaluator", "approver"]})

    assert response.status_code == 302
    assert location_path(response) == "/accounts/team"
    assert user_row(colleague.id).roles == {"buyer", "evaluator", "approver"}
    [event] = audit("user.roles_changed")
    assert event.actor_id == admin.id
    assert event.object_id == str(colleague.id)
    assert event.organization_id == admin.organization_id
    assert event.data == {"before": ["buyer"], "after": ["approver", "buyer", "evaluator"]}

    # Taking roles away works too, and an unchanged submission records nothing.
    client.submit(f"/accounts/members/{colleague.id}/roles", {"roles": ["evaluator"]})
    assert user_row(colleague.id).roles == {"evaluator"}
    client.submit(f"/accounts/members/{colleague.id}/roles", {"roles": ["evaluator"]})
    assert [e.data for e in audit("user.roles_changed")][1:] == [
        {"before": ["approver", "buyer", "evaluator"], "after": ["evaluator"]}]


def test_roles_of_another_kind_are_refused(client, two_agencies, user_row):
    admin, colleague, _ = two_agencies
    login(client, admin)
    response = client.submit(f"/accounts/members/{colleague.id}/roles", {"roles": ["vendor_admin"]})
    assert response.status_code == 200
    assert_choices_error(response, "roles", "not a valid choice")
    assert user_row(colleague.id).roles == {"buyer"}


def test_the_last_agency_admin_role_cannot_be_removed(client, make_user, user_row, audit):
    admin = make_user(Role.AGENCY_ADMIN)
    login(client, admin)

    response = client.submit(f"/accounts/members/{admin.id}/roles", {"roles": ["procurement_officer"]})

    assert response.status_code == 200
    assert_choices_error(response, "roles", "An organization must keep at least one administrator.")
    assert user_row(admin.id).roles == {"agency_admin"}
    assert audit("user.roles_changed") == []


def test_an_admin_role_can_be_removed_while_another_admin_remains(client, make_user, user_row):
    admin = make_user(Role.AGENCY_ADMIN)
    second = make_user(Role.AGENCY_ADMIN, org_id=admin.organization_id)
    login(client, admin)
    response = client.submit(f"/accounts/members/{second.id}/roles", {"roles": ["approver"]})
    assert response.status_code == 302
    assert user_row(second.id).roles == {"approver"}


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(client, make_user, user_row):
    admin = make_user(Role.AGENCY_ADMIN)
    make_user(Role.AGENCY_ADMIN, org_id=admin.organization_id, active=False)
    login(client, admin)
    response = client.submit(f"/accounts/members/{admin.id}/roles", {"roles": ["approver"]})
    assert response.status_code == 200
    assert user_row(admin.id).roles == {"agency_admin"}


def test_deactivating_a_member_signs_them_out(client, new_client, two_agencies, user_row, audit):
    admin, colleague, _ = two_agencies
    theirs = new_client()
    assert login(theirs, colleague).status_code == 302
    assert theirs.get("/dashboard").status_code == 200
    login(client, admin)

    response = client.submit(f"/accounts/members/{colleague.id}/deactivate")

    assert response.status_code == 302
    assert user_row(colleague.id).active is False
    [event] = audit("user.deactivated")
    assert (event.actor_id, event.object_id) == (admin.id, str(colleague.id))
    kicked = theirs.get("/dashboard")
    assert kicked.status_code == 302
    assert location_path(kicked) == "/accounts/login"
    assert login(new_client(), colleague).status_code == 200  # cannot sign in again

    # Reactivated, they can sign in again, but the old session stays signed out.
    assert client.submit(f"/accounts/members/{colleague.id}/activate").status_code == 302
    assert theirs.get("/dashboard").status_code == 302
    assert login(new_client(), colleague).status_code == 302


def test_deactivation_needs_a_post_with_a_csrf_token(client, two_agencies, user_row):
    admin, colleague, _ = two_agencies
    login(client, admin)
    assert client.get(f"/accounts/members/{colleague.id}/deactivate").status_code == 405
    assert client.post(f"/accounts/members/{colleague.id}/deactivate").status_code == 400
    assert user_row(colleague.id).active is True


def test_admins_cannot_deactivate_themselves(client, make_user, user_row):
    admin = make_user(Role.AGENCY_ADMIN)
    make_user(Role.AGENCY_ADMIN, org_id=admin.organization_id)
    login(client, admin)
    response = client.submit(f"/accounts/members/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert user_row(admin.id).active is True


def test_platform_admin_manages_members_of_any_organization(client, login_as, make_user, user_row, audit):
    platform_admin = login_as(Role.ADMIN)
    member = make_user(Role.VENDOR_USER)
    response = client.submit(f"/accounts/members/{member.id}/roles", {"roles": ["vendor_admin"]})
    assert response.status_code == 302
    assert location_path(response) == f"/accounts/admin/organizations/{member.organization_id}"
    assert user_row(member.id).roles == {"vendor_admin"}
    assert audit("user.roles_changed")[0].actor_id == platform_admin.id
