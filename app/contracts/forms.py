"""The registration of a contract awarded elsewhere. Every problem is found in one pass and shown
beside its field: the fields' own checks, then the price list, the documents and the compliance
facts, read by the same functions the service uses."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FileField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.compliance.facts import AWARD_BASES, LEAD_AGENCY_TYPES, NOTICE_MEDIA, SOLICITATION_METHODS
from app.contracts.registration import MAX_DOCUMENTS, Registration, check_facts, check_number, parse_price_list
from app.core.errors import DomainError
from app.core.files import CheckedUpload, check_upload, read_upload
from app.core.forms import MoneyField, MultiCheckboxField, NumberField, WholeNumberField, state_field, validate_ein
from app.core.geo import US_STATES
from app.solicitations.models import ProcurementCategory

DOCUMENT_TYPES = {"pdf", "docx", "xlsx"}
MAX_CEILING = Decimal("999999999999")


def _label(value: str) -> str:
    return {"private_gpo": "Private group purchasing organization", "state_registry": "State registry or portal",
            "lowest_responsible_bidder": "Lowest responsible bidder"}.get(value, value.replace("_", " ").capitalize())


def _choices(values: tuple[str, ...], blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank else []) + [(v, _label(v)) for v in values]


YES_NO_UNKNOWN = [("", "Not known"), ("yes", "Yes"), ("no", "No")]


class RegistrationForm(FlaskForm):
    # The contract
    number = StringField("Contract number", validators=[DataRequired(message="Enter the contract number."),
                                                        Length(max=60)])
    title = StringField("Title", validators=[DataRequired(message="Enter the title."), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=2000)],
                            description="What the contract covers, in a paragraph.")
    lead_agency_name = StringField("Lead agency", validators=[DataRequired(message="Enter the lead agency."),
                                                              Length(max=200)])
    lead_agency_state = state_field("Lead agency's state")
    lead_agency_type = SelectField("Lead agency type", choices=_choices(LEAD_AGENCY_TYPES, "Choose a type"),
                                   validators=[DataRequired(message="Choose the lead agency's type.")])
    vendor_name = StringField("Vendor (legal name)", validators=[DataRequired(message="Enter the vendor."),
                                                                 Length(max=200)])
    vendor_tax_id = StringField("Vendor's federal tax ID (EIN)", validators=[InputRequired(message="Enter the EIN."),
                                                                            validate_ein],
                                description="Nine digits, like 12-3456789: it tells vendors apart.")
    vendor_state = state_field("Vendor's state")
    procurement_category = SelectField("Procurement category", choices=[(c.value, c.label) for c in ProcurementCategory],
                                       default=ProcurementCategory.GOODS.value,
                                       validators=[DataRequired(message="Choose a procurement category.")])
    categories = MultiCheckboxField("Commodity categories", coerce=int, validators=[Optional()])
    effective_on = DateField("Effective on", validators=[InputRequired(message="Enter the date it took effect.")])
    expires_on = DateField("Expires on", validators=[InputRequired(message="Enter the date it expires.")],
                           description="The end of the current term.")
    renewal_options = WholeNumberField("Renewal options left", default=0, maximum=10,
                                       validators=[InputRequired(message="Enter a number (0 for none).")])
    renewal_term_years = WholeNumberField("Years per renewal", default=1, minimum=1, maximum=5,
                                          validators=[InputRequired()])
    ceiling_value = MoneyField("Ceiling (USD, optional)", maximum=MAX_CEILING, validators=[Optional()])
    cooperative_clause = SelectField("Does the solicitation let other public agencies use the contract?",
                                     choices=[("yes", "Yes, it has a cooperative clause"), ("no", "No")],
                                     validators=[DataRequired()])
    eligible_states = StringField("Eligible states (two-letter codes, comma-separated; blank: all)",
                                  validators=[Optional(), Length(max=300)])
    # The compliance facts (COMPLIANCE.md `contract`): what a participating agency's check reads
    solicitation_method = SelectField("Solicitation method", choices=_choices(SOLICITATION_METHODS, "Not known"),
                                      validators=[Optional()])
    award_basis = SelectField("Award basis", choices=_choices(AWARD_BASES, "Not known"), validators=[Optional()])
    notice_first_published = DateField("First public notice", validators=[Optional()])
    notice_media = MultiCheckboxField("Notice media", choices=_choices(NOTICE_MEDIA), validators=[Optional()])
    bid_opening = DateField("Bid opening", validators=[Optional()])
    sealed_bids = SelectField("Sealed bids", choices=YES_NO_UNKNOWN, validators=[Optional()])
    public_opening = SelectField("Bids opened in public", choices=YES_NO_UNKNOWN, validators=[Optional()])
    bids_received = WholeNumberField("Bids received", maximum=10_000, validators=[Optional()])
    award_date = DateField("Award date", validators=[Optional()])
    lead_distance_miles = NumberField("Lead agency's distance (miles, optional)", places=1, maximum=10_000,
                                      message="Enter a distance in miles, like 12.5.", validators=[Optional()],
                                       description="Some states limit cooperative purchases by distance.")
    # Price list and documents
    price_list = TextAreaField("Price list", validators=[Optional()], render_kw={"rows": 6},
                               description="One line per item: description | unit | price "
                                           "(Copy paper, case of 10 reams | case | 41.80).")
    price_file = FileField("Or a price-list CSV file", validators=[Optional()],
                           description="Columns: description, unit, price.")
    documents = MultipleFileField("Documents (PDF, DOCX or XLSX)", validators=[Optional()],
                                  description="The solicitation, tabulation, award and contract, as you have them. "
                                              f"At most {MAX_DOCUMENTS}.")
    submit = SubmitField("Register the contract")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_lines: list = []
        self.checked_documents: list[CheckedUpload] = []

    # -- field checks that need the service's readers ---------------------------------------
    def state_codes(self) -> list[str]:
        raw = (self.eligible_states.data or "").upper().replace(";", ",")
        return sorted({code.strip() for code in raw.split(",") if code.strip()})

    def validate_eligible_states(self, field):  # noqa: ANN001
        unknown = [c for c in self.state_codes() if c not in US_STATES]
        if unknown:
            raise ValidationError(f"Unknown state code: {', '.join(unknown)}. Use codes like VA, NC, TX.")

    def validate_number(self, field):  # noqa: ANN001
        field.data = (field.data or "").strip()
        _as_validation_error(check_number, field.data)

    def validate_expires_on(self, field):  # noqa: ANN001
        if self.effective_on.data and field.data and field.data <= self.effective_on.data:
            raise ValidationError("The contract must expire after it takes effect.")

    def validate_bid_opening(self, field):  # noqa: ANN001
        if field.data and self.notice_first_published.data and field.data < self.notice_first_published.data:
            raise ValidationError("The bid opening cannot come before the first public notice.")

    def validate_award_date(self, field):  # noqa: ANN001
        if field.data and self.bid_opening.data and field.data < self.bid_opening.data:
            raise ValidationError("The award cannot come before the bid opening.")

    def validate_price_list(self, field):  # noqa: ANN001
        # Typed lines only here; the CSV file is read (and refused beside its own field) below.
        self.price_lines = _as_validation_error(parse_price_list, field.data or "")

    def validate_price_file(self, field):  # noqa: ANN001
        upload = field.data
        if upload and getattr(upload, "filename", ""):
            if not upload.filename.lower().endswith(".csv"):
                raise ValidationError("The price-list file must be a .csv file.")
            data, _ = read_upload(upload, current_app.config["MAX_DOCUMENT_BYTES"])
            self.price_lines = [*self.price_lines, *_as_validation_error(parse_price_list, "", data)]

    def validate_documents(self, field):  # noqa: ANN001
        uploads = [u for u in (field.data or []) if getattr(u, "filename", "")]
        if len(uploads) > MAX_DOCUMENTS:
            raise ValidationError(f"Attach at most {MAX_DOCUMENTS} documents.")
        limit = current_app.config["MAX_DOCUMENT_BYTES"]
        for upload in uploads:
            data, size = read_upload(upload, limit)
            self.checked_documents.append(_as_validation_error(
                check_upload, upload.filename, data, allowed=DOCUMENT_TYPES, max_bytes=limit, size=size))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        if not super().validate(extra_validators):
            return False
        # The facts as the engine reads them, once every field is well-formed.
        try:
            check_facts(self.registration().facts())
        except DomainError as exc:
            target = getattr(self, exc.field or "", None) or self.solicitation_method
            target.errors = [*target.errors, exc.message]
            return False
        return True

    # -- the typed registration ----------------------------------------------------------------
    def registration(self) -> Registration:
        def yes_no(value: str | None) -> bool | None:
            return {"yes": True, "no": False}.get(value or "")

        return Registration(
            number=self.number.data, title=self.title.data.strip(), summary=(self.summary.data or "").strip(),
            lead_agency_name=self.lead_agency_name.data.strip(), lead_agency_state=self.lead_agency_state.data,
            lead_agency_type=self.lead_agency_type.data, vendor_name=self.vendor_name.data.strip(),
            vendor_tax_id=self.vendor_tax_id.data, vendor_state=self.vendor_state.data,
            procurement_category=ProcurementCategory(self.procurement_category.data),
            category_ids=list(self.categories.data or []), effective_on=self.effective_on.data,
            expires_on=self.expires_on.data, renewal_options=self.renewal_options.data,
            renewal_term_years=self.renewal_term_years.data, ceiling_value=self.ceiling_value.data,
            cooperative_clause=self.cooperative_clause.data == "yes", eligible_states=self.state_codes(),
            solicitation_method=self.solicitation_method.data or None, award_basis=self.award_basis.data or None,
            notice_first_published=self.notice_first_published.data, notice_media=list(self.notice_media.data or []),
            bid_opening=self.bid_opening.data, sealed_bids=yes_no(self.sealed_bids.data),
            public_opening=yes_no(self.public_opening.data),
            bids_received=self.bids_received.data, award_date=self.award_date.data,
            lead_distance_miles=self.lead_distance_miles.data, price_lines=list(self.price_lines),
            documents=list(self.checked_documents))


def _as_validation_error(check, *args, **kwargs):  # noqa: ANN001, ANN202
    """A service reader's refusal as this field's error."""
    try:
        return check(*args, **kwargs)
    except DomainError as exc:
        raise ValidationError(exc.message) from None
