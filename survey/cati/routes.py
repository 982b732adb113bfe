"""The interviewer's console: the day's board, the next case, the script, the call outcome,
and a practice mode that stores nothing."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..aapor.dispositions import DISPOSITIONS
from ..accounts.sessions import protect
from ..accounts.staff import interviewer_scope
from ..cases import boards
from ..cases.queue import CallingRules, claim_next_case, next_due
from ..database import SAFE_METHODS, db_session
from ..i18n import current_language
from ..models import (
    CatiCase,
    Contact,
    ResponseStatus,
    Role,
    Survey,
    SurveyStatus,
    utcnow,
)
from ..questionnaire import Interview, Mode
from ..questionnaire.interview import END, step_at
from ..questionnaire.model import LANGUAGES
from ..questionnaire.presentation import script_text
from ..questionnaire.rehearsal import rehearse, sample_interview, screen_out_of, screen_views
from ..responses import fielding
from ..surveys.listing import survey_or_404
from ..surveys.practice import PracticeStore
from ..surveys.versions import questionnaire_of
from . import console
from .forms import outcome_form

bp = Blueprint("cati", __name__, url_prefix="/cati")
protect(bp, [Role.INTERVIEWER])


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _open_surveys() -> list[Survey]:
    return [
        s
        for s in db_session().scalars(
            select(Survey).where(Survey.status == SurveyStatus.OPEN).order_by(Survey.name)
        )
        if Mode.CATI in s.modes
    ]


@bp.get("/")
def index():
    """The interviewer's board: the day so far, appointments due, and where to call next."""
    return render_template(
        "cati/index.html",
        queues=boards.my_queues(db_session(), g.user, _open_surveys()),
        day=boards.my_day(db_session(), g.user, _zone()),
        now=utcnow(),
    )


@bp.post("/<slug>/next")
def next_case(slug: str):
    """Claim the next case of a survey (atomically: never two interviewers on one case)."""
    session_ = db_session()
    survey = survey_or_404(slug, (SurveyStatus.OPEN, SurveyStatus.PAUSED))
    if Mode.CATI not in survey.modes:
        abort(404)
    if survey.status == SurveyStatus.PAUSED:
        flash(_("%(survey)s is paused: no cases are handed out.", survey=survey.name), "info")
        return redirect(url_for(".index"))
    rules = CallingRules.from_settings(survey.settings)
    case = claim_next_case(session_, survey.id, g.user.id, rules)
    session_.commit()
    if case is None:
        due = next_due(session_, survey.id, rules)
        if due is None:
            flash(_("No case is left to call in %(survey)s.", survey=survey.name), "info")
        else:
            flash(
                _(
                    "No case is due in %(survey)s now; the next one is due at %(time)s.",
                    survey=survey.name,
                    time=format_datetime(due, "short"),
                ),
                "info",
            )
        return redirect(url_for(".index"))
    return redirect(url_for(".case", case_id=case.id))


def held(view):
    """Hand the view the case in this interviewer's hands (by the address's case id), or
    send the interviewer home saying why it is not theirs any more."""

    @functools.wraps(view)
    def with_case(case_id: int):
        renew = request.method not in SAFE_METHODS
        case = console.held_case(db_session(), case_id, g.user, renew)
        if case is None:
            flash(
                _("That case is no longer yours: it was finished, reassigned or left too long."),
                "error",
            )
            return redirect(url_for(".index"))
        return view(case)

    return with_case


@bp.get("/case/<int:case_id>")
@held
def case(item: CatiCase):
    """The customer, the number to dial, the history of calls, and the greeting to read."""
    session_ = db_session()
    survey = session_.get(Survey, item.survey_id)
    contact = item.contact
    questionnaire = questionnaire_of(survey.questionnaire_version)
    language = console.customer_language(contact, survey)
    scope = _scope(item, contact)
    interviewer = interviewer_scope(g.user)
    audit.record("phone_revealed", "case", item.id, contact=contact.id)
    session_.commit()
    interview = Interview(
        questionnaire, contact=scope, language=language, mode=Mode.CATI, interviewer=interviewer
    )
    scripts = {
        part: script_text(interview, part) for part in ("greeting", "screener", "answering_machine")
    }
    return render_template(
        "cati/case.html",
        case=item,
        survey=survey,
        contact=contact,
        language=language,
        scripts=scripts,
        response=console.case_response(session_, item),
        attempts=item.attempts,
        labels={code: d.label(current_language()) for code, d in DISPOSITIONS.items()},
        local_now=utcnow().astimezone(ZoneInfo(contact.time_zone)),
    )


@bp.post("/case/<int:case_id>/start")
@held
def start(item: CatiCase):
    """The customer answered and agreed: start the interview, or resume the partial one."""
    session_ = db_session()
    contact = item.contact
    survey = session_.get(Survey, item.survey_id)
    language = request.form.get("language")
    if language not in survey.languages:
        language = console.customer_language(contact, survey)
    console.start_interview(session_, item, language)
    session_.commit()
    return redirect(url_for(".interview", case_id=item.id))


def _scope(item: CatiCase, contact: Contact) -> dict:
    """The customer's piping scope, as the web gives it for the same shared invitation."""
    invitation = item.invitation
    return fielding.person_scope(contact, invitation.attributes if invitation else None)


@bp.route("/case/<int:case_id>/interview", methods=["GET", "POST"])
@held
def interview(item: CatiCase):
    """One question a screen; each answer is stored as it is keyed (Enter)."""
    session_ = db_session()
    response = console.case_response(session_, item)
    if response is None:
        return redirect(url_for(".case", case_id=item.id))
    contact = item.contact
    errors, submitted, status = {}, None, 200
    if request.method == "POST" and response.status == ResponseStatus.PARTIAL:
        response = fielding.locked(session_, response)
        action = request.form.get("action", "next")
        if action == "stop":
            session_.commit()
            return redirect(url_for(".outcome", case_id=item.id, stopped=1))
        if action.startswith("language:") and action[9:] in response.survey.languages:
            response.language, action = action[9:], "language"
        plan = fielding.plan_page(
            session_,
            response,
            request.form.to_dict(flat=False),
            action,
            _scope(item, contact),
            Mode.CATI,
            interviewer_scope(g.user),
        )
        result = fielding.write_page(session_, response, plan, response.survey)
        for answer_id, (before, after) in result.changed.items():
            audit.record(
                "answer_changed",
                "response",
                response.id,
                question=answer_id,
                before=before,
                after=after,
            )
        if response.status != ResponseStatus.PARTIAL:
            console.finish_interview(session_, item, g.user, response)
            session_.commit()
            return redirect(url_for(".done", case_id=item.id))
        session_.commit()
        if result.errors:
            errors, submitted, status = result.errors, result.submitted, 422
        elif not result.stale:
            return redirect(url_for(".interview", case_id=item.id))
        else:
            status = 409
    return _render_interview(item, response, contact, errors, submitted, status)


def _render_interview(item, response, contact, errors, submitted, status):
    session_ = db_session()
    interview = fielding.interview_of(
        session_, response, _scope(item, contact), Mode.CATI, interviewer_scope(g.user)
    )
    questionnaire = interview.questionnaire
    step = step_at(interview)
    views = screen_views(interview, step, errors, submitted)
    return render_template(
        "cati/interview.html",
        case=item,
        survey=response.survey,
        contact=contact,
        questionnaire=questionnaire,
        step=step,
        views=views,
        language=response.language,
        finished=response.status != ResponseStatus.PARTIAL,
        screen_out=screen_out_of(questionnaire, response.disposition),
        closing=script_text(interview, "closing"),
        practice=False,
        end=END,
    ), status


@bp.get("/case/<int:case_id>/done")
def done(case_id: int):
    """The closing script after an interview this interviewer has just finished."""
    session_ = db_session()
    item = session_.get(CatiCase, case_id)
    last = item.attempts[-1] if item is not None and item.attempts else None
    if last is None or last.interviewer_id != g.user.id:
        abort(404)
    response = console.case_response(session_, item)
    if response is None:  # the call ended before any interview (no answer, wrong number…)
        return redirect(url_for(".index"))
    return _render_interview(item, response, item.contact, {}, None, 200)


@bp.route("/case/<int:case_id>/outcome", methods=["GET", "POST"])
@held
def outcome(item: CatiCase):
    """Record how the call ended: a disposition by number, a note, a callback; then next."""
    session_ = db_session()
    contact = item.contact
    form = outcome_form(current_language(), stopped=bool(request.args.get("stopped")))
    if form.validate_on_submit():
        try:
            console.record_call(
                session_, item, g.user, form.code.data, form.note.data, form.callback()
            )
        except console.OutcomeError as error:
            form.attach(error)
        else:
            session_.commit()
            flash(
                _(
                    "Call recorded: %(label)s.",
                    label=DISPOSITIONS[form.code.data].label(current_language()),
                ),
                "success",
            )
            if form.then.data == "next":
                return next_case(session_.get(Survey, item.survey_id).slug)
            return redirect(url_for(".index"))
    return render_template(
        "cati/outcome.html",
        case=item,
        contact=contact,
        survey=session_.get(Survey, item.survey_id),
        form=form,
        now=utcnow(),
        local_now=utcnow().astimezone(ZoneInfo(contact.time_zone)),
    ), 422 if form.errors else 200


@bp.route("/<slug>/practice", methods=["GET", "POST"])
def practice(slug: str):
    """Rehearse a survey's script with a sample customer: nothing is stored."""
    survey = survey_or_404(slug)
    questionnaire = questionnaire_of(survey.questionnaire_version)
    language = request.args.get("lang", survey.default_language)
    if language not in LANGUAGES:
        abort(404)
    interview = sample_interview(questionnaire, language, Mode.CATI, interviewer_scope(g.user))
    form = request.form.to_dict(flat=False) if request.method == "POST" else None
    shown = rehearse(
        interview, PracticeStore(db_session(), g.user.id), f"practice:{survey.id}:{language}",
        bool(request.args.get("restart")), form,
    )  # fmt: skip
    if shown.saved:
        return redirect(url_for(".practice", slug=slug, lang=language))
    return render_template(
        "cati/interview.html",
        case=None,
        survey=survey,
        contact=interview.contact,
        questionnaire=questionnaire,
        step=shown.step,
        views=shown.views,
        language=language,
        finished=shown.step.finished,
        screen_out=shown.screen_out,
        closing=shown.closing,
        opening=shown.opening,
        practice=True,
        end=END,
    ), (422 if form is not None else 200)
