"""Field types and validators shared by every package's forms."""
from __future__ import annotations

import re

from flask import current_app
from wtforms import Field, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.geo import US_STATES, US_TIMEZONES


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
