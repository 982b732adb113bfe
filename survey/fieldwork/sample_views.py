"""The supervisor's sample pages: uploads checked in the background, draws of the frame and
of the hotline's calls, and invitations."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..database import db_session
from ..models import CallStatus, HotlineCall, Job, JobKind, SampleDraw, Survey, utcnow
from ..questionnaire import Mode
from ..sample import draws as sampling
from ..sample import post_call
from ..surveys.listing import survey_or_404
from ..tasks import jobs as background
from ..tasks.handlers import IMPORTERS, expected_rows
from ..validators import problems
from . import progress
from .forms import ActionForm, CallDrawForm, DrawForm, UploadForm
from .routes import bp


@bp.get("/<slug>/sample")
def sample(slug: str):
    """Import a frame or call records, draw, and invite."""
    session = db_session()
    item = survey_or_404(slug)
    rules = post_call.PostCallRules.for_survey(item)
    call_form = CallDrawForm(
        rate=rules.rate,
        min_talk_seconds=rules.min_talk_seconds,
        due_hours=rules.due_hours,
        mode=rules.mode,
    )
    return render_template(
        "fieldwork/sample.html",
        survey=item,
        sample_form=UploadForm(prefix="sample"),
        calls_form=UploadForm(prefix="calls"),
        draw_form=DrawForm(),
        call_form=call_form,
        action_form=ActionForm(),
        draws=session.scalars(
            select(SampleDraw).where(SampleDraw.survey_id == item.id).order_by(SampleDraw.id.desc())
        ).all(),
        jobs=session.scalars(
            select(Job)
            .where(Job.survey_id == item.id, Job.kind.in_(IMPORTERS))
            .order_by(Job.id.desc())
            .limit(10)
        ).all(),
        samples_calls="post_call" in (item.settings or {})
        or session.scalar(select(HotlineCall.id).where(HotlineCall.survey_id == item.id).limit(1))
        is not None,
        new_calls=session.scalar(
            select(func.count()).where(
                HotlineCall.survey_id == item.id, HotlineCall.status == CallStatus.NEW
            )
        ),
        strata=progress.stratum_progress(session, item),
        now=utcnow(),
        interrupted=Job.stalled,
    )


@bp.post("/<slug>/imports/<kind>")
def upload(slug: str, kind: str):
    """Store the upload as a job and check it in the background; show its progress."""
    if kind not in IMPORTERS:
        abort(404)
    form = UploadForm(prefix=kind)
    session = db_session()
    item = survey_or_404(slug)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for(".sample", slug=slug))
    upload = form.file.data
    name, raw = (upload.filename or "upload")[:200], upload.read()
    job = background.submit(
        session, kind, survey_id=item.id, user_id=g.user.id, filename=name, content=raw,
        valid_only=form.valid_only.data, rows_expected=expected_rows(raw, name),
    )  # fmt: skip
    audit.record("import_started", "survey", item.id, kind=kind, job=job.id)
    session.commit()  # the job goes to the queue once this commits
    return redirect(url_for(".import_job", slug=slug, job_id=job.id))


@bp.get("/<slug>/imports/<int:job_id>")
def import_job(slug: str, job_id: int):
    """An import's progress bar (the page refreshes itself until it ends), then its report."""
    item = survey_or_404(slug)
    job = db_session().get(Job, job_id)
    if job is None or job.survey_id != item.id:
        abort(404)
    return render_template("fieldwork/import.html", survey=item, job=job, interrupted=job.stalled())


@bp.post("/<slug>/draw")
def draw(slug: str):
    """Draw a recorded, seeded sample from the frame."""
    form = DrawForm()
    session = db_session()
    item = survey_or_404(slug)
    if not form.validate_on_submit():
        flash(_("Check the draw: %(problems)s", problems=problems(form)), "error")
        return redirect(url_for(".sample", slug=slug))
    try:
        record = sampling.draw(
            session,
            item,
            form.size.data,
            form.method.data,
            form.minimum.data or 0,
            None,
            form.replicates.data,
        )
    except sampling.DrawError as error:
        flash(str(error), "error")
        return redirect(url_for(".sample", slug=slug))
    record.created_by = g.user.id
    session.flush()
    audit.record("sample_draw", "survey", item.id, draw=record.id, size=record.size)
    session.commit()
    flash(
        _("Drew %(size)d customers (seed %(seed)d).", size=record.size, seed=record.seed), "success"
    )
    return redirect(url_for(".survey", slug=slug))


@bp.post("/<slug>/calls/draw")
def draw_calls(slug: str):
    """Draw the post-call sample; the system draws, no one picks calls."""
    form = CallDrawForm()
    session = db_session()
    item = survey_or_404(slug)
    try:
        if not form.validate_on_submit():
            raise ValueError(_("Check the call draw: %(problems)s", problems=problems(form)))
        rules = post_call.PostCallRules.for_survey(
            item,
            rate=float(form.rate.data),
            min_talk_seconds=form.min_talk_seconds.data,
            due_hours=form.due_hours.data,
            mode=form.mode.data,
        )
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for(".sample", slug=slug))
    record = post_call.draw_calls(
        session, item, rules, user_id=g.user.id, zone=current_app.config["BABEL_DEFAULT_TIMEZONE"]
    )
    session.flush()
    audit.record("calls_draw", "survey", item.id, draw=record.id, size=record.size)
    session.commit()
    flash(
        _("Drew %(size)d of %(calls)d calls.", size=record.size, calls=record.parameters["calls"]),
        "success",
    )
    if rules.mode == Mode.WEB:
        return _send_invitations(session, item)
    return redirect(url_for(".sample", slug=slug))


def _send_invitations(session, item: Survey):
    """Invitations go out in the background; the job's page shows how far they got."""
    minute = utcnow().strftime("%Y-%m-%dT%H:%M")
    job = background.submit(
        session, JobKind.INVITATIONS, key=f"invitations:{item.id}:{minute}",
        survey_id=item.id, user_id=g.user.id,
    )  # fmt: skip
    audit.record("invitations_started", "survey", item.id, job=job.id)
    session.commit()
    return redirect(url_for(".job", job_id=job.id))


@bp.post("/<slug>/invitations")
def send_invitations(slug: str):
    """Invite every released customer not yet invited (SMS or e-mail, through the outbox)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    item = survey_or_404(slug)
    audit.record("invitations_sent", "survey", item.id)
    return _send_invitations(session, item)
