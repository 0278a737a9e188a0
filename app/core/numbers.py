"""Whole numbers typed by people or sent in a URL: one reading for ids, counts and page numbers.

Only ASCII digits count (Python's isdigit() also accepts `²`, `１２` and `٣`), and a value must
fit the database's 64-bit integers: anything else is "not a number here" (None), never a crash."""
from __future__ import annotations

import re
from decimal import Decimal

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


# ----------------------------------------------------------------------------- amounts and quantities
# Decimal() itself reads "NaN", "sNaN", "Infinity", "1e400", "１２" and "٣", and "1,2,3".replace(",", "")
# is 123: so a number is matched as text first, and only then handed to Decimal.
DECIMAL_TEXT = re.compile(r"(?P<minus>-)?(?P<dollar>\$ *)?(?P<minus2>-)?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?"
                          r"(?:\.(?P<fraction>[0-9]*))?")
MAX_TEXT = 40  # far more characters than any amount a column below holds


def numeric_limit(precision: int, scale: int) -> Decimal:
    """The largest value a Numeric(precision, scale) column holds: Numeric(14, 2) -> 999999999999.99."""
    return Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)


MAX_MONEY = numeric_limit(14, 2)  # every amount column is Numeric(14, 2)
MAX_QUANTITY = numeric_limit(14, 3)  # quantities are Numeric(14, 3)
MAX_PERCENT = Decimal(100)


class NumberError(ValueError):
    """Why a typed number was refused, as a phrase a message can end with ("use at most 2 decimal
    places"). kind is "missing", "format", "places", "low" (below the minimum) or "high"."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _plain(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def read_decimal(text: object, *, minimum: Decimal | int, maximum: Decimal | int, places: int,
                 what: str = "amount", dollar: bool = False, example: str = "1,250.00") -> Decimal:
    """A number typed with the ASCII digits, an optional leading "-", an optional "$" (only when
    dollar), commas only between groups of three, at most `places` decimals, from minimum to
    maximum. Raises NumberError saying why not; never rounds."""
    typed = text.strip() if isinstance(text, str) else ""
    if not typed:
        raise NumberError(f"enter the {what}", "missing")
    match = DECIMAL_TEXT.fullmatch(typed) if len(typed) <= MAX_TEXT else None
    if not match or not (match["whole"] or match["fraction"]) or (match["dollar"] and not dollar):
        raise NumberError(f"“{typed[:40]}” is not a number; enter {_article(what)} {what} like {example}", "format")
    digits = (match["whole"] or "0").replace(",", "") + (f".{match['fraction']}" if match["fraction"] else "")
    if match["minus"] and match["minus2"]:
        raise NumberError(f"“{typed[:40]}” is not a number; enter {_article(what)} {what} like {example}", "format")
    value = Decimal(f"{match['minus'] or match['minus2'] or ''}{digits}")
    step = Decimal(1).scaleb(-places)
    if value < minimum:
        raise NumberError(f"{_article(what)} {what} cannot be negative" if minimum == 0
                          else f"the {what} must be more than zero" if minimum == step
                          else f"the {what} must be at least {_plain(Decimal(minimum))}", "low")
    if value > maximum:
        raise NumberError(f"the {what} is too large", "high")
    if value != value.quantize(step):  # 0.001 for cents, 1e-30: refused, never rounded to 0
        raise NumberError(f"use at most {places} decimal place{'s' if places != 1 else ''}"
                          if places else f"the {what} must be a whole number", "places")
    return value if -value.as_tuple().exponent <= places else value.quantize(step)  # "1.500" -> 1.50


def parse_money(text: object, *, minimum: Decimal | int = 0, maximum: Decimal | int = MAX_MONEY,
                places: int = 2) -> Decimal | None:
    """An amount of dollars ("$1,234.50", "1234.5" -> Decimal("1234.50")), or None."""
    try:
        return read_decimal(text, minimum=minimum, maximum=maximum, places=places, dollar=True
                            ).quantize(Decimal(1).scaleb(-places))
    except NumberError:
        return None


def parse_quantity(text: object, *, minimum: Decimal | int = 0, maximum: Decimal | int = MAX_QUANTITY,
                   places: int = 3) -> Decimal | None:
    """A quantity ("1,250", "2.5"), or None."""
    try:
        return read_decimal(text, minimum=minimum, maximum=maximum, places=places, what="quantity",
                            example="250")
    except NumberError:
        return None
