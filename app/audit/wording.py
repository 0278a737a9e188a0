"""The sentence of every audit action (app.audit.activity reads them): past tense, the subject
first ("You", the actor's name, or CoopBid for the scheduler), objects linked by the Sentence
helpers only where the reader may go. tests/workspaces/test_activity.py fails when an action the
code records has no sentence here."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from app.core.roles import Role
from app.solicitations.models import NoticeMedium, SolicitationStatus

if TYPE_CHECKING:
    from app.audit.activity import Sentence


def quoted(text: Any, limit: int = 140) -> str:
    text = " ".join(str(text or "").split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def counted(n: Any, singular: str, plural: str | None = None) -> str:
    n = int(n or 0)
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def names(values: Any) -> str:
    values = [str(v) for v in (values or [])]
    return ", ".join(values[:-1]) + " and " + values[-1] if len(values) > 1 else "".join(values) or "no one"


ROLE_WORDS = {role.value: role.label.lower() for role in Role}


def _roles(values: Any) -> str:
    return names(ROLE_WORDS.get(str(v), "a role") for v in (values or [])) if values else "no role"


def _returned(c: Sentence) -> Markup:
    if c.get("from") == SolicitationStatus.APPROVED.value:
        return c.say("{who} reopened {sol} for editing; its approval is withdrawn.", sol=c.sol())
    note = c.get("note")
    return c.say("{who} returned {sol} to draft{note}.", sol=c.sol(), note=f": {quoted(note)}" if note else "")


def _evaluation_started(c: Sentence) -> Markup:
    if c.get("from") == SolicitationStatus.INTENT_TO_AWARD.value:
        return c.say("{who} reopened the evaluation of {sol}.", sol=c.sol("evaluation"))
    return c.say("{who} started the evaluation of {sol}.", sol=c.sol("evaluation"))


def _follow(c: Sentence, verb: str) -> Markup:
    target = c.sol() if c.get("solicitation") else escape(f"the category {c.get('category')}")
    return c.say("{who} {verb} {target}.", verb=verb, target=target)


def _saved_search(c: Sentence, verb: str) -> Markup:
    words = quoted(c.get("q")) if c.get("q") else "every solicitation"
    where = f" in {c.get('state')}" if c.get("state") else ""
    return c.say("{who} {verb} the search for {words}{where}.", verb=verb, words=words, where=where)


def _login_failed(c: Sentence) -> Markup:
    if c.get("reason") == "unknown_email":
        return c.say("A sign-in with an unknown e-mail address failed.")
    paused = "; sign-in is paused for a while" if c.get("locked_until") else ""
    return c.say("A sign-in as {user} failed: wrong password{paused}.", user=c.object_user(), paused=paused)


LATE_ATTEMPTS = {"submit": "submit a bid", "save": "save a bid draft", "withdraw": "withdraw a bid",
                 "remove a document": "remove a bid document"}
REFUSALS = {"locked": "the account is locked for a while", "inactive": "the account is deactivated"}
LINK_ROLES = {"lead_agency": "lead agency", "vendor": "vendor"}  # contract links (app/contracts/links.py)
VERDICTS = {"allowed": "allowed", "needs_action": "allowed once the listed actions are done",
            "not_allowed": "not allowed"}

Wording = Callable[["Sentence"], Markup]
WORDING: dict[str, Wording] = {
    # Accounts and organizations
    "auth.login": lambda c: c.say("{who} signed in."),
    "auth.logout": lambda c: c.say("{who} signed out."),
    "auth.login_failed": _login_failed,
    "auth.login_refused": lambda c: c.say("A sign-in as {user} was refused: {why}.", user=c.object_user(),
                                          why=REFUSALS.get(c.get("reason"), "the account cannot sign in")),
    "auth.reset_requested": lambda c: c.say("A password reset link was sent to {user}.", user=c.object_user()),
    "auth.password_reset": lambda c: c.say("{who} set a new password with a reset link."),
    "auth.password_changed": lambda c: c.say("{who} changed {their} password."),
    "user.profile_updated": lambda c: c.say("{who} updated {their} profile."),
    "user.roles_changed": lambda c: c.say("{who} changed the roles of {user} to {roles}.",
                                          user=c.team(c.object_user()), roles=_roles(c.get("after"))),
    "user.activated": lambda c: c.say("{who} reactivated the account of {user}.", user=c.team(c.object_user())),
    "user.deactivated": lambda c: c.say("{who} deactivated the account of {user}.", user=c.team(c.object_user())),
    "invitation.sent": lambda c: c.say("{who} invited {email} to join {org} as {roles}.", email=c.team(c.get("email")),
                                       org=c.org(), roles=_roles(c.get("roles"))),
    "invitation.accepted": lambda c: c.say("{who} accepted an invitation and joined {org}.", org=c.org()),
    "invitation.revoked": lambda c: c.say("{who} revoked the invitation of {email}.", email=c.team(c.get("email"))),
    "organization.updated": lambda c: c.say("{who} updated the details of {org}.", org=c.org()),
    "vendor.registered": lambda c: c.say("{who} registered the vendor {org}.", org=c.org()),
    "vendor.registration_tax_id_taken": lambda c: c.say("{who} told {org}'s administrators that {email} asked to "
                                                        "register it again with its tax ID.", org=c.org(),
                                                        email=c.get("email")),
    "agency.created": lambda c: c.say("{who} added the agency {org}.", org=c.org()),
    "demo.organization_created": lambda c: c.say("The demo set-up created {name}.", name=c.org()),
    "demo.user_created": lambda c: c.say("The demo set-up created the account {email}.", email=c.get("email")),
    "categories.imported": lambda c: c.say("The list of categories was imported: {created} new, {updated} updated.",
                                           created=c.get("created", 0), updated=c.get("updated", 0)),
    # Solicitations
    "solicitation.created": lambda c: c.say("{who} created the draft {sol}: {title}{copy}.", sol=c.sol(),
                                            title=quoted(c.get("title")),
                                            copy=f", a copy of {c.get('copied_from')}" if c.get("copied_from") else ""),
    "solicitation.price_sheet_imported": lambda c: c.say(
        "{who} {verb} the price sheet of {sol} with {lines} from {source}.", sol=c.sol(),
        verb="replaced" if c.get("replaced") else "added to",
        lines=counted(c.get("added"), "line"), source="a file" if c.get("source") != "text" else "pasted text"),
    "solicitation.draft_saved": lambda c: c.say("{who} saved the draft {sol}.", sol=c.sol()),
    "solicitation.draft": _returned,
    "solicitation.pending_approval": lambda c: c.say("{who} submitted {sol} for approval.", sol=c.sol()),
    "solicitation.approved": lambda c: c.say("{who} approved {sol}.", sol=c.sol()),
    "solicitation.published": lambda c: c.say("{who} published {sol}.", sol=c.sol()),
    "solicitation.closed": lambda c: c.say("{who} closed {sol} to bids.", sol=c.sol()),
    "solicitation.opened": lambda c: c.say("{who} opened the bids on {sol}.", sol=c.sol("bids")),
    "solicitation.under_evaluation": _evaluation_started,
    "solicitation.intent_to_award": lambda c: c.say("{who} issued the notice of intent to award {sol}.",
                                                    sol=c.sol("award")),
    "solicitation.awarded": lambda c: c.say("{who} finalized the award of {sol}.", sol=c.sol("award")),
    "solicitation.cancelled": lambda c: c.say("{who} cancelled {sol}: {reason}.", sol=c.sol(),
                                              reason=quoted(c.get("reason"))),
    "question.asked": lambda c: c.say("{who} asked a question about {sol}.", sol=c.sol(anchor="questions")),
    "question.answered": lambda c: c.say("{who} {verb} a question about {sol}.", sol=c.sol(anchor="questions"),
                                         verb="revised the answer to" if c.get("revised") else "answered"),
    "addendum.issued": lambda c: c.say("{who} issued addendum {n} to {sol}: {title}.", n=c.get("number"),
                                       sol=c.sol(anchor="addenda"), title=quoted(c.get("title"))),
    "addendum.acknowledged": lambda c: c.say("{who} acknowledged addendum {n} to {sol}.", n=c.get("number"),
                                             sol=c.sol()),
    "follow.added": lambda c: _follow(c, "started following"),
    "follow.removed": lambda c: _follow(c, "stopped following"),
    "saved_search.added": lambda c: _saved_search(c, "saved"),
    "saved_search.removed": lambda c: _saved_search(c, "deleted"),
    "demand.invited": lambda c: c.say("{who} asked {agency} for its quantities on {sol}.", agency=c.get("agency"),
                                      sol=c.sol(anchor="demand")),
    "demand.recorded": lambda c: c.say("{who} sent the quantities of {org} for {sol}.", org=c.org(), sol=c.sol()),
    "notice.recorded": lambda c: c.say("{who} recorded a public notice of {sol}: {outlet} ({medium}), {day}.",
                                       sol=c.sol(anchor="notices"), outlet=c.get("outlet"),
                                       medium=_medium(c.get("medium")), day=c.when("published_on", False)),
    "document.uploaded": lambda c: c.say("{who} uploaded {filename} to {sol}.", filename=c.get("filename"),
                                         sol=c.sol(anchor="documents")),
    # Bids
    "bid.submitted": lambda c: c.say("{who} submitted a bid on {sol} (receipt {receipt}).", sol=c.sol(),
                                     receipt=c.receipt()),
    "bid.modified": lambda c: c.say("{who} submitted version {v} of the bid on {sol} (receipt {receipt}).",
                                    v=c.get("version"), sol=c.sol(), receipt=c.receipt()),
    "bid.withdrawn": lambda c: c.say("{who} withdrew the bid on {sol} (receipt {receipt}).", sol=c.sol(),
                                     receipt=c.receipt()),
    "bid.refused_late": lambda c: c.say("{who} tried to {what} on {sol} after the deadline; it was refused.",
                                        what=LATE_ATTEMPTS.get(c.get("attempted"), "change a bid"), sol=c.sol()),
    "bids.opened": lambda c: c.say("{who} unsealed {bids} on {sol}{withdrawn}.",
                                   bids=counted(len(c.get("bids", [])), "bid"),
                                   sol=c.sol("bids"), withdrawn=f" ({c.get('withdrawn')} withdrawn before the deadline)"
                                   if c.get("withdrawn") else ""),
    "bid.responsive": lambda c: c.say("{who} found the bid of {vendor} on {sol} responsive.", vendor=c.get("vendor"),
                                      sol=c.sol("bids")),
    "bid.non_responsive": lambda c: c.say("{who} found the bid of {vendor} on {sol} non-responsive: {reason}.",
                                          vendor=c.get("vendor"), sol=c.sol("bids"), reason=quoted(c.get("reason"))),
    "bid.pending": lambda c: c.say("{who} set the responsiveness of the bid of {vendor} on {sol} back to undecided.",
                                   vendor=c.get("vendor"), sol=c.sol("bids")),
    # Evaluation
    "evaluation.committee_named": lambda c: c.say("{who} named the evaluation committee of {sol}: {members} (chair: "
                                                  "{chair}).", sol=c.sol("evaluation"),
                                                  members=names(c.get("evaluators")),
                                                  chair=c.get("chair")),
    "evaluation.attested": lambda c: c.say("{who} signed the conflict-of-interest statement for {sol}.",
                                           sol=c.sol("evaluation")),
    "evaluation.conflict_declared": lambda c: c.say("{who} declared a conflict of interest on {sol} and left its "
                                                    "committee.", sol=c.sol("evaluation")),
    "evaluation.scored": lambda c: c.say("{who} recorded {scores} on {sol}.",
                                         scores=counted(c.get("scores", 0), "score"),
                                         sol=c.sol("evaluation")),
    "evaluation.scoring_closed": lambda c: c.say("{who} closed scoring on {sol}.", sol=c.sol("evaluation")),
    "evaluation.consensus": lambda c: c.say("{who} recorded a consensus score of {points} for {vendor} on {criterion} "
                                            "of {sol}.", points=c.get("points"), vendor=c.get("vendor"),
                                            criterion=quoted(c.get("criterion")), sol=c.sol("evaluation")),
    # Awards and protests
    "award.recommended": lambda c: c.say("{who} recommended awarding {sol} to {vendors}.", sol=c.sol("award"),
                                         vendors=names(c.get("vendors"))),
    "award.approved": lambda c: c.say("{who} approved the award recommendation for {sol}.", sol=c.sol("award")),
    "award.intent_issued": lambda c: c.say("{who} gave notice of the intent to award {sol} to {vendors}; protests are "
                                           "accepted until {ends}.", sol=c.sol("award"),
                                           vendors=names(c.get("vendors")),
                                           ends=c.when("protest_ends_at")),
    "protest.filed": lambda c: c.say("{who} filed a protest against the award of {sol}.", sol=c.sol("award")),
    "protest.open": lambda c: c.say("{who} reopened the protest of {vendor} on {sol}.", vendor=c.get("vendor"),
                                    sol=c.sol("award")),
    "protest.denied": lambda c: c.say("{who} denied the protest of {vendor} on {sol}.", vendor=c.get("vendor"),
                                      sol=c.sol("award")),
    "protest.upheld": lambda c: c.say("{who} upheld the protest of {vendor} on {sol}; the evaluation reopens.",
                                      vendor=c.get("vendor"), sol=c.sol("award")),
    "protest.withdrawn": lambda c: c.say("{who} recorded that {vendor} withdrew its protest on {sol}.",
                                         vendor=c.get("vendor"), sol=c.sol("award")),
    # Contracts, participation and purchases
    "contract.created": lambda c: c.say("{who} created contract {contract} with {vendor} from {sol}, in effect from "
                                        "{start} to {end}.", contract=c.contract("number"), vendor=c.get("vendor"),
                                        sol=c.sol("award"), start=c.when("effective_on", False),
                                        end=c.when("expires_on", False)),
    "contract.document_added": lambda c: c.say("{who} added {filename} to contract {contract}.",
                                               filename=c.get("filename"), contract=c.contract("number")),
    "contract.renewed": lambda c: c.say("{who} renewed contract {contract} until {end}.", contract=c.contract("number"),
                                        end=c.when("to", False)),
    "contract.amended": lambda c: c.say("{who} amended contract {contract}: {what}.", contract=c.contract("number"),
                                        what=quoted(c.get("description"))),
    "contract.terms_updated": lambda c: c.say("{who} updated the terms of contract {contract}.",
                                              contract=c.contract("number")),
    "contract.registered": lambda c: c.say("{who} registered contract {contract} ({title}), awarded by {lead} to "
                                           "{vendor}.", contract=c.contract("number"), title=c.get("title"),
                                           lead=c.get("lead_agency"), vendor=c.get("vendor")),
    "contract.link_requested": lambda c: c.say("{who} asked {org} to confirm that it is the {role} of contract "
                                               "{contract}.", org=c.get("organization"),
                                               role=LINK_ROLES.get(c.get("role"), "party"),
                                               contract=c.contract("number")),
    "contract.link_confirmed": lambda c: c.say("{who} confirmed that {org} is the {role} of contract {contract}.",
                                               org=c.get("organization"), role=LINK_ROLES.get(c.get("role"), "party"),
                                               contract=c.contract("number")),
    "contract.link_declined": lambda c: c.say("{who} declined, for {org}, being named the {role} of contract "
                                              "{contract}; its names stay as typed.", org=c.get("organization"),
                                              role=LINK_ROLES.get(c.get("role"), "party"), contract=c.contract("number")),
    "contract.evidence_recorded": lambda c: c.say("{who} recorded the evidence packet of contract {contract}.",
                                                  contract=c.contract("number")),
    "contract.joined": lambda c: c.say("{who} joined contract {contract} for {agency}.", contract=c.contract(),
                                       agency=c.get("agency")),
    "purchase.recorded": lambda c: c.say("{who} recorded purchase order {po} on contract {contract} ({amount}).",
                                         po=c.purchase_order(), contract=c.contract(), amount=c.money("amount")),
    "purchase.imported": lambda c: c.say("{who} imported {orders} on contract {contract} from {filename}.",
                                         orders=counted(len(c.get("imported", [])), "purchase order"),
                                         contract=c.contract(), filename=c.get("filename") or "a file"),
    "compliance.checked": lambda c: c.say("{who} checked whether contract {contract} may be used: {verdict}.",
                                          contract=c.contract(),
                                          verdict=VERDICTS.get(c.get("verdict"), "see the check")),
    "compliance.action_done": lambda c: c.say("{who} recorded a required action as done for contract {contract} "
                                              "({citation}).", contract=c.contract(), citation=c.get("citation")),
}


def _medium(value: Any) -> str:
    try:
        return NoticeMedium(value).label
    except ValueError:
        return "other medium"
