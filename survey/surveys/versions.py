"""Stored questionnaire versions: a new version when the content changes, never a shifted answer.

A version with responses is never altered. Questions are matched across versions by
id; one whose codes changed meaning is flagged on the new version, so reports never
pool its answers with the old ones.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Questionnaire as QuestionnaireRow
from ..models import QuestionnaireVersion, Response
from ..questionnaire import LoadResult, Questionnaire, load_text


class VersionConflict(ValueError):
    """The file changed a version that already has responses."""


@dataclass(frozen=True)
class StoreOutcome:
    action: str  # created, unchanged, replaced
    version: QuestionnaireVersion
    changed_meaning: tuple[str, ...] = ()


def code_meanings(questionnaire: Questionnaire) -> dict[str, tuple]:
    """For each answer id: its type and what each code says, to compare across versions."""
    meanings = {}
    for question in questionnaire.questions():
        labels = tuple(
            sorted((c.code, tuple(sorted(c.label.values.items()))) for c in question.choices)
        )
        for answer_id in question.answer_ids:
            meanings[answer_id] = (question.type, labels)
    return meanings


def changed_meaning(old: Questionnaire, new: Questionnaire) -> list[str]:
    """Answer ids present in both versions whose type or code labels differ."""
    before, after = code_meanings(old), code_meanings(new)
    flagged = []
    for answer_id in sorted(before.keys() & after.keys()):
        (old_type, old_labels), (new_type, new_labels) = before[answer_id], after[answer_id]
        if old_type != new_type:
            flagged.append(answer_id)
            continue
        old_codes, new_codes = dict(old_labels), dict(new_labels)
        if any(old_codes[c] != new_codes[c] for c in old_codes.keys() & new_codes.keys()):
            flagged.append(answer_id)
    return flagged


_BUILT: dict[tuple[int, str], Questionnaire] = {}
_KEPT = 64  # versions compiled in a worker at most (fielded ones are few)
_BUILDING = threading.Lock()


def questionnaire_of(
    version: QuestionnaireVersion, session: Session | None = None
) -> Questionnaire:
    """The frozen questionnaire of a stored version, compiled once per worker: known by its
    id and content hash, so a request never reads the file or its definition again.
    ``version`` may be a row of just those two, read with a respondent's link: the first
    compile in a worker then loads the version itself through ``session``."""
    key = (version.id, version.content_hash)
    built = _BUILT.get(key)
    if built is None:
        if not isinstance(version, QuestionnaireVersion):
            version = session.get(QuestionnaireVersion, version.id)
        built = load_text(version.source, f"{version.questionnaire.key} v{version.number}")
        with _BUILDING:
            if len(_BUILT) >= _KEPT:
                _BUILT.pop(next(iter(_BUILT)))
            built = _BUILT[key] = built.questionnaire
    return built


def response_count(session: Session, version: QuestionnaireVersion) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.questionnaire_version_id == version.id)
    )


def store(session: Session, result: LoadResult, source: str) -> StoreOutcome:
    """Store the loaded file: unchanged, a new version, or a replaced unanswered draft."""
    built = result.questionnaire
    row = session.scalar(select(QuestionnaireRow).where(QuestionnaireRow.key == built.id))
    if row is None:
        row = QuestionnaireRow(key=built.id)
        session.add(row)
        session.flush()
    versions = session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == row.id)
        .order_by(QuestionnaireVersion.number)
    ).all()
    same = next((v for v in versions if v.content_hash == built.content_hash), None)
    if same:
        return StoreOutcome("unchanged", same)
    latest = versions[-1] if versions else None
    flagged = tuple(changed_meaning(questionnaire_of(latest), built)) if latest else ()
    fields = {
        "label": built.version,
        "content_hash": built.content_hash,
        "source": source,
        "definition": result.document,
        "title": dict(built.title.values),
        "changed_meaning": list(flagged) or None,
    }
    if latest and latest.label == built.version:
        answered = response_count(session, latest)
        if answered:
            raise VersionConflict(
                f"{built.id} version {built.version} already has {answered} responses and cannot be "
                f"changed; give the file a new version: to store the new content"
            )
        for name, value in fields.items():
            setattr(latest, name, value)
        return StoreOutcome("replaced", latest, flagged)
    version = QuestionnaireVersion(
        questionnaire=row, number=(latest.number + 1) if latest else 1, **fields
    )
    session.add(version)
    session.flush()
    return StoreOutcome("created", version, flagged)


@dataclass(frozen=True)
class VersionDiff:
    """What changed between two versions, question by question, and line by line."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    reworded: tuple[str, ...]  # the same codes, other wording, help, routing or options
    recoded: tuple[str, ...]  # a type or a code's meaning changed: not pooled across versions
    lines: tuple[tuple[str, str], ...]  # (kind, text): kind is "same", "added", "removed", "gap"


def compare(old: QuestionnaireVersion, new: QuestionnaireVersion) -> VersionDiff:
    """A readable account of the change from ``old`` to ``new``."""
    before = {q.id: q for q in questionnaire_of(old).questions()}
    after = {q.id: q for q in questionnaire_of(new).questions()}
    recoded = set(changed_meaning(questionnaire_of(old), questionnaire_of(new)))
    recoded_questions = {
        q.id for q in after.values() if recoded & set(q.answer_ids) or q.id in recoded
    }
    common = before.keys() & after.keys()
    reworded = {
        qid for qid in common - recoded_questions if _wording(before[qid]) != _wording(after[qid])
    }
    return VersionDiff(
        added=tuple(q for q in after if q not in before),
        removed=tuple(q for q in before if q not in after),
        reworded=tuple(sorted(reworded)),
        recoded=tuple(sorted(recoded_questions)),
        lines=tuple(_line_diff(old.source, new.source)),
    )


def _wording(question) -> tuple:
    """Everything of a question but its line number in the file."""
    return tuple(
        (name, repr(getattr(question, name)))
        for name in question.__dataclass_fields__
        if name != "line"
    )


def _line_diff(old: str, new: str, context: int = 3) -> list[tuple[str, str]]:
    """The files' differing lines with a few around them; "gap" marks skipped lines."""
    lines, old_lines, new_lines = [], old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            a, b = old_lines[i1:i2], new_lines[j1:j2]
            if tag == "equal":
                lines += [("same", text) for text in a]
                continue
            lines += [("removed", text) for text in a]
            lines += [("added", text) for text in b]
    return lines
