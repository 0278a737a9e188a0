"""An unfinished draft is saved with "Save and finish later" (only the title is needed, and what is
filled in must be well-formed); completeness is checked when it is submitted for approval, and the
refusal says in words what is missing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus
from tests.accounts.helpers import Page
from tests.solicitations.test_drafting import client_for, edit_url, full_form, snapshot

UTC = timezone.utc
TODAY = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
MISSING = [
    "Set the due date (bid opening).",
    "Set the questions deadline.",
    "Add at least one item to the price sheet.",
    "Evaluation criteria must total 100 points (now 0).",
    "Exactly one criterion must be the price criterion.",
    "Choose at least one category so vendors can find it.",
]


def unfinished_form(**changes) -> dict:
    """The edit form with only a title and a summary, every list emptied, sent to finish later."""
    data = {"title": "Turf replacement", "summary": "Two fields, maybe three.", "finish_later": "1",
            "scope_md": "", "terms_md": "", "cooperative_clause": "", "eligible_states": "", "estimated_value": "",
            "publish_at": "", "questions_due_at": "", "due_at": "", "prebid_conference_at": "",
            "procurement_category": "construction", "cooperative": "y",
            "initial_term_years": "", "renewal_options": "", "renewal_term_years": ""}
    for row in range(3):
        data.update({f"criteria-{row}-name": "", f"criteria-{row}-points": "",
                     f"items-{row}-description": "", f"items-{row}-unit": "", f"items-{row}-estimated_quantity": "",
                     f"notices-{row}-medium": "", f"notices-{row}-outlet": "", f"notices-{row}-published_on": ""})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def problems_under_submit(page: Page) -> list[str]:
    """The list shown under the "Submit for approval" button of the staff page."""
    form = next(f for f in page.find_all("form") if f.attrs.get("action", "").endswith("/status/pending_approval"))
    button = next(e for e in form.iter() if e.tag == "button")
    box = page.by_id(button.attrs["aria-describedby"])
    return [li.text for li in box.iter() if li.tag == "li"]


def test_an_unfinished_draft_is_saved_then_refused_for_approval_then_completed(app, agency, categories,
                                                                               audit_events):
    clock.freeze(TODAY)
    officer = client_for(app, agency.officer)
    assert officer.submit("/agency/solicitations/new", {"type": "rfp", "title": "Turf"}).status_code == 302
    with app.app_context():
        draft_id = db.session.scalar(select(Solicitation.id))
    edit = Page.of(officer.get(edit_url(draft_id)))
    assert [b.attrs["value"] for b in edit.find_all("input", type="submit")] == ["Save draft", "Save and finish later"]

    # Save and finish later: no dates, categories, criteria or lines; term fields left blank.
    response = officer.submit(edit_url(draft_id), unfinished_form())
    assert response.status_code == 302, Page.of(response).alert_text()
    assert response.headers["Location"].endswith(f"/agency/solicitations/{draft_id}")
    with app.app_context():
        s = db.session.get(Solicitation, draft_id)
        assert (s.status, s.title, s.summary) == (SolicitationStatus.DRAFT, "Turf replacement",
                                                  "Two fields, maybe three.")
        assert s.criteria == [] and s.items == [] and s.categories == [] and s.due_at is None
        assert (s.initial_term_years, s.renewal_options, s.renewal_term_years) == (1, 0, 1)
        number = s.number
    assert [e.action for e in audit_events(draft_id)][-1] == "solicitation.draft_saved"
    page = Page.of(officer.get(response.headers["Location"]))
    assert "Draft saved. It is not complete yet: what it still needs is listed under “Submit for approval”." \
        in page.root.text
    assert problems_under_submit(page) == MISSING
    # Listed among the agency's drafts.
    listing = Page.of(officer.get("/agency/solicitations/?status=draft"))
    [row] = [r for r in listing.find_all("tr") if number in r.text]
    assert "Turf replacement" in row.text and "Draft" in row.text

    # Submitting it for approval is refused with the list of what is missing, in words.
    response = officer.submit(f"/agency/solicitations/{draft_id}/status/pending_approval")
    assert response.status_code == 302
    page = Page.of(officer.get(response.headers["Location"]))
    assert "Submit for approval is not possible yet." in page.alert_text()
    for problem in MISSING:
        assert problem in page.alert_text()
    assert problems_under_submit(page) == MISSING
    with app.app_context():
        assert db.session.get(Solicitation, draft_id).status == SolicitationStatus.DRAFT
    assert "solicitation.pending_approval" not in [e.action for e in audit_events(draft_id)]

    # Partly completed, still to finish later: only what remains is listed.
    partly = unfinished_form(**{"due_at": "2027-03-16T14:00", "questions_due_at": "2027-03-05T16:00",
                                "categories": [str(categories[0].id)]})
    assert officer.submit(edit_url(draft_id), partly).status_code == 302
    page = Page.of(officer.get(f"/agency/solicitations/{draft_id}"))
    assert problems_under_submit(page) == MISSING[2:5]

    # Completed with "Save draft", it goes to approval.
    response = officer.submit(edit_url(draft_id), full_form([categories[0].id]))
    assert response.status_code == 302, Page.of(response).alert_text()
    response = officer.submit(f"/agency/solicitations/{draft_id}/status/pending_approval")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Solicitation, draft_id).status == SolicitationStatus.PENDING_APPROVAL
    assert "solicitation.pending_approval" in [e.action for e in audit_events(draft_id)]


def test_save_draft_still_checks_completeness(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    before = snapshot(app, draft.id)
    response = officer.submit(edit_url(draft.id), {k: v for k, v in unfinished_form().items() if k != "finish_later"})
    assert response.status_code == 200
    text = " ".join(Page.of(response).root.text.split())
    for message in ("Set the questions deadline.", "Set the due date and time.", "Choose at least one category.",
                    "The price sheet needs at least one item."):
        assert message in text, message
    assert snapshot(app, draft.id) == before


MALFORMED = {
    "no_title": ({"title": "  "}, "Enter a title."),
    "half_filled_item": ({"items-0-description": "Sod, Bermuda", "items-0-unit": ""},
                         "Enter the unit of this item, or clear the whole row."),
    "criterion_without_points": ({"criteria-0-name": "Price", "criteria-0-is_price": "y"},
                                 "Enter the points of this criterion, or clear the whole row."),
    "zero_quantity": ({"items-0-description": "Sod", "items-0-unit": "sq ft", "items-0-estimated_quantity": "0"},
                      "The quantity must be more than zero."),
    "questions_after_due": ({"due_at": "2027-03-05T15:00", "questions_due_at": "2027-03-05T16:00"},
                            "The questions deadline must come before the due date."),
    "script_in_scope": ({"scope_md": "<script>alert(1)</script>"}, "Remove “<script”"),
    "unknown_state": ({"eligible_states": "ZZ"}, "Unknown state code: ZZ."),
    "bad_term": ({"initial_term_years": "40"}, "Enter a whole number from 1 to 10."),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_finish_later_still_refuses_what_is_malformed(app, agency, categories, make_solicitation, case):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    before = snapshot(app, draft.id)
    changes, message = MALFORMED[case]
    response = officer.submit(edit_url(draft.id), unfinished_form(summary="Typed and kept", **changes))
    assert response.status_code == 200
    page = Page.of(response)
    assert message in " ".join(page.root.text.split())
    assert 'aria-invalid="true"' in page.html
    assert page.value("summary") == "Typed and kept"
    assert snapshot(app, draft.id) == before
