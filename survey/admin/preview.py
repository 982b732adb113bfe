"""The questionnaire preview: any stored version, web or CATI, any language, logic live.

Answers live in the admin's session only: a preview never creates a response.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..database import db_session
from ..i18n import use_language
from ..models import Questionnaire as QuestionnaireRow
from ..models import QuestionnaireVersion
from ..questionnaire.interview import END, step_at
from ..questionnaire.model import LANGUAGES
from ..questionnaire.presentation import script_text
from ..questionnaire_versions import questionnaire_of
from ..rehearsal import advance, fresh_state, screen_out_of, screen_views
from .routes import bp

MODES = ("web", "cati")
SAMPLE_CONTACT = {
    "zh-Hans": {"title": "王先生", "name": "王伟"},
    "zh-Hant": {"title": "陳小姐", "name": "陳美玲"},
    "en": {"title": "Ms Chan", "name": "Chan Mei-ling"},
}
SEGMENTS = {"branch": "SZ-001", "tier": "gold", "channel": "counter", "staff_id": "T0421"}


@bp.get("/questionnaires/")
def questionnaires():
    """Stored questionnaires and their versions, with preview links."""
    rows = db_session().scalars(select(QuestionnaireRow).order_by(QuestionnaireRow.key)).all()
    return render_template(
        "admin/questionnaires.html", questionnaires=rows, modes=MODES, languages_list=LANGUAGES
    )


def _state_key(version_id: int, mode: str) -> str:
    return f"preview:{version_id}:{mode}"


@bp.route("/questionnaires/<int:version_id>/preview/<mode>/<language>", methods=["GET", "POST"])
def preview(version_id: int, mode: str, language: str):
    """Walk through a version as a respondent (web) or an interviewer (cati) would."""
    if mode not in MODES or language not in LANGUAGES:
        abort(404)
    version = db_session().get(QuestionnaireVersion, version_id) or abort(404)
    use_language(language)  # the page's own words follow the previewed language
    questionnaire = questionnaire_of(version)
    key = _state_key(version_id, mode)
    if request.args.get("restart") or key not in session:
        session[key] = fresh_state()
    state = session[key]
    contact = {**SAMPLE_CONTACT[language], **SEGMENTS}
    interviewer = {"name": g.user.display_name, "staff_id": str(g.user.id)}
    errors, submitted, status = {}, None, 200
    if request.method == "POST":
        errors, submitted = advance(
            questionnaire, state, request.form.to_dict(flat=False), contact, language, mode
        )
        session[key] = state
        if not errors:
            return redirect(
                url_for(".preview", version_id=version_id, mode=mode, language=language)
            )
        status = 400
    step = step_at(questionnaire, state["answers"], state["position"], contact, language, mode)
    screen_out = screen_out_of(questionnaire, state.get("screen_out")) if step.finished else None
    views = screen_views(
        questionnaire,
        step,
        state["answers"],
        state["other"],
        errors,
        state["seed"],
        contact,
        language,
        mode,
        interviewer,
        submitted,
    )
    return render_template(
        "admin/preview.html",
        version=version,
        questionnaire=questionnaire,
        mode=mode,
        language=language,
        step=step,
        views=views,
        answers=state["answers"],
        screen_out=screen_out,
        end=END,
        opening=script_text(
            questionnaire,
            "greeting" if mode == "cati" else "intro",
            state["answers"],
            contact,
            language,
            mode,
            interviewer,
        ),
        closing=script_text(
            questionnaire, "closing", state["answers"], contact, language, mode, interviewer
        ),
        contact=contact,
        languages_list=LANGUAGES,
        modes=MODES,
    ), status
