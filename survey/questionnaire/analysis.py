"""Analysis roles: what reports compute, named by role instead of hard-coded question ids."""

from __future__ import annotations

from types import MappingProxyType

from .model import SERVQUAL_DIMENSIONS, TOUCHPOINTS, Analysis, Questionnaire
from .reader import Mapping, Sequence
from .types import NUMERIC_TYPES, REGISTRY

ANALYSIS_KEYS = {
    "overall",
    "recommend",
    "touchpoints",
    "servqual",
    "csi",
    "segments",
    "comments",
    "missing_items",
}
MISSING_ITEMS = ("answered", "complete")
SEGMENT_TYPES = {"single", "yesno"}


def _answer_type(questionnaire: Questionnaire, answer_id: str) -> str | None:
    question = questionnaire.question_of_answer(answer_id)
    return question.type if question else None


def _ids(ctx, raw, key, questionnaire, types, what) -> tuple[str, ...]:
    value = raw.get(key)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence | list) or not all(isinstance(v, str) for v in values):
        ctx.error("bad-analysis", f"{what} must list question ids", raw, key)
        return ()
    for answer_id in values:
        kind = _answer_type(questionnaire, answer_id)
        if kind is None:
            ctx.error(
                "unknown-question",
                f"{what} names {answer_id!r}, which is not a question or matrix item",
                raw,
                key,
            )
        elif kind not in types:
            ctx.error(
                "wrong-question-type",
                f"{what} needs a {' or '.join(sorted(types))} question, but {answer_id} is {kind}",
                raw,
                key,
            )
    return tuple(values)


def build_analysis(ctx, document: Mapping, questionnaire: Questionnaire) -> Analysis:
    raw = document.get("analysis")
    if raw is None:
        return Analysis()
    if not isinstance(raw, Mapping):
        ctx.error(
            "bad-analysis",
            "analysis maps roles (overall, recommend, …) to questions",
            document,
            "analysis",
        )
        return Analysis()
    ctx.check_keys(raw, ANALYSIS_KEYS, "analysis")
    overall = (
        _ids(ctx, raw, "overall", questionnaire, NUMERIC_TYPES, "overall")
        if "overall" in raw
        else ()
    )
    recommend = (
        _ids(ctx, raw, "recommend", questionnaire, {"nps"}, "recommend")
        if "recommend" in raw
        else ()
    )
    missing_items = raw.get("missing_items", "answered")
    if missing_items not in MISSING_ITEMS:
        ctx.error(
            "bad-analysis",
            f"missing_items is answered or complete, not {missing_items!r}",
            raw,
            "missing_items",
        )
        missing_items = "answered"
    return Analysis(
        overall=overall[0] if overall else None,
        recommend=recommend[0] if recommend else None,
        touchpoints=_grouped(ctx, raw, "touchpoints", TOUCHPOINTS, questionnaire),
        servqual=_servqual(ctx, raw, questionnaire),
        csi=_csi(ctx, raw, questionnaire),
        segments=_ids(ctx, raw, "segments", questionnaire, SEGMENT_TYPES, "segments")
        if "segments" in raw
        else (),
        comments=_ids(ctx, raw, "comments", questionnaire, {"text"}, "comments")
        if "comments" in raw
        else (),
        missing_items=missing_items,
    )


def _grouped(ctx, raw, key, names, questionnaire) -> MappingProxyType:
    value = raw.get(key)
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        ctx.error("bad-analysis", f"{key} maps a name to question ids", raw, key)
        return MappingProxyType({})
    groups = {}
    for name in value:
        if name not in names:
            ctx.error("bad-analysis", f"{key} has {name!r}; use {', '.join(names)}", value, name)
            continue
        groups[name] = _ids(ctx, value, name, questionnaire, NUMERIC_TYPES, f"{key}.{name}")
    return MappingProxyType(groups)


def _servqual(ctx, raw, questionnaire) -> MappingProxyType:
    value = raw.get("servqual")
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        ctx.error(
            "bad-analysis",
            "servqual maps a dimension to expectation: and perception: lists",
            raw,
            "servqual",
        )
        return MappingProxyType({})
    dimensions = {}
    for name, pair in value.items():
        if name not in SERVQUAL_DIMENSIONS:
            ctx.error(
                "bad-analysis",
                f"servqual has {name!r}; the dimensions are {', '.join(SERVQUAL_DIMENSIONS)}",
                value,
                name,
            )
            continue
        if not isinstance(pair, Mapping) or set(pair) != {"expectation", "perception"}:
            ctx.error(
                "bad-analysis",
                f"servqual.{name} needs exactly expectation: and perception:",
                value,
                name,
            )
            continue
        expectation = _ids(
            ctx, pair, "expectation", questionnaire, NUMERIC_TYPES, f"servqual.{name}.expectation"
        )
        perception = _ids(
            ctx, pair, "perception", questionnaire, NUMERIC_TYPES, f"servqual.{name}.perception"
        )
        if len(expectation) != len(perception):
            ctx.error(
                "servqual-unpaired",
                f"servqual.{name} pairs {len(expectation)} expectation items with {len(perception)} perception items; they are paired one to one",
                pair,
            )
        dimensions[name] = MappingProxyType({"expectation": expectation, "perception": perception})
    return MappingProxyType(dimensions)


def _csi(ctx, raw, questionnaire) -> MappingProxyType:
    value = raw.get("csi")
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        ctx.error("bad-analysis", "csi maps indicator question ids to weights", raw, "csi")
        return MappingProxyType({})
    weights = {}
    for answer_id, weight in value.items():
        kind = _answer_type(questionnaire, answer_id)
        if kind is None:
            ctx.error(
                "unknown-question",
                f"csi names {answer_id!r}, which is not a question or matrix item",
                value,
                answer_id,
            )
            continue
        if not REGISTRY[kind].scale:
            ctx.error(
                "wrong-question-type",
                f"csi indicators are rating scales; {answer_id} is {kind}",
                value,
                answer_id,
            )
            continue
        try:
            number = float(weight)
        except (TypeError, ValueError):
            ctx.error(
                "bad-weight",
                f"csi weight of {answer_id} must be a number, not {weight!r}",
                value,
                answer_id,
            )
            continue
        if number <= 0:
            ctx.error("bad-weight", f"csi weight of {answer_id} must be positive", value, answer_id)
            continue
        weights[answer_id] = number
    return MappingProxyType(weights)
