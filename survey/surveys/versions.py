"""Stored questionnaire versions: a new version when the content changes, never a shifted answer.

A version with responses is never altered. Questions are matched across versions by
id; one whose codes changed meaning is flagged on the new version, so reports never
pool its answers with the old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


@lru_cache(maxsize=64)
def _built(source: str, name: str) -> Questionnaire:
    return load_text(source, name).questionnaire


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    """The frozen questionnaire of a stored version (built once per content)."""
    return _built(version.source, f"{version.questionnaire.key} v{version.number}")


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
