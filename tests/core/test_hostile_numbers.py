"""Every reader of typed amounts, quantities and percentages refuses what is not a plain number, in plain
words: Decimal() alone accepts NaN, sNaN, Infinity, 1e400, １２ and ٣; 1e-30 rounds to 0.00; "1,2,3" loses
its commas to become 123; 2**64 is past every column."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from app.bids.pricefiles import parse_unit_price
from app.contracts.purchases import parse_amount, parse_quantity
from app.contracts.registration import parse_price_list
from app.contracts.services import parse_discount_tiers
from app.core.errors import DomainError
from app.solicitations.drafting import parse_template_rows
from app.solicitations.pricesheet_files import HEADERS
from app.solicitations.staff_views import parse_quantities

HOSTILE = ["NaN", "sNaN", "Infinity", "-Infinity", "1e400", "1e-30", "²", "１２", "٣", "1,2,3", str(2**64)]


def _refused(read, text) -> bool:
    try:
        read(text)
    except (ValueError, DomainError):
        return True
    return False


READERS = {
    "bid unit price": parse_unit_price,
    "purchase amount": parse_amount,
    "purchase quantity": parse_quantity,
    "registered price list": lambda text: parse_price_list(f"Copy paper | case | {text}"),
    "registered price-list CSV": lambda text: parse_price_list("", f'description,unit,price\npaper,case,"{text}"\n'
                                                              .encode()),
    "volume discount amount": lambda text: parse_discount_tiers(f"{text}: 2"),
    "volume discount percent": lambda text: parse_discount_tiers(f"50000: {text}"),
}


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("reader", READERS)
def test_hostile_numbers_are_refused_by_every_reader(reader, text):
    assert _refused(READERS[reader], text), (reader, text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_estimated_quantities_are_refused(text):
    parsed = parse_template_rows([list(HEADERS), ["1", "Copy paper", "case", text]])
    assert parsed.errors and not parsed.lines
    quantities, errors = parse_quantities(SimpleNamespace(items=[SimpleNamespace(id=7)]), MultiDict({"qty-7": text}))
    assert errors and not quantities


def test_plain_numbers_still_read():
    assert parse_unit_price("$1,234.5") == parse_amount("1234.50") and parse_quantity("1,250") == 1250
    assert [str(line.unit_price) for line in parse_price_list("Paper | case | $1,041.80")] == ["1041.8000"]
    assert parse_discount_tiers("$50,000: 2.5%") == [{"min_amount": "50000.00", "percent": "2.5"}]
