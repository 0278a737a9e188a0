"""The bid form is built per solicitation: one price field per price-sheet line, one file field per
required document, one box per addendum still to acknowledge."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.bids.pricefiles import parse_unit_price
from app.bids.drafts import ATTESTATIONS, document_requirements, requirement_label
from app.solicitations.communications import Addendum
from app.solicitations.models import PriceSheetItem, Solicitation


def _unit_price(form: FlaskForm, field: StringField) -> None:
    try:
        parse_unit_price(field.data or "")
    except ValueError as exc:
        message = str(exc)  # not str.capitalize(): it would lower-case the quoted value ("NaN")
        raise ValidationError(message[:1].upper() + message[1:] + ".") from None


class BidForm(FlaskForm):
    notes = TextAreaField("Notes, clarifications and exceptions", validators=[Length(max=5000)],
                          description="Sealed with your prices. Exceptions to the terms may make a bid "
                                      "non-responsive.")
    attest_non_collusion = BooleanField(ATTESTATIONS["non_collusion"])
    attest_not_debarred = BooleanField(ATTESTATIONS["not_debarred"])
    price_file = FileField("Or upload the filled-in price sheet (XLSX or CSV)",
                           description="Use the template's layout. Prices in the file replace those typed "
                                       "above; rows with a problem are reported and skipped.")
    save = SubmitField("Save draft")
    submit = SubmitField("Submit bid")

    # Set by bid_form_class():
    price_fields: list[tuple[PriceSheetItem, str]]
    document_fields: list[tuple[str, str]]
    addendum_fields: list[tuple[Addendum, str]]

    def price(self, item: PriceSheetItem) -> StringField:
        return self[f"price_{item.id}"]

    @property
    def attestations(self) -> dict[str, bool]:
        return {"non_collusion": bool(self.attest_non_collusion.data),
                "not_debarred": bool(self.attest_not_debarred.data)}


def bid_form_class(s: Solicitation, pending_addenda: list[Addendum]) -> type[BidForm]:
    class SolicitationBidForm(BidForm):
        pass

    prices, documents, addenda = [], [], []
    for item in s.items:
        name = f"price_{item.id}"
        setattr(SolicitationBidForm, name, StringField(
            f"Unit price, line {item.position}: {item.description} (per {item.unit})",
            validators=[_unit_price], render_kw={"inputmode": "decimal", "autocomplete": "off"}))
        prices.append((item, name))
    for index, requirement in enumerate(document_requirements(s)):
        name = f"document_{index}"
        setattr(SolicitationBidForm, name, FileField(requirement_label(requirement)))
        documents.append((requirement, name))
    for addendum in pending_addenda:
        name = f"addendum_{addendum.number}"
        setattr(SolicitationBidForm, name, BooleanField(
            f"I acknowledge addendum {addendum.number}: {addendum.title}"))
        addenda.append((addendum, name))
    SolicitationBidForm.price_fields = prices
    SolicitationBidForm.document_fields = documents
    SolicitationBidForm.addendum_fields = addenda
    return SolicitationBidForm


class ResponsivenessForm(FlaskForm):
    decision = RadioField("Decision", choices=[("responsive", "Responsive"),
                                               ("non_responsive", "Non-responsive")])
    reason = TextAreaField("Reason (required for non-responsive; recorded in the audit trail)",
                           validators=[Length(max=2000)])
    submit_decision = SubmitField("Record decision")


class VerifyReceiptForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET lookup

    receipt = StringField("Receipt number", validators=[Length(max=80)],
                          description="As printed on the receipt, e.g. ACPS-RFP-2026-001-7KQM-P3XA.")
    digest = StringField("SHA-256 digest (optional)", validators=[Length(max=64)],
                         description="The 64-character digest on the receipt.")
