"""Whole numbers typed by people or sent in a URL: one reading for ids, counts and page numbers.

Only ASCII digits count (Python's isdigit() also accepts `²`, `１２` and `٣`), and a value must
fit the database's 64-bit integers: anything else is "not a number here" (None), never a crash."""
from __future__ import annotations

import re

from flask import request

ASCII_WHOLE = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000  # page x rows per page stays far inside a 64-bit offset


def parse_whole(text: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number from minimum to maximum typed with the digits 0-9, or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not ASCII_WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(text: object) -> int | None:
    """A database id (1 to 2**63 - 1), or None."""
    return parse_whole(text, minimum=1)


def id_arg(name: str) -> int | None:
    return parse_id(request.args.get(name, ""))


def page_arg(name: str = "page") -> int:
    """The page asked for in the query string; 1 when absent or not a page number."""
    return parse_whole(request.args.get(name, ""), minimum=1, maximum=MAX_PAGE) or 1
