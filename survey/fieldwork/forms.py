"""Forms of the supervisor's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import NumberRange, Optional, Regexp

from ..labels import DRAW_METHOD
from ..questionnaire import Mode
from ..sample.draws import DRAW_METHODS
from ..validators import length, required, required_number


class UploadForm(FlaskForm):
    """A sample frame or a day's call records, CSV or XLSX."""

    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("Use a .csv or .xlsx file.")),
        ],
    )
    valid_only = BooleanField(_l("Import the valid rows even if others have problems"))


# The largest sample size, minimum or quota target a form accepts: far above any bank's
# survey, far below what the database's integers hold (a larger number is a typing slip).
MOST = 10_000_000


class DrawForm(FlaskForm):
    """Draw a (stratified) sample from the imported frame."""

    size = IntegerField(
        _l("Sample size"), validators=[required_number(), NumberRange(min=1, max=MOST)]
    )
    method = SelectField(
        _l("Method"),
        choices=[SelectChoice(m, DRAW_METHOD[m]) for m in DRAW_METHODS],
        default="proportional",
    )
    minimum = IntegerField(
        _l("Minimum per stratum"), default=0, validators=[Optional(), NumberRange(min=0, max=MOST)]
    )
    replicates = IntegerField(
        _l("Replicates (batches released one by one)"),
        default=1,
        validators=[required_number(), NumberRange(min=1, max=100)],
    )


class CallDrawForm(FlaskForm):
    """Draw the post-call sample from the calls imported and not yet drawn from."""

    rate = DecimalField(
        _l("Share of each queue's calls"),
        places=None,
        validators=[required_number(), NumberRange(min=0, max=1)],
    )
    min_talk_seconds = IntegerField(
        _l("Minimum talk time (seconds)"),
        validators=[required_number(), NumberRange(min=0, max=24 * 3600)],
    )
    due_hours = IntegerField(
        _l("Reach the customer within (hours)"),
        validators=[required_number(), NumberRange(min=1, max=24 * 366)],
    )
    mode = SelectField(
        _l("How"),
        choices=[SelectChoice(Mode.CATI, _l("Telephone")), SelectChoice(Mode.WEB, _l("Web link"))],
    )


class ReleaseForm(FlaskForm):
    replicate = IntegerField(validators=[required_number(), NumberRange(min=1, max=100)])


class QuotaForm(FlaskForm):
    """A target of completes for one segment cell."""

    attribute = StringField(
        _l("Attribute"),
        validators=[
            required(),
            length(max=64),
            Regexp(r"^[A-Za-z0-9_]+$", message=_l("Letters, digits and underscores.")),
        ],
    )
    value = StringField(_l("Value"), validators=[required(), length(max=120)])
    target = IntegerField(
        _l("Target completes"), validators=[required_number(), NumberRange(min=1, max=MOST)]
    )


class TargetForm(FlaskForm):
    stratum = StringField(validators=[length(max=120)])
    target = IntegerField(
        _l("Target completes"), validators=[Optional(), NumberRange(min=0, max=MOST)]
    )


class ReassignForm(FlaskForm):
    interviewer = SelectField(_l("Interviewer"), coerce=int, validate_choice=True)


class ActionForm(FlaskForm):
    """A CSRF-protected button (release a claim, remove a quota, send invitations)."""
