"""What the evaluation adds to the solicitation lifecycle (registered by create_app): an RFP's
evaluation starts only with a committee and its chair, and starting it opens the evaluation."""
from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.evaluation.services import members, start_evaluation
from app.solicitations import lifecycle
from app.solicitations.models import Solicitation, SolicitationType
from app.solicitations.models import SolicitationStatus as S


def committee_ready(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """An RFP needs a committee with a chair; an IFB or RFQ is ranked on price alone."""
    if s.type != SolicitationType.RFP:
        return []
    named = members(s)
    if not named:
        return ["Name the evaluation committee and its chair."]
    if not any(m.is_chair for m in named):
        return ["Choose a chair for the evaluation committee."]
    return []


def _start_evaluation(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    start_evaluation(s, actor)


def register_lifecycle() -> None:
    lifecycle.register(S.OPENED, S.UNDER_EVALUATION, checks=(committee_ready,), after=_start_evaluation,
                       name="start_evaluation")
