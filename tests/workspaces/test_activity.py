"""The activity in words: every audit action the code records has a sentence (this test fails when
a new action has none); people read sentences, never codes; newest first; links only where the
reader may go; a sealed bid stays sealed."""
from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.wording import WORDING
from app.audit.services import record
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.conftest import login
from tests.workspaces.conftest import text_of

APP = Path(__file__).resolve().parents[2] / "app"


def _enum_values(enum_path: str) -> list[str]:
    module, name = enum_path.rsplit(".", 1)
    return [member.value for member in getattr(__import__(module, fromlist=[name]), name)]


# record() calls whose action is computed: the literal prefix of the f-string -> the enum whose
# values complete it; a variable holding the action -> the actions it holds (file, name).
DYNAMIC_PREFIXES = {
    "solicitation.": "app.solicitations.models.SolicitationStatus",
    "protest.": "app.awards.models.ProtestStatus",
    "bid.": "app.bids.models.Responsiveness",
}
DYNAMIC_NAMES = {("bids/submission.py", "action"): ["bid.submitted", "bid.modified", "bid.withdrawn"]}
RECORDING_HELPERS = {"record", "_audit"}  # bids.submission._audit(action, ...) calls record(action, ...)


def _string_constants() -> dict[str, str]:
    """Module-level NAME = "..." assignments across app/ (REGISTERED_ACTION and the like)."""
    found = {}
    for path in APP.rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def _actions(node: ast.expr, path: str, constants: dict[str, str]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _actions(node.body, path, constants) + _actions(node.orelse, path, constants)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefix = node.values[0].value
        assert prefix in DYNAMIC_PREFIXES and len(node.values) == 2, \
            f"{path}: record({ast.unparse(node)}) — say which actions it records in DYNAMIC_PREFIXES"
        return [prefix + value for value in _enum_values(DYNAMIC_PREFIXES[prefix])]
    if isinstance(node, ast.Name):
        if node.id in constants:
            return [constants[node.id]]
        key = (path, node.id)
        assert key in DYNAMIC_NAMES, f"{path}: record({node.id}) — say which actions it records in DYNAMIC_NAMES"
        return DYNAMIC_NAMES[key]
    raise AssertionError(f"{path}: record({ast.unparse(node)}) — an action this test cannot read")


def recorded_actions() -> set[str]:
    constants = _string_constants()
    actions: set[str] = set()
    for path in APP.rglob("*.py"):
        relative = str(path.relative_to(APP))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RECORDING_HELPERS \
                    and node.args:
                actions.update(_actions(node.args[0], relative, constants))
    return actions


def test_every_recorded_action_has_its_sentence():
    actions = recorded_actions()
    assert len(actions) > 60  # the scan found the record() calls
    missing = sorted(actions - set(WORDING))
    assert not missing, f"audit actions without wording in app/audit/wording.py WORDING: {missing}"
    stale = sorted(set(WORDING) - actions)
    assert not stale, f"wording for actions nothing records any more: {stale}"


@pytest.fixture
def viewer_context(app, make_user):
    """A request context signed in as a platform administrator (who sees every event)."""
    from flask_login import login_user

    from app.accounts.models import User

    admin = make_user(Role.ADMIN, name="Pat Platform")
    with app.test_request_context():
        user = db.session.get(User, admin.id)
        login_user(user)
        yield user


@pytest.mark.parametrize("action", sorted(WORDING))
def test_each_sentence_reads_without_its_data_and_shows_no_code(app, viewer_context, action):
    from app.audit.activity import describe

    event = record(action, actor=viewer_context, data={})
    db.session.flush()
    [activity] = describe([event], viewer_context)
    assert activity.text.endswith("."), activity.text
    assert action not in activity.text and "_" not in activity.text and "None" not in activity.text


def _events_sentences(app, user_id: int) -> list[str]:
    from app.accounts.models import User
    from app.audit.activity import recent_for

    with app.test_request_context():
        return [a.text for a in recent_for(db.session.get(User, user_id), limit=50)]


def test_dashboard_activity_is_in_words_newest_first_and_linked(app, client, world, agency):
    published = world.make_solicitation("published", title="Science kits")
    world.bid(published, world.vendors[0])
    world.question(published, world.vendors[0], "Is freight included?")
    clock.advance(timedelta(minutes=1))
    draft = world.make_solicitation("pending_approval", title="Music stands")
    world.move(draft, "draft", actor=agency.approver, note="Split the lots.")

    login(client, agency.officer)
    page = client.get("/dashboard").get_data(as_text=True)
    table = page[page.index("Your recent activity"):]
    text = text_of(table)
    sentences = [f"You submitted {draft.number} for approval.", f"You published {published.number}.",
                 f"You submitted {published.number} for approval.", f"You created the draft {published.number}: "
                 "“Science kits”."]
    positions = [text.index(s) for s in sentences]
    assert positions == sorted(positions), text  # newest first
    assert "You signed in." in text
    assert f'<a href="/agency/solicitations/{draft.id}">{draft.number}</a>' in table
    assert not re.search(r"\b(solicitation|auth|bid|question)\.[a-z_]+", text), text  # no audit code

    approver = app.test_client()
    login(approver, agency.approver)
    text = text_of(approver.get("/dashboard").get_data(as_text=True))
    assert f"You returned {draft.number} to draft: “Split the lots.”." in text
    assert f"You approved {published.number}." in text


def test_a_vendor_reads_its_bid_and_question_with_the_receipt_linked(app, world):
    from app.bids.models import BidVersion

    published = world.make_solicitation("published", title="Science kits")
    vendor = world.vendors[0]
    world.bid(published, vendor)
    world.question(published, vendor, "Is freight included?")
    with app.app_context():
        receipt = db.session.scalar(select(BidVersion.receipt_number))
    client = app.test_client()
    login(client, vendor)
    page = client.get("/dashboard").get_data(as_text=True)
    text = text_of(page)
    assert f"You submitted a bid on {published.number} (receipt {receipt})." in text
    assert f'<a href="/bids/receipts/{receipt}">{receipt}</a>' in page
    assert f'<a href="/solicitations/{published.number}#questions">' in page
    assert text.index("You asked a question about") < text.index("You submitted a bid on")  # newest first


def test_sample_sentences_of_contracts_and_purchases(app, make_user, make_org):
    from app.accounts.models import User
    from app.audit.activity import describe

    buyer = make_user(Role.BUYER, name="Jordan Blake")
    with app.test_request_context():
        from flask_login import login_user

        user = db.session.get(User, buyer.id)
        login_user(user)
        events = [
            record("purchase.recorded", actor=user, data={"contract": "ACPS-IFB-2026-005-C01",
                                                          "po_number": "FRSD-PO-27-0001", "amount": "1250.00"}),
            record("compliance.checked", actor=user, data={"contract": "ACPS-IFB-2026-005-C01",
                                                           "verdict": "needs_action"}),
            record("contract.joined", actor=user, data={"contract": "ACPS-IFB-2026-005-C01",
                                                        "agency": "Frederick Regional School District"}),
        ]
        db.session.flush()
        texts = [a.text for a in describe(events, user)]
        html = [str(a.sentence) for a in describe(events, user)]
    assert texts == [
        "You recorded purchase order FRSD-PO-27-0001 on contract ACPS-IFB-2026-005-C01 ($1,250.00).",
        "You checked whether contract ACPS-IFB-2026-005-C01 may be used: allowed once the listed actions are done.",
        "You joined contract ACPS-IFB-2026-005-C01 for Frederick Regional School District.",
    ]
    assert '<a href="/contracts/ACPS-IFB-2026-005-C01/purchases">FRSD-PO-27-0001</a>' in html[0]
    assert '<a href="/contracts/ACPS-IFB-2026-005-C01">ACPS-IFB-2026-005-C01</a>' in html[0]


def test_links_follow_what_the_reader_may_see(app, world, agency, other_agency):
    """A draft links to the staff page for its agency's staff, and to nothing for anyone else."""
    from app.accounts.models import User
    from app.audit.activity import describe
    from app.audit.models import AuditEvent

    draft = world.make_solicitation("draft", title="Music stands")
    with app.test_request_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "solicitation.created")))
        mine = describe(events, db.session.get(User, agency.admin.id))
        theirs = describe(events, db.session.get(User, other_agency.admin.id))
    assert f'href="/agency/solicitations/{draft.id}"' in str(mine[0].sentence)
    assert "href" not in str(theirs[0].sentence)
    assert mine[0].text == theirs[0].text
    assert theirs[0].text == f"Olive Officer created the draft {draft.number}: “Music stands”."


def test_the_audit_page_reads_in_words_and_keeps_the_chain(app, world, agency, make_user):
    published = world.make_solicitation("published", title="Science kits")
    world.bid(published, world.vendors[0])
    client = app.test_client()
    login(client, make_user(Role.ADMIN, name="Pat Platform"))
    page = client.get("/audit/").get_data(as_text=True)
    text = text_of(page)
    assert f"Olive Officer published {published.number}." in text
    assert "Sealed" not in text and "stay out of this list until the bids are opened" in text  # the bid: no trace
    assert "Alpha Supply" not in text
    assert "You signed in." in text
    assert not re.search(r"\b(solicitation|auth|bid|evaluation)\.[a-z_]+\b", text), "an audit code is shown"
    assert "From: Approved" in text and "To: Published" in text  # the details, in words too
    assert "pending_approval" not in text and "under_evaluation" not in text
    assert re.search(r'class="audit-hash" title="[0-9a-f]{64}"', page)  # the chain stays visible
    assert "Verify the hash chain" in text
    # The filter offers families in words and keeps filtering by the stored prefix.
    filtered = text_of(client.get("/audit/?action=solicitation.").get_data(as_text=True))
    assert f"Olive Officer published {published.number}." in filtered and "You signed in." not in filtered
    assert "Solicitations" in filtered
