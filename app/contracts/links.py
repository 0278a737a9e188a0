"""A registered contract names its lead agency and vendor as the registrant typed them. Where the
names match a platform member (an organization with users), the member is asked, never attached:
the contract points at a stand-in with the names as given until the member's administrator
confirms the contract is its own (then it points at the member, whose staff see and keep it as
theirs) or declines (the names stay as given). A directory entry without users has no one to ask
and is matched as before. Callers commit."""
from __future__ import annotations

from sqlalchemy import exists, select

from app.accounts.models import Organization, User, UserRole
from app.audit.services import record
from app.contracts.models import Contract, ContractLink, LinkRole, LinkStatus
from app.contracts.registry import index_contract
from app.core import clock
from app.core.errors import DomainError, NotPermitted
from app.core.roles import ORG_ADMIN_ROLE, OrganizationKind
from app.extensions import db
from app.notifications.services import send_email


def is_member(org: Organization) -> bool:
    """A platform member: someone signs in for it (a directory entry has no users)."""
    return org.id is not None and bool(db.session.scalar(select(exists().where(User.organization_id == org.id))))


def stand_in_for(member: Organization, *, name: str, state: str) -> Organization:
    """A new directory entry with the names as given (a vendor's without the member's tax ID)."""
    stand_in = Organization(kind=member.kind, name=name, state=state, stand_in=True,
                            agency_type=member.agency_type if member.kind == OrganizationKind.AGENCY else None)
    db.session.add(stand_in)
    return stand_in


def ask_member(contract: Contract, role: LinkRole, member: Organization, stand_in: Organization,
               actor: User) -> ContractLink:
    """Record the question and e-mail the member's active administrators."""
    link = ContractLink(contract=contract, role=role, organization=member, stand_in=stand_in, typed_name=stand_in.name,
                        requested_by_id=actor.id, status=LinkStatus.PENDING)
    db.session.add(link)
    db.session.flush()
    for admin in member_admins(member):
        send_email(admin.email, f"Is contract {contract.number} yours? {actor.organization.name} named "
                                f"{member.name} in it", "contract_link_request",
                   link=link, contract=contract, member=member, registrant=actor.organization)
    record("contract.link_requested", actor=actor, obj=link, organization_id=member.id,
           data={"number": contract.number, "role": role.value, "organization": member.name})
    return link


def member_admins(member: Organization) -> list[User]:
    admin_role = ORG_ADMIN_ROLE[member.kind]
    return list(db.session.scalars(select(User).join(UserRole).where(
        User.organization_id == member.id, User.active.is_(True), UserRole.role == admin_role).order_by(User.id)))


def can_answer(user: User, link: ContractLink) -> bool:
    """Only the asked organization's administrators answer."""
    return bool(user.is_authenticated and user.organization_id == link.organization_id
                and user.has_role(ORG_ADMIN_ROLE[link.organization.kind]))


def links_for(org_id: int) -> list[ContractLink]:
    """The questions put to an organization, open ones first."""
    return list(db.session.scalars(select(ContractLink).where(ContractLink.organization_id == org_id)
                                   .order_by((ContractLink.status != LinkStatus.PENDING), ContractLink.id.desc())
                                   .limit(200)))


def open_link_count(org_id: int) -> int:
    return len([link for link in links_for(org_id) if link.status == LinkStatus.PENDING])


def answer_link(actor: User, link: ContractLink, *, confirm: bool) -> ContractLink:
    if not can_answer(actor, link):
        raise NotPermitted("Only this organization's administrators answer.")
    if link.status != LinkStatus.PENDING:
        raise DomainError(f"This was already answered: {link.status.label.lower()}.")
    contract = link.contract
    link.status = LinkStatus.CONFIRMED if confirm else LinkStatus.DECLINED
    link.decided_by_id = actor.id
    link.decided_at = clock.now()
    if confirm:
        if link.role == LinkRole.LEAD_AGENCY:
            contract.agency = link.organization
        else:
            contract.vendor = link.organization
        index_contract(contract)  # flushes; the registry's search reads the member's name now
        stand_in, link.stand_in = link.stand_in, None
        db.session.flush()
        db.session.delete(stand_in)  # made for this contract alone, and no longer named by it
    record("contract.link_confirmed" if confirm else "contract.link_declined", actor=actor, obj=link,
           organization_id=link.organization_id,
           data={"number": contract.number, "role": link.role.value, "organization": link.organization.name})
    return link
