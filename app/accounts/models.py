"""Organizations (agencies, vendors, the platform operator), users and their roles, and the
single-use tokens behind invitations and password resets."""
from __future__ import annotations

import enum
import hmac
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import TimestampMixin, UTCDateTime, enum_type
from app.core.geo import US_STATES
from app.core.roles import ORG_ADMIN_ROLE, ROLES_BY_KIND, OrganizationKind, Role
from app.extensions import db


class AgencyType(enum.StrEnum):
    SCHOOL_DISTRICT = "school_district"
    COUNTY = "county"
    MUNICIPALITY = "municipality"
    STATE_AGENCY = "state_agency"
    HIGHER_EDUCATION = "higher_education"
    PUBLIC_COOPERATIVE = "public_cooperative"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(
            "kind != 'agency' OR (agency_type IS NOT NULL AND state IS NOT NULL)",
            name="agency_has_type_and_state",
        ),
        CheckConstraint("kind = 'agency' OR agency_type IS NULL", name="agency_type_only_agencies"),
        # A stand-in vendor has no tax ID: the platform member it was typed for keeps it.
        CheckConstraint(
            "kind != 'vendor' OR (state IS NOT NULL AND (tax_id IS NOT NULL OR stand_in))",
            name="vendor_has_tax_id_and_state",
        ),
        CheckConstraint("enrollment IS NULL OR enrollment >= 0", name="enrollment_not_negative"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind), index=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(2), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # Agencies
    agency_type: Mapped[AgencyType | None] = mapped_column(enum_type(AgencyType))
    short_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    # Calendar days a bidder has to protest a notice of intent to award, where bid_rules does not
    # give the state's period.
    protest_period_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    enrollment: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    # Vendors
    tax_id: Mapped[str | None] = mapped_column(String(10), unique=True)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    is_small_business: Mapped[bool] = mapped_column(Boolean, default=False)
    is_minority_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_women_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_veteran_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    # A directory entry with the names a registrant typed for a registered contract's lead agency
    # or vendor, where they matched a platform member that has not confirmed the contract is its
    # own (app.contracts.links). It has no users and no later registration ever matches it.
    stand_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    members: Mapped[list[User]] = relationship(back_populates="organization", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind} {self.name!r}>"

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganizationKind.AGENCY

    @property
    def is_vendor(self) -> bool:
        return self.kind == OrganizationKind.VENDOR

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state or "", "")

    @property
    def allowed_roles(self) -> tuple[Role, ...]:
        return ROLES_BY_KIND[self.kind]

    @property
    def admin_role(self) -> Role:
        return ORG_ADMIN_ROLE[self.kind]

    @property
    def certifications(self) -> list[str]:
        flags = [
            (self.is_small_business, "Small business"),
            (self.is_minority_owned, "Minority-owned"),
            (self.is_women_owned, "Women-owned"),
            (self.is_veteran_owned, "Veteran-owned"),
        ]
        return [label for on, label in flags if on]

    def can_manage(self, user: User) -> bool:
        """Edit the organization's profile and its members."""
        if not user.is_authenticated:
            return False
        if user.has_role(Role.ADMIN):
            return True
        return user.organization_id == self.id and user.has_role(self.admin_role)

    def can_view_private(self, user: User) -> bool:
        """Tax id and member list: the organization's own people and platform admins."""
        if not user.is_authenticated:
            return False
        return user.organization_id == self.id or user.has_role(Role.ADMIN)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("failed_login_count >= 0", name="failed_login_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login cookie; rotating it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64))
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="members", lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def session_token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token, token)

    # Roles
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def has_any_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > clock.now()


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "accepted_at IS NULL OR accepted_user_id IS NOT NULL", name="accepted_has_user"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def role_enums(self) -> list[Role]:
        return [Role(r) for r in self.roles]

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None and self.revoked_at is None and self.expires_at > clock.now()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "pending" if self.expires_at > clock.now() else "expired"


class PasswordResetToken(TimestampMixin, db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > clock.now()


class VendorRegistrationRequest(TimestampMixin, db.Model):
    """A vendor registration waiting for its administrator's e-mail address to be confirmed: the
    account is made only through the link sent to that address, so the registration page gives one
    answer whatever already exists (an account with the address, a vendor with the tax ID)."""

    __tablename__ = "vendor_registration_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    admin_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # The organization's fields as typed (legal_name, tax_id, state, address, business flags).
    organization: Mapped[dict] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > clock.now()
