"""The public contract registry's search: one function over the database's own full-text index
(SQLite FTS5, PostgreSQL tsvector + GIN; both made by migration 0006), with the filters as plain
indexed conditions, paginated with a fixed number of queries whatever the page holds."""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Float, Integer, Select, and_, func, literal_column, select, text
from sqlalchemy.orm import selectinload

from app.accounts.directory import Scope
from app.accounts.models import Organization
from app.contracts.models import Contract, ContractEligibility, ContractStatus, Eligibility, contract_categories
from app.core import clock
from app.extensions import db

# The columns of the SQLite FTS5 table, and their bm25 weights: a word in the title or number
# counts more than one in a price-list line.
FTS_COLUMNS = ("number", "title", "vendor", "agency", "categories", "summary", "lines")
FTS_WEIGHTS = (8.0, 10.0, 6.0, 4.0, 4.0, 2.0, 1.0)
# PostgreSQL: the stored tsvector column of migration 0006 (title weighs A, everything else B),
# indexed by contract_search_gin; outside the model, like SQLite's FTS5 table.
PG_SEARCH_VECTOR = "contracts.contract_search_vector"

WORD = re.compile(r"\w+")
MAX_WORDS = 12
MAX_PER_PAGE = 100
# PostgreSQL's English configuration drops these; SQLite's FTS5 does not, so drop them for both
# and the two databases answer the same query alike.
STOPWORDS = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it",
                       "of", "on", "or", "the", "to", "with"})

# The type-ahead filters' choices (app.accounts.directory): the organizations holding contracts in
# that role, which the registry's rows name already.
VENDORS = Scope("vendor", "vendors", "with contracts in the registry",
                lambda: Organization.id.in_(select(Contract.vendor_id)))
LEAD_AGENCIES = Scope("lead agency", "lead agencies", "with contracts in the registry",
                      lambda: Organization.id.in_(select(Contract.agency_id)), with_state=True)


# ----------------------------------------------------------------------------- the index
def search_document(contract: Contract) -> dict[str, str]:
    """What the search reads about a contract, by FTS column."""
    return {
        # Words only: PostgreSQL's parser would read "-004" of ACPS-RFP-2027-004 as a negative number.
        "number": " ".join(WORD.findall(contract.number)),
        "title": contract.title,
        "vendor": contract.vendor.name,
        "agency": contract.agency.name,
        "categories": " ".join(f"{c.code} {c.name}" for c in contract.categories),
        "summary": contract.summary or "",
        "lines": "\n".join(line.description for line in contract.lines),
    }


def index_contract(contract: Contract) -> None:
    """Bring the contract's search entry up to date (after it is created, registered or changed).
    Runs in the caller's transaction."""
    db.session.flush()  # the contract's id and its lines, categories, vendor and agency
    document = search_document(contract)
    contract.search_text = "\n".join(document[column] for column in FTS_COLUMNS if column != "title")
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM contract_search WHERE rowid = :id"), {"id": contract.id})
        db.session.execute(text(f"INSERT INTO contract_search (rowid, {', '.join(FTS_COLUMNS)}) "
                                f"VALUES (:id, {', '.join(':' + c for c in FTS_COLUMNS)})"),
                           {"id": contract.id, **document})


def reindex_all_contracts(batch_size: int = 500) -> int:
    """Rebuild every entry (after a vendor or agency is renamed, or to repair the index)."""
    count = 0
    last_id = 0
    while True:
        batch = db.session.scalars(select(Contract).where(Contract.id > last_id).order_by(Contract.id)
                                   .limit(batch_size).options(*_eager())).all()
        if not batch:
            return count
        for contract in batch:
            index_contract(contract)
        count += len(batch)
        last_id = batch[-1].id


# ----------------------------------------------------------------------------- the search
def search_words(query: str | None) -> list[str]:
    """The words of a user's query, with every character of the full-text syntax dropped (quotes,
    parentheses, operators, `*`), so no query can be a syntax error."""
    words = [w for w in WORD.findall((query or "")[:500]) if w.lower() not in STOPWORDS]
    return words[:MAX_WORDS]


@dataclass(frozen=True)
class RegistryResults:
    page: Pagination
    # contract id -> its eligibility in the state asked about (empty when no state was chosen)
    eligibility: dict[int, Eligibility] = field(default_factory=dict)
    # contract id -> what keeps it at "needs action" there, in words
    open_steps: dict[int, list[str]] = field(default_factory=dict)
    words: tuple[str, ...] = ()


def search_contracts(
    query: str | None = "",
    *,
    category_id: int | None = None,
    vendor_id: int | None = None,
    agency_id: int | None = None,
    active_only: bool = False,
    usable_in_state: str | None = None,
    eligibility_levels: Collection[Eligibility] = (),
    page: int = 1,
    per_page: int = 20,
) -> RegistryResults:
    """Contracts matching every given filter: best match first when there are search words, else
    the newest award first. `usable_in_state` with `eligibility_levels` keeps the contracts whose
    stored eligibility in that state is one of the levels; with no levels it only reports each
    result's eligibility there."""
    words = search_words(query)
    stmt = select(Contract)
    order = [Contract.awarded_at.desc(), Contract.id.desc()]
    if words:
        stmt, order = _matching(stmt, words)
    if category_id:
        stmt = stmt.where(Contract.id.in_(select(contract_categories.c.contract_id)
                                          .where(contract_categories.c.category_id == category_id)))
    if vendor_id:
        stmt = stmt.where(Contract.vendor_id == vendor_id)
    if agency_id:
        stmt = stmt.where(Contract.agency_id == agency_id)
    if active_only:
        stmt = stmt.where(Contract.status == ContractStatus.ACTIVE, Contract.expires_on >= clock.now().date())
    if usable_in_state and eligibility_levels:
        stmt = stmt.join(ContractEligibility, and_(ContractEligibility.contract_id == Contract.id,
                                                   ContractEligibility.state == usable_in_state)).where(
            ContractEligibility.eligibility.in_(list(eligibility_levels)))
    stmt = stmt.options(*_eager()).order_by(*order)
    result = db.paginate(stmt, page=max(page, 1), per_page=min(max(per_page, 1), MAX_PER_PAGE),
                         error_out=False, count=True)
    eligibility: dict[int, Eligibility] = {}
    open_steps: dict[int, list[str]] = {}
    if usable_in_state and result.items:
        rows = db.session.execute(select(ContractEligibility.contract_id, ContractEligibility.eligibility,
                                         ContractEligibility.open_steps).where(
            ContractEligibility.state == usable_in_state,
            ContractEligibility.contract_id.in_([c.id for c in result.items])))
        for contract_id, level, steps in rows:
            eligibility[contract_id] = level
            open_steps[contract_id] = steps or []
    return RegistryResults(result, eligibility, open_steps, tuple(words))


def _eager() -> list:
    # One query each for the page's vendors, agencies and categories, however many rows it has.
    return [selectinload(Contract.vendor), selectinload(Contract.agency), selectinload(Contract.categories)]


def _matching(stmt: Select, words: list[str]) -> tuple[Select, list]:
    """Keep the contracts holding every word; order by the database's relevance score."""
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = func.plainto_tsquery(literal_column("'english'"), " ".join(words))
        vector = literal_column(f"({PG_SEARCH_VECTOR})")
        return (stmt.where(vector.op("@@", is_comparison=True)(tsquery)),
                [func.ts_rank(vector, tsquery).desc(), Contract.id.desc()])
    # FTS5: every word a quoted string (a quote inside doubled), all of them required.
    match = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    hits = (text(f"SELECT rowid AS contract_id, bm25(contract_search, {weights}) AS score "
                 "FROM contract_search WHERE contract_search MATCH :match")
            .bindparams(match=match).columns(contract_id=Integer, score=Float).subquery("hits"))
    # bm25() is lower for a better match.
    return stmt.join(hits, hits.c.contract_id == Contract.id), [hits.c.score, Contract.id.desc()]
