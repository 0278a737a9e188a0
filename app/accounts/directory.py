"""Finding an organization by the name a person types, among those a public page may name (the
registry's contract holders, the agencies with public solicitations): the suggestions of the
type-ahead filters and the reading of a name typed without JavaScript.

Every typed word must start a word of the name ("spring pub" finds "Springfield Public Schools").
The words are looked up in the database's index of names (migration 0010: an FTS5 table on SQLite,
a GIN index on PostgreSQL), so a lookup reads the names that match, never all 60,000 agencies.
What a scope does not hold is never answered, whatever is typed."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, Select, case, func, literal_column, select, text

from app.accounts.models import Organization
from app.core.geo import US_STATES
from app.extensions import db

MAX_SUGGESTIONS = 10
MIN_CHARACTERS = 2  # of letters and digits: fewer would match most of the directory
MAX_CHARACTERS = 100
MAX_WORDS = 8
NAME_WORD = re.compile(r"[^\W_]+")  # letters and digits, as SQLite's unicode61 tokenizer reads a word
# "Lincoln County (NE)": the label a suggestion puts in the field, read back as the name and state.
STATE_SUFFIX = re.compile(r"^(?P<name>.*?\S)\s*\((?P<state>[A-Za-z]{2})\)$")
# The PostgreSQL index's expression (migration 0010), character for character.
PG_NAME_VECTOR = "to_tsvector('simple', regexp_replace(organizations.name, '[^[:alnum:]]+', ' ', 'g'))"


@dataclass(frozen=True)
class Scope:
    """The organizations one filter of a public page may name, and the words for them."""

    noun: str  # "lead agency"
    plural: str  # "lead agencies"
    where: str  # "with contracts in the registry": what makes one of them public here
    holds: Callable[[], ColumnElement[bool]]  # SQL: this organization is one of them
    with_state: bool = False  # the page shows their state beside the name: so do the labels


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    state: str | None = None

    @property
    def label(self) -> str:
        """What the suggestion shows and puts in the field (read back by `split_label`)."""
        return f"{self.name} ({self.state})" if self.state else self.name

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "label": self.label}


def normalise(typed: str | None) -> str:
    return " ".join((typed or "").split())[:MAX_CHARACTERS]


def split_label(typed: str, scope: Scope) -> tuple[str, str | None]:
    """("Lincoln County", "NE") from "Lincoln County (NE)" where labels carry the state."""
    found = STATE_SUFFIX.match(typed) if scope.with_state else None
    if found and found["state"].upper() in US_STATES:
        return found["name"], found["state"].upper()
    return typed, None


def name_words(typed: str) -> list[str]:
    return [word.lower() for word in NAME_WORD.findall(typed)][:MAX_WORDS]


def searchable(typed: str) -> bool:
    """Enough letters and digits to look up (suggestions are not asked for fewer)."""
    return sum(len(word) for word in name_words(typed)) >= MIN_CHARACTERS


# ----------------------------------------------------------------------------- lookups
def suggest(scope: Scope, typed: str, *, limit: int = MAX_SUGGESTIONS) -> list[Choice]:
    """Up to `limit` organizations of the scope with a word of their name starting with each typed
    word: the names starting with what was typed first, then by name."""
    name, state = split_label(normalise(typed), scope)
    words = name_words(name)
    if not words:
        return []
    starts = func.lower(Organization.name).startswith(name.lower(), autoescape=True)
    stmt = _select(scope, _words_match(words), state).order_by(case((starts, 0), else_=1), Organization.name,
                                                                   Organization.id)
    return _choices(scope, stmt.limit(limit))


def named(scope: Scope, typed: str) -> list[Choice]:
    """The organizations of the scope called exactly that (any case), by name and state."""
    name, state = split_label(normalise(typed), scope)
    words = name_words(name)
    if not words:
        return []
    stmt = _select(scope, _words_match(words, prefix=False), state).where(
        func.lower(Organization.name) == name.lower())
    return _choices(scope, stmt.order_by(Organization.state, Organization.id).limit(MAX_SUGGESTIONS))


def by_id(scope: Scope, organization_id: int) -> Choice | None:
    """The organization with that id, if the scope holds it."""
    found = _choices(scope, _select(scope, Organization.id == organization_id, None))
    return found[0] if found else None


def _select(scope: Scope, condition: ColumnElement[bool], state: str | None) -> Select:
    stmt = select(Organization.id, Organization.name, Organization.state).where(condition, scope.holds())
    return stmt.where(Organization.state == state) if state else stmt


def _choices(scope: Scope, stmt: Select) -> list[Choice]:
    return [Choice(id_, name, state if scope.with_state else None)
            for id_, name, state in db.session.execute(stmt)]


def _words_match(words: list[str], *, prefix: bool = True) -> ColumnElement[bool]:
    """SQL: every word starts a word of the name (or is one, without `prefix`), through the index."""
    star = "*" if prefix else ""
    if db.session.get_bind().dialect.name == "postgresql":
        query = " & ".join(word + (":*" if prefix else "") for word in words)  # letters and digits only
        return literal_column(PG_NAME_VECTOR).op("@@", is_comparison=True)(
            func.to_tsquery(literal_column("'simple'"), query))
    match = " ".join(f'"{word}"{star}' for word in words)
    hits = text("SELECT rowid FROM organization_search WHERE organization_search MATCH :organization_match")
    return Organization.id.in_(hits.bindparams(organization_match=match).columns(rowid=Integer))
