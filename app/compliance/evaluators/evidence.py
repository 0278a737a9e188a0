"""What a contract's record shows about the lead's own procurement: the evidence that a formal,
competitive method was used, rather than the method's name alone."""
from __future__ import annotations

from collections.abc import Mapping

from app.compliance.facts import Contract
from app.compliance.findings import Status

ONLINE_MEDIA = frozenset({"website", "state_registry"})


def formal_method_evidence(contract: Contract) -> list[tuple[Status, str]]:
    """The elements of a formal method (2 CFR 200.320(b)) that the contract's record shows or
    contradicts: public advertising, then sealed bids opened in public and awarded to the lowest
    responsible bidder, or proposals evaluated by a written method that weighs price."""
    parts = []
    if contract.notice_first_published is None or contract.notice_media is None:
        parts.append((Status.UNKNOWN, "when and where it was publicly advertised is not given "
                                      "(contract.notice_first_published, contract.notice_media)"))
    elif not contract.notice_media:
        parts.append((Status.FAIL, "no public notice is recorded"))
    else:
        parts.append((Status.PASS, f"publicly advertised from {contract.notice_first_published.isoformat()}"))
    if contract.solicitation_method == "sealed_bid":
        parts.append(tri_fact(contract.sealed_bids, "bids were sealed", "the bids were not sealed",
                              "whether the bids were sealed is not given (contract.sealed_bids)"))
        parts.append(tri_fact(contract.public_opening, "opened in public", "the bids were not opened in public",
                              "whether the bids were opened in public is not given (contract.public_opening)"))
        basis = contract.award_basis
        parts.append(tri_fact(None if basis is None else basis == "lowest_responsible_bidder",
                              "awarded to the lowest responsible bidder",
                              "sealed bids must be awarded to the lowest responsive and responsible bidder",
                              "the award basis is not given (contract.award_basis)"))
    else:
        weights = contract.evaluation_weights
        if weights is None:
            parts.append((Status.UNKNOWN, "the written evaluation method is not given (contract.evaluation_weights)"))
        elif not price_factors(weights):
            parts.append((Status.FAIL, "the proposals were evaluated without price among the factors"))
        else:
            parts.append((Status.PASS, "evaluated by a written method with price among the factors"))
    return parts


def tri_fact(value: bool | None, yes: str, no: str, missing: str) -> tuple[Status, str]:
    if value is None:
        return Status.UNKNOWN, missing
    return (Status.PASS, yes) if value else (Status.FAIL, no)


def price_factors(weights: Mapping[str, float]) -> list[str]:
    return [key for key in weights if "price" in key.lower() or "cost" in key.lower()]


def online_notice(contract: Contract) -> tuple[Status, str]:
    """Whether the lead's notice was posted online, from the media on record."""
    if contract.notice_media is None:
        return Status.UNKNOWN, "where the lead posted its notice is not given (contract.notice_media)"
    if contract.notice_media & ONLINE_MEDIA:
        return Status.PASS, "the lead's notice was posted online"
    return Status.FAIL, "the lead's notice media on record include nothing online"
