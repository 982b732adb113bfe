"""A questionnaire's staff score: points per answer code, a response scoring 0–100.

Written in the file under ``staff_score:``, checked like the rest of it. The branch's
service-star card gives each of its five items 20 points (good 20, average 10, poor 0; a
"yes" to delays or rudeness scores 0)::

    staff_score:
      q_competence: {"3": 20, "2": 10, "1": 0}
      q_delay: {"1": 0, "2": 10, "3": 20}

Every code of a scored question has its points, and the items' best answers add up to 100.
An item the respondent did not answer (skipped, refused, don't know) is left out and the
rest scaled up to 100, so one refusal does not read as a poor rating; a response with no
scored answer has no score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

FULL = 100.0


@dataclass(frozen=True)
class StaffScore:
    points: MappingProxyType  # answer id → {code: points}

    @property
    def answer_ids(self) -> tuple[str, ...]:
        return tuple(self.points)

    def score(self, answers: Mapping[str, str | None]) -> float | None:
        """The response's 0–100 score from its answer codes, or None with none scored."""
        got = best = 0.0
        for answer_id, table in self.points.items():
            code = answers.get(answer_id)
            if code in table:
                got += table[code]
                best += max(table.values())
        return None if best == 0 else FULL * got / best


def _points(value) -> float | None:
    """Points as written (the reader keeps every scalar as text): a finite number from 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _answer_question(questionnaire, answer_id: str):
    question = questionnaire.question_of_answer(answer_id)
    return question if question is not None and question.choices else None


def build_staff_score(ctx, document: Mapping, questionnaire) -> StaffScore | None:
    """The file's staff score, each problem logged where it is."""
    raw = document.get("staff_score")
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw:
        ctx.error(
            "bad-staff-score", "staff_score maps question ids to points", document, "staff_score"
        )
        return None
    points, best = {}, 0.0
    for answer_id, table in raw.items():
        answer_id = str(answer_id)
        question = _answer_question(questionnaire, answer_id)
        if question is None:
            ctx.error(
                "unknown-question",
                f"staff_score names {answer_id!r}, which is not a question with answer codes",
                raw,
                answer_id,
            )
            continue
        if not isinstance(table, Mapping):
            ctx.error(
                "bad-staff-score",
                f"staff_score {answer_id}: map each code to points",
                raw,
                answer_id,
            )
            continue
        codes = {c.code for c in question.choices if not c.other}
        scored = {}
        for code, value in table.items():
            if str(code) not in codes:
                ctx.error(
                    "unknown-code",
                    f"staff_score {answer_id}: {code!r} is not one of its codes ({', '.join(sorted(codes))})",
                    table,
                    code,
                )
            elif (number := _points(value)) is None:
                ctx.error(
                    "bad-staff-score",
                    f"staff_score {answer_id}: code {code} needs points, a number from 0",
                    table,
                    code,
                )
            else:
                scored[str(code)] = number
        if missing := sorted(codes - set(map(str, table))):
            ctx.error(
                "bad-staff-score",
                f"staff_score {answer_id}: no points for code {', '.join(missing)}",
                raw,
                answer_id,
            )
        if scored:
            points[answer_id] = MappingProxyType(scored)
            best += max(scored.values())
    if points and not math.isclose(best, FULL):
        ctx.error(
            "bad-staff-score",
            f"staff_score: the best answers add up to {best:g} points, not 100",
            document,
            "staff_score",
        )
    return StaffScore(MappingProxyType(points)) if points else None
