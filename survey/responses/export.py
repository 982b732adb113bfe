"""Analysis-ready exports: one row per response, a column per question id with answer codes.

The columns follow DESIGN.md's export contract; a codebook labels every variable and code.
No personal data: contacts are never joined. Text cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..comments.analysis import COUNTED, of_response
from ..comments.readings import current_dictionary
from ..models import (
    Answer,
    CommentReading,
    Response,
    ResponseStatus,
    StratumPopulation,
    Survey,
)
from ..questionnaire import Questionnaire
from ..questionnaire.messages import SPECIAL_LABELS
from ..questionnaire.types import kind_of
from ..stats import SampleDesign
from ..surveys.versions import questionnaire_of

META = [
    "response_id",
    "status",
    "mode",
    "language",
    "started_at",
    "completed_at",
    "questionnaire_version",
]
DESIGN = ["_stratum", "_weight", "_fpc"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
BATCH = 1000


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    answer_id: str | None
    code: str | None = None  # for a multiple choice's 0/1 column
    values: tuple[tuple[str, str], ...] = ()
    kind: str = "code"


def neutralise(value):
    """Make a text cell safe to open in a spreadsheet; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.match(value):
        return "'" + value
    return value


def question_variables(questionnaire: Questionnaire) -> list[Variable]:
    """The question columns in questionnaire order, with labels in the default language."""
    language = questionnaire.default_language
    specials = tuple(
        (code, SPECIAL_LABELS[kind][language]) for kind, code in questionnaire.special_codes.items()
    )
    variables = []
    for question in questionnaire.questions():
        text = question.text.get_in(language)
        values = tuple((c.code, c.label.get_in(language)) for c in question.choices) + specials
        if not kind_of(question).answers:
            continue
        if kind_of(question).many:
            for choice in question.choices:
                variables.append(
                    Variable(
                        f"{question.id}_{choice.code}",
                        f"{text}: {choice.label.get_in(language)}",
                        question.id,
                        choice.code,
                        (("1", "ticked"), ("0", "not ticked")) + specials,
                        "flag",
                    )
                )
        elif question.items:
            for item in question.items:
                variables.append(
                    Variable(
                        item.id, f"{text}: {item.text.get_in(language)}", item.id, values=values
                    )
                )
        else:
            kind = "code" if question.choices else question.type
            variables.append(
                Variable(
                    question.id,
                    text,
                    question.id,
                    values=values if question.choices else specials,
                    kind=kind,
                )
            )
        if any(c.other for c in question.choices):
            variables.append(
                Variable(f"{question.id}_other", f"{text}: other (specified)", None, kind="text")
            )
    return variables


def comment_variables(session: Session, questionnaire: Questionnaire) -> list[Variable]:
    """What the comments say, after the questions: the sentiment and one 0/1 column per
    topic of the current dictionary; empty where the response has no comment that was read
    (so ``survey stats --stat prop`` estimates a topic's share among comments)."""
    if not questionnaire.analysis.comments:
        return []
    dictionary, _ = current_dictionary(session)
    flags = (("1", "mentioned"), ("0", "not mentioned"))
    return [
        Variable(
            "_sentiment",
            "Comment sentiment from -1 (negative) to +1 (positive); empty: no comment read",
            None,
            kind="sentiment",
        ),
        *(
            Variable(
                f"_topic_{key}",
                "Comment topic: "
                + (dictionary.topic(key).name("en") if key != "other" else "other"),
                None,
                values=flags,
                kind="flag",
            )
            for key in dictionary.keys
        ),
    ]


def _comment_cells(variables: list[Variable], readings: list[CommentReading]) -> dict:
    counted = [(r.topics, r.sentiment) for r in readings if r.status in COUNTED]
    if not variables or not counted:
        return {v.name: None for v in variables}
    topics, sentiment = of_response(counted)
    cells = {"_sentiment": sentiment}
    for variable in variables[1:]:
        cells[variable.name] = int(variable.name.removeprefix("_topic_") in topics)
    return cells


def _attribute_names(session: Session, survey: Survey) -> list[str]:
    names = set()
    for (attributes,) in session.execute(
        select(Response.attributes).where(Response.survey_id == survey.id)
    ):
        names.update((attributes or {}).keys())
    return sorted(names)


def _cells(variables, rows: list[Answer]) -> dict:
    by_question = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    cells = {}
    for variable in variables:
        if variable.answer_id is None:  # the "other" text of the question before it
            base = variable.name[: -len("_other")]
            cells[variable.name] = next(
                (r.value_text for r in by_question.get(base, []) if r.value_text), None
            )
            continue
        stored = by_question.get(variable.answer_id, [])
        if not stored:
            cells[variable.name] = None
        elif variable.code is not None:
            special = next((r.code for r in stored if r.item == ""), None)
            cells[variable.name] = special or next(
                (int(r.value_num) for r in stored if r.item == variable.code), None
            )
        else:
            row = stored[0]
            cells[variable.name] = row.value_text if row.code is None else _as_number(row.code)
    return cells


def _as_number(code: str):
    """Codes written in digits export as numbers, so analysis software reads them as such."""
    if not NUMBER.match(code):
        return code
    return float(code) if "." in code else int(code)


def design_columns(session: Session, survey: Survey) -> dict[str, dict]:
    """Per stratum, the weight and fpc of a complete response: N_h over the completes in
    the stratum (a design weight adjusted for non-response), and N_h. Empty without populations."""
    populations = dict(
        session.execute(
            select(StratumPopulation.stratum, StratumPopulation.population).where(
                StratumPopulation.survey_id == survey.id
            )
        ).all()
    )
    completes: dict[str, int] = {}
    for stratum, count in session.execute(
        select(Response.stratum, func.count())
        .where(Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE)
        .group_by(Response.stratum)
    ):
        completes[stratum or ""] = completes.get(stratum or "", 0) + count
    return {
        stratum: {"_weight": population / completes[stratum], "_fpc": population}
        for stratum, population in populations.items()
        if completes.get(stratum)
    }


def design_over(session: Session, survey: Survey, strata: list[str]):
    """The export's design (weights N_h/n_h, fpc N_h) over responses in these strata ("" for
    none), and which of them are inside it; without frame counts every response weighs 1.
    Returns (design or None when none is inside, inside flags)."""
    columns = design_columns(session, survey)
    inside = [not columns or stratum in columns for stratum in strata]
    kept = [stratum for stratum, keep in zip(strata, inside, strict=True) if keep]
    if not kept:
        return None, inside
    if not columns:
        return SampleDesign.build(len(kept)), inside
    design = SampleDesign.build(
        len(kept),
        strata=[kept],
        weights=[columns[stratum]["_weight"] for stratum in kept],
        fpc=[columns[stratum]["_fpc"] for stratum in kept],
        lonely_psu="adjust",
    )
    return design, inside


def export_rows(
    session: Session,
    survey: Survey,
    statuses=(ResponseStatus.COMPLETE, ResponseStatus.PARTIAL),
    conditions=(),
) -> tuple[list[str], list[Variable], Iterator[dict]]:
    """The header, the codebook and the rows (streamed in batches of responses);
    ``conditions`` narrow the responses (a manager's branches)."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    attributes = _attribute_names(session, survey)
    variables = question_variables(questionnaire)
    comments = comment_variables(session, questionnaire)
    header = META + attributes + DESIGN + [v.name for v in variables + comments]
    version_number = survey.questionnaire_version.number

    design = design_columns(session, survey)

    def rows():
        last_id = 0
        while True:
            batch = session.scalars(
                select(Response)
                .where(
                    Response.survey_id == survey.id,
                    Response.status.in_(statuses),
                    Response.id > last_id,
                    *conditions,
                )
                .order_by(Response.id)
                .limit(BATCH)
            ).all()
            if not batch:
                return
            answers, readings = {}, {}
            ids = [r.id for r in batch]
            for answer in session.scalars(select(Answer).where(Answer.response_id.in_(ids))):
                answers.setdefault(answer.response_id, []).append(answer)
            if comments:
                for reading in session.scalars(
                    select(CommentReading).where(CommentReading.response_id.in_(ids))
                ):
                    readings.setdefault(reading.response_id, []).append(reading)
            for response in batch:
                row = {
                    "response_id": response.id,
                    "status": response.status,
                    "mode": response.mode,
                    "language": response.language,
                    "started_at": response.started_at.isoformat(timespec="seconds"),
                    "completed_at": response.completed_at.isoformat(timespec="seconds")
                    if response.completed_at
                    else None,
                    "questionnaire_version": version_number,
                    **{name: (response.attributes or {}).get(name) for name in attributes},
                    "_stratum": response.stratum,
                    "_weight": None,
                    "_fpc": None,
                    **(
                        design.get(response.stratum or "", {})
                        if response.status == ResponseStatus.COMPLETE
                        else {}
                    ),
                }
                row.update(_cells(variables, answers.get(response.id, [])))
                row.update(_comment_cells(comments, readings.get(response.id, [])))
                yield {key: neutralise(value) for key, value in row.items()}
            last_id = batch[-1].id

    return header, variables + comments, rows()


def codebook_rows(header: list[str], variables: list[Variable]) -> list[dict]:
    described = {v.name: v for v in variables}
    rows = []
    for name in header:
        variable = described.get(name)
        label = variable.label if variable else name
        values = "; ".join(f"{code}={text}" for code, text in variable.values) if variable else ""
        rows.append({"variable": name, "label": neutralise(label), "values": neutralise(values)})
    return rows


def write_csv(stream, header, rows) -> None:
    """Header and rows as CSV; header cells are neutralised like any other text cell."""
    writer = csv.DictWriter(stream, fieldnames=header, extrasaction="ignore")
    writer.writerow({name: neutralise(name) for name in header})
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def write_xlsx(path_or_stream, header, rows, codebook) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append([neutralise(name) for name in header])
    for row in rows:
        sheet.append([row.get(name) for name in header])
    labels = book.create_sheet("codebook")
    labels.append(["variable", "label", "values"])
    for entry in codebook:
        labels.append([neutralise(entry["variable"]), entry["label"], entry["values"]])
    book.save(path_or_stream)


def write_json(stream, survey: Survey, header, rows, codebook) -> None:
    document = {
        "survey": survey.slug,
        "questionnaire": survey.questionnaire_version.questionnaire.key,
        "version": survey.questionnaire_version.number,
        "columns": header,
        "codebook": codebook,
        "responses": list(rows),
    }
    json.dump(document, stream, ensure_ascii=False, indent=1, default=str)


def csv_text(header, rows) -> str:
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()
