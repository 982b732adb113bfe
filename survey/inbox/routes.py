"""The follow-up owner's inbox (due soon, overdue, by category) and a case's page with its
steps, notes, reply, reassignment, contact details and return call."""

from __future__ import annotations

from datetime import date

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
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from ..accounts.sessions import protect
from ..database import db_session
from ..followups import cases as service
from ..followups.calendar import CalendarError
from ..followups.opening import calendar_for
from ..labels import FOLLOWUP_STATUS
from ..models import FollowupCase, FollowupStatus, Response, Role, Survey, User, utcnow
from ..questionnaire import Mode
from ..validators import problems
from .forms import ActionForm, AssignForm, NoteForm, ReplyForm

bp = Blueprint("inbox", __name__, url_prefix="/followups")
protect(bp, [Role.MANAGER, Role.SUPERVISOR])


def _left(case: FollowupCase, now) -> int | None:
    try:
        return calendar_for(case.region, weekdays_beyond_data=True).working_days_left(
            now, case.due_at
        )
    except CalendarError:
        return None


@bp.get("/")
def index():
    """The cases this person may work: overdue first, then due today, then the rest."""
    session = db_session()
    show_closed = request.args.get("closed") == "1"
    query = select(FollowupCase).order_by(FollowupCase.due_at, FollowupCase.id)
    query = query.where(
        FollowupCase.status == FollowupStatus.CLOSED
        if show_closed
        else FollowupCase.status != FollowupStatus.CLOSED
    )
    now = utcnow()
    mine = [c for c in session.scalars(query) if service.may_work(g.user, c)]
    category = request.args.get("category")
    by_category: dict[str, int] = {}
    for case in mine:
        by_category[case.category] = by_category.get(case.category, 0) + 1
    if category:
        mine = [c for c in mine if c.category == category]
    rows = [(c, _left(c, now)) for c in mine]
    return render_template(
        "inbox/index.html",
        overdue=[(c, d) for c, d in rows if not show_closed and c.due_at < now],
        due_soon=[(c, d) for c, d in rows if not show_closed and c.due_at >= now and (d or 0) <= 1],
        later=[(c, d) for c, d in rows if show_closed or (c.due_at >= now and (d or 0) > 1)],
        by_category=by_category,
        category=category,
        show_closed=show_closed,
        surveys={s.id: s for s in session.scalars(select(Survey))},
    )


def _case_or_404(case_id: int) -> FollowupCase:
    case = db_session().get(FollowupCase, case_id)
    if case is None:
        abort(404)
    if not service.may_work(g.user, case):
        abort(403)
    return case


def _page(case, contact=None, reply_form=None, status=200):
    session = db_session()
    reply_form = reply_form or ReplyForm(data=_reply_data(case))
    assign = AssignForm()
    assign.user.choices = _workers(session, case)
    return render_template(
        "inbox/case.html",
        case=case,
        survey=session.get(Survey, case.survey_id),
        response=session.get(Response, case.response_id),
        left=_left(case, utcnow()),
        contact=contact,
        reply_form=reply_form,
        note_form=NoteForm(),
        assign_form=assign,
        action_form=ActionForm(),
        steps=[s for s, (allowed, _t) in service.STEPS.items() if case.status in allowed],
        users={u.id: u for u in session.scalars(select(User))},
        return_survey=service.return_survey(session),
        now=utcnow(),
    ), status


def _reply_data(case) -> dict:
    reply = dict(case.reply or {})
    if reply.get("replied_on"):
        reply["replied_on"] = date.fromisoformat(reply["replied_on"])
    else:
        reply["replied_on"] = utcnow().astimezone(calendar_for(case.region).zone).date()
    return reply


def _workers(session, case) -> list[SelectChoice]:
    users = session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([Role.MANAGER, Role.SUPERVISOR]))
    )
    return [
        SelectChoice(u.id, u.display_name or u.username) for u in users if service.may_work(u, case)
    ]


@bp.get("/<int:case_id>")
def case(case_id: int):
    return _page(_case_or_404(case_id))


def _done(case, message: str):
    db_session().commit()
    flash(message, "success")
    return redirect(url_for(".case", case_id=case.id))


def _refused(case, error):
    db_session().rollback()
    flash(str(error), "error")
    return redirect(url_for(".case", case_id=case.id))


@bp.post("/<int:case_id>/step/<step>")
def step(case_id: int, step: str):
    if not ActionForm().validate_on_submit() or step not in service.STEPS:
        abort(400)
    case = _case_or_404(case_id)
    try:
        service.take_step(db_session(), case, g.user, step, request.form.get("note", ""))
    except service.FollowupError as error:
        return _refused(case, error)
    return _done(
        case, _("Case %(id)d is now %(status)s.", id=case.id, status=FOLLOWUP_STATUS[case.status])
    )


@bp.post("/<int:case_id>/reply")
def reply(case_id: int):
    case = _case_or_404(case_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page(case, reply_form=form, status=400)
    try:
        service.record_reply(
            db_session(), case, g.user,
            service.Reply(form.facts.data, form.responsible.data, form.lesson.data,
                          form.fix.data, form.satisfaction.data, form.replied_on.data),
        )  # fmt: skip
    except service.FollowupError as error:
        db_session().rollback()
        form.form_errors.append(str(error))
        return _page(_case_or_404(case_id), reply_form=form, status=400)
    return _done(case, _("Reply recorded; the case is resolved."))


@bp.post("/<int:case_id>/note")
def note(case_id: int):
    case = _case_or_404(case_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _refused(case, problems(form) or _("The form had expired; please try again."))
    service.add_note(case, g.user, form.text.data)
    return _done(case, _("Note added."))


@bp.post("/<int:case_id>/assign")
def assign(case_id: int):
    session = db_session()
    case = _case_or_404(case_id)
    form = AssignForm()
    form.user.choices = _workers(session, case)
    if not form.validate_on_submit():
        return _refused(case, _("Choose who should work the case."))
    try:
        service.reassign(session, case, g.user, session.get(User, form.user.data))
    except service.FollowupError as error:
        return _refused(case, error)
    return _done(case, _("Case %(id)d reassigned.", id=case.id))


@bp.post("/<int:case_id>/contact")
def contact(case_id: int):
    """The customer's name and numbers, shown on this page only and audited."""
    if not ActionForm().validate_on_submit():
        abort(400)
    case = _case_or_404(case_id)
    found = service.show_contact(db_session(), case, g.user)
    db_session().commit()
    return _page(case, contact=found or False)


@bp.post("/<int:case_id>/return/<mode>")
def return_call(case_id: int, mode: str):
    """One click: the customer into the CATI queue of the follow-up survey, or its link."""
    if not ActionForm().validate_on_submit() or mode not in (Mode.CATI, Mode.WEB):
        abort(400)
    case = _case_or_404(case_id)
    try:
        service.return_call(db_session(), case, g.user, mode, current_app.config["SURVEY_BASE_URL"])
    except service.FollowupError as error:
        return _refused(case, error)
    if mode == Mode.CATI:
        return _done(case, _("The customer is first in the phone queue of the follow-up survey."))
    return _done(case, _("The follow-up survey's link is on its way to the customer."))
