"""Sealed-bid canary: plant unique strings in one vendor's bid (prices, notes, files, file names,
the vendor's own name), then request every route of the URL map, with realistic ids, as every
role and as anonymous before the opening. None of the canaries may show up in any response body
or header (nor in the signed session cookie, nor inside PDFs and ZIPs, nor in anyone else's
e-mail). After the opening, the agency's staff see them all.

The bidder's name is checked differentially: some pages list every organization whatever it
does (the platform admin's organization list), so a (role, request) leaks the name only when the
same request, made before the bidder saved or submitted anything, did not show it already.
Prices, notes and file canaries must never appear at all."""
from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import unquote, urlencode

import pytest
from sqlalchemy import select, update

from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db, limiter
from app.solicitations.models import SolicitationStatus
from tests.bids.conftest import make_pdf
from tests.conftest import login

# ----------------------------------------------------------------------------- the canaries
BIDDER_NAME = "Canaryvendor Zq7x LLC"
BIDDER_PERSON = "Quentin Canaryvendor"  # the bidder's people carry the name too
BIDDER_DOMAIN = "canaryvendor-zq7x.example"
NOTES = "Delivery within 5 business days. notescanary-Vq8RwT3k: no exceptions to the terms."
FILE_CANARIES = {"w9_v1": "filecanary-Lm4ZpX9c-first-w9", "w9_v2": "filecanary-Lm4ZpX9c-second-w9",
                 "bond": "filecanary-Lm4ZpX9c-bid-bond"}
FILE_NAMES = {"w9_v1": "w9-fncanary-Hd7Q-a.pdf", "w9_v2": "w9-fncanary-Hd7Q-b.pdf",
              "bond": "bond-fncanary-Hd7Q-c.pdf"}
PRICE_1 = "987654.3217"  # line 1 (1200 cases), both versions
PRICE_2_V1 = "43219.8765"  # line 2 (300 each), version 1
PRICE_2_V2 = "54321.0987"  # line 2, version 2 (the modification)

TITLE = "Office supplies and paper"  # make_solicitation's default title
CENTS = Decimal("0.01")


def _price_forms(value: Decimal) -> set[str]:
    """Every way a page might print a price: 4/3/2 decimals, with and without separators."""
    forms = set()
    for places in (4, 3, 2):
        q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        forms |= {f"{q:f}", f"{q:,f}"}
    return forms


def _money_forms(value: Decimal) -> set[str]:
    q = value.quantize(CENTS, rounding=ROUND_HALF_UP)
    return {f"{q:f}", f"{q:,f}"}


def _ext(price: str, quantity: int) -> Decimal:
    return (Decimal(price) * quantity).quantize(CENTS, rounding=ROUND_HALF_UP)


def secret_needles() -> dict[str, str]:
    """needle (lower case) -> what it is. None of these may appear anywhere before the opening."""
    needles = {"notescanary-vq8rwt3k": "notes canary", "filecanary-lm4zpx9c": "file content canary",
               "fncanary-hd7q": "file name canary"}
    for label, price in (("line 1 price", PRICE_1), ("line 2 price v1", PRICE_2_V1),
                         ("line 2 price v2", PRICE_2_V2)):
        needles.update({form: f"{label} ({form})" for form in _price_forms(Decimal(price))})
    e1, e2a, e2b = _ext(PRICE_1, 1200), _ext(PRICE_2_V1, 300), _ext(PRICE_2_V2, 300)
    for label, value in (("line 1 extended", e1), ("line 2 extended v1", e2a), ("line 2 extended v2", e2b),
                         ("total v1", e1 + e2a), ("total v2", e1 + e2b)):
        needles.update({form: f"{label} ({form})" for form in _money_forms(value)})
    return needles


# One long token: shorter ones would turn up by chance in random tokens (CSRF, cookies).
NAME_NEEDLES = {"canaryvendor": "bidder name"}
SECRETS = secret_needles()


# ----------------------------------------------------------------------------- reading responses
def _pdf_texts(data: bytes) -> list[str]:
    """The content streams of a PDF, decoded (ReportLab: ASCII85 and/or Flate)."""
    texts = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        attempts = [raw]
        if raw.endswith(b"~>"):
            try:
                attempts.append(base64.a85decode(raw[:-2].replace(b"\n", b"").replace(b"\r", b""),
                                                 adobe=False))
            except ValueError:
                pass
        for attempt in list(attempts):
            try:
                attempts.append(zlib.decompress(attempt))
            except zlib.error:
                pass
        texts += [a.decode("latin-1") for a in attempts]
    return texts


def _zip_texts(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    except zipfile.BadZipFile:
        return []


def haystack(app, response) -> str:
    """Everything a response discloses, lower-cased: headers (also URL-decoded), the body (also
    HTML-unescaped; PDF streams and ZIP members unpacked) and the signed session cookie."""
    data = response.get_data()
    # Raw cookie values are signed base64 (random-looking text): the session is decoded below.
    parts = [f"{k}: {v}" for k, v in response.headers.items() if k.lower() != "set-cookie"]
    parts.append(unquote("\n".join(parts)))
    body = data.decode("utf-8", "replace")
    parts += [body, html.unescape(body)]
    if data.startswith(b"%PDF"):
        parts += _pdf_texts(data)
    if data.startswith(b"PK\x03\x04"):
        parts += _zip_texts(data)
    serializer = app.session_interface.get_signing_serializer(app)
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == app.config["SESSION_COOKIE_NAME"]:
            value = rest.split(";", 1)[0]
            try:
                parts.append(json.dumps(serializer.loads(value), default=str, ensure_ascii=False))
            except Exception:  # noqa: BLE001 - an unreadable cookie discloses nothing
                pass
    return "\n".join(parts).lower()


def found(text: str, needles: dict[str, str]) -> list[str]:
    return sorted({what for needle, what in needles.items() if needle in text})


# ----------------------------------------------------------------------------- the world
def new_client(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip  # rate limits are per address
    return client


def signed_in(app, user, ip: str):
    client = new_client(app, ip)
    if user is not None:
        response = login(client, user)
        assert response.status_code == 302, f"cannot sign in as {user.email}"
    return client


def bid_data(item_ids: dict[int, int], *, prices: dict[int, str], notes: str, action: str,
             documents: dict[int, tuple[bytes, str]] | None = None,
             acknowledge: tuple[int, ...] = ()) -> dict:
    data: dict = {"notes": notes, action: "1", "attest_non_collusion": "y", "attest_not_debarred": "y"}
    for line, price in prices.items():
        data[f"price_{item_ids[line]}"] = price
    for number in acknowledge:
        data[f"addendum_{number}"] = "y"
    for index, (content, filename) in (documents or {}).items():
        data[f"document_{index}"] = (io.BytesIO(content), filename)
    return data


# Values that exist only once the bidder has acted: before that, the same requests are made
# with ids that exist nowhere (the baseline of the differential name check).
LATE_LABELS = ("bid:bidder", "doc:bidder-w9-v1", "doc:bidder-w9-v2", "doc:bidder-bond",
               "receipt:bidder-v1", "receipt:bidder-v2", "digest:bidder-v1", "digest:bidder-v2")


@dataclass
class World:
    app: Any
    number: str
    solicitation_id: int
    item_ids: dict[int, int]
    lead: Any
    other: Any
    admin: Any
    bidder_admin: Any
    bidder_user: Any
    competitor: Any
    third_admin: Any
    third_user: Any
    values: dict[str, Any] = field(default_factory=dict)

    # Who requests every route (never the bidder itself).
    def roles(self) -> dict[str, Any]:
        return {
            "anonymous": None,
            "lead agency_admin": self.lead.admin,
            "lead procurement_officer": self.lead.officer,
            "lead approver": self.lead.approver,
            "lead evaluator": self.lead.evaluator,
            "lead buyer": self.lead.buyer,
            "other-agency agency_admin": self.other.admin,
            "other-agency procurement_officer": self.other.officer,
            "platform admin": self.admin,
            "competitor vendor_admin": self.competitor,
            "third-vendor vendor_user": self.third_user,
        }

    def resolve(self, label: str, baseline: bool) -> Any:
        if baseline and label in LATE_LABELS:
            return _placeholder(label)
        if label not in self.values:
            raise KeyError(f"no value for {label}")
        return self.values[label]

    def bidder_bids(self) -> None:
        """The bidder saves a draft (prices, notes, W-9), submits it, then modifies it: a new
        W-9 and a bid bond, a new price for line 2, submitted again."""
        from app.bids.models import Bid
        from app.solicitations.models import Solicitation

        app = self.app
        client = signed_in(app, self.bidder_admin, "10.9.0.1")
        url = f"/solicitations/{self.number}/bid"
        assert client.get(url).status_code == 200
        steps = [
            bid_data(self.item_ids, prices={1: PRICE_1, 2: PRICE_2_V1}, notes=NOTES, action="save", acknowledge=(1,),
                     documents={0: (make_pdf(FILE_CANARIES["w9_v1"]), FILE_NAMES["w9_v1"])}),
            bid_data(self.item_ids, prices={1: PRICE_1, 2: PRICE_2_V1}, notes=NOTES, action="submit"),
            bid_data(self.item_ids, prices={1: PRICE_1, 2: PRICE_2_V2}, notes=NOTES, action="save",
                     documents={0: (make_pdf(FILE_CANARIES["w9_v2"]), FILE_NAMES["w9_v2"]),
                                1: (make_pdf(FILE_CANARIES["bond"]), FILE_NAMES["bond"])}),
            bid_data(self.item_ids, prices={1: PRICE_1, 2: PRICE_2_V2}, notes=NOTES, action="submit"),
        ]
        for data in steps:
            response = client.submit(url, data, content_type="multipart/form-data")
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            if "submit" in data:
                assert "/bids/receipts/" in response.headers["Location"], response.headers["Location"]
        with app.app_context():
            s = db.session.get(Solicitation, self.solicitation_id)
            bid = db.session.scalar(select(Bid).where(Bid.solicitation_id == s.id,
                                                      Bid.vendor_id == self.bidder_admin.organization_id))
            assert bid is not None and bid.status.value == "submitted" and len(bid.versions) == 2
            docs = {d.filename: d for d in bid.documents}
            assert set(docs) == set(FILE_NAMES.values())
            self.values.update({
                "bid:bidder": bid.id,
                "doc:bidder-w9-v1": docs[FILE_NAMES["w9_v1"]].id,
                "doc:bidder-w9-v2": docs[FILE_NAMES["w9_v2"]].id,
                "doc:bidder-bond": docs[FILE_NAMES["bond"]].id,
                **{f"receipt:bidder-v{v.number}": v.receipt_number for v in bid.versions},
                **{f"digest:bidder-v{v.number}": v.digest for v in bid.versions},
            })
        # Positive control: the needles are the right ones, the bidder itself sees them.
        page = haystack(app, client.get(url))
        assert "notescanary-vq8rwt3k" in page and PRICE_1 in page and "fncanary-hd7q" in page
        receipt = haystack(app, client.get(f"/bids/receipts/{self.values['receipt:bidder-v2']}"))
        assert "canaryvendor" in receipt
        own = client.get(f"/solicitations/{self.number}/bid/documents/{self.values['doc:bidder-bond']}")
        assert own.status_code == 200 and FILE_CANARIES["bond"].lower() in haystack(app, own)


def _placeholder(label: str) -> Any:
    index = LATE_LABELS.index(label)
    if label.startswith(("bid:", "doc:")):
        return 990_000 + index
    if label.startswith("digest:"):
        return f"{index:064x}"
    return f"NOT-ISSUED-ZZZZ-ZZ{index:02d}"


def _outbox(app) -> list[Any]:
    from app.notifications.models import OutboxMessage

    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def _link_token(app, address: str, path: str) -> str:
    bodies = [m.body_text for m in _outbox(app) if m.to_address == address and path in m.body_text]
    assert bodies, f"no e-mail with {path} to {address}"
    return re.search(re.escape(path) + r"([A-Za-z0-9_\-]+)", bodies[-1]).group(1)


@pytest.fixture
def world(app, agency, other_agency, make_solicitation, make_org, make_user, try_transition) -> World:
    """A published RFP with everything pages show: a solicitation document, a participating
    agency's demand, a question and its answer, an addendum acknowledged by every vendor, a
    competitor's submitted bid, a third vendor's withdrawn bid, pending invitations and a reset
    link. The bidder's organization (and people) exist and acknowledged the addendum; it has
    not bid yet (World.bidder_bids)."""
    from app.accounts.models import Invitation
    from app.solicitations.communications import Question
    from app.solicitations.models import Category, DemandInvitation, Solicitation, SolicitationDocument

    admin = make_user(Role.ADMIN, name="Pat Platform")
    bidder_org = make_org(OrganizationKind.VENDOR, name=BIDDER_NAME)
    bidder_admin = make_user(Role.VENDOR_ADMIN, org_id=bidder_org, name=BIDDER_PERSON,
                             email=f"quentin@{BIDDER_DOMAIN}")
    bidder_user = make_user(Role.VENDOR_USER, org_id=bidder_org, name="Rita Canaryvendor",
                            email=f"rita@{BIDDER_DOMAIN}")
    competitor_org = make_org(OrganizationKind.VENDOR, name="Competing Supply Co")
    competitor = make_user(Role.VENDOR_ADMIN, org_id=competitor_org, name="Carl Competitor",
                           email="carl@competing-supply.example")
    third_org = make_org(OrganizationKind.VENDOR, name="Third Office Goods Inc")
    third_admin = make_user(Role.VENDOR_ADMIN, org_id=third_org, name="Tess Third")
    third_user = make_user(Role.VENDOR_USER, org_id=third_org, name="Theo Third",
                           email="theo@third-office.example")

    info = make_solicitation("draft", required_documents=["w9"], bid_bond_percent=Decimal(5))
    sid, number = info.id, info.number
    officer = signed_in(app, agency.officer, "10.1.0.1")
    # Before publication: a document and a participating agency's quantities.
    response = officer.submit(f"/agency/solicitations/{sid}/documents",
                              {"title": "Specifications", "file": (io.BytesIO(make_pdf("Specifications")),
                                                                   "specifications.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    assert officer.submit(f"/agency/solicitations/{sid}/demand", {"agencies": [str(other_agency.id)]}
                          ).status_code == 302
    with app.app_context():
        s = db.session.get(Solicitation, sid)
        item_ids = {i.position: i.id for i in s.items}
        demand_id = db.session.scalar(select(DemandInvitation.id).where(DemandInvitation.solicitation_id == sid))
        document_id = db.session.scalar(select(SolicitationDocument.id)
                                        .where(SolicitationDocument.solicitation_id == sid))
        category_id = db.session.scalar(select(Category.id).order_by(Category.code))
    participant = signed_in(app, other_agency.officer, "10.1.0.2")
    assert participant.submit(f"/solicitations/demand/{demand_id}",
                              {f"qty-{item_ids[1]}": "150", f"qty-{item_ids[2]}": "20"}).status_code == 302
    for actor, target in ((agency.officer, "pending_approval"), (agency.approver, "approved"),
                          (agency.officer, "published")):
        assert try_transition(actor.id, sid, target) is None, target

    # Published: a question and its answer, an addendum, acknowledgements.
    vendors = {u.email: signed_in(app, u, f"10.2.0.{i}")
               for i, u in enumerate((competitor, third_user, bidder_admin), start=1)}
    competing, third, bidder = (vendors[u.email] for u in (competitor, third_user, bidder_admin))
    assert competing.submit(f"/solicitations/{number}/questions",
                            {"body": "Is recycled copy paper acceptable?"}).status_code == 302
    with app.app_context():
        question_id = db.session.scalar(select(Question.id).where(Question.solicitation_id == sid))
    assert officer.submit(f"/agency/solicitations/{sid}/questions/{question_id}/answer",
                          {"answer": "Yes, if it meets the brightness in the specification."}).status_code == 302
    assert officer.submit(f"/agency/solicitations/{sid}/addenda",
                          {"title": "Toner yield", "body_md": "Line 2 toner must yield 10,000 pages."}
                          ).status_code == 302
    # The other vendors acknowledge from the solicitation page; the bidder acknowledges on its bid
    # form when it bids (after the baseline): that acknowledgement must stay sealed as well.
    for client in (competing, third):
        assert client.submit(f"/solicitations/{number}/addenda/1/acknowledge").status_code == 302

    # The competitor's bid (submitted); the third vendor's (submitted, then withdrawn).
    url = f"/solicitations/{number}/bid"
    for data in (bid_data(item_ids, prices={1: "31.40", 2: "88.15"}, notes="Competitor notes", action="save",
                          documents={0: (make_pdf("Competitor W-9"), "competitor-w9.pdf")}),
                 bid_data(item_ids, prices={1: "31.40", 2: "88.15"}, notes="Competitor notes", action="submit")):
        assert competing.submit(url, data, content_type="multipart/form-data").status_code == 302
    assert third.submit(url, bid_data(item_ids, prices={1: "29.99", 2: "91.00"}, notes="Third notes",
                                      action="submit", documents={0: (make_pdf("Third W-9"), "third-w9.pdf")}),
                        content_type="multipart/form-data").status_code == 302
    assert third.submit(f"/solicitations/{number}/bid/withdraw").status_code == 302

    # Pending invitations (the lead agency's and the bidder's own) and a password-reset link.
    lead_admin = signed_in(app, agency.admin, "10.1.0.3")
    assert lead_admin.submit("/accounts/team", {"email": "new.buyer@lead-agency.example",
                                                "roles": ["buyer"]}).status_code == 302
    assert bidder.submit("/accounts/team", {"email": f"colleague@{BIDDER_DOMAIN}",
                                            "roles": ["vendor_user"]}).status_code == 302
    assert new_client(app, "10.1.0.4").submit("/accounts/password-reset",
                                              {"email": competitor.email}).status_code == 302

    with app.app_context():
        from app.bids.models import Bid, BidDocument, BidVersion

        bids = {b.vendor_id: b for b in db.session.scalars(select(Bid).where(Bid.solicitation_id == sid))}
        comp_bid, third_bid = bids[competitor_org], bids[third_org]
        comp_doc = db.session.scalar(select(BidDocument.id).where(BidDocument.bid_id == comp_bid.id))
        receipts = {}
        for who, bid in (("competitor", comp_bid), ("third", third_bid)):
            for v in db.session.scalars(select(BidVersion).where(BidVersion.bid_id == bid.id)):
                receipts[f"receipt:{who}-v{v.number}"] = v.receipt_number
        invitations = {i.organization_id: i.id for i in db.session.scalars(select(Invitation))}
        values = {
            "solicitation": sid, "solicitation:number": number, "title": TITLE,
            "bid:competitor": comp_bid.id, "bid:third": third_bid.id,
            "doc:competitor-w9": comp_doc, "doc:solicitation": document_id,
            **receipts,
            "question": question_id, "addendum:1": 1, "category": category_id,
            "user:bidder-admin": bidder_admin.id, "user:bidder-user": bidder_user.id,
            "user:competitor-admin": competitor.id, "user:third-user": third_user.id,
            "user:lead-officer": agency.officer.id, "user:other-admin": other_agency.admin.id,
            "org:bidder": bidder_org, "org:competitor": competitor_org, "org:third": third_org,
            "org:lead": agency.id, "org:other": other_agency.id, "org:platform": admin.organization_id,
            "invite:lead": invitations[agency.id], "invite:bidder": invitations[bidder_org],
            "demand:other": demand_id,
            "version:1": 1, "version:2": 2,
        }
    values["token:invite-lead"] = _link_token(app, "new.buyer@lead-agency.example", "/accounts/invitations/")
    values["token:invite-bidder"] = _link_token(app, f"colleague@{BIDDER_DOMAIN}", "/accounts/invitations/")
    values["token:reset"] = _link_token(app, competitor.email, "/accounts/password-reset/")
    values["protest:any"] = 1  # no protest exists before an opening: the route must still say nothing
    values["search:any"] = 1  # a saved search holds a vendor's own words, never bids: it must say nothing
    values["link:any"] = 1  # a contract link is about registered contracts, never bids: it must say nothing
    for literal in ("follow", "unfollow", "deactivate", "activate", "xlsx", "csv", "renew", "amend", "decline",
                    "confirm", "canaryvendor"):
        values[f"literal:{literal}"] = literal
    for status in SolicitationStatus:
        values[f"target:{status.value}"] = status.value

    return World(app=app, number=number, solicitation_id=sid, item_ids=item_ids, lead=agency,
                 other=other_agency, admin=admin, bidder_admin=bidder_admin, bidder_user=bidder_user,
                 competitor=competitor, third_admin=third_admin, third_user=third_user, values=values)


# ----------------------------------------------------------------------------- the URL map
# Every URL argument of every route, with the realistic values to try (labels of World.values).
# A route with an argument missing here fails the test: new routes cannot escape the canary.
ARGUMENT_VALUES: dict[str, list[str]] = {
    "solicitation_id": ["solicitation"],
    "number": ["solicitation:number"],
    "bid_id": ["bid:bidder", "bid:competitor", "bid:third"],
    "document_id": ["doc:bidder-w9-v1", "doc:bidder-w9-v2", "doc:bidder-bond", "doc:competitor-w9",
                    "doc:solicitation"],
    "receipt_number": ["receipt:bidder-v1", "receipt:bidder-v2", "receipt:competitor-v1",
                       "receipt:third-v1", "receipt:third-v2"],
    "version": ["version:1", "version:2"],
    "version_number": ["version:1", "version:2"],
    "addendum_number": ["addendum:1"],
    "question_id": ["question"],
    "user_id": ["user:bidder-admin", "user:bidder-user", "user:competitor-admin", "user:third-user",
                "user:lead-officer", "user:other-admin"],
    "org_id": ["org:bidder", "org:competitor", "org:third", "org:lead", "org:other", "org:platform"],
    "invitation_id": ["invite:lead", "invite:bidder", "demand:other"],
    "token": ["token:invite-lead", "token:invite-bidder", "token:reset"],
    "target": [f"target:{s.value}" for s in SolicitationStatus],
    # deactivate before activate: whoever is deactivated is active again right after.
    "action": ["literal:follow", "literal:unfollow", "literal:deactivate", "literal:activate", "literal:renew",
               "literal:amend"],
    "protest_id": ["protest:any"],
    "search_id": ["search:any"],
    "link_id": ["link:any"],
    "answer": ["literal:decline", "literal:confirm"],
    "fmt": ["literal:xlsx", "literal:csv"],
}
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}

# Query strings worth asking too (label values), besides the bare URL.
EXTRA_QUERIES: dict[str, list[dict[str, str]]] = {
    "bids.verify": [{"receipt": "receipt:bidder-v2", "digest": "digest:bidder-v2"},
                    {"receipt": "receipt:bidder-v1", "digest": "digest:bidder-v1"},
                    {"receipt": "receipt:competitor-v1"}],
    "solicitations.index": [{"q": "title"}, {"q": "solicitation:number"}, {"category": "category"}],
    "audit.index": [{"action": "bid."}, {"action": "addendum."}],
    "solicitations.staff_index": [{"status": "literal:published"}],
    # The type-ahead filters' suggestions, asked for the bidder's name.
    "registry.suggest_vendor": [{"q": "literal:canaryvendor"}],
    "registry.suggest_agency": [{"q": "literal:canaryvendor"}],
    "solicitations.suggest_agency": [{"q": "literal:canaryvendor"}],
    "registry.index": [{"vendor_name": "literal:canaryvendor"}],
}


@dataclass(frozen=True)
class Request:
    key: tuple  # the same for the baseline and the real request
    method: str
    endpoint: str
    url: str


def planned_requests(app, world: World, baseline: bool) -> tuple[list[Request], list[str]]:
    """Every rule of the URL map with every combination of candidate values, GET for rules that
    accept it and POST for rules that accept it. Returns the requests and the problems (rules
    with an argument that has no candidate, or that no candidate builds)."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import RequestRedirect

    world.values.setdefault("literal:published", "published")
    adapter = app.url_map.bind("localhost")
    requests, problems = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        arguments = sorted(rule.arguments)
        missing = [a for a in arguments if a not in ARGUMENT_VALUES]
        if missing:
            problems.append(f"{rule.rule} ({rule.endpoint}): no candidate values for {missing}")
            continue
        built = []
        for labels in itertools.product(*(ARGUMENT_VALUES[a] for a in arguments)):
            values = {a: world.resolve(label, baseline) for a, label in zip(arguments, labels, strict=True)}
            try:
                result = rule.build(values, append_unknown=False)
            except (ValueError, TypeError):
                continue  # e.g. "follow" is not an activate/deactivate action
            if result is None:
                continue
            path = result[1]
            try:
                endpoint, matched = adapter.match(path, method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))
            except (RequestRedirect, HTTPException):
                continue
            if endpoint != rule.endpoint:
                continue  # the value makes another rule match (e.g. a literal segment)
            built.append((tuple(zip(arguments, labels, strict=True)), path))
        if not built:
            problems.append(f"{rule.rule} ({rule.endpoint}): no candidate value builds a URL")
            continue
        queries = [(None, {})] + [(tuple(sorted(q.items())), q) for q in EXTRA_QUERIES.get(rule.endpoint, [])]
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            for labels, path in built:
                for query_key, query in queries if method == "GET" else queries[:1]:
                    url = path
                    if query:
                        url += "?" + urlencode({k: world.resolve(v, baseline) if v in world.values
                                                or v in LATE_LABELS else v for k, v in query.items()})
                    requests.append(Request((method, rule.rule, labels, query_key), method, rule.endpoint, url))
    # Signing out ends the session: last.
    requests.sort(key=lambda r: r.endpoint == "accounts.logout")
    return requests, problems


@dataclass
class Observation:
    status: int
    secrets: list[str]
    names: list[str]


def sweep(app, world: World, baseline: bool, methods: tuple[str, ...] = ("GET", "POST")
          ) -> tuple[dict[tuple, Observation], list[str], int]:
    """Every planned request as every role: all GETs first, then all POSTs. Each role signs in
    afresh for each batch (a POST of another role may have rotated its session)."""
    requests, problems = planned_requests(app, world, baseline)
    observed: dict[tuple, Observation] = {}
    errors = []
    count = 0
    for method in methods:
        for index, (role, user) in enumerate(world.roles().items()):
            limiter.reset()
            client = signed_in(app, user, f"10.{5 + int(baseline)}.{index}.{1 if method == 'GET' else 2}")
            client.allow_server_errors = True
            token = client.csrf_token() if method == "POST" else None
            for request in requests:
                if request.method != method:
                    continue
                if method == "GET":
                    response = client.get(request.url)
                else:
                    response = client.post(request.url, data={"csrf_token": token})
                count += 1
                text = haystack(app, response)
                if response.status_code >= 500:
                    errors.append(f"{role} {method} {request.url}: server error {response.status_code}")
                observed[(role, *request.key)] = Observation(response.status_code, found(text, SECRETS),
                                                             found(text, NAME_NEEDLES))
                response.close()
    return observed, problems + errors, count


def restore_after_sweep(app, world: World) -> None:
    """Undo what the sweep's POSTs changed that later requests rely on: revoked invitations,
    deactivated people, the competitor's bid (withdrawn by its own POST)."""
    from app.accounts.models import Invitation, User

    with app.app_context():
        db.session.execute(update(Invitation).values(revoked_at=None))
        db.session.execute(update(User).values(active=True))
        db.session.commit()
    client = signed_in(app, world.competitor, "10.3.0.1")
    response = client.submit(f"/solicitations/{world.number}/bid",
                             bid_data(world.item_ids, prices={1: "31.40", 2: "88.15"}, notes="Competitor notes",
                                      action="submit",
                                      documents={0: (make_pdf("Competitor W-9"), "competitor-w9.pdf")}),
                             content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


# ----------------------------------------------------------------------------- the tests
def test_sealed_bid_canary_never_leaks_before_the_opening(app, world):
    baseline, problems, baseline_count = sweep(app, world, baseline=True)
    assert not problems, "\n".join(problems)
    restore_after_sweep(app, world)
    # The sweep's own POSTs are now in each person's activity, in words that name what they acted
    # on (the platform admin "updated the details of" the bidder's organization): GET once more
    # before the bidder bids, and count a name as already shown if either baseline GET showed it.
    again, problems, _ = sweep(app, world, baseline=True, methods=("GET",))
    assert not problems, "\n".join(problems)
    for key, seen in again.items():
        baseline[key].names = sorted(set(baseline[key].names) | set(seen.names))

    world.bidder_bids()
    observed, problems, count = sweep(app, world, baseline=False)
    assert not problems, "\n".join(problems)
    assert count == baseline_count and observed.keys() == baseline.keys()

    leaks = []
    for key, seen in sorted(observed.items(), key=lambda kv: str(kv[0])):
        role, method, rule, labels, query = key
        where = f"{role} {method} {rule} {dict(labels)}{' ?' + str(dict(query)) if query else ''}"
        for what in seen.secrets:
            leaks.append(f"{where}: {what}")
        before = baseline[key].names
        for what in sorted(set(seen.names) - set(before)):
            leaks.append(f"{where}: {what} (absent before the bidder bid)")
    assert not leaks, f"{len(leaks)} leak(s) of the sealed bid:\n" + "\n".join(leaks)

    # The sweep reached real pages, not just refusals.
    def status(role, method, rule, labels=(), query=None):
        return observed[(role, method, rule, tuple(labels), query)].status

    sol = (("solicitation_id", "solicitation"),)
    num = (("number", "solicitation:number"),)
    assert status("lead procurement_officer", "GET", "/agency/solicitations/<int:solicitation_id>", sol) == 200
    assert status("lead procurement_officer", "GET", "/agency/solicitations/<int:solicitation_id>/bids", sol) == 200
    assert status("platform admin", "GET", "/audit/") == 200
    assert status("anonymous", "GET", "/solicitations/<number>", num) == 200
    assert status("competitor vendor_admin", "GET", "/solicitations/<number>/bid", num) == 200
    assert status("lead agency_admin", "GET", "/accounts/team") == 200
    assert status("anonymous", "GET", "/accounts/invitations/<token>", (("token", "token:invite-bidder"),)) == 200

    _check_outbox(app, world)
    _check_audit_redacted(app, world)
    print(f"\ncanary sweep: {count} (role, request) pairs checked, {baseline_count} in the baseline")


def _check_outbox(app, world: World) -> None:
    """E-mail to anyone but the bidder's people never carries the canaries or the bidder's name."""
    from app.accounts.models import Invitation, User

    with app.app_context():
        org = world.bidder_admin.organization_id
        bidders = set(db.session.scalars(select(User.email).where(User.organization_id == org)))
        bidders |= set(db.session.scalars(select(Invitation.email).where(Invitation.organization_id == org)))
    messages = _outbox(app)
    to_bidder = [m for m in messages if m.to_address in bidders]
    assert any("canaryvendor" in m.body_text.lower() and m.kind == "bid_receipt" for m in to_bidder)
    leaks = []
    for m in messages:
        if m.to_address in bidders:
            continue
        text = "\n".join([m.to_address, m.subject, m.body_text, m.body_html or ""]).lower()
        for what in found(text, SECRETS) + found(text, NAME_NEEDLES):
            leaks.append(f"e-mail {m.kind} to {m.to_address} ({m.subject!r}): {what}")
    assert not leaks, "\n".join(leaks)


def _check_audit_redacted(app, world: World) -> None:
    """The platform admin sees the bid events in the trail, sealed: no bidder, no receipt."""
    client = signed_in(app, world.admin, "10.4.0.1")
    page = client.get("/audit/?action=bid.")
    text = haystack(app, page)
    assert page.status_code == 200
    # The bid events exist (submitted, modified, withdrawn ...) but none is listed until the opening,
    # not even as a "sealed" row whose place next to a sign-in would tell who is bidding.
    from app.audit.models import AuditEvent

    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("bid."))).all()
    assert {"bid.submitted", "bid.modified", "bid.withdrawn"} <= set(actions)
    body = html.unescape(page.get_data(as_text=True)).lower()
    assert "sealed until the bids for" not in body and "sealed bidder" not in text
    assert "bid.submitted" not in text and "stay out of this list until the bids are opened" in body
    for label in ("receipt:bidder-v1", "receipt:bidder-v2", "digest:bidder-v1", "digest:bidder-v2"):
        assert world.values[label].lower() not in text, label
    assert not found(text, SECRETS) and not found(text, NAME_NEEDLES)


def test_staff_see_the_canaries_after_the_opening(app, world):
    from app.solicitations.models import Solicitation

    world.bidder_bids()
    with app.app_context():
        due_at = db.session.get(Solicitation, world.solicitation_id).due_at
    clock.freeze(due_at + timedelta(minutes=1))
    officer = signed_in(app, world.lead.officer, "10.7.0.1")
    sid = world.solicitation_id
    for target in ("closed", "opened"):
        response = officer.submit(f"/agency/solicitations/{sid}/status/{target}")
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Solicitation, sid).opened_at is not None

    bid_id = world.values["bid:bidder"]
    staff_bid = haystack(app, officer.get(f"/agency/solicitations/{sid}/bids/{bid_id}"))
    assert "notescanary-vq8rwt3k" in staff_bid and "canaryvendor" in staff_bid
    assert "987,654.3217" in staff_bid
    tabulation = haystack(app, officer.get(f"/agency/solicitations/{sid}/tabulation"))
    assert "987,654.3217" in tabulation and "canaryvendor" in tabulation
    csv_text = haystack(app, officer.get(f"/agency/solicitations/{sid}/tabulation.csv"))
    assert PRICE_1 in csv_text and "canaryvendor" in csv_text
    pdf = haystack(app, officer.get(f"/agency/solicitations/{sid}/tabulation.pdf"))
    assert "canaryvendor" in pdf and "987,654.3217" in pdf  # the PDF reader of the sweep works
    results = haystack(app, new_client(app, "10.7.0.2").get(f"/solicitations/{world.number}/results"))
    assert BIDDER_NAME.lower() in results
    assert f"{_ext(PRICE_1, 1200) + _ext(PRICE_2_V2, 300):,f}" in results

    for doc in ("w9_v2", "bond"):
        label = "doc:bidder-w9-v2" if doc == "w9_v2" else "doc:bidder-bond"
        download = officer.get(f"/agency/solicitations/{sid}/bids/{bid_id}/documents/{world.values[label]}")
        assert download.status_code == 200
        assert FILE_CANARIES[doc].encode() in download.get_data()
        assert FILE_NAMES[doc] in download.headers["Content-Disposition"]
    # The superseded W-9 belongs to version 1 only: not opened.
    old = officer.get(f"/agency/solicitations/{sid}/bids/{bid_id}/documents/{world.values['doc:bidder-w9-v1']}")
    assert old.status_code == 404

    verify = haystack(app, new_client(app, "10.7.0.3").get(
        f"/bids/verify?receipt={world.values['receipt:bidder-v2']}&digest={world.values['digest:bidder-v2']}"))
    assert "verified" in verify
    audit = haystack(app, signed_in(app, world.admin, "10.7.0.4").get("/audit/?action=bid."))
    assert "sealed bidder" not in audit and "canaryvendor" in audit
