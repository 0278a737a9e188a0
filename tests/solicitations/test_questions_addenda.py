"""Questions and answers, and addenda with their acknowledgements, through the public and
staff pages: deadlines from the clock, who may do what, what the public sees, who is e-mailed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.notifications.services import deliver_outbox
from app.solicitations import services
from app.solicitations.communications import Addendum, AddendumAcknowledgement, Follow, Question
from app.solicitations.models import Solicitation
from tests.accounts.helpers import Page, assert_field_error
from tests.conftest import login

UTC = timezone.utc
NOW = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)


def client_for(app, user):
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def local_input(tz: str, value: datetime) -> str:
    """How a datetime-local control in the agency's zone shows `value`."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def deliver(app) -> None:
    with app.app_context():
        deliver_outbox()


def mail_to(outbox, subject_part: str) -> list[str]:
    return sorted(m["To"] for m in outbox if subject_part in m["Subject"])


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def dates(app, solicitation_id: int) -> tuple[datetime, datetime]:
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return s.questions_due_at, s.due_at


@pytest.fixture
def make_vendor(make_org, make_user):
    """make_vendor(name) -> a vendor_admin UserInfo in a new vendor organization called `name`."""

    def make(name: str, *, email: str | None = None, person: str = "Vera Vendor"):
        org_id = make_org(OrganizationKind.VENDOR, name=name)
        return make_user(Role.VENDOR_ADMIN, org_id=org_id, email=email, name=person)

    return make


@pytest.fixture
def published(make_solicitation):
    """An RFP published at NOW: questions due in 14 days, bids in 21 (agency's local times)."""
    clock.freeze(NOW)
    return make_solicitation("published")


# ----------------------------------------------------------------------------- questions
def test_vendor_asks_a_question_before_the_deadline(app, published, vendor):
    client = client_for(app, vendor)
    detail = Page.of(client.get(f"/solicitations/{published.number}"))
    assert detail.controls("body"), "the question form is offered"
    assert "Follow" in detail.html and "Stop following" not in detail.html

    response = client.submit(f"/solicitations/{published.number}/questions",
                             {"body": "  May we propose an alternate 65-inch display?  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/solicitations/{published.number}#questions")

    with app.app_context():
        [question] = db.session.scalars(select(Question)).all()
        assert question.solicitation_id == published.id
        assert question.vendor_id == vendor.organization_id and question.asked_by_id == vendor.id
        assert question.body == "May we propose an alternate 65-inch display?"
        assert question.asked_at == NOW and question.answered_at is None and question.answer is None
        # Asking makes the vendor follow the solicitation.
        assert db.session.scalar(select(Follow.id).filter_by(user_id=vendor.id, solicitation_id=published.id))
        question_id = question.id
    [event] = events(app, "question.asked")
    assert (event.actor_id, event.organization_id, event.object_type, event.object_id) == \
        (vendor.id, vendor.organization_id, "questions", str(question_id))
    assert event.data == {"solicitation": published.number}

    page = client.get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "Stop following" in page
    # Not answered yet: not public, not even to the vendor who asked.
    assert "alternate 65-inch" not in page
    assert "alternate 65-inch" not in app.test_client().get(f"/solicitations/{published.number}").get_data(as_text=True)


def test_a_blank_question_is_refused(app, published, vendor):
    client = client_for(app, vendor)
    response = client.submit(f"/solicitations/{published.number}/questions", {"body": "   \n  "})
    assert response.status_code == 200
    assert_field_error(Page.of(response), "body", "Write your question.")
    assert count(app, Question) == 0


@pytest.mark.parametrize("after", [timedelta(0), timedelta(minutes=1), timedelta(days=3)])
def test_questions_after_the_deadline_are_refused(app, published, vendor, after):
    client = client_for(app, vendor)
    questions_due, due = dates(app, published.id)
    clock.freeze(questions_due + after)
    assert clock.now() < due  # still open for bids

    page = client.get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "The deadline for questions has passed." in page
    assert 'name="body"' not in page

    response = client.submit(f"/solicitations/{published.number}/questions",
                             {"body": "Is it too late to ask?"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The deadline for questions has passed" in html
    assert "Is it too late to ask?" in html  # what the vendor typed is not lost
    assert count(app, Question) == 0
    assert count(app, Follow) == 0


def test_a_question_a_minute_before_the_deadline_is_accepted(app, published, vendor):
    client = client_for(app, vendor)
    questions_due, _ = dates(app, published.id)
    clock.freeze(questions_due - timedelta(minutes=1))
    response = client.submit(f"/solicitations/{published.number}/questions", {"body": "Just in time?"})
    assert response.status_code == 302
    assert count(app, Question) == 1


@pytest.mark.parametrize("who", ["officer", "evaluator", "other_officer"])
def test_agency_users_cannot_ask_questions(app, published, other_agency, who):
    user = {"officer": published.agency.officer, "evaluator": published.agency.evaluator,
            "other_officer": other_agency.officer}[who]
    client = client_for(app, user)
    response = client.submit(f"/solicitations/{published.number}/questions", {"body": "Can I ask?"})
    assert response.status_code == 403
    assert count(app, Question) == 0
    assert count(app, Follow) == 0


def test_anonymous_visitors_are_asked_to_sign_in(app, client, published):
    page = client.get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "as a registered vendor to ask questions" in page
    response = client.submit(f"/solicitations/{published.number}/questions", {"body": "Hello?"})
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    assert count(app, Question) == 0


def test_staff_answer_publishes_the_answer_without_the_askers_identity(app, published, make_vendor,
                                                                      categories, outbox):
    asker = make_vendor("Acme Widgets Holdings", email="pat.asker@acme-widgets.example", person="Pat Asker")
    follower = make_vendor("Bluebird Supply")
    category_follower = make_vendor("Cardinal Office")
    vendor_client = client_for(app, asker)
    assert client_for(app, follower).submit(f"/solicitations/{published.number}/follow").status_code == 302
    assert client_for(app, category_follower).submit(
        "/vendor/follows", {"category": [str(categories[0].id)]}).status_code == 302
    for body in ("Is installation included in the unit price?", "Who pays for shipping to remote sites?"):
        assert vendor_client.submit(f"/solicitations/{published.number}/questions",
                                    {"body": body}).status_code == 302
    with app.app_context():
        first, second = db.session.scalars(select(Question).order_by(Question.id)).all()
        first_id, second_id = first.id, second.id

    officer = client_for(app, published.agency.officer)
    manage = officer.get(f"/agency/solicitations/{published.id}").get_data(as_text=True)
    assert "Acme Widgets Holdings (not shown publicly)" in manage  # staff know who asked
    clock.advance(timedelta(hours=2))
    response = officer.submit(f"/agency/solicitations/{published.id}/questions/{first_id}/answer",
                              {"answer": "  Yes: delivery, installation and removal of the old board.  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agency/solicitations/{published.id}#questions")

    with app.app_context():
        first = db.session.get(Question, first_id)
        assert first.answer == "Yes: delivery, installation and removal of the old board."
        assert first.answered_at == NOW + timedelta(hours=2)
        assert first.answered_by_id == published.agency.officer.id
        assert db.session.get(Question, second_id).answered_at is None
    [event] = events(app, "question.answered")
    assert event.actor_id == published.agency.officer.id and event.object_id == str(first_id)
    assert event.data == {"solicitation": published.number, "revised": False}

    for viewer in (app.test_client(), client_for(app, follower), vendor_client):
        page = viewer.get(f"/solicitations/{published.number}").get_data(as_text=True)
        assert "Is installation included in the unit price?" in page
        assert "Yes: delivery, installation and removal of the old board." in page
        # The unanswered question is not public.
        assert "Who pays for shipping" not in page
    # Nobody but the asker's own session sees who asked.
    for viewer in (app.test_client(), client_for(app, follower)):
        page = viewer.get(f"/solicitations/{published.number}").get_data(as_text=True)
        for secret in ("Acme Widgets", "Pat Asker", "pat.asker@acme-widgets.example", "acme-widgets"):
            assert secret not in page, secret

    # Followers of the solicitation are told; a follower of a category only is not.
    deliver(app)
    answered = [m for m in outbox if m["Subject"] == f"Question answered on {published.number}"]
    assert sorted(m["To"] for m in answered) == sorted([asker.email, follower.email])
    for message in answered:
        body = message.get_body(("plain",)).get_content()
        assert "Is installation included" in body and "Yes: delivery, installation" in body
        assert "Acme Widgets" not in body or message["To"] == asker.email
        assert "pat.asker@" not in body or message["To"] == asker.email
    assert category_follower.email not in [m["To"] for m in outbox if "Question answered" in m["Subject"]]


def test_answer_checks(app, published, vendor, other_agency):
    client = client_for(app, vendor)
    assert client.submit(f"/solicitations/{published.number}/questions", {"body": "Warranty length?"}).status_code == 302
    with app.app_context():
        question_id = db.session.scalar(select(Question.id))
    url = f"/agency/solicitations/{published.id}/questions/{question_id}/answer"

    # Only the agency's officers answer.
    for user in (published.agency.evaluator, published.agency.approver, vendor):
        assert client_for(app, user).submit(url, {"answer": "Five years."}).status_code == 403
    # Another agency's officer: 404, as for an id that does not exist.
    assert client_for(app, other_agency.officer).submit(url, {"answer": "Five years."}).status_code == 404
    officer = client_for(app, published.agency.officer)
    # A blank answer is refused with a message.
    response = officer.submit(url, {"answer": "   "}, follow_redirects=True)
    assert "Write the answer before publishing it." in response.get_data(as_text=True)
    # A question of another solicitation is not found under this one.
    other = officer.submit(f"/agency/solicitations/{published.id + 999}/questions/{question_id}/answer",
                           {"answer": "x"})
    assert other.status_code == 404
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question.answered_at is None and question.answer is None
    assert events(app, "question.answered") == []


# ----------------------------------------------------------------------------- addenda
def test_addenda_extend_the_due_date_are_numbered_and_e_mailed(app, published, make_vendor, categories,
                                                              outbox):
    tz = published.agency.timezone
    questions_due, old_due = dates(app, published.id)
    solicitation_follower = make_vendor("Follows The Solicitation")
    category_follower = make_vendor("Follows A Category")
    both = make_vendor("Follows Both Categories And It")
    nothing = make_vendor("Follows Nothing")
    elsewhere = make_vendor("Follows Another Category")
    assert client_for(app, solicitation_follower).submit(f"/solicitations/{published.number}/follow").status_code == 302
    assert client_for(app, category_follower).submit(
        "/vendor/follows", {"category": [str(categories[1].id)]}).status_code == 302
    both_client = client_for(app, both)
    assert both_client.submit("/vendor/follows", {"category": [str(categories[0].id), str(categories[1].id)]}
                              ).status_code == 302
    assert both_client.submit(f"/solicitations/{published.number}/follow").status_code == 302
    assert client_for(app, elsewhere).submit(
        "/vendor/follows", {"category": [str(categories[2].id)]}).status_code == 302
    client_for(app, nothing)

    officer = client_for(app, published.agency.officer)
    new_due = old_due + timedelta(days=7)
    response = officer.submit(f"/agency/solicitations/{published.id}/addenda", {
        "title": "Revised delivery schedule", "body_md": "Deliveries move to **Tuesdays**.",
        "new_due_at": local_input(tz, new_due), "new_questions_due_at": ""})
    assert response.status_code == 302, Page.of(response).alert_text()
    assert response.headers["Location"].endswith(f"/agency/solicitations/{published.id}#addenda")

    with app.app_context():
        s = db.session.get(Solicitation, published.id)
        assert s.due_at == new_due and s.questions_due_at == questions_due
        [first] = s.addenda
        assert (first.number, first.title, first.body_md) == (1, "Revised delivery schedule",
                                                              "Deliveries move to **Tuesdays**.")
        assert first.previous_due_at == old_due and first.new_due_at == new_due
        assert first.new_questions_due_at is None
        assert first.published_at == NOW and first.issued_by_id == published.agency.officer.id
        first_id = first.id
    [event] = events(app, "addendum.issued")
    assert (event.object_type, event.object_id, event.organization_id) == ("addenda", str(first_id),
                                                                          published.agency.id)
    assert event.data["number"] == 1 and event.data["new_due_at"] == new_due.isoformat()

    deliver(app)
    subject = f"Addendum 1 to {published.number}"
    assert mail_to(outbox, subject) == sorted([solicitation_follower.email, category_follower.email,
                                               both.email])  # once each, whatever they follow
    body = next(m for m in outbox if subject in m["Subject"]).get_body(("plain",)).get_content()
    assert "Revised delivery schedule" in body and "acknowledge" in body

    # A second addendum, moving the questions deadline only.
    new_questions_due = questions_due + timedelta(days=2)
    response = officer.submit(f"/agency/solicitations/{published.id}/addenda", {
        "title": "Answers to questions", "body_md": "See the questions page.", "new_due_at": "",
        "new_questions_due_at": local_input(tz, new_questions_due)})
    assert response.status_code == 302
    with app.app_context():
        s = db.session.get(Solicitation, published.id)
        assert [a.number for a in s.addenda] == [1, 2]
        second = s.addenda[1]
        assert second.previous_due_at is None and second.new_due_at is None
        assert second.new_questions_due_at == new_questions_due
        assert s.due_at == new_due and s.questions_due_at == new_questions_due

    page = app.test_client().get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "Addendum 1: Revised delivery schedule" in page and "Addendum 2: Answers to questions" in page
    assert "Deliveries move to <strong>Tuesdays</strong>." in page
    assert "due date moved from" in page


def test_acknowledgement_is_per_vendor_organization_and_idempotent(app, published, make_vendor, make_user):
    first_user = make_vendor("Granite Supply")
    colleague = make_user(Role.VENDOR_USER, org_id=first_user.organization_id, name="Colleague")
    rival = make_vendor("Rival Supply")
    with app.test_request_context():
        officer = db.session.get(User, published.agency.officer.id)
        s = db.session.get(Solicitation, published.id)
        services.issue_addendum(officer, s, title="Clarification", body_md="Line 1 is per case.")
        db.session.commit()

    def pending(vendor_id: int) -> list[int]:
        with app.app_context():
            return [a.number for a in services.unacknowledged_addenda(
                vendor_id, db.session.get(Solicitation, published.id))]

    assert pending(first_user.organization_id) == [1] and pending(rival.organization_id) == [1]
    client = client_for(app, first_user)
    page = client.get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "Acknowledge addendum 1" in page

    url = f"/solicitations/{published.number}/addenda/1/acknowledge"
    response = client.submit(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/solicitations/{published.number}#addenda")
    assert pending(first_user.organization_id) == [] and pending(rival.organization_id) == [1]

    # The colleague sees it acknowledged for their organization; acknowledging again changes nothing.
    colleague_client = client_for(app, colleague)
    page = colleague_client.get(f"/solicitations/{published.number}").get_data(as_text=True)
    assert "Acknowledge addendum 1" not in page and "Acknowledged by Granite Supply" in page
    assert colleague_client.submit(url).status_code == 302
    assert client.submit(url).status_code == 302
    with app.app_context():
        [ack] = db.session.scalars(select(AddendumAcknowledgement)).all()
        assert (ack.vendor_id, ack.user_id, ack.acknowledged_at) == (first_user.organization_id,
                                                                     first_user.id, NOW)
    assert len(events(app, "addendum.acknowledged")) == 1

    # The rival still has to acknowledge; a later addendum is pending for everybody again.
    assert "Acknowledge addendum 1" in client_for(app, rival).get(
        f"/solicitations/{published.number}").get_data(as_text=True)
    with app.test_request_context():
        officer = db.session.get(User, published.agency.officer.id)
        services.issue_addendum(officer, db.session.get(Solicitation, published.id), title="Second",
                                body_md="More.")
        db.session.commit()
    assert pending(first_user.organization_id) == [2] and pending(rival.organization_id) == [1, 2]

    # Only vendors acknowledge, and only addenda that exist.
    assert client_for(app, published.agency.officer).submit(url).status_code == 403
    assert client.submit(f"/solicitations/{published.number}/addenda/9/acknowledge").status_code == 404
    anonymous = app.test_client().submit(url)
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.headers["Location"]
    assert count(app, AddendumAcknowledgement) == 1


def _addendum_form(tz: str, **dates_utc) -> dict:
    form = {"title": "Schedule change", "body_md": "The dates change.", "new_due_at": "",
            "new_questions_due_at": ""}
    form.update({name: local_input(tz, value) for name, value in dates_utc.items()})
    return form


@pytest.mark.parametrize(("case", "field", "message"), [
    ("due_in_the_past", "new_due_at", "The new due date must be in the future."),
    ("due_before_questions_deadline", "new_due_at", "The questions deadline must come before the due date."),
    ("due_equal_to_questions_deadline", "new_due_at", "The questions deadline must come before the due date."),
    ("questions_after_due", "new_questions_due_at", "The questions deadline must come before the due date."),
])
def test_bad_addendum_dates_are_refused(app, published, case, field, message):
    tz = published.agency.timezone
    questions_due, due = dates(app, published.id)
    values = {
        "due_in_the_past": {"new_due_at": NOW - timedelta(days=1)},
        "due_before_questions_deadline": {"new_due_at": questions_due - timedelta(days=2)},
        "due_equal_to_questions_deadline": {"new_due_at": questions_due},
        "questions_after_due": {"new_questions_due_at": due + timedelta(hours=1)},
    }[case]
    officer = client_for(app, published.agency.officer)
    response = officer.submit(f"/agency/solicitations/{published.id}/addenda", _addendum_form(tz, **values))
    assert response.status_code == 200
    page = assert_field_error(Page.of(response), field, message)
    assert page.value("title") == "Schedule change"  # what was typed is kept
    assert count(app, Addendum) == 0
    assert dates(app, published.id) == (questions_due, due)
    assert events(app, "addendum.issued") == []


def test_no_addendum_on_a_draft(app, make_solicitation):
    clock.freeze(NOW)
    draft = make_solicitation()
    officer = client_for(app, draft.agency.officer)
    before = dates(app, draft.id)
    page = officer.get(f"/agency/solicitations/{draft.id}").get_data(as_text=True)
    assert "Issue an addendum" not in page
    response = officer.submit(f"/agency/solicitations/{draft.id}/addenda",
                              _addendum_form(draft.agency.timezone, new_due_at=before[1] + timedelta(days=3)))
    assert response.status_code == 200
    assert "Addenda can be issued only while the solicitation is open for bids." in response.get_data(as_text=True)
    assert count(app, Addendum) == 0 and dates(app, draft.id) == before


@pytest.mark.parametrize("status", ["published", "closed"])
def test_no_addendum_after_the_deadline(app, make_solicitation, status):
    clock.freeze(NOW)
    s = make_solicitation(status)
    questions_due, due = dates(app, s.id)
    clock.freeze(due + timedelta(minutes=1))  # the scheduler may not have closed it yet
    officer = client_for(app, s.agency.officer)
    response = officer.submit(f"/agency/solicitations/{s.id}/addenda",
                              _addendum_form(s.agency.timezone, new_due_at=due + timedelta(days=7)))
    assert response.status_code == 200
    assert "Addenda can be issued only while the solicitation is open for bids." in response.get_data(as_text=True)
    assert count(app, Addendum) == 0 and dates(app, s.id) == (questions_due, due)


@pytest.mark.parametrize("who", ["evaluator", "approver", "buyer", "vendor", "other_officer"])
def test_only_officers_issue_addenda(app, published, vendor, other_agency, who):
    user = {"evaluator": published.agency.evaluator, "approver": published.agency.approver,
            "buyer": published.agency.buyer, "vendor": vendor, "other_officer": other_agency.officer}[who]
    _, due = dates(app, published.id)
    client = client_for(app, user)
    response = client.submit(f"/agency/solicitations/{published.id}/addenda",
                             _addendum_form(published.agency.timezone, new_due_at=due + timedelta(days=3)))
    assert response.status_code == (404 if who == "other_officer" else 403)  # another agency's: as if missing
    assert count(app, Addendum) == 0


def test_the_agency_admin_may_issue_an_addendum(app, published):
    admin = client_for(app, published.agency.admin)
    response = admin.submit(f"/agency/solicitations/{published.id}/addenda",
                            {"title": "Clarification", "body_md": "Line 2 is per box."})
    assert response.status_code == 302
    assert count(app, Addendum) == 1


def test_addendum_text_is_checked_like_any_markdown(app, published):
    officer = client_for(app, published.agency.officer)
    response = officer.submit(f"/agency/solicitations/{published.id}/addenda",
                              {"title": "   ", "body_md": "<iframe src=https://evil.example></iframe>"})
    assert response.status_code == 200
    page = Page.of(response)
    assert_field_error(page, "title", "Give the addendum a title.")
    assert_field_error(page, "body_md", "Remove “<iframe”")
    assert count(app, Addendum) == 0
