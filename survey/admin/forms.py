"""Forms for managing staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Regexp

from ..auth.accounts import MIN_PASSWORD_LENGTH
from ..validators import length, required

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "supervisor": _l("Supervisor"),
    "interviewer": _l("Interviewer"),
}


class NewUserForm(FlaskForm):
    """Add a staff account."""

    username = StringField(
        _l("Username"),
        validators=[
            required(),
            length(max=64),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use letters, digits, dots, dashes or underscores."),
            ),
        ],
    )
    display_name = StringField(_l("Full name"), validators=[length(max=120)])
    # The least privilege unless the administrator chooses more.
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        default="interviewer",
    )
    password = PasswordField(
        _l("Password"), validators=[required(), length(min=MIN_PASSWORD_LENGTH, max=256)]
    )


class UserActionForm(FlaskForm):
    """A CSRF-protected button acting on one account (unlock, deactivate, activate)."""


class ApiTokenForm(FlaskForm):
    """Issue an API token for the estimates API, optionally limited to some branches."""

    name = StringField(_l("What the token is for"), validators=[required(), length(max=120)])
    branches = StringField(
        _l("Only these branches (comma-separated; empty: all)"),
        validators=[
            length(max=500),
            Regexp(
                r"^[A-Za-z0-9_.\-, ]*$", message=_l("Branch codes are letters, digits and dashes.")
            ),
        ],
    )
