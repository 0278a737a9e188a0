"""How many SQL statements a request ran, in its `X-Statements` response header: what the page
bench (bench/pages.py) and the registry bench read from the real pages. Switched on by the
COUNT_STATEMENTS setting (environment COUNT_STATEMENTS=1); off, nothing listens and no header is
sent."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event

HEADER = "X-Statements"


def init_statement_counter(app: Flask) -> None:
    if not app.config.get("COUNT_STATEMENTS"):
        return
    from app.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        if has_app_context():  # one app context per request: the count starts at 0 in each
            g._statements = g.get("_statements", 0) + 1

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("_statements", 0))
        return response
