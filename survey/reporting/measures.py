"""The indices a report shows, named from the questionnaire's analysis roles.

A *source* is one SQL query yielding, per response, one or more numbers (an answer's value,
its top-box flag, an NPS score, a weighted 0–100 score over several items, a SERVQUAL gap).
A *measure* is one column of a source with the estimator that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select

from ..models import Answer
from ..questionnaire import Questionnaire


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
    if question.type == "nps":
        return Scale(0, 10, 2)
    if question.type == "yesno":
        return Scale(0, 1, 1)
    options = question.options
    if "min" in options:
        return Scale(float(options["min"]), float(options["max"]), int(options.get("top_box") or 2))
    codes = [float(c.code) for c in question.choices if c.code.lstrip("-").isdigit()]
    return Scale(min(codes), max(codes), 2) if codes else Scale(0, 1, 1)


@dataclass(frozen=True)
class Source:
    """Per-response values from the answers table: (response_id, y1, y2, …)."""

    key: str
    items: tuple[tuple[str, float, float, float], ...]  # answer id, low, high, weight
    kind: str  # value, score (weighted 0–100), average (raw), gap
    top_cut: float | None = None
    expectation: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == "value":
            return ("value", "top", "nps")
        return ("value",)

    def query(self, survey_ids):
        """The SELECT of per-response values over the given surveys."""
        answered = and_(
            Answer.survey_id.in_(survey_ids), Answer.item == "", Answer.value_num.is_not(None)
        )
        if self.kind == "value":
            value = Answer.value_num
            top = (
                case((value >= self.top_cut, 1.0), else_=0.0)
                if self.top_cut is not None
                else literal(None)
            )
            nps = case((value >= 9, 1.0), (value >= 7, 0.0), else_=-1.0)
            return select(
                Answer.response_id, value.label("value"), top.label("top"), nps.label("nps")
            ).where(answered, Answer.question_id == self.items[0][0])
        if self.kind == "score":
            weight = case(*[(Answer.question_id == a, w) for a, _, _, w in self.items])
            low = case(*[(Answer.question_id == a, lo) for a, lo, _, _ in self.items])
            span = case(*[(Answer.question_id == a, hi - lo) for a, lo, hi, _ in self.items])
            score = func.sum(weight * (Answer.value_num - low) * 100.0 / span) / func.sum(weight)
            ids = [a for a, *_ in self.items]
        elif self.kind == "average":
            score = func.avg(Answer.value_num)
            ids = [a for a, *_ in self.items]
        else:
            perception = [a for a, *_ in self.items]
            side = Answer.question_id.in_(perception)
            score = func.avg(case((side, Answer.value_num))) - func.avg(
                case((Answer.question_id.in_(self.expectation), Answer.value_num))
            )
            ids = perception + list(self.expectation)
        return (
            select(Answer.response_id, score.label("value"))
            .where(answered, Answer.question_id.in_(ids))
            .group_by(Answer.response_id)
        )


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
    return Source(
        f"value:{answer_id}", ((answer_id, scale.low, scale.high, 1.0),), "value", scale.top_cut
    )


def score_source(questionnaire: Questionnaire, key: str, weights: dict[str, float]) -> Source:
    """A weighted 0–100 score over items (a CSI, a touchpoint); each row's weights are
    renormalised over the items it answered, as ``stats.indices.csi_scores``."""
    items = []
    for answer_id, weight in weights.items():
        scale = scale_of(questionnaire, answer_id)
        items.append((answer_id, scale.low, scale.high, float(weight)))
    return Source(key, tuple(items), "score")


def gap_source(key: str, perception, expectation) -> Source:
    """Perception − expectation per respondent (each side the mean of its items)."""
    return Source(
        key, tuple((a, 0, 1, 1.0) for a in perception), "gap", expectation=tuple(expectation)
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
        source = score_source(questionnaire, "csi", dict(roles.csi))
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
                    gap_source(f"sq-g:{name}", perception, expectation),
                    "value",
                    "mean",
                ),
            )
        )
    return rows


def _raw_mean(questionnaire, ids, key) -> Source:
    """The mean of items on their own scale, per respondent."""
    return Source(key, tuple((a, 0, 1, 1.0) for a in ids), "average")
