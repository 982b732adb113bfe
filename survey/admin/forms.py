"""Forms for managing staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp

from ..accounts.staff import MIN_PASSWORD_LENGTH, StaffDetails, parse_branches
from ..labels import STAFF_ROLE
from ..models import Role
from ..validators import length, required, required_number

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "supervisor": _l("Supervisor"),
    "interviewer": _l("Interviewer"),
    "staff": _l("Staff member (own page, rates colleagues)"),
}


def branch_list(label) -> StringField:
    """A comma-separated list of branch codes (a manager's or an API token's limit)."""
    return StringField(
        label,
        validators=[
            length(max=500),
            Regexp(
                r"^[A-Za-z0-9_.\-, ]*$", message=_l("Branch codes are letters, digits and dashes.")
            ),
        ],
    )


class AccountForm(FlaskForm):
    """An account's details: display name, staff number (工号), role, a manager's branches."""

    display_name = StringField(_l("Display name"), validators=[required(), length(max=120)])
    staff_number = StringField(
        _l("Staff number"),
        validators=[
            length(max=32),
            Regexp(r"^[A-Za-z0-9-]*$", message=_l("Letters, digits and dashes.")),
        ],
    )
    # The least privilege unless the administrator chooses more.
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        default=Role.INTERVIEWER,
    )
    branches = branch_list(_l("A manager's branches (comma-separated; empty: every branch)"))
    email = StringField(
        _l("E-mail for follow-up notices"),
        validators=[
            length(max=254),
            Regexp(r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$", message=_l("An e-mail address.")),
        ],
    )
    phone = StringField(
        _l("Mobile for follow-up notices (+86…)"),
        validators=[
            length(max=16),
            Regexp(r"^(\+[1-9][0-9]{6,14})?$", message=_l("A number such as +8613800001234.")),
        ],
    )

    def details(self) -> StaffDetails:
        return StaffDetails(
            self.role.data,
            (self.display_name.data or "").strip(),
            (self.staff_number.data or "").strip() or None,
            parse_branches(self.branches.data),
            (self.email.data or "").strip() or None,
            (self.phone.data or "").strip() or None,
        )


class NewUserForm(AccountForm):
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
    password = PasswordField(
        _l("Password"), validators=[required(), length(min=MIN_PASSWORD_LENGTH, max=256)]
    )


class UserActionForm(FlaskForm):
    """A CSRF-protected button acting on one account (unlock, deactivate, activate)."""


class ApiTokenForm(FlaskForm):
    """Issue an API token for the estimates API, optionally limited to some branches."""

    name = StringField(_l("What the token is for"), validators=[required(), length(max=120)])
    branches = branch_list(_l("Only these branches (comma-separated; empty: all)"))


class StaffMemberForm(FlaskForm):
    """A registry entry: staff number (工号), name, role, branch or team, active dates and
    the sign-in account that may see the member's own page."""

    staff_number = StringField(_l("Staff number"), validators=[required(), length(max=32)])
    name = StringField(_l("Name"), validators=[required(), length(max=120)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(v, label) for v, label in STAFF_ROLE.items()]
    )
    branch = StringField(_l("Branch"), validators=[length(max=120)])
    team = StringField(_l("Team"), validators=[length(max=120)])
    active_from = DateField(_l("First day"), validators=[Optional()])
    active_to = DateField(_l("Last day"), validators=[Optional()])
    username = StringField(_l("Sign-in account (user name)"), validators=[length(max=64)])


class StaffImportForm(FlaskForm):
    file = FileField(
        _l("Staff file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )
    valid_only = BooleanField(_l("Import the valid rows even when others have problems"))


class StarWeightsForm(FlaskForm):
    """The service star's weights for one branch (empty: the default for the rest)."""

    unit = StringField(_l("Branch (empty: every other branch)"), validators=[length(max=120)])
    customer = IntegerField(
        _l("Customers (%)"), validators=[required_number(), NumberRange(0, 100)]
    )
    peer = IntegerField(_l("Peers (%)"), validators=[required_number(), NumberRange(0, 100)])
    ops = IntegerField(
        _l("Operations manager (%)"), validators=[required_number(), NumberRange(0, 100)]
    )
    lobby = IntegerField(
        _l("Lobby manager (%)"), validators=[required_number(), NumberRange(0, 100)]
    )


class TopicDictionaryForm(FlaskForm):
    """The comments' topic dictionary, as YAML."""

    text = TextAreaField(
        _l("Topics and their keywords (YAML)"),
        validators=[required(), length(max=200_000)],
        render_kw={"rows": 24, "spellcheck": "false"},
    )
