"""Purchases a joined agency records against the contract (the form and CSV upload), items priced
above the contract's price list flagged, and the spend by agency and remaining ceiling on the
contract page. The contract's price list: line 1 at $12.00, line 2 at $40.00."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta
from decimal import Decimal

from app.extensions import db
from tests.participation.conftest import sign_in

D = Decimal


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _flat(response) -> str:
    return " ".join(_text(response).split())


def _purchases(app, agency_id=None) -> dict[str, tuple]:
    from app.contracts.models import Purchase

    with app.app_context():
        query = db.select(Purchase).order_by(Purchase.id)
        if agency_id is not None:
            query = query.where(Purchase.agency_id == agency_id)
        return {p.po_number: (p.amount, p.above_contract_price, p.items) for p in db.session.scalars(query)}


def _form(coop, po="PO-1", amount="480.00", items=(), **overrides) -> dict:
    data = {"po_number": po, "ordered_on": coop.effective_on.isoformat(), "amount": amount}
    for index in range(3):
        line, quantity, price = items[index] if index < len(items) else ("", "", "")
        data.update({f"items-{index}-line": line, f"items-{index}-quantity": quantity,
                     f"items-{index}-unit_price": price})
    data.update(overrides)
    return data


def _set_ceiling(app, coop, amount: str) -> None:
    """The lead agency's officer amends the contract's ceiling (the real path)."""
    from app.accounts.models import User
    from app.contracts import services
    from app.contracts.models import Contract

    with app.test_request_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == coop.number))
        services.amend(db.session.get(User, coop.lead.officer.id), contract, "Ceiling set", D(amount))
        db.session.commit()


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_recording_a_purchase_flags_prices_above_the_contract(app, client, coop, joined):
    from app.audit.models import AuditEvent

    texas = joined("TX")
    sign_in(client, texas.buyer)
    page = _text(client.get(f"/contracts/{coop.number}/purchases"))
    assert "No purchases recorded yet." in page and "contract price $40.00" in page
    response = client.submit(f"/contracts/{coop.number}/purchases",
                             _form(coop, "PO-1", "504.00", items=[("1", "10", "12.00"), ("2", "9", "42.65")]))
    assert response.status_code == 302
    response = client.get(f"/contracts/{coop.number}/purchases")
    page = _text(response)
    assert "PO PO-1: line(s) 2 priced above the contract price list" in page  # the flash
    assert "Above contract price" in page and "(above the contract price $40.00)" in page
    amount, flagged, items = _purchases(app)["PO-1"]
    assert amount == D("504.00") and flagged is True
    assert [(i["position"], i["unit_price"], i["contract_price"], i["above_contract_price"]) for i in items] == [
        (1, "12.00", "12.0000", False), (2, "42.65", "40.0000", True)]

    assert client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "PO-2", "120", items=[("1", "10", "11.50")])
                         ).status_code == 302
    assert _purchases(app)["PO-2"][1] is False  # below the list price is fine
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "purchase.recorded")
                                    .order_by(AuditEvent.seq)).all()
        assert [(e.data["po_number"], e.data["above_contract_price"]) for e in events] == [("PO-1", True),
                                                                                          ("PO-2", False)]


def test_bad_purchase_input_is_refused_beside_the_field(app, client, coop, joined):
    texas = joined("TX")
    sign_in(client, texas.admin)
    url = f"/contracts/{coop.number}/purchases"
    assert client.submit(url, _form(coop, "PO-7", "100")).status_code == 302

    cases = [
        (_form(coop, "PO-8", "-100"), "amount", "The amount must be more than zero."),
        (_form(coop, "PO-8", "12.345"), "amount", "Use at most 2 decimal places (cents)."),
        (_form(coop, "PO-7", "100"), "po_number", "Purchase order PO-7 is already recorded for this contract."),
        (_form(coop, "", "100"), "po_number", "Enter the purchase order number."),
        (_form(coop, "PO-8", "100", ordered_on="2026-02-31"), "ordered_on", "is not a date"),
        (_form(coop, "PO-8", "100", ordered_on=(coop.effective_on - timedelta(days=1)).isoformat()), "ordered_on",
         "must fall within the contract's term"),
        (_form(coop, "PO-8", "100", items=[("1", "-2", "12")]), "items-0-line", "The quantity must be more than zero."),
        (_form(coop, "PO-8", "100", items=[("2", "1", "")]), "items-0-line", "Give the line, quantity and unit price"),
        (_form(coop, "PO-8", "100", items=[("9", "1", "5")]), "items-0-line",
         "Line 9 is not on this contract's price list."),
    ]
    for data, field, message in cases:
        response = client.submit(url, data)
        assert response.status_code == 422, (data, response.status_code)
        assert message in _field_error(_text(response), field), (field, message)
        assert f'value="{data["amount"]}"' in _text(response)  # what was typed is kept
    assert list(_purchases(app)) == ["PO-7"]


CSV_GOOD_AND_BAD = (
    "po_number,ordered_on,amount,line,quantity,unit_price\n"
    "PO-100,{day},300.00,1,10,12.00\n"         # line 2: PO-100, two items, one above the list
    "PO-100,,,2,4,45.00\n"                      # line 3
    "PO-101,{day},-50,,,\n"                     # line 4: negative amount
    "PO-102,{day},80.00,2,2,abc\n"              # line 5: bad unit price
    "PO-102,{day},80.00,1,1,12.00\n"            # line 6: good, but its order has a bad line
    ",{day},10.00,,,\n"                         # line 7: no PO number
    "PO-103,{day},99.50,,,\n"                   # line 8: an order without items
    "PO-104,not-a-date,10.00,1,1,12\n"          # line 9: bad date
    "PO-105,{day},10.00,7,1,12\n"               # line 10: not a price-list line
    "PO-106,{day},10.00,1,1,12\n"               # line 11
    "PO-106,{day},20.00,1,1,12\n"               # line 12: amount differs within the order
)


def test_csv_upload_keeps_the_good_orders_and_reports_bad_lines(app, client, coop, joined):
    texas = joined("TX")
    sign_in(client, texas.buyer)
    assert client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "PO-103", "5")).status_code == 302
    data = CSV_GOOD_AND_BAD.format(day=coop.effective_on.isoformat()).replace("PO-103,", "PO-107,", 1).encode()
    data += f"PO-103,{coop.effective_on.isoformat()},5.00,,,\n".encode()  # line 13: recorded already
    response = client.submit(f"/contracts/{coop.number}/purchases/upload",
                             {"file": (io.BytesIO(data), "purchases.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    page = _text(response)
    recorded = _purchases(app)
    assert sorted(recorded) == ["PO-100", "PO-103", "PO-107"]
    assert recorded["PO-100"][0] == D("300.00") and recorded["PO-100"][1] is True
    assert [i["position"] for i in recorded["PO-100"][2]] == [1, 2]
    assert recorded["PO-107"] == (D("99.50"), False, [])

    assert "Imported: 2 purchase orders (PO-100, PO-107)" in _flat(response)
    expected = {
        4: "the amount must be more than zero",
        5: "is not a number",
        6: "not imported: line 5 of the same purchase order was refused",
        7: "the purchase order number is missing",
        9: "is not a date",
        10: "Line 7 is not on this contract's price list.",
        11: "the amount differs from line 11",
        12: "the amount differs from line 11",
        13: "Purchase order PO-103 is already recorded",
    }
    rows = dict(re.findall(r"<tr><td>Line (\d+)</td><td>[^<]*</td><td>([^<]*)</td></tr>", page))
    assert sorted(int(n) for n in rows) == sorted(expected)
    for line, reason in expected.items():
        assert reason in rows[str(line)], (line, rows[str(line)])
    assert "Refused: 9 lines" in _flat(response)


def test_csv_layout_errors_refuse_the_file_and_the_template_downloads(app, client, coop, joined):
    texas = joined("TX")
    sign_in(client, texas.buyer)
    url = f"/contracts/{coop.number}/purchases/upload"
    for content, name, message in [
        (b"po,date\nPO-1,2026-01-01\n", "p.csv", "does not have the template's columns"),
        (b"\xff\xfe\x00bad", "p.csv", "not UTF-8"),
        (b"po_number,ordered_on,amount,line,quantity,unit_price\n", "p.xlsx", "as a .csv file"),
        (b"", "p.csv", "is empty"),
    ]:
        response = client.submit(url, {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code == 422 and message in _text(response), message
    template = client.get(f"/contracts/{coop.number}/purchases/template.csv")
    assert template.mimetype == "text/csv"
    lines = template.get_data(as_text=True).splitlines()
    assert lines[0] == "po_number,ordered_on,amount,line,quantity,unit_price"
    assert lines[1].endswith(",1,1,12.0000") and lines[2].startswith("PO-1001,")
    # The template, uploaded as it is, is a valid file.
    response = client.submit(url, {"file": (io.BytesIO(template.data), "t.csv")}, content_type="multipart/form-data")
    assert "Imported: 1 purchase order (PO-1001)" in _flat(response)


def test_spend_by_agency_and_remaining_ceiling_on_the_contract_page(app, client, coop, joined, vendor):
    _set_ceiling(app, coop, "1000.00")
    texas, ohio = joined("TX"), joined("OH")
    sign_in(client, texas.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-1", "400.00", items=[("2", "10", "41")]))
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-2", "100.00"))
    sign_in(client, ohio.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "OH-1", "250.00"))
    with app.app_context():
        from app.accounts.models import Organization

        texas_name, ohio_name = (db.session.get(Organization, i).name for i in (texas.id, ohio.id))

    sign_in(client, coop.lead.officer)  # the lead agency sees every agency's line
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert "$750.00 in 3 purchases" in page and "$250.00 of $1,000.00" in page
    assert re.search(rf"{texas_name}</td><td>2</td><td>\$500.00</td>\s*<td><span[^>]*>1 purchase flagged", page)
    assert re.search(rf"{ohio_name}</td><td>1</td><td>\$250.00</td>", page)

    sign_in(client, ohio.buyer)  # a participant sees its own line and the totals
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert ohio_name in page and texas_name not in page and "$750.00 in 3 purchases" in page
    client.submit("/accounts/logout")  # the public: totals only, they are public records
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert "$750.00 in 3 purchases" in page and "$250.00 of $1,000.00" in page
    assert ohio_name not in page and texas_name not in page

    # Past the ceiling: recorded, with a warning, and the page says by how much.
    sign_in(client, ohio.buyer)
    response = client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "OH-2", "400.00"),
                             follow_redirects=True)
    assert "past the contract's ceiling of $1,000.00" in _text(response)
    assert "OH-2" in _purchases(app)
    assert "Over the ceiling by $150.00" in _text(client.get(f"/contracts/{coop.number}"))


def test_the_lead_agency_sees_the_agencies_that_spent_most_when_there_are_many(app, client, coop, joined, vendor,
                                                                                 monkeypatch):
    """A national contract has thousands of buyers: the page lists those that spent most
    (SPEND_ROWS_SHOWN) and says how many more there are; the totals count every purchase."""
    monkeypatch.setattr("app.contracts.purchases.SPEND_ROWS_SHOWN", 1)
    texas, ohio = joined("TX"), joined("OH")
    sign_in(client, texas.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-1", "400.00"))
    sign_in(client, ohio.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "OH-1", "250.00"))
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "OH-2", "300.00"))
    with app.app_context():
        from app.accounts.models import Organization

        texas_name, ohio_name = (db.session.get(Organization, i).name for i in (texas.id, ohio.id))
    sign_in(client, coop.lead.officer)
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert "$950.00 in 3 purchases" in page
    assert re.search(rf"{ohio_name}</td><td>2</td><td>\$550.00</td>", page)
    assert f"{texas_name}</td><td>1</td>" not in page  # (it is among the participating agencies)
    assert "The 1 agency that spent most of 2." in page
    sign_in(client, texas.buyer)  # its own line, whatever the others spent
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert re.search(rf"{texas_name}</td><td>1</td><td>\$400.00</td>", page) and f"{ohio_name}</td>" not in page
    assert "spent most" not in page


def test_only_a_joined_agency_records_and_sees_its_own_purchases(app, client, coop, joined, make_agency, vendor):
    texas, ohio = joined("TX"), joined("OH")
    stranger = make_agency("TX")
    sign_in(client, texas.buyer)
    assert client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-SECRET-1", "10")).status_code == 302

    url = f"/contracts/{coop.number}/purchases"
    for user in (stranger.buyer, stranger.admin, coop.lead.buyer):
        sign_in(client, user)
        assert client.get(url).status_code == 403
        assert client.submit(url, _form(coop, "X-1", "10")).status_code == 403
        assert client.submit(f"{url}/upload", {"file": (io.BytesIO(b"x"), "p.csv")},
                             content_type="multipart/form-data").status_code == 403
        assert client.get(f"{url}/template.csv").status_code == 403
    sign_in(client, vendor)
    assert client.get(url).status_code == 403
    sign_in(client, ohio.buyer)  # joined, but another agency: only its own list
    page = _text(client.get(url))
    assert "TX-SECRET-1" not in page and "No purchases recorded yet." in page
    sign_in(client, ohio.evaluator)  # joined agency's staff see the list, only buyers and admins record
    assert client.get(url).status_code == 200
    assert "Record a purchase" not in _text(client.get(url))
    assert client.submit(url, _form(coop, "OH-9", "10")).status_code == 403
    assert list(_purchases(app)) == ["TX-SECRET-1"]


def _totals(app, number: str) -> tuple[int, Decimal]:
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == number))
        return contract.reported_purchases, contract.reported_spend


def test_the_contract_keeps_running_totals_of_the_purchases_reported(app, client, coop, joined, vendor):
    """What a registrar's dashboard sums over thousands of contracts: kept with each purchase (the
    form and the upload), a refused one not counted, and equal to a recount from the rows."""
    from app.contracts.purchases import recount_spend

    texas, ohio = joined("TX"), joined("OH")
    assert _totals(app, coop.number) == (0, D("0"))
    sign_in(client, texas.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-1", "400.00"))
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "TX-1", "400.00"))  # refused: the same PO
    sign_in(client, ohio.buyer)
    client.submit(f"/contracts/{coop.number}/purchases", _form(coop, "OH-1", "100.50"))
    template = client.get(f"/contracts/{coop.number}/purchases/template.csv").data  # one purchase of $12.00
    client.submit(f"/contracts/{coop.number}/purchases/upload", {"file": (io.BytesIO(template), "t.csv")},
                  content_type="multipart/form-data")
    assert len(_purchases(app)) == 3
    expected = (3, sum((amount for amount, _, _ in _purchases(app).values()), D("0")))
    assert _totals(app, coop.number) == expected
    with app.app_context():
        from app.contracts.models import Contract

        db.session.execute(db.update(Contract).values(reported_purchases=0, reported_spend=0))
        assert recount_spend() == 1
        db.session.commit()
    assert _totals(app, coop.number) == expected
