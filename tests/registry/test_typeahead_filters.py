"""The registry's vendor and lead agency filters are type-ahead fields (issue 16): no list of every
holder in the page; a typed name filters without JavaScript (exact name -> applied, several or
close names -> links to choose, none -> said beside the field, the typed text kept); the script's
JSON suggestions name at most 10 contract holders and nobody else; old links by id still work; the
page's statements do not grow with the registry."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import login, page_statements

ROW = re.compile(r'<td><a href="/contracts/([^"]+)">')
OPTION = re.compile(r"<option\b")


def listed(client, **args) -> list[str]:
    response = client.get("/contracts/", query_string={"state": "", **args})
    assert response.status_code == 200
    return sorted(ROW.findall(response.get_data(as_text=True)))


def field(body: str, param: str) -> dict[str, str | None]:
    """What the page's type-ahead field shows: typed text, hidden id, message and its links."""
    text = re.search(rf'<input [^>]*name="{param}_name"[^>]*>', body, re.S).group(0)
    hidden = re.search(rf'<input type="hidden" name="{param}" value="([^"]*)"', body).group(1)
    message = re.search(rf'<div id="{param}-name-message"[^>]*>(.*?)</div>', body, re.S)
    return {"value": html.unescape(re.search(r'value="([^"]*)"', text).group(1)), "id": hidden,
            "invalid": 'aria-invalid="true"' in text, "described": re.search(r'aria-describedby="([^"]*)"', text).group(1),
            "message": html.unescape(re.sub(r"<[^>]+>", " ", message.group(1))) if message else None,
            "links": [html.unescape(href) for href in re.findall(r'href="([^"]+)"', message.group(1))] if message else []}


@pytest.fixture
def three(register, make_agency):
    """Three contracts: two vendors with close names, and two lead agencies both named Tarrant County
    (in Texas and in Virginia)."""
    register()  # Virco Manufacturing, Harris County Department of Education (TX)
    register(number="R-2026-002", title="Copy paper", vendor_name="Office Depot", vendor_tax_id="59-2663954",
             lead_agency_name="Tarrant County", lead_agency_type="county")
    register(number="R-2026-003", title="Office chairs", vendor_name="Office Depot Business Solutions",
             vendor_tax_id="59-2663955", lead_agency_name="Tarrant County", lead_agency_state="VA",
             lead_agency_type="county")
    return "R-2026-001", "R-2026-002", "R-2026-003"


def _org_id(app, name: str, state: str | None = None) -> int:
    from app.accounts.models import Organization

    with app.app_context():
        stmt = select(Organization.id).where(Organization.name == name)
        return db.session.scalar(stmt.where(Organization.state == state) if state else stmt)


def test_the_page_lists_no_vendor_or_agency_however_many_hold_contracts(app, client, register):
    register()
    few = client.get("/contracts/", query_string={"state": ""}).get_data(as_text=True)
    for i in range(12):
        register(number=f"M-{i:03d}", vendor_name=f"Many Vendor {i}", vendor_tax_id=f"{20 + i}-1234567",
                 lead_agency_name=f"Many District {i}", lead_agency_type="school_district")
    many = client.get("/contracts/", query_string={"state": ""}).get_data(as_text=True)
    assert len(OPTION.findall(many)) == len(OPTION.findall(few))  # categories and states only
    assert 'name="vendor_name"' in many and 'name="agency_name"' in many
    assert "<option" not in re.search(r'<div class="typeahead".*?</div>\s*</div>', many, re.S).group(0)
    assert "/static/js/combobox.js" in many


def test_an_exact_name_filters_without_javascript(app, client, three):
    furniture, paper, chairs = three
    assert listed(client, vendor_name="office depot") == [paper]  # any case
    body = client.get("/contracts/", query_string={"vendor_name": "  Office   Depot "}).get_data(as_text=True)
    assert field(body, "vendor") == {"value": "Office Depot", "id": str(_org_id(app, "Office Depot")),
                                     "invalid": False, "described": "vendor-name-hint", "message": None, "links": []}
    # A lead agency's label carries its state, and reads back.
    assert listed(client, agency_name="Tarrant County (VA)") == [chairs]
    assert listed(client, agency_name="Harris County Department of Education") == [furniture]
    assert listed(client, vendor_name="Office Depot", agency_name="tarrant county (tx)") == [paper]


def test_several_of_that_name_are_offered_as_links(app, client, three):
    body = client.get("/contracts/", query_string={"agency_name": "Tarrant County", "q": "", "active": "1"}
                      ).get_data(as_text=True)
    shown = field(body, "agency")
    assert shown["value"] == "Tarrant County" and shown["id"] == "" and not shown["invalid"]
    assert "2 lead agencies with contracts in the registry are named “Tarrant County”" in shown["message"]
    assert "Tarrant County (TX)" in shown["message"] and "Tarrant County (VA)" in shown["message"]
    assert "agency-name-message" in shown["described"]
    # The list is not filtered until one is chosen; each link keeps the other filters.
    assert sorted(ROW.findall(body)) == list(three)
    texas = _org_id(app, "Tarrant County", "TX")
    [link] = [href for href in shown["links"] if f"agency={texas}" in href]
    assert "active=1" in link and "agency_name" not in link
    assert ROW.findall(client.get(link).get_data(as_text=True)) == ["R-2026-002"]


def test_close_names_are_offered_and_an_unknown_name_is_said_beside_the_field(app, client, three):
    furniture, paper, chairs = three
    body = client.get("/contracts/", query_string={"vendor_name": "offic dep"}).get_data(as_text=True)
    shown = field(body, "vendor")
    assert shown["value"] == "offic dep" and "Did you mean" in shown["message"]
    assert len(shown["links"]) == 2 and shown["message"].index("Office Depot") < shown["message"].index("Business")
    assert sorted(ROW.findall(body)) == list(three)

    body = client.get("/contracts/", query_string={"vendor_name": "Zeppelin <Airways>"}).get_data(as_text=True)
    shown = field(body, "vendor")
    assert shown["value"] == "Zeppelin <Airways>" and shown["invalid"] and shown["links"] == []
    assert "No vendor with contracts in the registry is named “Zeppelin <Airways>”" in shown["message"]
    assert "agency-name-message" not in body and "Zeppelin <Airways>" not in body  # escaped
    assert sorted(ROW.findall(body)) == list(three)
    # Pages of the same list keep what was typed.
    assert listed(client, vendor_name="Zeppelin") == list(three)


def test_links_by_id_still_filter_and_an_empty_field_clears(app, client, three):
    furniture, paper, chairs = three
    depot = _org_id(app, "Office Depot")
    assert listed(client, vendor=depot) == [paper]
    body = client.get("/contracts/", query_string={"vendor": depot}).get_data(as_text=True)
    assert field(body, "vendor")["value"] == "Office Depot" and field(body, "vendor")["id"] == str(depot)
    # The form sent again as it is (the hidden id and its name): the id decides.
    assert listed(client, vendor=depot, vendor_name="Office Depot") == [paper]
    # The name typed over (no script cleared the id): the name decides.
    assert listed(client, vendor=depot, vendor_name="Virco Manufacturing") == [furniture]
    assert listed(client, vendor=depot, vendor_name="") == list(three)
    # An id of no contract holder filters all the same (nothing), and says so.
    stranger = _org_id(app, "Lone Star Purchasing Cooperative")
    body = client.get("/contracts/", query_string={"agency": stranger}).get_data(as_text=True)
    assert ROW.findall(body) == [] and field(body, "agency")["value"] == ""
    assert "names no lead agency with contracts in the registry" in field(body, "agency")["message"]


def test_pagination_keeps_the_chosen_name(app, client, register):
    for i in range(22):
        register(number=f"P-{i:03d}", vendor_tax_id=f"{10 + i}-7654321", vendor_name="Virco Manufacturing")
    body = client.get("/contracts/", query_string={"agency_name": "Harris County Department of Education (TX)"}
                      ).get_data(as_text=True)
    agency = _org_id(app, "Harris County Department of Education")
    assert "22 contracts found" in body and "page=2" in body
    [next_page] = re.findall(r'href="([^"]*page=2[^"]*)"', body)[:1]
    assert f"agency={agency}" in html.unescape(next_page)


def _suggest(client, field_: str, q, **kwargs):
    return client.get(f"/api/v1/contracts/suggest/{field_}", query_string={} if q is None else {"q": q}, **kwargs)


def test_suggestions_name_at_most_ten_contract_holders_and_nobody_else(app, client, register, vendor, make_agency):
    from app.accounts.models import Organization

    for i in range(13):
        register(number=f"S-{i:03d}", vendor_name=f"Acme Supply {i:02d}", vendor_tax_id=f"{30 + i}-1234567")
    with app.app_context():
        member = db.session.get(Organization, vendor.organization_id)
        member.name = "Acme Supply Member"  # a platform vendor with no contract: not named
        db.session.commit()
    make_agency("TX", name="Acme Supply District")  # an agency: never a vendor, and holds no contract
    response = _suggest(client, "vendor", "acme sup")
    assert response.status_code == 200 and response.mimetype == "application/json"
    found = response.get_json()
    assert len(found) == 10 and [f["label"] for f in found] == [f"Acme Supply {i:02d}" for i in range(10)]
    assert all(set(f) == {"id", "label"} and isinstance(f["id"], int) for f in found)
    assert all("Member" not in f["label"] and "District" not in f["label"]
               for f in _suggest(client, "vendor", "acme supply m").get_json() + _suggest(client, "agency", "acme").get_json())
    assert _suggest(client, "vendor", "supply 12").get_json() == [
        {"id": _org_id(app, "Acme Supply 12"), "label": "Acme Supply 12"}]
    # Lead agencies carry their state; names starting with the typed text come first.
    assert _suggest(client, "agency", "harris").get_json()[0]["label"] == "Harris County Department of Education (TX)"
    assert _suggest(client, "agency", "county educ").get_json()[0]["label"].startswith("Harris County")
    assert _suggest(client, "vendor", "zeppelin").get_json() == []


@pytest.mark.parametrize("q", [None, "", "a", " a ", "%", "**", "x" * 101])
def test_suggestions_answer_400_json_to_bad_input(app, client, register, q):
    register()
    response = _suggest(client, "vendor", q)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["status"] == 400 and "characters" in response.get_json()["message"]


def test_suggestions_harmless_with_hostile_text_and_404_for_unknown_fields(app, client, register):
    register()
    for q in ['"virco', "vir*", "vir:*", "vir & !co", "vir | x", "(vir)", "NEAR(vir", "vir' OR '1'='1", "vi_r",
              "vir\\", "ВИР", "virço", "1e5 3M"]:
        response = _suggest(client, "vendor", q)
        assert response.status_code == 200, q
    assert [f["label"] for f in _suggest(client, "vendor", '"virco*').get_json()] == ["Virco Manufacturing"]
    assert _suggest(client, "vendor", "vir\x00").status_code == 400
    missing = client.get("/api/v1/contracts/suggest/buyer", query_string={"q": "vir"})
    assert missing.status_code == 404 and missing.get_json()["status"] == 404


def test_suggestions_are_rate_limited_in_json(app, client, register):
    register()
    statuses = [_suggest(client, "vendor", "vir").status_code for _ in range(125)]
    assert statuses[:120] == [200] * 120 and statuses[-1] == 429
    assert _suggest(client, "vendor", "vir").get_json()["status"] == 429


def test_filtered_pages_run_the_same_statements_however_many_contracts_and_holders(app, client, register, coop):
    login(client, coop.officer)
    pages = ["/contracts/?state=", "/contracts/?vendor_name=Virco+Manufacturing&agency_name=tarrant",
             "/contracts/?vendor_name=zeppelin&agency_name=Harris+County+Department+of+Education+(TX)&state=TX"]
    register()
    register(number="T-1", vendor_tax_id="11-1111111", vendor_name="Tarrant Paper", lead_agency_name="Tarrant County",
             lead_agency_type="county")
    client.get(pages[0])  # warm-up

    def measure() -> list[int]:
        return [page_statements(app, client, page)[0] for page in pages]

    few = measure()
    for i in range(15):
        register(number=f"G-{i:03d}", vendor_name=f"Virco Manufacturing {i}", vendor_tax_id=f"{40 + i}-1234567",
                 lead_agency_name=f"Tarrant District {i}", lead_agency_type="school_district")
    assert measure() == few
