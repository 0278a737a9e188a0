"""What every evaluator needs to know about one check: the facts, the route, who the lead is,
which rules apply, and the words to describe them."""
from __future__ import annotations

from dataclasses import dataclass

from app.compliance.facts import Facts
from app.compliance.rulebook import Rule, RuleBook, RuleFile

CONTRACT, NO_CONTRACT = "contract", "no_contract"

# Counties and municipalities are local governments: a rule for local governments covers them,
# while a rule may also name one of them alone (Texas).
LOCAL_GOVERNMENTS = frozenset({"county", "municipality"})
# The entity types a lead agency can be checked as (cooperatives and federal leads are not).
PUBLIC_BODY_TYPES = frozenset({"school_district", "local_government", "county", "municipality",
                               "state_agency", "higher_education"})

# Which routes a kind speaks to unless a rule says otherwise: the lead's solicitation and the
# cooperative conditions concern a contract; thresholds and the overlays concern both.
DEFAULT_ROUTES = {
    "threshold": {CONTRACT, NO_CONTRACT},
    "notice": {CONTRACT},
    "opening_award": {CONTRACT},
    "coop_authority": {CONTRACT},
    "coop_conditions": {CONTRACT},
    "temporal": {CONTRACT},
    "federal_overlay": {CONTRACT, NO_CONTRACT},
    "e_rate": {CONTRACT, NO_CONTRACT},
}

AGENCY_PHRASE = {
    "school_district": "school districts", "local_government": "local governments", "county": "counties",
    "municipality": "municipalities", "state_agency": "state agencies",
    "higher_education": "higher-education institutions",
}
CATEGORY_PHRASE = {
    "goods": "goods", "services": "services", "professional_services": "professional services",
    "architectural_engineering": "architectural or engineering services", "construction": "construction",
    "technology": "technology",
}


@dataclass(frozen=True)
class Context:
    facts: Facts
    rulebook: RuleBook
    state: RuleFile
    route: str
    lead: str | None  # lead kind (state_contract, in_state_public, out_of_state_local ...); None: cannot tell

    @property
    def state_name(self) -> str:
        return self.state.name

    @property
    def lead_description(self) -> str:
        contract = self.facts.contract
        if contract is None:
            return "no contract"
        return {
            "state_contract": f"a {self.state_name} state agency",
            "in_state_public": f"another {self.state_name} public body",
            "out_of_state_local": f"a political subdivision of another state ({contract.lead_agency_state})",
            "out_of_state_state_agency": f"a state agency of another state ({contract.lead_agency_state})",
            "out_of_state_higher_education": f"a public college or university of another state "
                                             f"({contract.lead_agency_state})",
            "federal": "a federal agency",
            "public_cooperative": "a public purchasing cooperative",
            "nonprofit_cooperative": "a nonprofit purchasing cooperative",
            "private_gpo": "a private group purchasing organization",
        }.get(self.lead or "", "a public body whose state is not given")


def lead_category(facts: Facts) -> str | None:
    contract = facts.contract
    if contract is None:
        return None
    kind = contract.lead_agency_type
    if kind in ("federal", "public_cooperative", "nonprofit_cooperative", "private_gpo"):
        return kind
    if contract.lead_agency_state is None:
        return None
    if contract.lead_agency_state != facts.purchase.agency_state:
        # Another state's subdivisions, its state agencies and its universities are distinct kinds of
        # lead: an authority that names one does not reach the others.
        return {"state_agency": "out_of_state_state_agency",
                "higher_education": "out_of_state_higher_education"}.get(kind, "out_of_state_local")
    return "state_contract" if kind == "state_agency" else "in_state_public"


def entity_matches(entity_types: frozenset[str] | None, agency_type: str) -> bool:
    if entity_types is None:
        return True
    return agency_type in entity_types or (agency_type in LOCAL_GOVERNMENTS and "local_government" in entity_types)


def applies(rule: Rule, ctx: Context, *, entity: str | None = None) -> bool:
    """Whether `rule` speaks to this purchase. `entity` replaces the buyer's type when the rule
    is checked against someone else (the lead agency's own solicitation)."""
    scope = rule.applies_to
    purchase = ctx.facts.purchase
    if ctx.route not in (scope.routes or DEFAULT_ROUTES[rule.kind]):
        return False
    if not entity_matches(scope.entity_types, entity or purchase.agency_type):
        return False
    if scope.categories is not None and purchase.category not in scope.categories:
        return False
    if scope.amount_gt is not None and not purchase.amount > scope.amount_gt:
        return False
    if scope.unless_funding and purchase.funding and scope.unless_funding & purchase.funding:
        return False
    if ctx.route == CONTRACT and scope.lead_types is not None and ctx.lead not in scope.lead_types:
        return False
    return True
