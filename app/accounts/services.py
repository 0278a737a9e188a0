"""Account verbs: registration, sign-in, tokens, invitations, roles. Callers commit."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, select, update

from app.accounts.models import (
    AgencyType,
    Invitation,
    Organization,
    PasswordResetToken,
    User,
    UserRole,
)
from app.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from app.audit.services import record
from app.core import clock, signals
from app.core.errors import DomainError, NotPermitted
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations.models import Solicitation


def _token() -> tuple[str, str]:
    """A URL-safe secret and the SHA-256 we store in its place."""
    raw = secrets.token_urlsafe(32)
    return raw, _digest(raw)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _new_user(org: Organization, email: str, name: str, password: str, roles: list[Role]) -> User:
    invalid = set(roles) - set(org.allowed_roles)
    if invalid:
        raise DomainError(f"{', '.join(sorted(invalid))} cannot be held in a {org.kind} organization")
    if find_user_by_email(email):
        raise DomainError("An account with this e-mail address already exists.", field="email")
    user = User(
        organization=org,
        email=normalize_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        session_token=secrets.token_hex(16),
        role_rows=[UserRole(role=r) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_agency(
    actor: User,
    *,
    name: str,
    agency_type: AgencyType,
    state: str,
    timezone: str,
    short_code: str | None,
    enrollment: int | None,
    population: int | None,
    admin_email: str,
) -> tuple[Organization, Invitation]:
    """Platform admins onboard an agency and invite its first administrator."""
    if not actor.has_role(Role.ADMIN):
        raise NotPermitted("Only platform administrators can add agencies.")
    if short_code and db.session.scalar(
        select(Organization.id).where(Organization.short_code == short_code)
    ):
        raise DomainError("This short code is taken by another agency.", field="short_code")
    check_short_code(short_code, None)
    org = Organization(
        kind=OrganizationKind.AGENCY,
        name=name.strip(),
        agency_type=agency_type,
        state=state,
        timezone=timezone,
        short_code=short_code or None,
        enrollment=enrollment,
        population=population,
    )
    db.session.add(org)
    db.session.flush()
    record("agency.created", actor=actor, obj=org, organization_id=org.id,
           data={"name": org.name, "state": state, "agency_type": agency_type.value})
    # The platform's administrators onboard agencies: they are told plainly (no enumeration concern).
    if find_user_by_email(admin_email):
        raise DomainError("This address already has a CoopBid account.", field="email")
    invitation = invite_member(actor, org, admin_email, [Role.AGENCY_ADMIN])
    return org, invitation


# ----------------------------------------------------------------------------- sign-in
def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account usable; otherwise None, whatever the
    reason (unknown address, wrong password, locked, deactivated), so nothing is enumerable."""
    cfg = current_app.config
    user = find_user_by_email(email)
    if user is None:
        burn_time(password)
        record("auth.login_failed", data={"reason": "unknown_email"})
        return None
    if user.is_locked or not user.active:
        burn_time(password)
        record("auth.login_refused", obj=user, organization_id=user.organization_id,
               data={"reason": "locked" if user.is_locked else "inactive"})
        return None
    if not verify_password(user.password_hash, password):
        user.failed_login_count += 1
        data = {"failed_count": user.failed_login_count}
        if user.failed_login_count >= cfg["LOGIN_LOCKOUT_THRESHOLD"]:
            user.locked_until = clock.now() + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
            user.failed_login_count = 0
            data["locked_until"] = user.locked_until.isoformat()
            send_email(user.email, "Sign-in paused on your CoopBid account", "account_locked",
                       user=user, minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        record("auth.login_failed", obj=user, organization_id=user.organization_id, data=data)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    record("auth.login", actor=user, obj=user)
    signals.user_logged_in.send(user)
    return user


def sign_out(user: User) -> None:
    """End the user's sessions on the server: the session token every cookie carries is rotated, so
    a copy of the cookie no longer signs anyone in (on any device: sessions are per user)."""
    user.session_token = secrets.token_hex(16)
    record("auth.logout", actor=user, obj=user)


# ----------------------------------------------------------------------------- password reset
def request_password_reset(email: str) -> None:
    """Send a reset link if the address belongs to an active account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    raw, digest = _token()
    hours = current_app.config["RESET_TOKEN_HOURS"]
    db.session.add(
        PasswordResetToken(user=user, token_hash=digest, expires_at=clock.now() + timedelta(hours=hours))
    )
    record("auth.reset_requested", obj=user, organization_id=user.organization_id)
    send_email(user.email, "Reset your CoopBid password", "password_reset",
               user=user, url=_external("accounts.reset_password", token=raw), hours=hours)


def usable_reset_token(raw: str) -> PasswordResetToken | None:
    token = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(raw))
    )
    return token if token is not None and token.is_usable else None


def reset_password(raw: str, new_password: str) -> User:
    token = usable_reset_token(raw)
    if token is None:
        raise DomainError("This reset link has expired or has already been used. Ask for a new one.")
    now = clock.now()
    # Spend every outstanding token of this user, atomically, so a link works once.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == token.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not spent:
        raise DomainError("This reset link has expired or has already been used. Ask for a new one.")
    user = token.user
    _set_password(user, new_password)
    user.failed_login_count = 0
    user.locked_until = None
    record("auth.password_reset", actor=user, obj=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError("The current password is not correct.", field="current_password")
    _set_password(user, new_password)
    record("auth.password_changed", actor=user, obj=user)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)  # signs out every other session


def update_profile(user: User, *, name: str, title: str | None) -> None:
    user.name = name.strip()
    user.title = (title or "").strip() or None
    record("user.profile_updated", actor=user, obj=user)


# ----------------------------------------------------------------------------- invitations
def invite_member(actor: User, org: Organization, email: str, roles: list[Role]) -> Invitation:
    if not org.can_manage(actor):
        raise NotPermitted("You cannot invite members to this organization.")
    if not roles:
        raise DomainError("Choose at least one role.", field="roles")
    invalid = set(roles) - set(org.allowed_roles)
    if invalid:
        raise DomainError("Those roles do not fit this organization.", field="roles")
    email = normalize_email(email)
    existing = find_user_by_email(email)
    raw, digest = _token()
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        organization=org,
        email=email,
        roles=[r.value for r in roles],
        token_hash=digest,
        invited_by=actor,
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    record("invitation.sent", actor=actor, obj=invitation, organization_id=org.id,
           data={"email": email, "roles": invitation.roles})
    if existing is not None:
        # One answer whether or not the address has an account (no enumeration): the invitation is
        # listed as sent, but its owner gets a note instead of a link (an account belongs to one
        # organization), and the link is never sent, so it can never be used.
        send_email(email, f"{org.name} tried to invite you on CoopBid", "invitation_existing_account",
                   org=org, inviter=actor)
        return invitation
    send_email(email, f"You are invited to join {org.name} on CoopBid", "invitation",
               invitation=invitation, org=org, inviter=actor, days=days,
               url=_external("accounts.accept_invitation", token=raw))
    return invitation


def usable_invitation(raw: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _digest(raw)))
    return invitation if invitation is not None and invitation.is_usable else None


def accept_invitation(raw: str, *, name: str, password: str) -> User:
    invitation = usable_invitation(raw)
    if invitation is None:
        raise DomainError("This invitation has expired, was revoked, or has already been used.")
    user = _new_user(invitation.organization, invitation.email, name, password, invitation.role_enums)
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=clock.now(), accepted_user_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise DomainError("This invitation has already been used.")
    record("invitation.accepted", actor=user, obj=invitation,
           data={"roles": invitation.roles, "user_id": user.id})
    signals.user_registered.send(user)
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if not invitation.organization.can_manage(actor):
        raise NotPermitted("You cannot manage this organization's invitations.")
    if invitation.accepted_at is not None:
        raise DomainError("This invitation was already accepted.")
    invitation.revoked_at = clock.now()
    record("invitation.revoked", actor=actor, obj=invitation,
           organization_id=invitation.organization_id, data={"email": invitation.email})


# ----------------------------------------------------------------------------- members
def _admin_count(org: Organization) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(User.organization_id == org.id, User.active.is_(True), UserRole.role == org.admin_role)
    )


def set_roles(actor: User, user: User, roles: list[Role]) -> None:
    org = user.organization
    if not org.can_manage(actor):
        raise NotPermitted("You cannot change roles in this organization.")
    if not roles:
        raise DomainError("A member needs at least one role; deactivate them instead.", field="roles")
    invalid = set(roles) - set(org.allowed_roles)
    if invalid:
        raise DomainError("Those roles do not fit this organization.", field="roles")
    before = sorted(r.value for r in user.roles)
    after = sorted(r.value for r in set(roles))
    if before == after:
        return
    if (user.active and org.admin_role.value in before and org.admin_role.value not in after
            and _admin_count(org) <= 1):
        raise DomainError("An organization must keep at least one administrator.", field="roles")
    user.role_rows = [UserRole(role=Role(r)) for r in after]
    record("user.roles_changed", actor=actor, obj=user, organization_id=org.id,
           data={"before": before, "after": after})
    signals.roles_changed.send(user, before=before, after=after)


def set_active(actor: User, user: User, active: bool) -> None:
    org = user.organization
    if not org.can_manage(actor):
        raise NotPermitted("You cannot manage this organization's members.")
    if user.id == actor.id:
        raise DomainError("You cannot deactivate your own account.")
    if user.active == active:
        return
    if not active and user.has_role(org.admin_role) and _admin_count(org) <= 1:
        raise DomainError("An organization must keep at least one administrator.")
    user.active = active
    if not active:
        user.session_token = secrets.token_hex(16)
    record("user.activated" if active else "user.deactivated", actor=actor, obj=user,
           organization_id=org.id)


def check_short_code(code: str | None, org_id: int | None) -> None:
    """A short code begins an agency's solicitation numbers (ACPS-RFP-2027-001), which are unique
    platform-wide: refuse one that would repeat another agency's numbers, past or to come."""
    if not code:
        return
    if re.fullmatch(r"AG[0-9]+", code):  # the prefix of agencies without a short code (AG12-RFP-...)
        raise DomainError("Codes like AG12 begin the solicitation numbers of agencies without a short code; "
                          "choose another.", field="short_code")
    if db.session.scalar(select(Solicitation.id).where(Solicitation.number.startswith(f"{code}-", autoescape=True),
                                                       Solicitation.agency_id != org_id).limit(1)):
        raise DomainError("Another agency's solicitation numbers already begin with this code; choose another.",
                          field="short_code")


def update_organization(actor: User, org: Organization, **fields: object) -> None:
    if not org.can_manage(actor):
        raise NotPermitted("You cannot edit this organization.")
    for unique in ("tax_id", "short_code"):
        value = fields.get(unique)
        if value and db.session.scalar(select(Organization.id).where(
                getattr(Organization, unique) == value, Organization.id != org.id)):
            raise DomainError("Another organization already uses this value.", field=unique)
    if fields.get("short_code") != org.short_code:
        check_short_code(fields.get("short_code"), org.id)
    changed = {}
    for key, value in fields.items():
        if getattr(org, key) != value:
            changed[key] = str(value) if value is not None else None
            setattr(org, key, value)
    if changed:
        record("organization.updated", actor=actor, obj=org, organization_id=org.id,
               data={"changed": changed})


def _external(endpoint: str, **values: object) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values, _external=False)
