"""The report's numbers, one function per page: headline, segments, trends.

Every function takes a session, the survey and a ReportScope, asks the database for sums
(``sums.collect``) and returns Figures; the blueprint only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    REPORTABLE,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Survey,
    holds_an_answer,
)
from ..models import Questionnaire as StoredQuestionnaire
from ..stats.aggregates import contrast_from_sums
from ..stats.comparisons import adjust_p_values, compare_independent
from ..surveys.versions import questionnaire_of
from .figures import Figure, figure, with_test
from .measures import Measure, headline_measures
from .scope import ReportScope, quarter_of
from .sums import SurveyDesign, collect, collect_facts, merge_domains, survey_design


@dataclass(frozen=True)
class Headline:
    measure: Measure
    figure: Figure


def percent(measure: Measure) -> bool:
    return measure.kind == "proportion"


def measure_named(questionnaire, key: str | None) -> Measure:
    measures = headline_measures(questionnaire)
    return next((m for m in measures if m.key == key), measures[0])


def headline(session: Session, survey: Survey, scope: ReportScope, design: SurveyDesign):
    """Each headline index over the scope, all from one scan of ``report_rows``."""
    return headline_and_counts(session, survey, scope, design)[0]


def headline_and_counts(session: Session, survey: Survey, scope: ReportScope, design):
    """The headline indices, and the completes in the scope with the first and last
    completion (the same scan); partials counted apart."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    measures = headline_measures(questionnaire)
    wanted: dict = {}
    for measure in measures:
        wanted.setdefault(measure.source, set()).add(measure.column)
    facts = collect_facts(session, design, wanted, scope)
    rows = [
        Headline(
            measure,
            figure(measure.key, facts.sums[measure.source.key].estimate(measure), percent(measure)),
        )
        for measure in measures
    ]
    partial = session.scalar(
        select(func.count()).where(
            Response.survey_id == survey.id,
            Response.status == ResponseStatus.PARTIAL,
            holds_an_answer(),
            *scope.conditions(Response.started_at),
        )
    )
    counts = {
        "counts": {ResponseStatus.COMPLETE: facts.completes, ResponseStatus.PARTIAL: partial},
        "first": facts.first,
        "last": facts.last,
    }
    return rows, counts


def segment_figures(
    session: Session,
    survey: Survey,
    scope: ReportScope,
    design: SurveyDesign,
    measure: Measure,
    by: str,
) -> tuple[Figure, list[Figure]]:
    """The measure over the whole scope, and in each segment tested against the rest of the
    sample, the p-values Holm-adjusted over the segments shown (a family-wise 5 %); both
    from one query."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    sums = collect(session, design, measure.source, scope, by=by, questionnaire=questionnaire)
    domains = sums.domains
    figures, tests = [], []
    for domain in domains:
        estimate = sums.estimate(measure, {domain})
        label = "" if domain is None else str(domain)
        fig = figure(label, estimate, percent(measure))
        figures.append(fig)
        others = set(domains) - {domain}
        if not fig.suppressed and others and sums.estimate(measure, others):
            comparison = contrast_from_sums(
                sums.stratum_sums(measure.column, {domain}),
                sums.stratum_sums(measure.column, others),
                measure.factor,
            )
            tests.append((len(figures) - 1, comparison.difference, comparison.p_value))
    if tests:
        adjusted = adjust_p_values([p for _, _, p in tests], "holm")
        for (index, difference, _), p in zip(tests, adjusted, strict=True):
            figures[index] = with_test(figures[index], difference, float(p))
    whole = figure("", sums.estimate(measure) if sums.cells else None, percent(measure))
    return whole, figures


@dataclass(frozen=True)
class TrendPoint:
    survey: str
    period: str
    figure: Figure
    change: Figure | None = None  # the change from the point before, flagged if significant

    @property
    def charted(self) -> Figure:
        """The period's figure carrying its change's flag (the chart rings it)."""
        return replace(self.figure, flag=self.change.flag if self.change else None)


def related_surveys(session: Session, survey: Survey) -> list[Survey]:
    """Every survey of the same questionnaire (any version), oldest first."""
    key = session.scalar(
        select(StoredQuestionnaire.key)
        .join(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == StoredQuestionnaire.id)
        .where(QuestionnaireVersion.id == survey.questionnaire_version_id)
    )
    return list(
        session.scalars(
            select(Survey)
            .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
            .join(
                StoredQuestionnaire, QuestionnaireVersion.questionnaire_id == StoredQuestionnaire.id
            )
            .where(StoredQuestionnaire.key == key, Survey.status.in_(REPORTABLE))
            .order_by(Survey.opens_on, Survey.id)
        )
    )


def trend(
    session: Session, survey: Survey, scope: ReportScope, measure_key: str, grain: str
) -> list[TrendPoint]:
    """The measure per period (month or quarter) across the questionnaire's surveys.

    Consecutive periods of one survey are domains of one design (their contrast keeps the
    covariance); periods of different surveys are independent samples (variances add).
    """
    points, previous = [], None
    for each in related_surveys(session, survey):
        questionnaire = questionnaire_of(each.questionnaire_version)
        measure = next((m for m in headline_measures(questionnaire) if m.key == measure_key), None)
        if measure is None:
            continue
        design = survey_design(session, each, scope.weighted)
        sums = collect(session, design, measure.source, scope.without_period(), by="month")
        if grain == "quarter":
            sums = merge_domains(sums, quarter_of)
        for period in sums.domains:
            if period is None:
                continue
            estimate = sums.estimate(measure, {period})
            fig = figure(period, estimate, percent(measure))
            change = None
            if previous is not None and estimate is not None and not fig.suppressed:
                change = _change(previous, (each, sums, period, estimate), measure)
            points.append(TrendPoint(each.slug, period, fig, change))
            if not fig.suppressed:
                previous = (each, sums, period, estimate)
    return points


def _change(previous, current, measure) -> Figure:
    survey_before, _, period_before, estimate_before = previous
    survey_now, sums_now, period_now, estimate_now = current
    if survey_before.id == survey_now.id:
        comparison = contrast_from_sums(
            sums_now.stratum_sums(measure.column, {period_now}),
            sums_now.stratum_sums(measure.column, {period_before}),
            measure.factor,
        )
    else:
        # The estimates carry NPS's ×100 already; a share still needs its percent.
        comparison = compare_independent(estimate_now, estimate_before)
        to_shown = measure.factor / estimate_now.scale
        comparison = replace(
            comparison, difference=comparison.difference * to_shown, se=comparison.se * to_shown
        )
    ci = comparison.confidence_interval()
    flag = None
    if comparison.p_value < 0.05:
        flag = "above" if comparison.difference > 0 else "below"
    return Figure(
        period_before,
        0,
        comparison.difference,
        ci.low,
        ci.high,
        comparison.se,
        flag=flag,
        p_value=comparison.p_value,
    )
