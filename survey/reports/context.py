"""What every report page needs: the survey, the manager's scope, the design and the names."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..analysis.scope import ReportScope, ScopeError
from ..analysis.segments import attribute_names, code_label, filter_options, question_text
from ..analysis.sums import SurveyDesign, survey_design
from ..database import db_session
from ..i18n import current_language
from ..labels import ATTRIBUTE_NAMES, attribute_name, attribute_value
from ..models import REPORTABLE, Role, SampleDraw, Survey
from ..questionnaire import Questionnaire
from ..surveys.listing import survey_or_404
from ..surveys.versions import questionnaire_of


def allowed_branches() -> tuple[str, ...] | None:
    """A manager limited to some branches sees only those; admins and others see all."""
    user = g.get("user")
    if user is None or user.role != Role.MANAGER or not user.branches:
        return None
    return tuple(user.branches)


def reportable_survey(slug: str) -> Survey:
    return survey_or_404(slug, REPORTABLE)


def read_scope(args) -> ReportScope:
    """The filters in the address; a bad period is a 400, another branch than one's own a 403."""
    branches = allowed_branches()
    try:
        scope = ReportScope.from_args(args, branches)
    except ScopeError as error:
        abort(400, description=str(error))
    chosen = scope.segments.get("branch")
    if branches is not None and chosen is not None and chosen not in branches:
        abort(403)
    return scope


@dataclass
class Report:
    survey: Survey
    questionnaire: Questionnaire
    scope: ReportScope
    design: SurveyDesign
    language: str
    attributes: list[str]
    options: dict
    drawn: bool = False  # the product drew a probability sample for this survey

    def text(self, answer_id: str) -> str:
        return question_text(self.questionnaire, answer_id, self.language)

    def code(self, name: str, code) -> str:
        """A segment value in the reader's language: a choice's label, a known attribute
        value's (tier gold → 金卡), else the value as imported."""
        if self.questionnaire.question(name) is not None:
            return code_label(self.questionnaire, name, code, self.language)
        return attribute_value(name, code)

    def codes(self, name: str, figures) -> list[str]:
        return [self.code(name, f.label) for f in figures]

    def segment_name(self, name: str) -> str:
        """An attribute's translated name, or a segment question's text."""
        if self.questionnaire.question(name) is not None:
            return self.text(name)
        return attribute_name(name, self.survey)


def _labels() -> dict:
    """Translated names of SERVQUAL dimensions and quadrants (attributes and channels, the
    touchpoints, come from the shared vocabulary in ``survey.labels``)."""
    return {
        "tangibles": _("Tangibles"),
        "reliability": _("Reliability"),
        "responsiveness": _("Responsiveness"),
        "assurance": _("Assurance"),
        "empathy": _("Empathy"),
        "concentrate_here": _("Concentrate here"),
        "keep_up_the_good_work": _("Keep up the good work"),
        "low_priority": _("Low priority"),
        "possible_overkill": _("Possible overkill"),
    }


def label(name: str) -> str:
    """A report name in the reader's language: a dimension or quadrant, an attribute, a
    channel (a touchpoint); the name itself when it has none."""
    own = _labels().get(name)
    if own is not None:
        return own
    if name in ATTRIBUTE_NAMES:
        return attribute_name(name)
    return attribute_value("channel", name)


def load_report(slug: str) -> Report:
    session = db_session()
    survey = reportable_survey(slug)
    scope = read_scope(request.args)
    return Report(
        survey,
        questionnaire_of(survey.questionnaire_version),
        scope,
        survey_design(session, survey, scope.weighted),
        current_language(),
        attribute_names(session, survey.id, (survey.settings or {}).get("segments", ())),
        filter_options(session, survey.id, scope),
        session.scalar(select(SampleDraw.id).where(SampleDraw.survey_id == survey.id).limit(1))
        is not None,
    )
