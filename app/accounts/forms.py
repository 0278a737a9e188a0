from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
)

from app.accounts.models import AgencyType
from app.core.forms import (
    MultiCheckboxField,
    WholeNumberField,
    email_field,
    new_password_field,
    state_field,
    timezone_field,
    validate_ein,
    validate_zip,
)


# Free-text fields that must say something use DataRequired, which (unlike InputRequired) also
# refuses an answer of only spaces; the services strip what they save.
def _name_field(label: str = "Full name") -> StringField:
    return StringField(label, validators=[DataRequired(message="Enter a name."), Length(max=120)],
                       render_kw={"autocomplete": "name"})


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm password",
        validators=[InputRequired(message="Type the password again."),
                    EqualTo("password", message="The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class VendorFields:
    """Fields a vendor organization is described by (registration and settings)."""

    legal_name = StringField("Legal business name",
                             validators=[DataRequired(message="Enter the legal business name."),
                                         Length(max=200)],
                             render_kw={"autocomplete": "organization"})
    tax_id = StringField("Federal tax ID (EIN)", validators=[InputRequired(message="Enter the EIN."), validate_ein],
                         description="Nine digits, like 12-3456789. Shown only to your organization.")
    address_line1 = StringField("Street address", validators=[DataRequired(message="Enter the street address."),
                                                              Length(max=200)],
                                render_kw={"autocomplete": "address-line1"})
    address_line2 = StringField("Address line 2 (optional)", validators=[Optional(), Length(max=200)],
                                render_kw={"autocomplete": "address-line2"})
    city = StringField("City", validators=[DataRequired(message="Enter the city."), Length(max=100)],
                       render_kw={"autocomplete": "address-level2"})
    state = state_field()
    postal_code = StringField("ZIP code", validators=[InputRequired(message="Enter the ZIP code."), validate_zip],
                              render_kw={"autocomplete": "postal-code"})
    is_small_business = BooleanField("Small business")
    is_minority_owned = BooleanField("Minority-owned business")
    is_women_owned = BooleanField("Women-owned business")
    is_veteran_owned = BooleanField("Veteran-owned business")


class VendorRegistrationForm(VendorFields, FlaskForm):
    admin_name = _name_field("Your full name")
    email = email_field("Your work e-mail address")
    password = new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create vendor account")


class VendorSettingsForm(VendorFields, FlaskForm):
    submit = SubmitField("Save")


class AgencyFields:
    name = StringField("Agency name", validators=[DataRequired(message="Enter the agency name."),
                                                  Length(max=200)])
    agency_type = SelectField("Type of agency",
                              choices=[(t.value, t.label) for t in AgencyType],
                              validators=[InputRequired()])
    state = state_field()
    timezone = timezone_field()
    short_code = StringField(
        "Short code",
        validators=[Optional(), Length(max=12),
                    Regexp(r"^[A-Z0-9]+$", message="Use capital letters and digits only, like ACPS.")],
        description="Prefix for solicitation numbers, like ACPS.",
    )
    enrollment = WholeNumberField("Student enrollment", maximum=5_000_000, validators=[Optional()],
                              description="School districts: for per-student figures.")
    population = WholeNumberField("Population served", maximum=50_000_000, validators=[Optional()])


class AgencySettingsForm(AgencyFields, FlaskForm):
    protest_period_days = WholeNumberField(
        "Protest period (calendar days)", minimum=1, maximum=60,
        message="Enter a number of days from 1 to 60.", range_message="Enter a number of days from 1 to 60.",
        validators=[InputRequired(message="Enter the number of days bidders have to protest.")],
        description="Days bidders have to protest a notice of intent to award, where your state's rules "
                    "in CoopBid do not set the period.")
    submit = SubmitField("Save")


class NewAgencyForm(AgencyFields, FlaskForm):
    admin_email = email_field("First administrator's e-mail address")
    submit = SubmitField("Add agency and send invitation")


class PasswordResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send reset link")


class PasswordResetForm(FlaskForm):
    password = new_password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Set new password")


class ProfileForm(FlaskForm):
    name = _name_field()
    title = StringField("Job title (optional)", validators=[Optional(), Length(max=120)],
                        render_kw={"autocomplete": "organization-title"})
    submit = SubmitField("Save profile")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[InputRequired(message="Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    password = new_password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Change password")


class InvitationForm(FlaskForm):
    email = email_field()
    roles = MultiCheckboxField("Roles", validators=[InputRequired(message="Choose at least one role.")])
    submit = SubmitField("Send invitation")


class AcceptInvitationForm(FlaskForm):
    name = _name_field()
    password = new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create my account")


class RolesForm(FlaskForm):
    roles = MultiCheckboxField("Roles", validators=[InputRequired(message="Choose at least one role.")])
    submit = SubmitField("Save roles")


class ActionForm(FlaskForm):
    """A button-only form: CSRF protection for single actions (sign out, deactivate…)."""

    submit = SubmitField("Confirm")
