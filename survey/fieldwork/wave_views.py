"""Running waves: create one from a questionnaire version, edit its settings, open, pause or
close it, clone it into the next, switch its questionnaire version on purpose."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectChoice

from ..database import db_session
from ..models import Questionnaire, QuestionnaireVersion, Response, utcnow
from ..responses import quotas
from ..surveys import waves
from ..surveys.listing import survey_or_404
from ..surveys.versions import questionnaire_of
from .forms import ActionForm, CloneForm, NewWaveForm, VersionForm, WaveSettingsForm
from .routes import bp

ACTIONS = tuple(waves.TRANSITIONS)


def _version_choices(session) -> list[SelectChoice]:
    rows = session.execute(
        select(QuestionnaireVersion, Questionnaire.key)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .order_by(Questionnaire.key, QuestionnaireVersion.number.desc())
    ).all()
    return [
        SelectChoice(
            v.id,
            f"{key} v{v.number} ({v.label}) — {v.title.get('zh-Hans') or v.title.get('en', '')}",
        )
        for v, key in rows
    ]


def _field_error(form, error: waves.WaveError) -> None:
    """Put a service's refusal beside the field it names (else above the form)."""
    target = {"version": "version", "questionnaire": "version"}.get(error.field, error.field)
    field = getattr(form, target, None)
    if field is not None and hasattr(field, "errors") and target != "meta":
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


@bp.route("/surveys/new", methods=["GET", "POST"])
def new_wave():
    """A new wave in draft, from a stored questionnaire version (titles, modes and languages
    prefilled from it)."""
    session = db_session()
    form = NewWaveForm()
    form.version.choices = _version_choices(session)
    if not form.version.choices:
        flash(_("Load a questionnaire first (Administration › Questionnaires)."), "error")
        return redirect(url_for(".index"))
    chosen = request.args.get("version", type=int) or form.version.choices[0].value
    version = session.get(QuestionnaireVersion, chosen) or abort(404)
    if request.method == "GET":
        form.version.data = version.id
        built = questionnaire_of(version)
        form.modes.data, form.languages.data = list(built.modes), list(built.languages)
        today = utcnow().date()
        form.title_zh_hans.data = version.title.get("zh-Hans", "")
        form.title_zh_hant.data = version.title.get("zh-Hant", "")
        form.title_en.data = version.title.get("en", "")
        form.slug.data = f"{version.questionnaire.key}-{today:%Y-%m}"
    if form.validate_on_submit():
        chosen_version = session.get(QuestionnaireVersion, form.version.data)
        spec = waves.WaveSpec(
            slug=form.slug.data.strip(),
            questionnaire=chosen_version.questionnaire.key,
            version=chosen_version.number,
            titles=form.titles(),
            modes=form.modes.data,
            languages=form.languages.data,
            opens_on=form.opens_on.data,
            closes_on=form.closes_on.data,
            link_valid_days=form.link_valid_days.data,
            settings=form.design_settings(),
        )
        try:
            survey = waves.create_wave(session, spec)
        except waves.WaveError as error:
            session.rollback()
            _field_error(form, error)
        else:
            session.commit()
            flash(_("Survey %(slug)s created in draft.", slug=survey.slug), "success")
            return redirect(url_for(".wave_settings", slug=survey.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("fieldwork/new_wave.html", form=form, version=version), status


def _settings_page(survey, form, status=200):
    session = db_session()
    answered = session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
    )
    versions = survey.questionnaire_version.questionnaire.versions
    version_form = VersionForm()
    return render_template(
        "fieldwork/settings.html",
        survey=survey,
        form=form,
        action_form=ActionForm(),
        version_form=version_form,
        versions=versions,
        answered=answered,
        actions=[a for a in ACTIONS if survey.status in waves.TRANSITIONS[a][0]],
        problems=waves.questionnaire_problems(survey.questionnaire_version),
    ), status


@bp.route("/<slug>/settings", methods=["GET", "POST"])
def wave_settings(slug: str):
    """A wave's settings, its status buttons, its clone and its questionnaire version."""
    session = db_session()
    survey = survey_or_404(slug)
    form = WaveSettingsForm()
    if request.method == "GET":
        form.fill_from(survey)
        return _settings_page(survey, form)
    if form.validate_on_submit():
        try:
            waves.edit_wave(
                session,
                survey,
                {
                    "titles": form.titles(),
                    "modes": form.modes.data,
                    "languages": form.languages.data,
                    "opens_on": form.opens_on.data,
                    "closes_on": form.closes_on.data,
                    "link_valid_days": form.link_valid_days.data,
                    "settings": form.design_settings(),
                },
            )
        except waves.WaveError as error:
            session.rollback()
            _field_error(form, error)
        else:
            session.flush()
            quotas.close_full_cells(session, survey)  # a lowered target may fill a cell now
            session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for(".wave_settings", slug=slug))
    return _settings_page(survey_or_404(slug), form, 400)


STATUS_MESSAGES = {
    "open": _l("Survey %(slug)s is open."),
    "pause": _l(
        "Survey %(slug)s is paused: customers see a pause page and interviewers get no cases."
    ),
    "close": _l("Survey %(slug)s is closed."),
}


@bp.post("/<slug>/status/<action>")
def set_status(slug: str, action: str):
    """Open, pause or close the wave (audited)."""
    if action not in ACTIONS or not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    survey = survey_or_404(slug)
    try:
        waves.change_status(session, survey, action)
    except waves.WaveError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(STATUS_MESSAGES[action] % {"slug": slug}, "success")
    return redirect(url_for(".wave_settings", slug=slug))


@bp.route("/<slug>/clone", methods=["GET", "POST"])
def clone_wave(slug: str):
    """The next wave in two clicks: this page comes filled with next month's address and
    dates; "Create" makes it, in draft, to be opened on its date by the task queue."""
    session = db_session()
    source = survey_or_404(slug)
    form = CloneForm()
    if request.method == "GET":
        form.slug.data, form.opens_on.data, form.closes_on.data = waves.next_wave_defaults(
            source, utcnow().date()
        )
    elif form.validate_on_submit():
        try:
            survey = waves.clone_wave(
                session, source, form.slug.data.strip(), form.opens_on.data, form.closes_on.data
            )
        except waves.WaveError as error:
            session.rollback()
            _field_error(form, error)
        else:
            session.commit()
            flash(
                _("Survey %(slug)s created from %(source)s.", slug=survey.slug, source=slug),
                "success",
            )
            return redirect(url_for(".wave_settings", slug=survey.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("fieldwork/clone.html", survey=source, form=form), status


@bp.post("/<slug>/version")
def switch_version(slug: str):
    """Field another version of the questionnaire: an explicit, audited switch."""
    session = db_session()
    survey = survey_or_404(slug)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_("Choose a version number."), "error")
        return redirect(url_for(".wave_settings", slug=slug) + "#version")
    try:
        waves.switch_version(session, survey, form.number.data, form.confirm.data)
    except waves.WaveError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("The survey now fields version %(n)d.", n=form.number.data), "success")
    return redirect(url_for(".wave_settings", slug=slug) + "#version")
