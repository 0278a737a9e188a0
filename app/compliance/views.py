"""POST /api/v1/compliance/check: facts in, report out. A stateless public JSON API, so it is
exempt from CSRF (no cookies are read) and rate-limited per address instead."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.compliance.engine import check, parse_facts
from app.compliance.facts import FactsError, decode_json
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
    # Errors under /api/ answer {"error", "message", "status"} (core.errors_views).
    wanted = "send the facts as a JSON object (Content-Type: application/json)"
    if not request.is_json or not request.get_data():
        raise FactsError("body", wanted)
    try:
        raw = decode_json(request.get_data(), "body")
    except FactsError as exc:
        raise FactsError("body", f"{wanted}; {exc.message.removeprefix('body: ')}") from None
    if raw is None:
        raise FactsError("body", wanted)
    return jsonify(check(parse_facts(raw)))
