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
    for path, also in (("/solicitations/", {}), ("/contracts/", {}), ("/solicitations/", {"status": "awarded"})):
        response = client.get(path, query_string={**also, arg: value})
        assert response.status_code == 200, (path, arg, value)
