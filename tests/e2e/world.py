"""The people the browser journeys start with, on the server's fresh database: a Virginia lead
agency's staff (officer, approver, two evaluators), a Colorado district's administrator, a Texas
public cooperative's registrar (who registers contracts awarded elsewhere) and an Arizona
district's administrator. The vendors register themselves in the browser; everything else
happens through the pages.

    python -m tests.e2e.world        (with the server's environment: DATABASE_URL, ...)
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.accounts.models import AgencyType, Organization, User, UserRole
from app.accounts.passwords import hash_password
from app.core.roles import OrganizationKind, Role

PASSWORD = "e2e-journey-password-2026"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    roles: tuple[Role, ...]


LEAD = {"name": "Ashford County Public Schools", "state": "VA", "agency_type": AgencyType.SCHOOL_DISTRICT,
        "timezone": "America/New_York", "short_code": "ACPS"}
DISTRICT = {"name": "Front Range School District", "state": "CO", "agency_type": AgencyType.SCHOOL_DISTRICT,
            "timezone": "America/Denver", "short_code": "FRSD"}
COOPERATIVE = {"name": "Lone Star Cooperative Purchasing Network", "state": "TX",
               "agency_type": AgencyType.PUBLIC_COOPERATIVE, "timezone": "America/Chicago", "short_code": "LSCPN"}
# Arizona keeps Mountain Standard Time all year: at 06:30 UTC its date is still the day before.
DESERT_DISTRICT = {"name": "Saguaro Valley Unified School District", "state": "AZ",
                   "agency_type": AgencyType.SCHOOL_DISTRICT, "timezone": "America/Phoenix", "short_code": "SVUSD"}

OFFICER = Person("officer@acps.e2e.example", "Olivia Officer", (Role.PROCUREMENT_OFFICER,))
APPROVER = Person("approver@acps.e2e.example", "Aaron Approver", (Role.APPROVER,))
CHAIR = Person("chair@acps.e2e.example", "Carmen Chair", (Role.EVALUATOR,))
EVALUATOR = Person("evaluator@acps.e2e.example", "Evan Evaluator", (Role.EVALUATOR,))
DISTRICT_ADMIN = Person("admin@frsd.e2e.example", "Dana District", (Role.AGENCY_ADMIN, Role.BUYER))
REGISTRAR = Person("registrar@lscpn.e2e.example", "Riley Registrar", (Role.AGENCY_ADMIN,))
DESERT_ADMIN = Person("admin@svusd.e2e.example", "Sofia Saguaro", (Role.AGENCY_ADMIN, Role.BUYER))

STAFF = {LEAD["name"]: (OFFICER, APPROVER, CHAIR, EVALUATOR), DISTRICT["name"]: (DISTRICT_ADMIN,),
         COOPERATIVE["name"]: (REGISTRAR,), DESERT_DISTRICT["name"]: (DESERT_ADMIN,)}


def create_world() -> None:
    from app.extensions import db
    from app.solicitations.services import ensure_builtin_categories

    ensure_builtin_categories()
    password_hash = hash_password(PASSWORD)
    for fields in (LEAD, DISTRICT, COOPERATIVE, DESERT_DISTRICT):
        org = Organization(kind=OrganizationKind.AGENCY, **fields)
        db.session.add(org)
        for person in STAFF[fields["name"]]:
            db.session.add(User(organization=org, email=person.email, name=person.name,
                                password_hash=password_hash, session_token=secrets.token_hex(16),
                                role_rows=[UserRole(role=r) for r in person.roles]))
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        create_world()
