"""The questionnaire preview: any stored version, web or CATI, any language, logic live.

Answers live in the admin's session only: a preview never creates a response.
"""

from __future__ import annotations

import secrets

from flask import abort, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..database import db_session
from ..i18n import use_language
from ..models import Questionnaire as QuestionnaireRow
from ..models import QuestionnaireVersion
from ..questionnaire.interview import END, previous_position, step_at, submit_step
from ..questionnaire.model import LANGUAGES
from ..questionnaire.presentation import question_view, script_text
from ..questionnaire_versions import questionnaire_of
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
        session[key] = {
            "answers": {},
            "other": {},
            "position": None,
            "seed": secrets.randbelow(2**31),
        }
    state = session[key]
    contact = {**SAMPLE_CONTACT[language], **SEGMENTS}
    interviewer = {"name": g.user.display_name, "staff_id": str(g.user.id)}
    step = step_at(questionnaire, state["answers"], state["position"], contact, language, mode)
    errors, submitted, screen_out = {}, None, None
    if request.method == "POST":
        if request.form.get("action") == "back":
            state["position"] = previous_position(
                questionnaire, state["answers"], step.position, contact, language, mode
            )
        elif not step.finished:
            form = request.form.to_dict(flat=False)
            outcome = submit_step(
                questionnaire, state["answers"], state["other"], step, form, contact, language, mode
            )
            if outcome.submission.ok:
                state.update(
                    answers=outcome.answers, other=outcome.other_texts, position=outcome.position
                )
                state["screen_out"] = outcome.screen_out.disposition if outcome.screen_out else None
            else:
                errors, submitted = outcome.submission.errors, form
        session[key] = state
        if not errors:
            return redirect(
                url_for(".preview", version_id=version_id, mode=mode, language=language)
            )
        status = 400
    else:
        status = 200
    step = step_at(questionnaire, state["answers"], state["position"], contact, language, mode)
    if step.finished and state.get("screen_out"):
        screen_out = next(
            (
                q.screen_out
                for q in questionnaire.questions()
                if q.screen_out and q.screen_out.disposition == state["screen_out"]
            ),
            None,
        )
    views = [
        question_view(
            questionnaire,
            q,
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
        for q in step.questions
    ]
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
