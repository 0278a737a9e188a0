"""What contracts add to the solicitation lifecycle (registered by create_app): the final award
makes one contract per awarded vendor, in the award's transaction."""
from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.contracts.services import create_contracts
from app.solicitations import lifecycle
from app.solicitations.models import Solicitation
from app.solicitations.models import SolicitationStatus as S


def _create_contracts(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    create_contracts(s, actor)


def register_lifecycle() -> None:
    lifecycle.register(S.INTENT_TO_AWARD, S.AWARDED, after=_create_contracts, name="create_contracts")
