"""POST /api/v1/compliance/check: facts in, report out. A stateless public JSON API, so it is
exempt from CSRF (no cookies are read) and rate-limited per address instead."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.compliance.engine import check, parse_facts
from app.compliance.facts import FactsError
from app.compliance.findings import plain_message
from app.extensions import csrf, limiter

bp = Blueprint("compliance", __name__, url_prefix="/api/v1/compliance")

RATE_LIMIT = "60 per minute"
# Pages show findings to people: {{ finding.message|plain_finding }}.
bp.add_app_template_filter(plain_message, "plain_finding")


@bp.post("/check")
@csrf.exempt
@limiter.limit(RATE_LIMIT)
def check_view():
    raw = request.get_json(silent=True)
    if raw is None:
        # Errors under /api/ answer {"error", "message", "status"} (core.errors_views).
        raise FactsError("body", "send the facts as a JSON object (Content-Type: application/json)")
    return jsonify(check(parse_facts(raw)))
