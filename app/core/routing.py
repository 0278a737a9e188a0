"""What a request may hold before a view sees it: the path's ids, no null characters."""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

from app.core.errors import DomainError
from app.core.numbers import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a number past the database's 64-bit integers matches no route (404);
    handed to the database it would be a crash (SQLite's OverflowError, PostgreSQL's out of range)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002, ANN001
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


NULL_CHARACTER = "\x00"


def refuse_null_characters() -> None:
    """Before every request: a null character is in no text a person types, and PostgreSQL cannot
    store or even compare it ("text fields cannot contain NUL"), so it is refused here, once."""
    values = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values += [*request.form.values(), *(f.filename or "" for f in request.files.values())]
    if any(NULL_CHARACTER in value for value in values):
        raise DomainError("The request contained a null character, which no page or field accepts. "
                          "Go back, remove it and try again.")
