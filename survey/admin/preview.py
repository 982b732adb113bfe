"""The questionnaire preview: any stored version, web or CATI, any language, logic live.

Answers live in the practice store on the server: a preview never creates a response.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..accounts.staff import interviewer_scope
from ..database import db_session
from ..i18n import use_language
from ..models import Questionnaire as QuestionnaireRow
from ..models import QuestionnaireVersion
from ..questionnaire import Mode
from ..questionnaire.interview import END
from ..questionnaire.model import LANGUAGES
from ..questionnaire.rehearsal import rehearse, sample_interview
from ..surveys.practice import PracticeStore
from ..surveys.versions import questionnaire_of
from .routes import bp

MODES = tuple(Mode)


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
    interview = sample_interview(questionnaire, language, mode, interviewer_scope(g.user))
    form = request.form.to_dict(flat=False) if request.method == "POST" else None
    shown = rehearse(
        interview, PracticeStore(db_session(), g.user.id), _state_key(version_id, mode),
        bool(request.args.get("restart")), form,
    )  # fmt: skip
    if shown.saved:
        return redirect(url_for(".preview", version_id=version_id, mode=mode, language=language))
    return render_template(
        "admin/preview.html",
        version=version,
        questionnaire=questionnaire,
        mode=mode,
        language=language,
        step=shown.step,
        views=shown.views,
        answers=shown.state["answers"],
        screen_out=shown.screen_out,
        end=END,
        opening=shown.opening,
        closing=shown.closing,
        contact=interview.contact,
        languages_list=LANGUAGES,
        modes=MODES,
    ), (400 if form is not None else 200)
