"""One evaluator per rule kind. Each takes the rules of its kind that apply (or one rule) and
the check's context, and returns findings; the engine decides which kinds a route needs."""
from app.compliance.evaluators.cooperative import (evaluate_coop_authority, evaluate_coop_condition,
                                                   evaluate_temporal)
from app.compliance.evaluators.overlays import evaluate_e_rate, evaluate_federal_overlay
from app.compliance.evaluators.solicitation import evaluate_notice, evaluate_opening_award
from app.compliance.evaluators.thresholds import evaluate_threshold

EVALUATORS = {
    "threshold": evaluate_threshold,
    "notice": evaluate_notice,
    "opening_award": evaluate_opening_award,
    "coop_authority": evaluate_coop_authority,
    "coop_conditions": evaluate_coop_condition,
    "temporal": evaluate_temporal,
    "federal_overlay": evaluate_federal_overlay,
    "e_rate": evaluate_e_rate,
}

__all__ = ["EVALUATORS", "evaluate_coop_authority", "evaluate_coop_condition", "evaluate_e_rate",
           "evaluate_federal_overlay", "evaluate_notice", "evaluate_opening_award", "evaluate_temporal",
           "evaluate_threshold"]
