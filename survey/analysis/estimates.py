"""The estimates API's numbers (DESIGN.md contract): ``survey stats --format json`` over the
survey's complete responses and its design, from database sums."""

from __future__ import annotations

import math
from dataclasses import replace

from sqlalchemy.orm import Session

from ..models import Survey
from ..questionnaire.types import kind_of
from ..stats.aggregates import mean_from_sums, total_from_sums
from ..stats.errors import EstimationError
from ..stats.estimate import own_df
from ..surveys.versions import questionnaire_of
from .measures import value_source
from .scope import ReportScope
from .segments import attribute_names, segment_choices
from .sums import collect, survey_design

STATS = {  # stat: (column of the value source, estimator kind)
    "mean": ("value", "mean"),
    "total": ("value", "total"),
    "prop": ("value", "proportion"),
    "nps": ("nps", "nps"),
    "top2": ("top", "proportion"),
}
# What a statistic needs of its question, for the message when the question is not one.
NEEDS = {
    "prop": "a yes/no (0/1) question",
    "nps": "a 0–10 recommendation question",
    "top2": "a rating scale",
}


class EstimatesError(ValueError):
    """A request the API cannot answer; the message says which parameter and why."""


def _check(questionnaire, var: str, stat: str, by: str | None, attributes) -> None:
    if stat not in STATS:
        raise EstimatesError(f"stat must be one of {', '.join(STATS)}, not {stat!r}")
    question = questionnaire.question_of_answer(var)
    if question is None or not kind_of(question).statistics:
        raise EstimatesError(f"var {var!r} is not a numeric question of this survey")
    if stat not in kind_of(question).statistics:
        raise EstimatesError(f"stat {stat} needs {NEEDS[stat]}; {var} is {question.type}")
    if by is not None and by not in segment_choices(questionnaire, attributes, every_question=True):
        raise EstimatesError(f"by {by!r} is neither a segment attribute nor a segment question")


def estimates(
    session: Session,
    survey: Survey,
    scope: ReportScope,
    var: str,
    stat: str,
    by: str | None = None,
    confidence_level: float = 0.95,
) -> dict:
    if not 0 < confidence_level < 1:
        raise EstimatesError(f"confidence_level must be between 0 and 1, not {confidence_level}")
    questionnaire = questionnaire_of(survey.questionnaire_version)
    _check(questionnaire, var, stat, by, attribute_names(session, survey.id))
    column, kind = STATS[stat]
    design = survey_design(session, survey, scope.weighted)
    source = value_source(questionnaire, var)
    if column not in dict(source.facts):
        source = replace(source, facts=())  # report_rows lacks this column: read the answers
    sums = collect(session, design, source, scope, by, questionnaire)
    domains = [None] if by is None else [d for d in sums.domains if d is not None]
    method = "logit" if kind == "proportion" else "t"
    entries = []
    for domain in domains:
        part = sums.stratum_sums(column) if by is None else sums.stratum_sums(column, {domain})
        if part.count.sum() == 0:
            raise EstimatesError(f"no complete response answered {var} in this selection")
        try:
            estimate = (
                total_from_sums(part)
                if kind == "total"
                else mean_from_sums(part, kind, 100.0 if kind == "nps" else 1.0)
            )
        except EstimationError as error:
            raise EstimatesError(str(error)) from None
        if estimate.df < 1:  # the whole selection: no figure in it can have an interval
            raise EstimatesError(
                f"the selection has {estimate.df} degrees of freedom (a single PSU in each "
                "stratum): no interval can be given; widen the period or the filters"
            )
        # Each domain's own degrees of freedom, as the report pages (analysis/figures.py); a
        # domain without any is flagged suppress, its interval null.
        entry = own_df(estimate).entry(
            var,
            stat,
            None if domain is None else str(domain),
            by,
            confidence_level,
            method,
        )
        entries.append(
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in entry.items()
            }
        )
    return {"estimates": entries}
