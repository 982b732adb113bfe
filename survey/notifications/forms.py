"""Subscribing to alerts and to scheduled reports."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import ALERT_KIND
from ..validators import length


class AlertSubscriptionForm(FlaskForm):
    kind = SelectField(_l("Alert"), choices=[SelectChoice(k, v) for k, v in ALERT_KIND.items()])
    survey = SelectField(_l("Survey"), choices=[])
    branch = StringField(
        _l("Branch (empty: every branch you may see)"), validators=[length(max=120)]
    )
    question = StringField(
        _l("Question read (low score only; empty: recommendation or overall)"),
        validators=[length(max=64)],
    )
    threshold = FloatField(
        _l("Alert at this score or lower (empty: 0–6 of 10, or the bottom quarter)"),
        validators=[Optional()],
    )
    delivery = SelectField(
        _l("When"),
        choices=[
            SelectChoice("immediate", _l("At once")),
            SelectChoice("digest", _l("In a daily digest")),
        ],
    )
    channels = SelectMultipleField(
        _l("Send by"),
        choices=[SelectChoice("email", _l("E-mail")), SelectChoice("sms", _l("SMS"))],
        default=["email"],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # Shown to admins only (a role's subscription); anyone else subscribes themselves.
    role = SelectField(_l("For"), choices=[], validate_choice=False)


class ReportSubscriptionForm(FlaskForm):
    survey = SelectField(_l("Survey"), choices=[])
    branch = StringField(_l("Branch (empty: the whole survey)"), validators=[length(max=120)])
    frequency = SelectField(
        _l("Every"),
        choices=[
            SelectChoice("monthly", _l("Month (on the 1st)")),
            SelectChoice("weekly", _l("Week (on Monday)")),
        ],
    )
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("zh-Hans", "简体中文"),
            SelectChoice("zh-Hant", "繁體中文"),
            SelectChoice("en", "English"),
        ],
    )


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
