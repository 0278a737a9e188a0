"""Organization administration: members, roles, invitations, settings; platform onboarding."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import services
from app.accounts.blueprint import bp
from app.accounts.forms import (
    ActionForm,
    AgencySettingsForm,
    InvitationForm,
    NewAgencyForm,
    RolesForm,
    VendorSettingsForm,
)
from app.accounts.models import AgencyType, Invitation, Organization, User
from app.core.errors import DomainError
from app.core.numbers import page_arg
from app.core.permissions import forbid_unless, get_or_404, roles_required
from app.core.roles import OrganizationKind, Role
from app.core.web import commit_or_flash, show_domain_error
from app.extensions import db, limiter

ORG_ADMINS = (Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)


def _role_choices(org: Organization) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in org.allowed_roles]


@bp.route("/team", methods=["GET", "POST"])
@roles_required(*ORG_ADMINS)
@limiter.limit("30 per hour", methods=["POST"], key_func=lambda: f"invite:{current_user.organization_id}")
def team():
    org = current_user.organization
    form = InvitationForm()
    form.roles.choices = _role_choices(org)
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.invite_member(current_user, org, form.email.data,
                                                          [Role(r) for r in form.roles.data]),
                           f"Invitation sent to {form.email.data}.", form=form):
            return redirect(url_for("accounts.team"))
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.organization_id == org.id,
                                 Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc()).limit(50)
    ).all()
    return render_template("accounts/team.html", org=org, members=org.members, form=form,
                           invitations=invitations, action_form=ActionForm())


@bp.route("/members/<int:user_id>/roles", methods=["GET", "POST"])
@login_required
def member_roles(user_id: int):
    member = get_or_404(User, user_id)
    forbid_unless(member.organization.can_manage(current_user))
    form = RolesForm(data={"roles": [r.value for r in member.roles]})
    form.roles.choices = _role_choices(member.organization)
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.set_roles(current_user, member, [Role(r) for r in form.roles.data]),
                           f"Roles of {member.name} saved.", form=form):
            return redirect(_members_page(member.organization))
    return render_template("accounts/member_roles.html", member=member, form=form)


@bp.route("/members/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
@login_required
def member_active(user_id: int, action: str):
    member = get_or_404(User, user_id)
    forbid_unless(member.organization.can_manage(current_user))
    if ActionForm().validate_on_submit():
        commit_or_flash(lambda: services.set_active(current_user, member, action == "activate"),
                        lambda _: f"{member.name} {'can sign in again' if member.active else 'can no longer sign in'}.")
    return redirect(_members_page(member.organization))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: int):
    invitation = get_or_404(Invitation, invitation_id)
    forbid_unless(invitation.organization.can_manage(current_user))
    if ActionForm().validate_on_submit():
        commit_or_flash(lambda: services.revoke_invitation(current_user, invitation),
                        f"Invitation to {invitation.email} revoked.")
    return redirect(_members_page(invitation.organization))


def _members_page(org: Organization) -> str:
    if current_user.organization_id == org.id:
        return url_for("accounts.team")
    return url_for("accounts.organization_detail", org_id=org.id)


@bp.route("/organization", methods=["GET", "POST"])
@roles_required(*ORG_ADMINS)
def organization_settings():
    return _edit_organization(current_user.organization)


def _edit_organization(org: Organization):
    if org.kind == OrganizationKind.AGENCY:
        form = AgencySettingsForm(obj=org, data={"agency_type": org.agency_type.value})
    elif org.kind == OrganizationKind.VENDOR:
        form = VendorSettingsForm(obj=org, legal_name=org.name)
    else:
        return render_template("accounts/organization_settings.html", org=org, form=None)
    if form.validate_on_submit():
        fields = {name: f.data for name, f in form._fields.items()
                  if name not in ("submit", "csrf_token")}
        if "legal_name" in fields:
            fields["name"] = fields.pop("legal_name")
        if "agency_type" in fields:
            fields["agency_type"] = AgencyType(fields["agency_type"])
        if "short_code" in fields:
            fields["short_code"] = fields["short_code"] or None
        if commit_or_flash(lambda: services.update_organization(current_user, org, **fields),
                           "Organization details saved.", form=form, on_conflict=DomainError(
                               "Another organization took this value a moment ago; choose another.",
                               field="short_code" if fields.get("short_code") else "tax_id")):
            return redirect(url_for("accounts.organization_settings")
                            if org.id == current_user.organization_id
                            else url_for("accounts.organization_detail", org_id=org.id))
    return render_template("accounts/organization_settings.html", org=org, form=form)


# ----------------------------------------------------------------------------- platform admin
@bp.route("/admin/organizations", methods=["GET"])
@roles_required(Role.ADMIN)
def organizations():
    page = db.paginate(select(Organization).order_by(Organization.kind, Organization.name),
                       page=page_arg(), per_page=50, error_out=False)
    return render_template("accounts/organizations.html", page=page)


@bp.route("/admin/organizations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_agency():
    form = NewAgencyForm()
    if form.validate_on_submit():
        done = commit_or_flash(lambda: services.create_agency(
            current_user, name=form.name.data, agency_type=AgencyType(form.agency_type.data), state=form.state.data,
            timezone=form.timezone.data, short_code=form.short_code.data, enrollment=form.enrollment.data,
            population=form.population.data, admin_email=form.admin_email.data),
            lambda created: f"{created[0].name} added; its administrator has been invited.", show_refusal=False)
        if done:
            return redirect(url_for("accounts.organization_detail", org_id=done.value[0].id))
        if done.refusal.field == "email":
            done.refusal.field = "admin_email"
        show_domain_error(form, done.refusal)
    return render_template("accounts/new_agency.html", form=form)


@bp.route("/admin/organizations/<int:org_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organization_detail(org_id: int):
    return _edit_organization(get_or_404(Organization, org_id))
