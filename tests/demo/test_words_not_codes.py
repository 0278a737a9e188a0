"""People read words, never enum values or codes: on the demo data, the main pages of every role
and the PDFs (certificate, award notice, solicitation, evaluation report, tabulation, receipt)
show no snake_case value (needs_action, under_evaluation, intent_to_award, non_responsive...).

Text is what a person reads or hears: the page's text outside <script>, <style> and <code> (rule
identifiers and rules versions are shown as code, like receipt numbers), visually hidden text
included, attributes (URLs, form values) excluded. File names, e-mail addresses and web addresses
are the user's own words and are left out."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from tests.conftest import login
from tests.demo.test_seed import _password, _seed

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b")
# Left out before matching: web and e-mail addresses, file names, rule identifiers (NC.coop_conditions.x).
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\b[\w.-]+\.(?:pdf|csv|xlsx|docx|png|jpe?g|ics|json)\b"
                       r"|\b[A-Z][A-Za-z0-9-]*(?:\.[a-z0-9_]+)+")
SKIPPED = {"script", "style", "code"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):  # noqa: ANN001
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def codes_in(text: str) -> list[str]:
    return sorted(set(SNAKE.findall(NOT_WORDS.sub(" ", text))))


def test_the_detector_finds_codes_and_spares_words():
    html = ('<p class="needs_action">Verdict: Needs action <a href="/x?status=under_evaluation">list</a>'
            '<code>NC.coop_conditions.board_approval</code> w9_form.pdf ann_smith@example.org</p>'
            '<script>var under_evaluation = 1;</script><span class="visually-hidden">intent_to_award</span>')
    assert codes_in(visible_text(html)) == ["intent_to_award"]
    assert codes_in("Findings [NC.coop_conditions.board_approval] Verdict Needs action") == []
    assert codes_in("Verdict Needs action (needs_action)") == ["needs_action"]


@pytest.fixture
def demo(app, runner):
    output = _seed(runner)
    return _password(output)


def _urls(app) -> dict[str, list[str]]:
    """The pages to read, by who reads them, from the demo's records."""
    from app.bids.models import Bid, BidVersion
    from app.contracts.models import Contract, Participation
    from app.solicitations.models import Solicitation, SolicitationStatus as S

    with app.app_context():
        solicitations = db.session.scalars(select(Solicitation)).all()
        public = [s for s in solicitations if s.is_public]
        opened = [s for s in solicitations if s.opened_at is not None]
        awarded = [s for s in solicitations if s.status == S.AWARDED]
        evaluated = [s for s in solicitations if s.status in (S.UNDER_EVALUATION, S.INTENT_TO_AWARD, S.AWARDED)]
        assert public and opened and awarded, "the demo has public, opened and awarded solicitations"
        contracts = db.session.scalars(select(Contract)).all()
        participations = db.session.scalars(select(Participation)).all()
        assert participations, "the demo has a participation (certificate)"
        blue_ridge_bids = db.session.scalars(select(Bid).join(Bid.vendor).where(
            Bid.vendor.has(name="Blue Ridge School Supply, Inc."))).all()
        receipts = [v.receipt_number for b in blue_ridge_bids for v in db.session.scalars(
            select(BidVersion).where(BidVersion.bid_id == b.id))]
        opened_bids = [(b.solicitation_id, b.id) for b in db.session.scalars(select(Bid).where(Bid.opened_at.is_not(None)))]
        anyone = ["/solicitations/", *[f"/solicitations/?status={st}" for st in ("closed", "awarded", "cancelled", "past")],
                  "/contracts/", "/bids/verify"]
        for s in public:
            anyone += [f"/solicitations/{s.number}", f"/solicitations/{s.number}/document.pdf"]
        for s in opened:
            anyone.append(f"/solicitations/{s.number}/results")
        for s in awarded:
            anyone += [f"/solicitations/{s.number}/award", f"/solicitations/{s.number}/award.pdf"]
        anyone += [f"/contracts/{c.number}" for c in contracts]
        staff = ["/agency/solicitations/"]
        for s in solicitations:
            staff.append(f"/agency/solicitations/{s.id}")
            if s.published_at:
                staff.append(f"/agency/solicitations/{s.id}/bids")
        for s in opened:
            staff += [f"/agency/solicitations/{s.id}/tabulation", f"/agency/solicitations/{s.id}/tabulation.pdf"]
        staff += [f"/agency/solicitations/{sid}/bids/{bid}" for sid, bid in opened_bids]
        for s in evaluated:
            staff += [f"/agency/solicitations/{s.id}/evaluation", f"/agency/solicitations/{s.id}/evaluation/report",
                      f"/agency/solicitations/{s.id}/evaluation/report.pdf", f"/agency/solicitations/{s.id}/award"]
        vendor = ["/vendor/bids", "/vendor/follows"]
        vendor += [f"/solicitations/{b.solicitation.number}/bid" for b in blue_ridge_bids]
        vendor += [f"/bids/receipts/{r}" for r in receipts] + [f"/bids/receipts/{r}.pdf" for r in receipts]
        vendor += [f"/solicitations/{s.number}/debriefing" for s in awarded]
        buyer = []
        for p in participations:
            number = p.contract.number
            buyer += [f"/contracts/{number}", f"/contracts/{number}/check", f"/contracts/{number}/join",
                      f"/contracts/{number}/purchases", f"/contracts/{number}/certificate.pdf"]
        lead = [f"/contracts/{p.contract.number}/certificate.pdf?agency={p.agency_id}" for p in participations]
        return {"anyone": anyone, "staff": staff + lead, "vendor": vendor, "buyer": buyer,
                "admin": ["/admin/organizations", "/organization", "/team", "/profile"]}


READERS = {
    "anyone": [None],
    "staff": ["procurement@acps.example", "approver@acps.example", "evaluator@acps.example",
              "agency.admin@acps.example"],
    "vendor": ["vendor.admin@blueridge.example", "bids@keystone-facilities.example"],
    "buyer": ["buyer@pvs.example", "agency.admin@pvs.example"],
    "admin": ["admin@coopbid.example", "agency.admin@acps.example", "vendor.admin@blueridge.example"],
}
MUST_READ = ("/vendor/bids", "/debriefing", "/award", "/award.pdf", "/evaluation", "/certificate.pdf",
             "/results", "/solicitations/", "/tabulation.pdf", "/evaluation/report.pdf")


def test_no_page_or_pdf_shows_a_code_to_a_person(app, demo):
    urls = _urls(app)
    found: dict[str, list[str]] = {}
    read: set[str] = set()
    clients: dict = {}  # one sign-in per person: sign-ins are rate-limited
    for group, emails in READERS.items():
        for email in emails:
            if email not in clients:
                clients[email] = app.test_client()
                if email:
                    assert login(clients[email], email, demo).status_code == 302, email
            client = clients[email]
            for url in urls[group]:
                response = client.get(url)
                if response.status_code != 200:
                    continue  # not this reader's page (a 403 or 404 is checked elsewhere)
                read.add(url)
                if response.mimetype == "application/pdf":
                    text = pdf_text(response.data)
                elif response.mimetype == "text/html":
                    text = visible_text(response.get_data(as_text=True))
                else:
                    continue
                codes = codes_in(text)
                if codes:
                    found[f"{email or 'anonymous'} {url}"] = codes
    assert not found, found
    for suffix in MUST_READ:
        assert any(url.split("?")[0].endswith(suffix) for url in read), suffix
    assert len(read) >= 40, sorted(read)
