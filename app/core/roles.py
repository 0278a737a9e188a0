"""Organization kinds and roles, defined once."""
from __future__ import annotations

import enum


class OrganizationKind(enum.StrEnum):
    AGENCY = "agency"
    VENDOR = "vendor"
    PLATFORM = "platform"


class Role(enum.StrEnum):
    AGENCY_ADMIN = "agency_admin"
    PROCUREMENT_OFFICER = "procurement_officer"
    APPROVER = "approver"
    EVALUATOR = "evaluator"
    BUYER = "buyer"
    VENDOR_ADMIN = "vendor_admin"
    VENDOR_USER = "vendor_user"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.AGENCY_ADMIN: "Agency administrator",
    Role.PROCUREMENT_OFFICER: "Procurement officer",
    Role.APPROVER: "Approver",
    Role.EVALUATOR: "Evaluator",
    Role.BUYER: "Buyer",
    Role.VENDOR_ADMIN: "Vendor administrator",
    Role.VENDOR_USER: "Vendor user",
    Role.ADMIN: "Platform administrator",
}

# Which roles a member of each kind of organization may hold.
ROLES_BY_KIND: dict[OrganizationKind, tuple[Role, ...]] = {
    OrganizationKind.AGENCY: (
        Role.AGENCY_ADMIN,
        Role.PROCUREMENT_OFFICER,
        Role.APPROVER,
        Role.EVALUATOR,
        Role.BUYER,
    ),
    OrganizationKind.VENDOR: (Role.VENDOR_ADMIN, Role.VENDOR_USER),
    OrganizationKind.PLATFORM: (Role.ADMIN,),
}

# The role that administers members of an organization of each kind.
ORG_ADMIN_ROLE = {
    OrganizationKind.AGENCY: Role.AGENCY_ADMIN,
    OrganizationKind.VENDOR: Role.VENDOR_ADMIN,
    OrganizationKind.PLATFORM: Role.ADMIN,
}

# Agency staff who work on solicitations (buyers only purchase off contracts).
AGENCY_STAFF = frozenset(
    {Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER, Role.APPROVER, Role.EVALUATOR}
)
