"""A vendor's filled-in price sheet: unit prices read from the template (XLSX or CSV) that
app.solicitations.pricesheet_files writes and reads. A wrong layout refuses the whole file; a bad
row is refused with a message that names the row and the problem."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.core.numbers import parse_whole, read_decimal
from app.solicitations.models import Solicitation
from app.solicitations.pricesheet_files import HEADERS, read_template, template_csv, template_xlsx

__all__ = ["HEADERS", "MAX_UNIT_PRICE", "ParsedPrices", "parse_price_file", "parse_unit_price",
           "template_csv", "template_xlsx"]

MAX_UNIT_PRICE = Decimal("999999999.9999")


@dataclass
class ParsedPrices:
    prices: dict[int, Decimal | None] = field(default_factory=dict)  # item id -> unit price
    errors: list[str] = field(default_factory=list)


def parse_unit_price(text: str) -> Decimal | None:
    """'' -> None (no price offered); '1,234.50' or '$1234.5' -> Decimal. Raises ValueError with
    the reason in plain words."""
    if not text.strip().removeprefix("$").strip():
        return None
    return read_decimal(text, minimum=0, maximum=MAX_UNIT_PRICE, places=4, what="price", dollar=True,
                        example="1234.50")


def parse_price_file(s: Solicitation, filename: str, data: bytes) -> ParsedPrices:
    """Read a filled-in template. A wrong layout refuses the whole file; a bad row is reported by
    its row number and the good rows are kept."""
    rows = read_template(filename, data, field="price_file")

    items = {item.position: item for item in s.items}
    result = ParsedPrices()
    seen: set[int] = set()
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        row = (row + [""] * len(HEADERS))[:len(HEADERS)]
        line = parse_whole(row[0].removesuffix(".0"))
        if line not in items:
            result.errors.append(f"Row {row_number}: line “{row[0][:20]}” is not a line of this price sheet.")
            continue
        if line in seen:
            result.errors.append(f"Row {row_number}: line {line} appears twice.")
            continue
        seen.add(line)
        try:
            result.prices[items[line].id] = parse_unit_price(row[4])
        except ValueError as exc:
            result.errors.append(f"Row {row_number} (line {line}): {exc}.")
    missing = sorted(set(items) - seen)
    if missing:
        result.errors.append("Lines missing from the file: " + ", ".join(map(str, missing))
                             + " (their prices on the form are unchanged).")
    return result
