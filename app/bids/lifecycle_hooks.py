"""What bids add to the solicitation lifecycle (registered by create_app): the sealed bids are
decrypted at the public opening, and the evaluation starts only once staff have decided on the
responsiveness of every opened bid."""
from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.bids.models import BidStatus, Responsiveness
from app.bids.opening import opened_bids, unseal_bids
from app.solicitations import lifecycle
from app.solicitations.models import Solicitation
from app.solicitations.models import SolicitationStatus as S


def responsiveness_decided(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """The evaluation starts once staff have decided on every opened bid."""
    bids = [b for b in opened_bids(s) if b.status == BidStatus.SUBMITTED]
    if not bids:
        return ["No bids were opened; there is nothing to evaluate (cancel and re-solicit instead)."]
    pending = [b.vendor.name for b in bids if b.responsiveness == Responsiveness.PENDING]
    if pending:
        return ["Decide whether each bid is responsive first: " + ", ".join(sorted(pending)) + "."]
    if all(b.responsiveness == Responsiveness.NON_RESPONSIVE for b in bids):
        return ["Every bid was found non-responsive; there is nothing to evaluate."]
    return []


def unseal(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    unseal_bids(s, actor)


def register_lifecycle() -> None:
    lifecycle.register(S.CLOSED, S.OPENED, after=unseal)
    lifecycle.register(S.OPENED, S.UNDER_EVALUATION, checks=(responsiveness_decided,))
