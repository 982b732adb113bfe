"""Forms of the follow-up pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import NumberRange

from ..validators import length, required, required_number


class ReplyForm(FlaskForm):
    """The reply every closed case carries: facts, responsible, lesson, fix, the customer's
    satisfaction with the outcome, the date (the handler is who records it)."""

    facts = TextAreaField(_l("Facts found"), validators=[required(), length(max=4000)])
    responsible = TextAreaField(
        _l("Who was responsible"), validators=[required(), length(max=1000)]
    )
    lesson = TextAreaField(_l("Lesson learned"), validators=[required(), length(max=2000)])
    fix = TextAreaField(_l("What was fixed"), validators=[required(), length(max=2000)])
    satisfaction = SelectField(
        _l("Customer's satisfaction with the outcome"),
        coerce=int,
        choices=[
            SelectChoice(5, _l("5 · Very satisfied")),
            SelectChoice(4, _l("4 · Satisfied")),
            SelectChoice(3, _l("3 · Neither")),
            SelectChoice(2, _l("2 · Dissatisfied")),
            SelectChoice(1, _l("1 · Very dissatisfied")),
        ],
    )
    replied_on = DateField(_l("Date of the reply"), validators=[required()])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[required(), length(max=4000)])


class AssignForm(FlaskForm):
    user = SelectField(_l("Give the case to"), coerce=int, validate_choice=True)


class ActionForm(FlaskForm):
    """A CSRF-protected button (a step, the contact details, a return call)."""


class SurveyDaysForm(FlaskForm):
    days = IntegerField(validators=[required_number(), NumberRange(min=7, max=10)])
