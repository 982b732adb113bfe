"""The call-outcome form: a disposition by number key, a note, a callback in the customer's
local time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, TextAreaField, TimeField
from wtforms.validators import Optional

from ..aapor.dispositions import DISPOSITIONS
from ..validators import length
from .console import HAND_CODES, Callback, OutcomeError

MESSAGES = {
    "required": _l("This outcome needs a note."),
    "unknown": _l("Choose an outcome."),
    "final": _l("This outcome ends the case: no callback can be set."),
    "past": _l("The callback must be in the future."),
    "window": _l("That time is outside the calling hours in the customer's local time."),
    "both": _l("Give both a date and a time for the callback."),
    "needed": _l("An appointment needs the date and time the customer asked for."),
}


class OutcomeForm(FlaskForm):
    code = RadioField(_l("Outcome"), validate_choice=True)
    note = TextAreaField(_l("Note"), validators=[length(max=1000)])
    callback_date = DateField(_l("Callback date (customer's local time)"), validators=[Optional()])
    callback_time = TimeField(_l("Callback time (customer's local time)"), validators=[Optional()])
    only_me = BooleanField(_l("Only I may make this call"))
    definite = BooleanField(_l("A definite appointment (the customer asked for this time)"))
    # Enter saves and stops (the primary button); taking the next case is a deliberate click
    # or N, so a stray Enter never dials the next customer.
    then = RadioField(
        choices=[
            SelectChoice("home", _l("Save")),
            SelectChoice("next", _l("Save and take the next case (N)")),
        ],
        default="home",
    )

    def callback(self) -> Callback | None:
        day, at = self.callback_date.data, self.callback_time.data
        if day is None and at is None:
            return None
        if day is None or at is None:
            raise OutcomeError("callback", "both")
        return Callback(day, at, self.only_me.data, self.definite.data)

    def attach(self, error: OutcomeError) -> None:
        """Show a refusal from the service beside its field."""
        field = {"callback": self.callback_date}.get(error.field) or getattr(self, error.field)
        field.errors = [*field.errors, MESSAGES[str(error)]]


def outcome_form(language: str, stopped: bool = False) -> OutcomeForm:
    """The form with every hand-recorded outcome numbered for the keyboard."""
    form = OutcomeForm()
    form.code.choices = [
        SelectChoice(code, f"{code} {DISPOSITIONS[code].label(language)}") for code in HAND_CODES
    ]
    if stopped and not form.is_submitted():
        form.code.data = "2.12"
    return form
