"""Idempotent demo data: a Virginia lead agency, participating agencies in other states, vendors
and one user per role. Running it again creates nothing new and changes no password."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import AgencyType, Organization, User, UserRole
from app.accounts.passwords import hash_password
from app.audit.services import record
from app.core.roles import OrganizationKind, Role
from app.extensions import db

DEMO_PASSWORD = "coopbid-demo-2026"

PLATFORM = {"kind": OrganizationKind.PLATFORM, "name": "CoopBid Platform Operations", "state": None}

LEAD_AGENCY = {
    "kind": OrganizationKind.AGENCY, "name": "Ashford County Public Schools", "state": "VA",
    "agency_type": AgencyType.SCHOOL_DISTRICT, "timezone": "America/New_York",
    "short_code": "ACPS", "enrollment": 181_000, "population": 1_150_000,
}

PARTICIPATING_AGENCIES = [
    {"name": "Piedmont Valley Schools", "state": "NC", "agency_type": AgencyType.SCHOOL_DISTRICT,
     "timezone": "America/New_York", "short_code": "PVS", "enrollment": 54_000},
    {"name": "Travis Creek Independent School District", "state": "TX",
     "agency_type": AgencyType.SCHOOL_DISTRICT, "timezone": "America/Chicago", "short_code": "TCISD",
     "enrollment": 38_500},
    {"name": "Sierra Foothills Unified School District", "state": "CA",
     "agency_type": AgencyType.SCHOOL_DISTRICT, "timezone": "America/Los_Angeles", "short_code": "SFUSD",
     "enrollment": 22_700},
    {"name": "Saguaro Unified School District", "state": "AZ", "agency_type": AgencyType.SCHOOL_DISTRICT,
     "timezone": "America/Phoenix", "short_code": "SAGUSD", "enrollment": 31_200},
    {"name": "Cascade County", "state": "WA", "agency_type": AgencyType.COUNTY,
     "timezone": "America/Los_Angeles", "short_code": "CASCO", "population": 265_000},
    {"name": "City of Palmetto Bay", "state": "FL", "agency_type": AgencyType.MUNICIPALITY,
     "timezone": "America/New_York", "short_code": "PALMB", "population": 24_500},
    {"name": "North Star Education Cooperative", "state": "MN",
     "agency_type": AgencyType.PUBLIC_COOPERATIVE, "timezone": "America/Chicago", "short_code": "NSEC"},
    {"name": "Gulf Coast Educational Purchasing Cooperative", "state": "TX",
     "agency_type": AgencyType.PUBLIC_COOPERATIVE, "timezone": "America/Chicago", "short_code": "GCEPC"},
]

VENDORS = [
    {"name": "Blue Ridge School Supply, Inc.", "state": "VA", "tax_id": "54-1234567",
     "address_line1": "1200 Commerce Way", "city": "Roanoke", "postal_code": "24011",
     "is_small_business": True},
    {"name": "Summit Technology Partners LLC", "state": "TX", "tax_id": "74-2345678",
     "address_line1": "800 Congress Ave, Suite 400", "city": "Austin", "postal_code": "78701",
     "is_women_owned": True},
    {"name": "Keystone Facilities Group", "state": "PA", "tax_id": "23-3456789",
     "address_line1": "45 Market Street", "city": "Harrisburg", "postal_code": "17101",
     "is_veteran_owned": True, "is_small_business": True},
    {"name": "Pacific Learning Systems", "state": "CA", "tax_id": "94-4567890",
     "address_line1": "2200 Harbor Blvd", "city": "Oakland", "postal_code": "94607",
     "is_minority_owned": True},
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    org_name: str
    roles: tuple[Role, ...]


DEMO_USERS = [
    DemoUser("admin@coopbid.example", "Pat Operator", PLATFORM["name"], (Role.ADMIN,)),
    DemoUser("agency.admin@acps.example", "Dana Whitfield", LEAD_AGENCY["name"], (Role.AGENCY_ADMIN,)),
    DemoUser("procurement@acps.example", "Marcus Lee", LEAD_AGENCY["name"], (Role.PROCUREMENT_OFFICER,)),
    DemoUser("approver@acps.example", "Evelyn Park", LEAD_AGENCY["name"], (Role.APPROVER,)),
    DemoUser("evaluator@acps.example", "Rafael Ortiz", LEAD_AGENCY["name"], (Role.EVALUATOR,)),
    DemoUser("buyer@pvs.example", "Jordan Blake", "Piedmont Valley Schools", (Role.BUYER,)),
    DemoUser("agency.admin@pvs.example", "Leslie Grant", "Piedmont Valley Schools", (Role.AGENCY_ADMIN,)),
    DemoUser("contracts@nsec.example", "Ingrid Solberg", "North Star Education Cooperative", (Role.AGENCY_ADMIN,)),
    DemoUser("vendor.admin@blueridge.example", "Sam Carter", VENDORS[0]["name"], (Role.VENDOR_ADMIN,)),
    DemoUser("vendor.user@blueridge.example", "Alex Morgan", VENDORS[0]["name"], (Role.VENDOR_USER,)),
    DemoUser("sales@summit-tech.example", "Priya Raman", VENDORS[1]["name"], (Role.VENDOR_ADMIN,)),
    DemoUser("bids@keystone-facilities.example", "Tom Brennan", VENDORS[2]["name"], (Role.VENDOR_ADMIN,)),
]


def _organization(kind: OrganizationKind, **fields: object) -> tuple[Organization, bool]:
    org = db.session.scalar(
        select(Organization).where(Organization.kind == kind, Organization.name == fields["name"])
    )
    if org is not None:
        return org, False
    org = Organization(kind=kind, **fields)
    db.session.add(org)
    db.session.flush()
    return org, True


def seed_demo() -> dict[str, int]:
    """Create whatever demo rows are missing; return how many of each were created."""
    created = {"organizations": 0, "users": 0}
    orgs: dict[str, Organization] = {}
    platform_fields = {k: v for k, v in PLATFORM.items() if k != "kind"}
    for kind, rows in (
        (OrganizationKind.PLATFORM, [platform_fields]),
        (OrganizationKind.AGENCY, [{k: v for k, v in LEAD_AGENCY.items() if k != "kind"},
                                   *PARTICIPATING_AGENCIES]),
        (OrganizationKind.VENDOR, VENDORS),
    ):
        for fields in rows:
            org, new = _organization(kind, **fields)
            orgs[org.name] = org
            created["organizations"] += new
            if new:
                record("demo.organization_created", obj=org, organization_id=org.id,
                       data={"name": org.name, "kind": kind.value})

    password_hash = None
    for demo in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == demo.email)):
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = User(
            organization=orgs[demo.org_name], email=demo.email, name=demo.name,
            password_hash=password_hash, session_token=secrets.token_hex(16),
            role_rows=[UserRole(role=r) for r in demo.roles],
        )
        db.session.add(user)
        db.session.flush()
        created["users"] += 1
        record("demo.user_created", obj=user, organization_id=user.organization_id,
               data={"email": user.email, "roles": [r.value for r in demo.roles]})
    return created
