"""The type-ahead filters of the public lists (and fields of forms that name an organization), from
the request's side: a text field for the name (`<param>_name`) beside the chosen organization's id
(`<param>`), read the same way with or without JavaScript, and the JSON suggestions its script asks
for (static/js/combobox.js).

Reading the query string:
- no `<param>_name` (a link, a page of results, a bookmark): the id filters, as it always did;
- `<param>_name` empty: no filter (the person cleared the field);
- `<param>_name` naming the organization of the id: that id (two organizations may share a name);
- otherwise the typed name decides: one organization called that filters; several called that, or
  none called that but some whose words start with the typed ones, are offered as links ("Did you
  mean"); none at all is said beside the field. The typed text stays in the field, and the list is
  not filtered by that field until a name is chosen."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import jsonify, request, url_for

from app.accounts.directory import (
    MAX_CHARACTERS,
    MIN_CHARACTERS,
    Choice,
    Scope,
    by_id,
    named,
    normalise,
    searchable,
    suggest,
)
from app.core.errors import DomainError
from app.core.numbers import parse_id

SUGGEST_RATE_LIMIT = "120 per minute"  # a fast typist's keystrokes after the script's pause, with room


@dataclass(frozen=True)
class NameFilter:
    param: str  # "agency": the id's parameter; the text's is "agency_name"
    scope: Scope
    suggest_url: str
    id: int | None = None  # the organization the list is filtered by
    text: str = ""  # what the field shows
    message: str = ""  # beside the field
    # (choice, the list filtered by it; None in a form sent by POST: a radio button)
    choices: list[tuple[Choice, str | None]] = field(default_factory=list)

    @property
    def name_param(self) -> str:
        return f"{self.param}_name"

    @property
    def url_args(self) -> dict[str, object]:
        """What a link to another page of the same list carries for this field."""
        if self.id:
            return {self.param: self.id}
        return {self.name_param: self.text} if self.text else {}


def read_name_filter(param: str, scope: Scope, suggest_url: str) -> NameFilter:
    """A list's filter as the request's query string gives it (see the module's notes)."""
    return _read(NameFilter(param, scope, suggest_url), request.args, filtering=True)


def read_name_choice(param: str, scope: Scope, suggest_url: str) -> NameFilter:
    """The same field in a form sent by POST (e.g. the agency to ask for quantities): read from the
    form, its choices offered as radio buttons named `param` rather than links."""
    return _read(NameFilter(param, scope, suggest_url), request.form, filtering=False)


def _read(base: NameFilter, values, *, filtering: bool) -> NameFilter:  # noqa: ANN001 (a MultiDict)
    scope = base.scope
    chosen_id = parse_id(values.get(base.param, ""))
    typed = values.get(base.name_param)
    if typed is None:
        if not chosen_id:
            return base
        chosen = by_id(scope, chosen_id)
        if chosen is None:  # a list is filtered all the same: nothing public matches it
            where = "This page's address names" if filtering else "You chose"
            return _with(base, id=chosen_id if filtering else None, message=f"{where} no {scope.noun} {scope.where}.")
        return _with(base, id=chosen.id, text=chosen.label)
    typed = normalise(typed)
    if not typed:
        return base
    if chosen_id:
        chosen = by_id(scope, chosen_id)
        if chosen is not None and typed.casefold() in (chosen.label.casefold(), chosen.name.casefold()):
            return _with(base, id=chosen.id, text=chosen.label)
    exact = named(scope, typed)
    if len(exact) == 1:
        return _with(base, id=exact[0].id, text=exact[0].label)
    then = f"The list is not filtered by {scope.noun} until you choose one." if filtering else "Choose one."
    if exact:
        return _with(base, text=typed, choices=_choices(base, exact, filtering),
                     message=f"{len(exact)} {scope.plural} {scope.where} are named “{typed}”. {then}")
    close = suggest(scope, typed) if searchable(typed) else []
    if close:
        return _with(base, text=typed, choices=_choices(base, close, filtering),
                     message=f"No {scope.noun} {scope.where} is named “{typed}”. Did you mean one of these? {then}")
    unfiltered = f"The list is not filtered by {scope.noun}: check" if filtering else "Check"
    return _with(base, text=typed, message=f"No {scope.noun} {scope.where} is named “{typed}”, and none has a "
                                           f"name starting with those words. {unfiltered} the spelling, or type "
                                           f"part of the name.")


def _with(base: NameFilter, **changes) -> NameFilter:
    return replace(base, **changes)


def _choices(base: NameFilter, choices: list[Choice], filtering: bool) -> list[tuple[Choice, str | None]]:
    """Each choice with a link to the list filtered by it, every other filter kept (or no link: a
    form's radio button)."""
    if not filtering:
        return [(choice, None) for choice in choices]
    args = {key: request.args.getlist(key) for key in request.args
            if key not in (base.param, base.name_param, "page")}
    return [(choice, url_for(request.endpoint, **args, **{base.param: choice.id})) for choice in choices]


def suggestions(scope: Scope):
    """The JSON answer of a suggestion endpoint: `[{"id": ..., "label": ...}]`, at most 10, for the
    `q` of the query string. A missing, too short or too long `q` is a 400 with a JSON message
    (under /api/, core.errors_views answers in JSON)."""
    typed = request.args.get("q")
    if typed is None or len(typed) > MAX_CHARACTERS or not searchable(typed):
        raise DomainError(f"Send q: {MIN_CHARACTERS} to {MAX_CHARACTERS} characters of the name, "
                          f"with at least {MIN_CHARACTERS} letters or digits.", field="q")
    response = jsonify([choice.as_json() for choice in suggest(scope, typed)])
    # Public names that change seldom: a browser may reuse an answer for a minute.
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
