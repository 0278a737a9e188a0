"""Vendor self-registration, in two steps so the page answers the same whatever exists: the form
makes a request and e-mails a confirmation link to the administrator's address; the account is made
only through that link. An address that has an account gets a note instead of a link; a tax ID
that is taken is explained on the link's page (seen only by the address's owner) and that vendor's
administrators are told. Callers commit."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.accounts.models import Organization, User, UserRole, VendorRegistrationRequest
from app.accounts.passwords import burn_time, hash_password
from app.accounts.services import _digest, _external, _token, find_user_by_email, normalize_email
from app.audit.services import record
from app.core import clock, signals
from app.core.errors import DomainError
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.notifications.services import send_email

ORGANIZATION_FIELDS = ("legal_name", "tax_id", "state", "address_line1", "address_line2", "city", "postal_code",
                       "is_small_business", "is_minority_owned", "is_women_owned", "is_veteran_owned")


def notify_registration_attempt(email: str) -> None:
    send_email(normalize_email(email), "Someone tried to register with your e-mail address",
               "registration_exists")


def request_vendor_registration(*, admin_name: str, admin_email: str, password: str, **organization: object) -> None:
    """Queue the confirmation link, or the owner's note when the address has an account. Returns
    nothing: the page says the same either way."""
    email = normalize_email(admin_email)
    if find_user_by_email(email) is not None:
        burn_time(password)  # the same work as hashing the password below
        notify_registration_attempt(email)
        return
    raw, digest = _token()
    hours = current_app.config["REGISTRATION_LINK_HOURS"]
    fields = {key: organization[key] for key in ORGANIZATION_FIELDS}
    fields["legal_name"] = str(fields["legal_name"]).strip()
    db.session.add(VendorRegistrationRequest(
        email=email, admin_name=admin_name.strip(), password_hash=hash_password(password), organization=fields,
        token_hash=digest, expires_at=clock.now() + timedelta(hours=hours)))
    send_email(email, "Confirm your e-mail address to finish registering on CoopBid", "registration_confirm",
               name=admin_name.strip(), legal_name=fields["legal_name"], hours=hours,
               url=_external("accounts.confirm_registration", token=raw))


def usable_registration(raw: str) -> VendorRegistrationRequest | None:
    found = db.session.scalar(select(VendorRegistrationRequest).where(VendorRegistrationRequest.token_hash
                                                                      == _digest(raw)))
    return found if found is not None and found.is_usable else None


def tax_id_holder(request: VendorRegistrationRequest) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.tax_id == request.organization["tax_id"]))


def confirm_vendor_registration(raw: str) -> User | None:
    """Make the vendor and its administrator from a confirmed request; None when the tax ID is
    taken (that vendor's administrators are told). The link works once."""
    request = usable_registration(raw)
    if request is None:
        raise DomainError("This link has expired or has already been used. Register again.")
    claimed = db.session.execute(
        update(VendorRegistrationRequest)
        .where(VendorRegistrationRequest.id == request.id, VendorRegistrationRequest.used_at.is_(None))
        .values(used_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise DomainError("This link has already been used.")
    if find_user_by_email(request.email) is not None:  # registered meanwhile, through another link
        raise DomainError("This address already has a CoopBid account. Sign in, or reset your password.")
    holder = tax_id_holder(request)
    if holder is not None:
        _tell_tax_id_holder(holder, request)
        return None
    fields = request.organization
    org = Organization(
        kind=OrganizationKind.VENDOR, name=fields["legal_name"], tax_id=fields["tax_id"], state=fields["state"],
        address_line1=fields["address_line1"].strip(), address_line2=(fields["address_line2"] or "").strip() or None,
        city=fields["city"].strip(), postal_code=fields["postal_code"].strip(),
        is_small_business=fields["is_small_business"], is_minority_owned=fields["is_minority_owned"],
        is_women_owned=fields["is_women_owned"], is_veteran_owned=fields["is_veteran_owned"])
    user = User(organization=org, email=request.email, name=request.admin_name, password_hash=request.password_hash,
                session_token=secrets.token_hex(16), role_rows=[UserRole(role=Role.VENDOR_ADMIN)])
    db.session.add_all([org, user])
    db.session.flush()
    record("vendor.registered", actor=user, obj=org, data={"legal_name": org.name, "state": org.state})
    send_email(user.email, "Welcome to CoopBid", "welcome_vendor", user=user, org=org)
    signals.user_registered.send(user)
    return user


def _tell_tax_id_holder(holder: Organization, request: VendorRegistrationRequest) -> None:
    admins = db.session.scalars(select(User).join(UserRole).where(
        User.organization_id == holder.id, User.active.is_(True), UserRole.role == Role.VENDOR_ADMIN))
    for admin in admins:
        send_email(admin.email, f"Someone asked to register {holder.name} on CoopBid", "registration_tax_id_taken",
                   org=holder, name=request.admin_name, email=request.email)
    record("vendor.registration_tax_id_taken", obj=holder, organization_id=holder.id,
           data={"email": request.email})
