"""Forms of the supervisor's pages."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import NATIVE_NAMES
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


PLACE_CODE = Regexp(
    r"^[A-Za-z0-9_.\-]*$", message=_l("Letters, digits, dots, dashes and underscores.")
)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (modes, languages)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


ATTRIBUTE_NAME = Regexp(
    r"^([A-Za-z][A-Za-z0-9_]*)?$", message=_l("An attribute name: letters, digits, underscores.")
)
QUOTA_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+?)\s+(\d{1,8})\s*$")


def quota_lines(text: str | None) -> list[dict]:
    """Quota cells written one a line as ``attribute=value target`` (``branch=SH001 200``)."""
    cells = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = QUOTA_LINE.match(line)
        if match is None:
            raise ValidationError(
                _l("Line %(n)d: write attribute=value target, such as branch=SH001 200.", n=number)
            )
        attribute, value, target = match.groups()
        cells.append({"attribute": attribute, "value": value, "target": int(target)})
    return cells


class WaveSettingsForm(FlaskForm):
    """What a wave is fielded with: titles, modes, languages, dates, design, contact rules,
    reminders and quotas (the same form edits a wave and creates one)."""

    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), validators=[length(max=200)])
    title_zh_hant = StringField(_l("Title (Traditional Chinese)"), validators=[length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[length(max=200)])
    modes = CheckboxesField(
        _l("Modes"),
        choices=[SelectChoice(Mode.WEB, _l("Web")), SelectChoice(Mode.CATI, _l("Telephone"))],
    )
    languages = CheckboxesField(
        _l("Languages offered"),
        choices=[SelectChoice(code, name) for code, name in NATIVE_NAMES.items()],
    )
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on (the last day)"), validators=[Optional()])
    link_valid_days = IntegerField(
        _l("A personal link is valid for (days)"),
        default=30,
        validators=[required_number(), NumberRange(min=1, max=365)],
    )
    stratum_attribute = StringField(
        _l("Stratum attribute (for open-link answers, such as branch)"),
        validators=[length(max=64), ATTRIBUTE_NAME],
    )
    segments = StringField(
        _l("Report segments (attributes, comma-separated)"),
        validators=[
            length(max=300),
            Regexp(r"^[A-Za-z0-9_, ]*$", message=_l("Attribute names, comma-separated.")),
        ],
    )
    suppression_days = IntegerField(
        _l("Do not survey a customer again within (days)"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    max_attempts = IntegerField(
        _l("Most call attempts per phone case"),
        validators=[Optional(), NumberRange(min=1, max=50)],
    )
    complex_working_days = IntegerField(
        _l("A complex follow-up is due within (working days, 7–10; default 7)"),
        validators=[Optional(), NumberRange(min=7, max=10)],
    )
    reminder_after_days = IntegerField(
        _l("Remind those who have not answered after (days; empty: no reminders)"),
        validators=[Optional(), NumberRange(min=1, max=60)],
    )
    reminder_most = IntegerField(
        _l("Most reminders per customer"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=5)],
    )
    quotas = TextAreaField(
        _l("Quotas, one a line: attribute=value target"),
        validators=[length(max=5000)],
        render_kw={"rows": 3, "placeholder": "branch=SH001 200"},
    )

    def validate_quotas(self, field):
        quota_lines(field.data)

    def titles(self) -> dict:
        given = {
            "zh-Hans": self.title_zh_hans.data,
            "zh-Hant": self.title_zh_hant.data,
            "en": self.title_en.data,
        }
        return {k: (v or "").strip() for k, v in given.items() if (v or "").strip()}

    def design_settings(self) -> dict:
        """The settings the form sets, in the survey's stored shape."""
        settings = {
            "stratum_attribute": (self.stratum_attribute.data or "").strip() or None,
            "segments": [s.strip() for s in (self.segments.data or "").split(",") if s.strip()],
            "suppression_days": self.suppression_days.data,
            "max_attempts": self.max_attempts.data,
            "complex_working_days": self.complex_working_days.data,
            "quotas": quota_lines(self.quotas.data),
        }
        if self.reminder_after_days.data:
            settings["reminders"] = {
                "after_days": self.reminder_after_days.data,
                "most": self.reminder_most.data if self.reminder_most.data is not None else 1,
            }
        return settings

    def fill_from(self, survey) -> None:
        """Show a stored wave's settings."""
        settings = survey.settings or {}
        titles = settings.get("titles") or {}
        self.title_zh_hans.data = titles.get("zh-Hans", "")
        self.title_zh_hant.data = titles.get("zh-Hant", "")
        self.title_en.data = titles.get("en", "")
        self.modes.data = list(survey.modes)
        self.languages.data = list(survey.languages)
        self.opens_on.data, self.closes_on.data = survey.opens_on, survey.closes_on
        self.link_valid_days.data = survey.link_valid_days
        self.stratum_attribute.data = settings.get("stratum_attribute", "")
        self.segments.data = ", ".join(settings.get("segments", []))
        self.suppression_days.data = settings.get("suppression_days")
        self.max_attempts.data = settings.get("max_attempts")
        self.complex_working_days.data = settings.get("complex_working_days")
        reminders = settings.get("reminders") or {}
        self.reminder_after_days.data = reminders.get("after_days")
        self.reminder_most.data = reminders.get("most", 1)
        self.quotas.data = "\n".join(
            f"{q['attribute']}={q['value']} {q['target']}" for q in settings.get("quotas", [])
        )


class NewWaveForm(WaveSettingsForm):
    """A new wave: its questionnaire version and address, then the settings."""

    version = SelectField(_l("Questionnaire version"), coerce=int, validate_choice=True)
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            required(),
            length(max=63),
            Regexp(
                r"^[a-z0-9][a-z0-9-]+$",
                message=_l("Lower-case letters, digits and dashes, such as counter-2026-12."),
            ),
        ],
    )


class CloneForm(FlaskForm):
    """The next wave: a new address and dates, everything else as the wave cloned."""

    slug = NewWaveForm.slug
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on (the last day)"), validators=[Optional()])


class VersionForm(FlaskForm):
    """Field another version of the wave's questionnaire (confirmed when answered)."""

    number = IntegerField(_l("Version"), validators=[required_number(), NumberRange(min=1)])
    confirm = BooleanField(_l("I understand: responses so far keep the version they answered"))


class PlaceForm(FlaskForm):
    """A place to hand the open link out at: branch, counter, staff number; or a kiosk."""

    branch = StringField(_l("Branch code"), validators=[length(max=32), PLACE_CODE])
    counter = StringField(_l("Counter"), validators=[length(max=32), PLACE_CODE])
    staff = StringField(_l("Staff number (工号)"), validators=[length(max=32), PLACE_CODE])
    kiosk = BooleanField(_l("A counter kiosk (a tablet answering one customer after another)"))
