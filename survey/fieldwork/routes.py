"""The supervisor's pages: progress, dispositions and rates, quotas, sample, cases."""

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
from wtforms import SelectChoice

from .. import audit
from ..aapor.dispositions import DISPOSITIONS, class_counts, outcome_rates
from ..aapor.rates import final_dispositions
from ..accounts.sessions import protect
from ..cases import boards
from ..cases.queue import reassign, release_claim
from ..database import db_session
from ..i18n import current_language
from ..models import CaseStatus, CatiCase, Role, SurveyStatus, utcnow
from ..responses import quotas
from ..sample import draws as sampling
from ..surveys import settings
from ..surveys.listing import list_surveys, survey_or_404
from ..validators import page_number
from . import progress
from .case_history import case_history
from .forms import ActionForm, QuotaForm, ReassignForm, ReleaseForm, TargetForm
from .progress import CaseFilter

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")
protect(bp, [Role.SUPERVISOR])


STATUS_ORDER = {
    SurveyStatus.OPEN: 0,
    SurveyStatus.PAUSED: 1,
    SurveyStatus.DRAFT: 2,
    SurveyStatus.CLOSED: 3,
}


@bp.get("/")
def index():
    """Every survey with its status and progress, and who is on a call now."""
    session = db_session()
    # Surveys in the field first, then drafts, then those closed, newest first within each.
    surveys = sorted(list_surveys(session), key=lambda s: STATUS_ORDER.get(s.status, 9))
    return render_template(
        "fieldwork/index.html", surveys=surveys, on_call=boards.live_board(session)
    )


@bp.get("/<slug>/interviewers")
def interviewers(slug: str):
    """Who is on which case now, and each interviewer's productivity on this survey."""
    session = db_session()
    item = survey_or_404(slug)
    on_call = [row for row in boards.live_board(session) if row.survey == item.name]
    return render_template(
        "fieldwork/interviewers.html",
        survey=item,
        on_call=on_call,
        rows=boards.productivity(session, item, current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        small_base=boards.SMALL_BASE,
    )


def _eligible_share() -> tuple[float | None, str | None]:
    """The e asked for in the address (?e=0.8), or None for AAPOR's proportional estimate."""
    raw = request.args.get("e", "").strip()
    if not raw:
        return None, None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        return None, _("e must be a share between 0 and 1, such as 0.8.")
    return value, None


@bp.get("/<slug>/")
def survey(slug: str):
    """Progress per stratum and quota, the dispositions, the AAPOR rates and the replicates."""
    session = db_session()
    item = survey_or_404(slug)
    e, e_error = _eligible_share()
    finals = final_dispositions(session, item)  # read once: the rates and the table share it
    return render_template(
        "fieldwork/survey.html",
        survey=item,
        strata=progress.stratum_progress(session, item),
        quotas=quotas.quota_status(session, item),
        dispositions=progress.disposition_table(session, item, finals, current_language()),
        rates=outcome_rates(class_counts(finals.values()), e),
        e_error=e_error,
        replicates=progress.replicates(session, item),
        appointments=progress.appointments_due(session, item),
        quota_form=QuotaForm(),
        target_form=TargetForm(),
        action_form=ActionForm(),
        release_form=ReleaseForm(),
        now=utcnow(),
    )


@bp.post("/<slug>/release")
def release(slug: str):
    """Release one replicate of the drawn sample."""
    form = ReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    item = survey_or_404(slug)
    count = sampling.release(session, item, form.replicate.data)
    audit.record("sample_release", "survey", item.id, replicate=form.replicate.data, count=count)
    session.commit()
    flash(
        _(
            "Released %(count)d customers of replicate %(number)d.",
            count=count,
            number=form.replicate.data,
        ),
        "success",
    )
    return redirect(url_for(".survey", slug=slug))


@bp.post("/<slug>/targets")
def set_target(slug: str):
    """Set (or clear, with no number) a stratum's target of completes."""
    form = TargetForm()
    if not form.validate_on_submit():
        flash(_("A target is a whole number of completes."), "error")
        return redirect(url_for(".survey", slug=slug))
    session = db_session()
    item = survey_or_404(slug)
    settings.set_target(item, form.stratum.data, form.target.data)
    audit.record(
        "target_set", "survey", item.id, stratum=form.stratum.data, target=form.target.data
    )
    session.commit()
    return redirect(url_for(".survey", slug=slug) + "#progress")


@bp.post("/<slug>/quotas")
def add_quota(slug: str):
    """Add a quota; its cell closes (phone cases end as quota filled) once met."""
    form = QuotaForm()
    session = db_session()
    item = survey_or_404(slug)
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{getattr(form, field).label.text}: {' '.join(map(str, errors))}", "error")
        return redirect(url_for(".survey", slug=slug) + "#quotas")
    cell = settings.put_quota(item, form.attribute.data, form.value.data, form.target.data)
    session.flush()
    closed = quotas.close_full_cells(session, item)
    audit.record("quota_set", "survey", item.id, **cell, closed=closed)
    session.commit()
    flash(
        _("Quota saved; %(count)d waiting cases closed as quota filled.", count=closed), "success"
    )
    return redirect(url_for(".survey", slug=slug) + "#quotas")


@bp.post("/<slug>/quotas/<int:index>/delete")
def delete_quota(slug: str, index: int):
    """Remove a quota (cases already closed stay closed)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    item = survey_or_404(slug)
    removed = settings.remove_quota(item, index)
    if removed is None:
        abort(404)
    audit.record("quota_removed", "survey", item.id, **removed)
    session.commit()
    return redirect(url_for(".survey", slug=slug) + "#quotas")


@bp.get("/<slug>/cases")
def cases(slug: str):
    """The phone cases (numbers masked), who holds which, and reassignment."""
    session = db_session()
    item = survey_or_404(slug)
    status = request.args.get("status", "all")
    if status not in progress.CASE_FILTERS:
        status = "all"
    page = page_number(request.args.get("page"))
    rows, total = progress.case_rows(session, item, status, page)
    form = ReassignForm()
    form.interviewer.choices = [
        (u.id, u.display_name or u.username) for u in progress.interviewers(session)
    ]
    return render_template(
        "fieldwork/cases.html",
        survey=item,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // progress.PAGE_SIZE)),
        status=status,
        filters=progress.CASE_FILTERS,
        reassign_form=form,
        action_form=ActionForm(),
        appointments=progress.appointments_due(session, item),
        labels={code: d.label(current_language()) for code, d in DISPOSITIONS.items()},
    )


def _interviewer_choices(session) -> list[SelectChoice]:
    return [
        SelectChoice(u.id, u.display_name or u.username) for u in progress.interviewers(session)
    ]


def _case(slug: str, case_id: int) -> CatiCase:
    item = survey_or_404(slug)
    case = db_session().get(CatiCase, case_id)
    if case is None or case.survey_id != item.id:
        abort(404)
    return case


@bp.get("/<slug>/cases/<int:case_id>")
def case_detail(slug: str, case_id: int):
    """One case's calls (time, outcome, interviewer, note) and appointments."""
    session = db_session()
    history = case_history(session, _case(slug, case_id))
    form = ReassignForm()
    form.interviewer.choices = _interviewer_choices(session)
    return render_template(
        "fieldwork/case.html",
        survey=survey_or_404(slug),
        history=history,
        labels={code: d.label(current_language()) for code, d in DISPOSITIONS.items()},
        reassign_form=form,
    )


@bp.post("/<slug>/cases/<int:case_id>/reassign")
def reassign_case(slug: str, case_id: int):
    """Give a case to an interviewer (an "only me" appointment for them)."""
    session = db_session()
    form = ReassignForm()
    form.interviewer.choices = _interviewer_choices(session)
    case = _case(slug, case_id)
    if not form.validate_on_submit() or case.status != CaseStatus.PENDING:
        flash(_("Choose an interviewer for a case that is still open."), "error")
        return redirect(request.referrer or url_for(".cases", slug=slug))
    previous = case.claimed_by
    reassign(session, case, form.interviewer.data, g.user.id)
    audit.record("case_reassigned", "case", case.id, to=form.interviewer.data, claimed_by=previous)
    session.commit()
    flash(_("Case %(id)d reassigned.", id=case.id), "success")
    return redirect(url_for(".cases", slug=slug, status=request.args.get("status", "all")))


@bp.post("/<slug>/cases/<int:case_id>/release")
def release_case(slug: str, case_id: int):
    """End an interviewer's hold on a case so the queue offers it again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    case = _case(slug, case_id)
    previous = case.claimed_by
    release_claim(case)
    audit.record("case_claim_released", "case", case.id, claimed_by=previous)
    session.commit()
    flash(_("Case %(id)d is back in the queue.", id=case.id), "success")
    return redirect(url_for(".cases", slug=slug, status=CaseFilter.CLAIMED))
