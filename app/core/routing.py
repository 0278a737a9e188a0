"""URL converters: what a route's path values may be before a view sees them."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from app.core.numbers import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a number past the database's 64-bit integers matches no route (404);
    handed to the database it would be a crash (SQLite's OverflowError, PostgreSQL's out of range)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002, ANN001
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
