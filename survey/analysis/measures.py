"""The indices a report shows, named from the questionnaire's analysis roles.

A *source* is one SQL query yielding, per response, one or more numbers (an answer's value,
its top-box flag, an NPS score, a weighted 0–100 score over several items, a SERVQUAL gap).
A *measure* is one column of a source with the estimator that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, case, func, literal
from sqlalchemy.orm import aliased

from ..models import Answer, Response
from ..questionnaire import Questionnaire
from ..questionnaire.types import kind_of


@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    top_box: int = 2

    @property
    def top_cut(self) -> float:
        return self.high - self.top_box + 1


def scale_of(questionnaire: Questionnaire, answer_id: str) -> Scale:
    """An answer's scale as the questionnaire defines it (NPS 0–10, yes/no 0–1)."""
    question = questionnaire.question_of_answer(answer_id)
    return Scale(*kind_of(question).bounds(question))


@dataclass(frozen=True)
class Source:
    """Per-response values from the answers table: (response_id, y1, y2, …)."""

    key: str
    items: tuple[tuple[str, float, float, float], ...]  # answer id, low, high, weight
    kind: str  # value, score (weighted 0–100), average (raw), gap
    top_cut: float | None = None
    expectation: tuple[str, ...] = ()
    # The report_rows columns holding these values, when the source is a headline one.
    facts: tuple[tuple[str, str], ...] = ()
    # The questionnaire's missing_items: complete — a respondent who left any of the items
    # unanswered has no value (R's na.omit) instead of one over the items answered.
    complete: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == "value":
            return ("value", "top", "nps")
        return ("value",)

    def join(self, base):
        """Join the answers this source reads onto ``base`` (the responses table): one
        alias per item on the (response, question, item) key, so the database looks each
        answer up instead of grouping every answer by response. Returns the joined FROM
        and {column: per-response expression}; a refused or unanswered item is NULL."""
        if self.kind == "value":
            answer = aliased(Answer)
            joined = base.outerjoin(answer, answer_of(answer, self.items[0][0]))
            value = answer.value_num
            top = (
                case((value >= self.top_cut, 1.0), else_=0.0)
                if self.top_cut is not None
                else literal(None)
            )
            nps = case((value >= 9, 1.0), (value >= 7, 0.0), else_=-1.0)
            return joined, {"value": value, "top": top, "nps": nps}
        joined, values = base, {}
        for answer_id in [a for a, *_ in self.items] + list(self.expectation):
            answer = aliased(Answer)
            joined = joined.outerjoin(answer, answer_of(answer, answer_id))
            values[answer_id] = answer.value_num
        if self.kind == "score":
            parts = [
                ((values[a] - low) * (100.0 / (high - low)), weight)
                for a, low, high, weight in self.items
            ]
        elif self.kind == "average":
            parts = [(values[a], 1.0) for a, *_ in self.items]
        else:  # gap: per item pair, so both sides always come from the same items
            parts = [
                (values[p] - values[e], 1.0)
                for (p, *_), e in zip(self.items, self.expectation, strict=True)
            ]
        value = _weighted_mean(parts)
        if self.complete:
            value = case((and_(*(v.is_not(None) for v in values.values())), value), else_=None)
        return joined, {"value": value}


def answer_of(answer, answer_id: str):
    return and_(
        answer.response_id == Response.id, answer.question_id == answer_id, answer.item == ""
    )


def _weighted_mean(parts):
    """Σ wᵢ·xᵢ / Σ wᵢ over the items answered (NULL when none was)."""
    numerator = sum(func.coalesce(value * weight, 0.0) for value, weight in parts)
    denominator = sum(case((value.is_not(None), weight), else_=0.0) for value, weight in parts)
    return numerator / func.nullif(denominator, 0.0)


@dataclass(frozen=True)
class Measure:
    """One index: a column of a source and how it is estimated (mean, proportion or NPS)."""

    key: str
    source: Source
    column: str
    kind: str  # mean, proportion, nps
    scale: Scale | None = None  # the axis of a raw mean

    @property
    def factor(self) -> float:
        return 100.0 if self.kind in ("nps", "proportion") else 1.0


def value_source(questionnaire: Questionnaire, answer_id: str) -> Source:
    scale = scale_of(questionnaire, answer_id)
    roles = questionnaire.analysis
    facts = ()
    if answer_id == roles.overall:
        facts = (("value", "overall"), ("top", "overall_top"))
    elif answer_id == roles.recommend:
        facts = (("value", "recommend"), ("top", "recommend_top"), ("nps", "recommend_score"))
    return Source(
        f"value:{answer_id}",
        ((answer_id, scale.low, scale.high, 1.0),),
        "value",
        scale.top_cut,
        facts=facts,
    )


def score_source(questionnaire: Questionnaire, key: str, weights: dict[str, float]) -> Source:
    """A weighted 0–100 score over items (a CSI, a touchpoint); each row's weights are
    renormalised over the items it answered, as ``stats.indices.csi_scores``."""
    items = []
    for answer_id, weight in weights.items():
        scale = scale_of(questionnaire, answer_id)
        items.append((answer_id, scale.low, scale.high, float(weight)))
    return Source(key, tuple(items), "score", complete=_complete(questionnaire))


def _complete(questionnaire: Questionnaire) -> bool:
    return questionnaire.analysis.missing_items == "complete"


def gap_source(questionnaire: Questionnaire, key: str, perception, expectation) -> Source:
    """Perception − expectation per respondent: the mean of its item pairs' gaps."""
    return Source(
        key,
        tuple((a, 0, 1, 1.0) for a in perception),
        "gap",
        expectation=tuple(expectation),
        complete=_complete(questionnaire),
    )


def headline_measures(questionnaire: Questionnaire) -> list[Measure]:
    """Top-2-box CSAT and mean of the overall question, NPS, and the CSI, as the roles allow."""
    roles = questionnaire.analysis
    measures = []
    if roles.overall:
        source = value_source(questionnaire, roles.overall)
        scale = scale_of(questionnaire, roles.overall)
        measures.append(Measure("csat", source, "top", "proportion", scale))
        measures.append(Measure("mean", source, "value", "mean", scale))
    if roles.recommend:
        measures.append(Measure("nps", value_source(questionnaire, roles.recommend), "nps", "nps"))
    if roles.csi:
        source = replace(
            score_source(questionnaire, "csi", dict(roles.csi)), facts=(("value", "csi"),)
        )
        measures.append(Measure("csi", source, "value", "mean", Scale(0, 100)))
    return measures


def attribute_measures(questionnaire: Questionnaire) -> dict[str, list[Measure]]:
    """Per touchpoint: its 0–100 score, then each attribute's 0–100 score."""
    groups = {}
    for touchpoint, ids in questionnaire.analysis.touchpoints.items():
        group = [
            Measure(
                f"tp:{touchpoint}",
                score_source(questionnaire, f"tp:{touchpoint}", dict.fromkeys(ids, 1.0)),
                "value",
                "mean",
                Scale(0, 100),
            )
        ]
        for answer_id in ids:
            group.append(
                Measure(
                    answer_id,
                    score_source(questionnaire, f"score:{answer_id}", {answer_id: 1.0}),
                    "value",
                    "mean",
                    Scale(0, 100),
                )
            )
        groups[touchpoint] = group
    return groups


def servqual_measures(questionnaire: Questionnaire) -> list[tuple[str, Measure, Measure, Measure]]:
    """Per dimension: expectation, perception (raw means over items) and the paired gap."""
    rows = []
    for name, pair in questionnaire.analysis.servqual.items():
        expectation, perception = pair["expectation"], pair["perception"]
        scale = scale_of(questionnaire, perception[0])
        rows.append(
            (
                name,
                Measure(
                    f"sq-e:{name}",
                    _raw_mean(questionnaire, expectation, f"sq-e:{name}"),
                    "value",
                    "mean",
                    scale,
                ),
                Measure(
                    f"sq-p:{name}",
                    _raw_mean(questionnaire, perception, f"sq-p:{name}"),
                    "value",
                    "mean",
                    scale,
                ),
                Measure(
                    f"sq-g:{name}",
                    gap_source(questionnaire, f"sq-g:{name}", perception, expectation),
                    "value",
                    "mean",
                ),
            )
        )
    return rows


def _raw_mean(questionnaire, ids, key) -> Source:
    """The mean of items on their own scale, per respondent."""
    return Source(
        key, tuple((a, 0, 1, 1.0) for a in ids), "average", complete=_complete(questionnaire)
    )


def servqual_axis(questionnaire: Questionnaire) -> tuple[float, float] | None:
    """The answer scale SERVQUAL items use (1–7), the axis its chart must span so a gap of
    0.02 never looks large."""
    rows = servqual_measures(questionnaire)
    scale = rows[0][2].scale if rows else None
    return (float(scale.low), float(scale.high)) if scale else None
