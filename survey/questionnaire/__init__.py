"""The questionnaire engine shared by web and CATI: read → normalise → validate → build.

Pure Python: no Flask, no database. ``load_text`` and ``load_file`` are the one public
entry; they return the frozen questionnaire with its warnings, or raise
``QuestionnaireError`` listing every error with its file, line and question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .analysis import build_analysis
from .build import build
from .followups import build_followups
from .issues import Issue, IssueLog, QuestionnaireError
from .model import Questionnaire
from .modes import Mode
from .reader import read
from .routing import Interview
from .scoring import build_staff_score
from .validate import check, check_followup_condition

__all__ = [
    "Interview",
    "Issue",
    "LoadResult",
    "Mode",
    "Questionnaire",
    "QuestionnaireError",
    "load_file",
    "load_text",
]


@dataclass(frozen=True)
class LoadResult:
    questionnaire: Questionnaire
    warnings: tuple[Issue, ...]
    document: dict  # the file's content as plain data, for storage


def content_hash(document) -> str:
    """A hash of the content, not the layout: comments and spacing do not make a new version."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_text(text: str, filename: str = "<text>") -> LoadResult:
    """Build a questionnaire from YAML text, or raise QuestionnaireError with every error."""
    log = IssueLog(filename)
    document = read(text, log)
    questionnaire = None
    if document is not None:
        plain = _plain(document)
        questionnaire, ctx = build(document, log, content_hash(plain))
        if questionnaire is not None:
            analysis = build_analysis(ctx, document, questionnaire)
            check(questionnaire, ctx)
            followups = build_followups(
                ctx, document, questionnaire, partial(check_followup_condition, ctx)
            )
            staff_score = build_staff_score(ctx, document, questionnaire)
            questionnaire = replace(
                questionnaire, analysis=analysis, followups=followups, staff_score=staff_score
            )
    if log.errors or questionnaire is None:
        raise QuestionnaireError(
            log.errors or [Issue("unreadable", "the file could not be read", filename)]
        )
    return LoadResult(questionnaire, tuple(log.warnings), plain)


def load_file(path: str | Path) -> LoadResult:
    """Load a questionnaire file; its name is used in every message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise QuestionnaireError(
            [Issue("not-utf8", f"the file is not UTF-8 text (byte {error.start})", path.name)]
        ) from None
    except OSError as error:
        raise QuestionnaireError(
            [Issue("unreadable", f"cannot read the file: {error.strerror}", path.name)]
        ) from None
    return load_text(text, path.name)
