"""Forms of a participating agency: the compliance check, joining, and reporting purchases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, Field, FieldList, FormField, HiddenField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.compliance.findings import ATTESTATION_QUESTIONS
from app.contracts.purchases import parse_amount, parse_day, parse_price, parse_quantity
from app.core.forms import MultiCheckboxField
from app.core.numbers import parse_id, parse_whole
from app.solicitations.models import ProcurementCategory

FUNDING_CHOICES = [("local", "Local funds"), ("state", "State funds"), ("federal", "Federal funds (grants)"),
                   ("e_rate", "E-rate discounts")]
ANSWER_CHOICES = [("unknown", "Not stated"), ("yes", "Yes"), ("no", "No")]
ANSWERS = {"yes": True, "no": False, "unknown": None}



def _amount_or_none(text: str | None) -> Decimal | None:
    return None if not (text or "").strip() else parse_amount(text)


class MoneyField(StringField):
    """An amount in dollars ("$1,234.50"); `.amount` holds the Decimal once validated."""

    amount: Decimal | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        self.amount = None
        try:
            self.amount = _amount_or_none(self.data)
        except ValueError as exc:
            raise ValidationError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None


class DayField(StringField):
    """A date as YYYY-MM-DD (the browser's date input sends that); `.day` holds it once validated."""

    day: date | None = None

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        self.day = None
        if (self.data or "").strip():
            try:
                self.day = parse_day(self.data)
            except ValueError as exc:
                raise ValidationError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None


def _required(message: str):  # noqa: ANN202
    def check(form: FlaskForm, field: Field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(message)
    return check


class CheckForm(FlaskForm):
    amount = MoneyField("Amount of this purchase (USD)", validators=[_required("Enter the amount of the purchase.")],
                        render_kw={"inputmode": "decimal"})
    aggregate_12mo = MoneyField("Total bought of the same kind in 12 months, this purchase included (USD, optional)",
                                description="Some states set their thresholds on the 12-month total.",
                                render_kw={"inputmode": "decimal"})
    category = SelectField("Category", choices=[(c.value, c.label) for c in ProcurementCategory],
                           validate_choice=False)
    planned_on = DayField("Planned purchase or contract date", validators=[_required("Enter the planned date.")])
    funding = MultiCheckboxField("Paid with", choices=FUNDING_CHOICES,
                                 validators=[InputRequired(message="Choose at least one source of funds.")])
    form_470_certified = DayField("FCC Form 470 certified on (E-rate only)",
                                  description="Only matters when E-rate discounts pay for the purchase.")
    contract_signed = DayField("Contract signed, or to be signed, on (E-rate only)",
                               description="Only matters when E-rate discounts pay for the purchase.")
    same_or_better_terms = SelectField(ATTESTATION_QUESTIONS["same_or_better_terms"], choices=ANSWER_CHOICES)
    board_approval_regular_meeting = SelectField(ATTESTATION_QUESTIONS["board_approval_regular_meeting"],
                                                 choices=ANSWER_CHOICES)
    notice_of_intent_days_before_meeting = StringField(
        ATTESTATION_QUESTIONS["notice_of_intent_days_before_meeting"] + " (optional)",
        validators=[Optional()], render_kw={"inputmode": "numeric"})
    best_value_authorized = SelectField(ATTESTATION_QUESTIONS["best_value_authorized"], choices=ANSWER_CHOICES)
    interlocal_agreement_filed_or_posted = SelectField(ATTESTATION_QUESTIONS["interlocal_agreement_filed_or_posted"],
                                                       choices=ANSWER_CHOICES)
    participation_agreement_signed = SelectField(ATTESTATION_QUESTIONS["participation_agreement_signed"],
                                                 choices=ANSWER_CHOICES)
    written_determination = SelectField(ATTESTATION_QUESTIONS["written_determination"], choices=ANSWER_CHOICES)
    federal_procurement_documented = SelectField(ATTESTATION_QUESTIONS["federal_procurement_documented"],
                                                 choices=ANSWER_CHOICES)
    submit = SubmitField("Run the check")

    PURCHASE_FIELDS = ("amount", "aggregate_12mo", "category", "planned_on", "funding")
    E_RATE_FIELDS = ("form_470_certified", "contract_signed")
    ATTESTATION_FIELDS = ("same_or_better_terms", "board_approval_regular_meeting",
                          "notice_of_intent_days_before_meeting", "best_value_authorized",
                          "interlocal_agreement_filed_or_posted", "participation_agreement_signed",
                          "written_determination", "federal_procurement_documented")

    def validate_category(self, field: Field) -> None:
        if field.data not in {c.value for c in ProcurementCategory}:
            raise ValidationError("Choose one of the categories listed.")

    def validate_funding(self, field: Field) -> None:
        known = {value for value, _ in FUNDING_CHOICES}
        if any(value not in known for value in field.data or []):
            raise ValidationError("Choose sources of funds from the list.")

    def validate_notice_of_intent_days_before_meeting(self, field: Field) -> None:
        text = (field.data or "").strip()
        if text and parse_whole(text, maximum=3650) is None:
            raise ValidationError("Enter a whole number of days, 0 or more.")

    def attestations(self) -> dict[str, bool | int | None]:
        answers: dict[str, bool | int | None] = {key: ANSWERS.get(getattr(self, key).data)
                                                 for key in ATTESTATION_QUESTIONS}
        answers["notice_of_intent_days_before_meeting"] = parse_whole(self.notice_of_intent_days_before_meeting.data,
                                                                      maximum=3650)
        return answers

    def fill_from(self, facts: dict) -> None:
        """Show the facts of an earlier check (GET: start from what the agency typed last time)."""
        purchase, stated = facts.get("purchase", {}), facts.get("attestations", {})
        self.amount.data = str(purchase.get("amount", ""))
        self.aggregate_12mo.data = str(purchase.get("aggregate_12mo", ""))
        self.category.data = purchase.get("category")
        self.planned_on.data = purchase.get("date", "")
        self.funding.data = list(purchase.get("funding", []))
        self.form_470_certified.data = purchase.get("form_470_certified", "")
        self.contract_signed.data = purchase.get("contract_signed", "")
        for key in ATTESTATION_QUESTIONS:
            self[key].data = {True: "yes", False: "no"}.get(stated.get(key), "unknown")
        days = stated.get("notice_of_intent_days_before_meeting")
        self.notice_of_intent_days_before_meeting.data = "" if days is None else str(days)


class ActionDoneForm(FlaskForm):
    check_id = HiddenField()
    rule = HiddenField()
    note = TextAreaField("What was done", validators=[_required("Say what was done."), Length(max=1000)])
    submit = SubmitField("Record as done")


class JoinForm(FlaskForm):
    check_id = HiddenField()
    signer_name = StringField("Signer's name", validators=[_required("Enter the signer's name."), Length(max=200)],
                              render_kw={"autocomplete": "name"})
    signer_title = StringField("Signer's title", validators=[_required("Enter the signer's title."), Length(max=200)],
                               render_kw={"autocomplete": "organization-title"})
    board_approval_reference = StringField("Board approval reference (meeting date, minute or resolution number)",
                                           validators=[Length(max=300)])
    accept_terms = BooleanField("I accept the participation terms above for my agency")
    submit = SubmitField("Join the contract")


class ItemForm(FlaskForm):
    """One item row of the purchase form (no CSRF of its own: it is part of PurchaseForm)."""

    class Meta:
        csrf = False

    line = SelectField("Price-list line", choices=[], validate_choice=False)
    quantity = StringField("Quantity", render_kw={"inputmode": "decimal"})
    unit_price = StringField("Unit price paid (USD)", render_kw={"inputmode": "decimal"})

    def parsed(self):  # noqa: ANN201
        """None for an empty row; else (line, quantity, unit price). ValueError says what is wrong."""
        cells = [self.line.data or "", (self.quantity.data or "").strip(), (self.unit_price.data or "").strip()]
        if not any(cells):
            return None
        if not all(cells):
            raise ValueError("Give the line, quantity and unit price together (or leave the row empty).")
        line = parse_id(cells[0])
        if line is None:
            raise ValueError("Choose a line of the price list.")
        try:
            return line, parse_quantity(cells[1]), parse_price(cells[2])
        except ValueError as exc:
            raise ValueError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None


class PurchaseForm(FlaskForm):
    po_number = StringField("Purchase order number", validators=[_required("Enter the purchase order number."),
                                                                 Length(max=60)])
    ordered_on = DayField("Order date", validators=[_required("Enter the order date.")])
    amount = MoneyField("Amount of the order (USD)", validators=[_required("Enter the amount of the order.")],
                        render_kw={"inputmode": "decimal"})
    items = FieldList(FormField(ItemForm), min_entries=3, max_entries=20)
    submit = SubmitField("Record the purchase")

    def validate_items(self, field: Field) -> None:
        for entry in field.entries:
            try:
                entry.form.parsed()
            except ValueError as exc:
                entry.form.line.errors = [*entry.form.line.errors, str(exc)]
                raise ValidationError("Correct the item rows marked below.") from None


class PurchaseUploadForm(FlaskForm):
    file = FileField("Purchases file (CSV)")
    submit = SubmitField("Import the file")
