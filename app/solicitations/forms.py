from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.accounts.models import AgencyType
from app.core.forms import MoneyField, MultiCheckboxField, PercentField, QuantityField, WholeNumberField
from app.core.geo import US_STATES
from app.core.markdown import safe_markdown
from app.solicitations.models import REQUIRED_DOCUMENT_TYPES, NoticeMedium, ProcurementCategory, SolicitationType
from app.solicitations.pricesheet_files import MAX_LINES

BLANK_ROWS = 2
# The largest numbers the columns hold: Numeric(14, 3) quantities, Numeric(14, 2) amounts.
MAX_QUANTITY = 99_999_999_999
MAX_VALUE = 999_999_999_999


class NewSolicitationForm(FlaskForm):
    type = SelectField("Type", choices=[(t.value, t.label) for t in SolicitationType],
                       validators=[InputRequired()])
    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=200)])
    submit = SubmitField("Create draft")


def _row_is_blank(form: Form) -> bool:
    return all(not (f.data if not isinstance(f.data, str) else f.data.strip())
               for f in form if f.type not in ("CSRFTokenField",) and f.type != "BooleanField")


class CriterionForm(Form):
    name = StringField("Criterion", validators=[Optional(), Length(max=120)])
    description = StringField("Description", validators=[Optional(), Length(max=500)])
    points = PercentField("Points", what="points", message="Enter the points as a number, like 40.",
                          validators=[Optional()])
    is_price = BooleanField("Price criterion")


class ItemForm(Form):
    description = StringField("Item", validators=[Optional(), Length(max=300)])
    unit = StringField("Unit", validators=[Optional(), Length(max=40)])
    estimated_quantity = QuantityField("Estimated quantity", minimum=Decimal("0.001"), maximum=MAX_QUANTITY,
                                       validators=[Optional()])


class NoticeForm(Form):
    medium = SelectField("Medium", choices=[("", "—")] + [(m.value, m.label) for m in NoticeMedium],
                         validators=[Optional()])
    outlet = StringField("Newspaper, web address or portal", validators=[Optional(), Length(max=200)])
    published_on = DateField("Publication date", validators=[Optional()])


def _require_in_row(row: Form, names: tuple[str, ...], what: str) -> bool:
    ok = True
    for name in names:
        field = row[name]
        if field.data in (None, "") or (isinstance(field.data, str) and not field.data.strip()):
            field.errors = [*field.errors, f"Enter the {field.label.text.lower()} of this {what}, "
                            "or clear the whole row."]
            ok = False
    return ok


class SolicitationForm(FlaskForm):
    # Basics
    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=2000)],
                            description="One paragraph shown in lists and notices.")
    scope_md = TextAreaField("Scope of work (Markdown)", validators=[Optional(), Length(max=100_000), safe_markdown],
                             render_kw={"rows": 10})
    terms_md = TextAreaField("Terms and conditions (Markdown)",
                             validators=[Optional(), Length(max=100_000), safe_markdown], render_kw={"rows": 8})
    categories = MultiCheckboxField("Categories", coerce=int,
                                    validators=[InputRequired(message="Choose at least one category.")])
    estimated_value = MoneyField("Estimated value (USD)", minimum=0, maximum=MAX_VALUE, what="value",
                                 validators=[Optional()])
    initial_term_years = WholeNumberField("Initial term (years)", default=1, minimum=1, maximum=10,
                                          validators=[InputRequired()])
    renewal_options = WholeNumberField("Renewal options", default=0, maximum=10, validators=[InputRequired()])
    renewal_term_years = WholeNumberField("Years per renewal", default=1, minimum=1, maximum=5,
                                          validators=[InputRequired()])
    required_documents = MultiCheckboxField("Required vendor documents",
                                            choices=list(REQUIRED_DOCUMENT_TYPES.items()))
    bid_bond_percent = PercentField("Bid bond (% of bid, blank for none)", validators=[Optional()])
    # Cooperative terms
    procurement_category = SelectField(
        "Procurement category", choices=[(c.value, c.label) for c in ProcurementCategory],
        default=ProcurementCategory.GOODS.value, validators=[DataRequired(message="Choose a procurement category.")],
        description="The kind of purchase state law distinguishes; participating agencies' compliance "
                    "checks use it.")
    cooperative = BooleanField("Other public agencies may purchase under the resulting contract", default=True)
    cooperative_clause = TextAreaField("Cooperative clause", validators=[Optional(), Length(max=5000), safe_markdown],
                                       description="Leave blank to use the standard clause.", render_kw={"rows": 4})
    eligible_agency_types = MultiCheckboxField("Eligible agency types (none ticked: all)",
                                               choices=[(t.value, t.label) for t in AgencyType])
    eligible_states = StringField("Eligible states (two-letter codes, comma-separated; blank: all)",
                                  validators=[Optional(), Length(max=300)])
    admin_fee_percent = PercentField("Administrative fee (% of sales)", minimum=0, maximum=10,
                                     validators=[Optional()])
    # Timeline (agency's local time)
    publish_at = DateTimeLocalField("Publish at", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                    description="Blank: publish by hand after approval.")
    questions_due_at = DateTimeLocalField("Questions due", format="%Y-%m-%dT%H:%M",
                                          validators=[InputRequired(message="Set the questions deadline.")])
    prebid_conference_at = DateTimeLocalField("Pre-bid conference (optional)", format="%Y-%m-%dT%H:%M",
                                              validators=[Optional()])
    prebid_conference_location = StringField("Pre-bid conference location", validators=[Optional(), Length(max=300)])
    due_at = DateTimeLocalField("Due at (bid opening)", format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired(message="Set the due date and time.")])
    opening_location = StringField("Public opening location", validators=[Optional(), Length(max=300)])
    # Repeating parts
    criteria = FieldList(FormField(CriterionForm), min_entries=1)
    items = FieldList(FormField(ItemForm), min_entries=1)
    notices = FieldList(FormField(NoticeForm), min_entries=1)
    submit = SubmitField("Save draft")
    # Saves what is there, well-formed but possibly incomplete (no dates, categories, lines...);
    # completeness is checked when the draft is submitted for approval.
    finish_later = SubmitField("Save and finish later")

    def __init__(self, *args, timezone_name: str = "America/New_York", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = ZoneInfo(timezone_name)
        # Problems with a whole list (criteria, items), shown above that list, and the controls
        # they concern (field id -> list name), marked invalid and described by that message.
        self.list_errors: dict[str, list[str]] = {}
        self.flagged: dict[str, str] = {}

    # -- conversions -------------------------------------------------------------------------
    def utc(self, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=self.tz).astimezone(timezone.utc) if value else None

    def state_codes(self) -> list[str]:
        raw = (self.eligible_states.data or "").upper().replace(";", ",")
        return sorted({code.strip() for code in raw.split(",") if code.strip()})

    def filled(self, rows: FieldList) -> list[Form]:
        return [row.form for row in rows if not _row_is_blank(row.form)]

    def _list_error(self, name: str, message: str, fields: list) -> None:  # noqa: ANN001
        self.list_errors.setdefault(name, []).append(message)
        for field in fields:
            self.flagged[field.id] = name

    # -- whole-form rules --------------------------------------------------------------------
    def validate_eligible_states(self, field):  # noqa: ANN001
        unknown = [c for c in self.state_codes() if c not in US_STATES]
        if unknown:
            raise ValidationError(f"Unknown state code: {', '.join(unknown)}. Use codes like VA, NC, TX.")

    @property
    def partial(self) -> bool:
        """Saved with "Save and finish later": only what is filled in is checked."""
        return bool(self.finish_later.data)

    # Needed for a complete draft, not to save an unfinished one (the title is always needed).
    COMPLETE_ONLY = ("categories", "questions_due_at", "due_at", "initial_term_years", "renewal_options",
                     "renewal_term_years")

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        if self.partial:
            for name in self.COMPLETE_ONLY:
                field = self[name]
                field.validators = [Optional(), *(v for v in field.validators
                                                  if not isinstance(v, (InputRequired, DataRequired)))]
        ok = super().validate(extra_validators)
        ok = self._validate_rows() and ok
        ok = self._validate_timeline() and ok
        return ok

    def _validate_rows(self) -> bool:
        criteria_ok = True
        criteria = self.filled(self.criteria)
        for row in criteria:
            criteria_ok = _require_in_row(row, ("name", "points"), "criterion") and criteria_ok
        ok = criteria_ok
        items = self.filled(self.items)
        for row in items:
            ok = _require_in_row(row, ("description", "unit", "estimated_quantity"), "item") and ok
        for row in self.filled(self.notices):
            ok = _require_in_row(row, ("medium", "outlet", "published_on"), "notice") and ok
        if len(items) > MAX_LINES:
            self._list_error("items", f"A price sheet may have at most {MAX_LINES} lines; this one has "
                             f"{len(items)}.", [])
            ok = False
        if self.partial:
            return ok  # totals and a non-empty price sheet are checked on submission for approval
        if criteria_ok:
            total = sum((row.points.data or Decimal(0) for row in criteria), Decimal(0))
            if total != Decimal(100):
                self._list_error("criteria", f"The criteria must total 100 points; they total {total.normalize():f}.",
                                 [row.points for row in criteria])
                ok = False
            if sum(1 for row in criteria if row.is_price.data) != 1:
                self._list_error("criteria", "Mark exactly one criterion as the price criterion.",
                                 [row.is_price for row in criteria])
                ok = False
        if not items:
            self._list_error("items", "The price sheet needs at least one item.",
                             [self.items[0].form.description] if self.items.entries else [])
            ok = False
        return ok

    def _validate_timeline(self) -> bool:
        ok = True
        due, questions = self.due_at.data, self.questions_due_at.data
        if due and questions and questions >= due:
            self.questions_due_at.errors.append("The questions deadline must come before the due date.")
            ok = False
        if due and self.publish_at.data and self.publish_at.data >= due:
            self.publish_at.errors.append("Publication must come before the due date.")
            ok = False
        if due and self.prebid_conference_at.data and self.prebid_conference_at.data >= due:
            self.prebid_conference_at.errors.append("The pre-bid conference must come before the due date.")
            ok = False
        return ok


class QuestionForm(FlaskForm):
    body = TextAreaField("Your question", validators=[DataRequired(message="Write your question."),
                                                      Length(max=4000)],
                         description="Answers are published to every vendor without your name.")
    submit = SubmitField("Send question")


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer", validators=[DataRequired(message="Write the answer."), Length(max=8000)])
    submit = SubmitField("Publish answer")


class AddendumForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the addendum a title."), Length(max=200)])
    body_md = TextAreaField("Text (Markdown)", validators=[DataRequired(message="Write what changes."),
                                                          Length(max=50_000), safe_markdown],
                            render_kw={"rows": 8})
    new_due_at = DateTimeLocalField("New due date (optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    new_questions_due_at = DateTimeLocalField("New questions deadline (optional)", format="%Y-%m-%dT%H:%M",
                                              validators=[Optional()])
    submit = SubmitField("Issue addendum")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(message="Give the reason."), Length(max=2000)])
    submit = SubmitField("Cancel solicitation")


class NoteForm(FlaskForm):
    note = TextAreaField("Note to the author (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Return to draft")


class DemandInviteForm(FlaskForm):
    """The agency to ask is a type-ahead field (templates/_macros/typeahead.html; staff_views reads
    it), never a list of every agency on CoopBid."""

    submit = SubmitField("Ask for quantities")


class AddNoticeForm(FlaskForm):
    medium = SelectField("Medium", choices=[(m.value, m.label) for m in NoticeMedium], validators=[InputRequired()])
    outlet = StringField("Newspaper, web address or portal",
                         validators=[DataRequired(message="Name where it was published."), Length(max=200)])
    published_on = DateField("Publication date", validators=[InputRequired(message="Enter the date.")])
    submit = SubmitField("Record notice")


class ImportLinesForm(FlaskForm):
    """Many price-sheet lines at once: the template file, or typed/pasted lines."""

    price_file = FileField("Price-sheet file (XLSX or CSV, in the template's layout)",
                           description="Each row below the header is one line: its description, unit and "
                                       "estimated quantity. The Line and Unit price columns are ignored.")
    lines = TextAreaField("Or type or paste lines", validators=[Optional(), Length(max=200_000)],
                          render_kw={"rows": 10, "spellcheck": "false"},
                          description="One line per row: description, unit, estimated quantity — separated by "
                                      "tabs (pasted from a spreadsheet) or commas (put a description that "
                                      "contains commas in double quotes).")
    mode = RadioField("Where the lines go", default="append",
                      choices=[("append", "After the current lines"), ("replace", "Instead of the current lines")],
                      validators=[InputRequired(message="Choose where the lines go.")])
    submit = SubmitField("Add the lines")

    @property
    def has_file(self) -> bool:
        return bool(self.price_file.data and getattr(self.price_file.data, "filename", ""))
