from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.core.forms import MultiCheckboxField


class CommitteeForm(FlaskForm):
    evaluators = MultiCheckboxField("Evaluators", coerce=int,
                                    validators=[InputRequired(message="Choose at least one evaluator.")],
                                    description="Agency users with the evaluator role.")
    chair = SelectField("Chair", coerce=int, validators=[InputRequired(message="Choose the chair.")])
    submit = SubmitField("Name the committee")


class AttestationForm(FlaskForm):
    answer = RadioField("Conflict of interest", choices=[
        ("none", "I have no conflict of interest with any bidder (sign the statement above)"),
        ("conflict", "I have an interest in a bidder and must be excluded")],
        validators=[InputRequired(message="Choose one.")])
    disclosure = TextAreaField("The interest you declare (required when declaring)", validators=[Length(max=2000)])
    submit = SubmitField("Record my statement")


class ConsensusForm(FlaskForm):
    points = SelectField("Consensus points", coerce=str)
    reason = TextAreaField("Reason (goes in the evaluation report)", validators=[Length(max=2000)])
    submit = SubmitField("Record consensus")
