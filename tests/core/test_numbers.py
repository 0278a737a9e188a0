"""Numbers in URLs and forms: ASCII digits within a 64-bit integer, or "not a number here" — never a
crash (Python's isdigit() accepts ², １２ and ٣; int() of a 23-digit id overflows the database)."""
from __future__ import annotations

import pytest

from app.core.numbers import MAX_ID, parse_id, parse_whole

HOSTILE = ["²", "１２", "٣", "99999999999999999999999", str(MAX_ID + 1), "-1", "1e400", "nan", "1,2,3", "\x00",
           "0x10", " ", "", "12abc", "+5"]


@pytest.mark.parametrize("text", HOSTILE)
def test_what_is_not_a_plain_whole_number_is_none(text):
    assert parse_id(text) is None


def test_plain_whole_numbers_are_read():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id("0") is None and parse_whole("0") == 0
    assert parse_whole("3651", maximum=3650) is None


@pytest.mark.parametrize("arg", ["category", "agency", "vendor", "page", "closing", "state", "usable", "status"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_arguments_on_the_public_lists_are_ignored(client, arg, value):
    """Ignored, never a 500; a null character is refused for the whole request (400, see
    tests/core/test_null_characters.py)."""
    expected = 400 if "\x00" in value else 200
    for path, also in (("/solicitations/", {}), ("/contracts/", {}), ("/solicitations/", {"status": "awarded"})):
        response = client.get(path, query_string={**also, arg: value})
        assert response.status_code == expected, (path, arg, value)


# ----------------------------------------------------------------------------- amounts and quantities
from decimal import Decimal  # noqa: E402

from app.core.numbers import MAX_MONEY, NumberError, parse_money, parse_quantity, read_decimal  # noqa: E402

# Decimal() reads NaN, sNaN, Infinity, 1e400, １２ and ٣; 1e-30 quantized to cents is 0; "1,2,3" minus commas is 123.
HOSTILE_AMOUNTS = ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "1e400", "1e-30", "1E5", "²", "１２", "٣",
                   "1,2,3", "12,34", "1,2345", str(2**64), "1" * 60, "0.001", "0x10", "1_000", "--1", "$", ".", "\x00",
                   "1 000", "12abc", "+5"]


@pytest.mark.parametrize("text", HOSTILE_AMOUNTS)
def test_what_is_not_a_plain_amount_is_refused_never_rounded(text):
    assert parse_money(text) is None and parse_quantity(text, places=2) is None
    with pytest.raises(NumberError):
        read_decimal(text, minimum=0, maximum=MAX_MONEY, places=2, dollar=True)


def test_plain_amounts_and_quantities_are_read():
    assert parse_money("$1,234,567.89") == Decimal("1234567.89") and str(parse_money("5")) == "5.00"
    assert parse_money("999,999,999,999.99") == MAX_MONEY and parse_money("1,000,000,000,000") is None
    assert parse_money("1.500") == Decimal("1.5") and parse_money(".5") == Decimal("0.50")
    assert parse_money("-5") is None and parse_money("-5", minimum=-10) == Decimal(-5)
    assert parse_quantity("1,250") == 1250 and parse_quantity("2.125") == Decimal("2.125")
    assert parse_quantity("$5") is None and parse_quantity("2.1254") is None
    with pytest.raises(NumberError, match="at most 2 decimal places"):
        read_decimal("0.001", minimum=0, maximum=1, places=2)
