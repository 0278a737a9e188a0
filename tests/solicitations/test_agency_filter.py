"""The public list's agency filter is a type-ahead field (issue 16): no list of every agency in the
page; a typed name filters without JavaScript; the JSON suggestions name only agencies whose
solicitations the public sees (never one with drafts only, never a stand-in); saved searches and
links by id keep working; the page's statements do not grow with the directory."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

from app.core import clock
from app.core.roles import OrganizationKind
from tests.conftest import login, page_statements
from tests.registry.test_typeahead_filters import OPTION, field

NOW = datetime(2027, 1, 15, 15, 0, tzinfo=timezone.utc)
LISTED = re.compile(r'<h2 class="h5 mb-1"><a href="/solicitations/([^"/]+)">')


def listed(client, **args) -> list[str]:
    response = client.get("/solicitations/", query_string=args)
    assert response.status_code == 200
    return LISTED.findall(response.get_data(as_text=True))


def _suggest(client, q):
    return client.get("/api/v1/solicitations/suggest/agency", query_string={"q": q})


def test_a_typed_agency_name_filters_and_the_page_lists_no_agency(app, client, make_solicitation, make_agency,
                                                                  make_org):
    clock.freeze(NOW)
    wake = make_agency("NC", name="Wake County Public Schools")
    wake_va = make_agency("VA", name="Wake County Public Schools")
    fairfax = make_agency("VA", name="Fairfax County Public Schools")
    mowers = make_solicitation("published", agency=wake, title="Zero-turn mowers")
    buses = make_solicitation("published", agency=wake_va, title="School buses")
    paper = make_solicitation("published", agency=fairfax, title="Copy paper")
    few = len(OPTION.findall(client.get("/solicitations/").get_data(as_text=True)))
    for i in range(15):
        make_org(OrganizationKind.AGENCY, name=f"Directory District {i}")
    body = client.get("/solicitations/").get_data(as_text=True)
    assert len(OPTION.findall(body)) == few and "Directory District" not in body
    assert "/static/js/combobox.js" in body

    assert listed(client, agency_name="fairfax county public schools") == [paper.number]
    assert listed(client, agency_name="Wake County Public Schools (NC)") == [mowers.number]
    assert listed(client, agency=wake_va.id) == [buses.number]  # a link by id
    body = client.get("/solicitations/", query_string={"agency": wake_va.id}).get_data(as_text=True)
    assert field(body, "agency")["value"] == "Wake County Public Schools (VA)"
    # Two of that name: both offered, the list not filtered yet.
    body = client.get("/solicitations/", query_string={"agency_name": "Wake County Public Schools",
                                                       "status": "open"}).get_data(as_text=True)
    shown = field(body, "agency")
    assert "2 agencies with public solicitations are named" in shown["message"] and len(shown["links"]) == 2
    assert len(LISTED.findall(body)) == 3
    assert [LISTED.findall(client.get(link).get_data(as_text=True)) for link in shown["links"]] == [
        [mowers.number], [buses.number]]  # by state
    # Close names, then none.
    shown = field(client.get("/solicitations/", query_string={"agency_name": "fair"}).get_data(as_text=True), "agency")
    assert "Did you mean" in shown["message"] and "Fairfax County Public Schools (VA)" in shown["message"]
    body = client.get("/solicitations/", query_string={"agency_name": "Directory District 3"}).get_data(as_text=True)
    shown = field(body, "agency")
    assert shown["value"] == "Directory District 3" and shown["invalid"] and shown["links"] == []
    assert "No agency with public solicitations is named “Directory District 3”" in shown["message"]
    assert len(LISTED.findall(body)) == 3


def test_suggestions_name_only_agencies_with_public_solicitations(app, client, make_solicitation, make_agency,
                                                                  make_org):
    clock.freeze(NOW)
    public = make_agency("VA", name="Riverside Unified")
    make_solicitation("published", agency=public)
    drafts_only = make_agency("VA", name="Riverside Drafts District")
    make_solicitation("draft", agency=drafts_only)
    make_solicitation("approved", agency=drafts_only)
    cancelled_draft = make_agency("VA", name="Riverside Withdrawn District")
    make_solicitation("cancelled", agency=cancelled_draft)  # cancelled before publication: never public
    archive = make_agency("TX", name="Riverside Archive ISD")
    make_solicitation("cancelled", agency=archive, cancel_from="published")  # public, with its reason
    make_org(OrganizationKind.AGENCY, name="Riverside Stand-in", stand_in=True)
    make_org(OrganizationKind.VENDOR, name="Riverside Vendor", tax_id="12-3456789")

    found = _suggest(client, "riverside").get_json()
    assert [f["label"] for f in found] == ["Riverside Archive ISD (TX)", "Riverside Unified (VA)"]
    assert found[1]["id"] == public.id
    assert _suggest(client, "riverside drafts").get_json() == []
    # The no-JavaScript path names no one else either.
    body = client.get("/solicitations/", query_string={"agency_name": "Riverside"}).get_data(as_text=True)
    shown = field(body, "agency")
    assert "Did you mean" in shown["message"] and len(shown["links"]) == 2
    assert "Riverside Archive ISD (TX)" in shown["message"] and "Riverside Unified (VA)" in shown["message"]
    for hidden in ("Drafts", "Withdrawn", "Stand-in", "Riverside Vendor"):
        assert hidden not in body
    shown = field(client.get("/solicitations/", query_string={"agency_name": "Riverside Drafts District"}
                             ).get_data(as_text=True), "agency")
    assert shown["links"] == [] and shown["message"].strip().startswith("No agency with public solicitations is named")
    body = client.get("/solicitations/", query_string={"agency": drafts_only.id}).get_data(as_text=True)
    assert "Riverside Drafts" not in body and LISTED.findall(body) == []
    response = _suggest(client, "r")
    assert response.status_code == 400 and response.get_json()["status"] == 400


def test_saved_search_and_pages_keep_working_with_the_agency_field(app, client, make_solicitation, categories,
                                                                   vendor):
    clock.freeze(NOW)
    for i in range(21):
        s = make_solicitation("published", title=f"Paper lot {i}")
    login(client, vendor)
    body = client.get("/solicitations/", query_string={"agency": s.agency.id, "q": "paper"}).get_data(as_text=True)
    assert "Save this search" in body
    assert f"agency={s.agency.id}" in html.unescape(re.search(r'href="([^"]*page=2[^"]*)"', body).group(1))
    response = client.submit("/vendor/searches", {"q": "paper", "category": "", "state": ""})
    assert response.status_code == 302


def test_the_list_runs_the_same_statements_however_many_agencies(app, client, make_solicitation, make_agency,
                                                                 make_org, vendor):
    clock.freeze(NOW)
    vendor_client = app.test_client()
    login(vendor_client, vendor)
    first = make_solicitation("published", title="Solicitation 0")
    pages = ["/solicitations/", f"/solicitations/?agency={first.agency.id}",
             "/solicitations/?agency_name=agency&status=past", "/solicitations/?agency_name=zeppelin+airways"]
    client.get(pages[0])  # warm-up

    def measure() -> list[int]:
        return [page_statements(app, c, page)[0] for c in (client, vendor_client) for page in pages]

    few = measure()
    for i in range(12):
        make_org(OrganizationKind.AGENCY, name=f"Agency directory {i}")
    for state in ("NC", "TX"):
        make_solicitation("published", agency_state=state, title=f"Solicitation {state}")
    assert measure() == few
