"""Field types and validators shared by every package's forms."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import current_app
from wtforms import Field, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.geo import US_STATES, US_TIMEZONES
from app.core.numbers import MAX_MONEY, MAX_PERCENT, MAX_QUANTITY, NumberError, read_decimal


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def state_field(label: str = "State", **kwargs: object) -> SelectField:
    return SelectField(
        label,
        choices=[("", "Choose a state")] + [(code, name) for code, name in US_STATES.items()],
        validators=[InputRequired(message="Choose a state.")],
        **kwargs,
    )


def timezone_field(label: str = "Time zone") -> SelectField:
    return SelectField(label, choices=list(US_TIMEZONES.items()),
                       validators=[InputRequired()], default="America/New_York")


def email_field(label: str = "E-mail address") -> StringField:
    return StringField(
        label,
        validators=[
            InputRequired(message="Enter an e-mail address."),
            Length(max=254),
            Email(message="Enter a valid e-mail address, like name@example.org.",
                  check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


class StrongPassword:
    """Length rules from NIST SP 800-63B: long enough, not absurdly long, not trivially weak."""

    def __call__(self, form: object, field: Field) -> None:
        password = field.data or ""
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(password) < minimum:
            raise ValidationError(f"Use at least {minimum} characters.")
        if len(password) > 128:
            raise ValidationError("Use at most 128 characters.")
        if len(set(password)) < 4:
            raise ValidationError("Use more than a few different characters.")
        email = getattr(getattr(form, "email", None), "data", None) or ""
        if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) > 3:
            raise ValidationError("Do not use your e-mail address in your password.")


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(message="Choose a password."), StrongPassword()],
        render_kw={"autocomplete": "new-password"},
        description="At least 10 characters. A phrase of several words is easy to remember.",
    )


EIN_RE = re.compile(r"^\d{2}-?\d{7}$")


def validate_ein(form: object, field: Field) -> None:
    value = (field.data or "").strip()
    if not EIN_RE.match(value):
        raise ValidationError("Enter the federal tax ID (EIN) as nine digits, like 12-3456789.")
    digits = value.replace("-", "")
    field.data = f"{digits[:2]}-{digits[2:]}"


ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def validate_zip(form: object, field: Field) -> None:
    if not ZIP_RE.match((field.data or "").strip()):
        raise ValidationError("Enter a ZIP code like 22030 or 22030-1234.")


class NumberField(Field):
    """A number typed into a text box and read by app.core.numbers.read_decimal: what was typed is
    shown again beside the message when it is refused. data is a Decimal (an int for whole numbers)
    or None when left blank; pair with Optional() or InputRequired()."""

    widget = TextInput()
    what, example, dollar = "number", "250", False
    message = "Enter a number, like 250 or 12.5."

    def __init__(self, label: str | None = None, validators: list | None = None, *, minimum: Decimal | int = 0,
                 maximum: Decimal | int = MAX_QUANTITY, places: int = 3, message: str | None = None,
                 what: str | None = None, range_message: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal" if places else "numeric", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.places = minimum, maximum, places
        self.message, self.what = message or self.message, what or self.what
        self.range_message = range_message

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            value = read_decimal(valuelist[0], minimum=self.minimum, maximum=self.maximum, places=self.places,
                                 what=self.what, dollar=self.dollar, example=self.example)
        except NumberError as refused:
            raise ValueError(self.refusal(refused)) from None
        self.data = int(value) if self.places == 0 else value

    def refusal(self, refused: NumberError) -> str:
        if refused.kind == "format":
            return self.message
        if refused.kind in ("low", "high") and self.range_message:
            return self.range_message
        if refused.kind == "high":
            return f"Enter at most {Decimal(self.maximum).normalize():,f}."
        if refused.kind == "low" and self.minimum == 0:
            return f"The {self.what} cannot be negative."
        return f"{str(refused)[0].upper()}{str(refused)[1:]}."

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{Decimal(self.data):.{self.places}f}"


class MoneyField(NumberField):
    """Dollars and cents ("$1,250.00"); Numeric(14, 2) by default."""

    what, example, dollar = "amount", "1,250.00", True
    message = "Enter an amount in dollars and cents, like 1,250.00."

    def __init__(self, label: str | None = None, validators: list | None = None, *,
                 minimum: Decimal | int = Decimal("0.01"), maximum: Decimal | int = MAX_MONEY, places: int = 2,
                 **kwargs: object) -> None:
        super().__init__(label, validators, minimum=minimum, maximum=maximum, places=places, **kwargs)


class QuantityField(NumberField):
    what = "quantity"


class PercentField(NumberField):
    """A percentage such as a fee or a bond: Numeric(5, 2)."""

    what, example = "percentage", "2.5"
    message = "Enter a percentage, like 2.5."

    def __init__(self, label: str | None = None, validators: list | None = None, *,
                 minimum: Decimal | int = Decimal("0.01"), maximum: Decimal | int = MAX_PERCENT, places: int = 2,
                 **kwargs: object) -> None:
        super().__init__(label, validators, minimum=minimum, maximum=maximum, places=places, **kwargs)


class WholeNumberField(NumberField):
    """A count (renewal options, days, enrollment): data is an int."""

    example = "3"
    message = "Enter a whole number, like 3."

    def __init__(self, label: str | None = None, validators: list | None = None, *, minimum: int = 0,
                 maximum: int, **kwargs: object) -> None:
        kwargs.setdefault("range_message", f"Enter a whole number from {minimum:,} to {maximum:,}.")
        super().__init__(label, validators, minimum=minimum, maximum=maximum, places=0, **kwargs)

    def refusal(self, refused: NumberError) -> str:
        return self.message if refused.kind == "places" else super().refusal(refused)
