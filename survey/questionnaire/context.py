"""Helpers the builder and the question types use to read raw values and report problems."""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation

from .expressions import ExpressionError, compile_expression
from .issues import IssueLog
from .model import Choice, Item, Text
from .reader import Mapping, Sequence

BCP47_HINTS = {
    "zh-cn": "zh-Hans",
    "zh_cn": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh_hans": "zh-Hans",
    "zh": "zh-Hans",
    "zh-tw": "zh-Hant",
    "zh_tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh_hk": "zh-Hant",
    "zh_hant": "zh-Hant",
    "en-us": "en",
    "en-gb": "en",
    "english": "en",
}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "on"}, {"false", "no", "off"}


class BuildContext:
    """Reads one file's raw document: each helper reports its own problems with a line."""

    def __init__(self, log: IssueLog, languages: tuple[str, ...], default: str):
        self.log = log
        self.languages = languages
        self.default = default
        self.choice_lists: dict[str, tuple[Choice, ...]] = {}
        self.used_lists: set[str] = set()

    # reporting -------------------------------------------------------------
    @staticmethod
    def line(raw, key=None):
        if isinstance(raw, Mapping):
            return raw.line_of(key) if key else raw.line
        return getattr(raw, "line", None)

    def error(self, code, message, raw=None, key=None, qid=None):
        self.log.error(code, message, self.line(raw, key), qid)

    def warn(self, code, message, raw=None, key=None, qid=None):
        self.log.warn(code, message, self.line(raw, key), qid)

    def check_keys(self, raw: Mapping, allowed: set, what: str, qid=None) -> None:
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error("unknown-key", f"unknown key {key!r} in {what}{hint}", raw, key, qid)

    # scalars ---------------------------------------------------------------
    @staticmethod
    def has(raw, key) -> bool:
        return isinstance(raw, Mapping) and key in raw

    def scalar(self, raw, key, qid=None):
        value = raw.get(key) if isinstance(raw, Mapping) else None
        if value is not None and not isinstance(value, str):
            self.error("not-a-value", f"{key} must be a single value", raw, key, qid)
            return None
        return value

    def required_scalar(self, raw, key, what, qid=None):
        value = self.scalar(raw, key, qid)
        if value is None or value.strip() == "":
            self.error("missing-key", f"{what} needs {key}:", raw, None, qid)
            return None
        return value.strip()

    def integer(self, raw, key, qid=None, default=None):
        value = self.scalar(raw, key, qid)
        if value is None:
            return default
        try:
            return int(value.strip())
        except ValueError:
            self.error(
                "not-an-integer", f"{key} must be a whole number, not {value!r}", raw, key, qid
            )
            return default

    def decimal(self, raw, key, qid=None):
        value = self.scalar(raw, key, qid)
        if value is None:
            return None
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            self.error("not-a-number", f"{key} must be a number, not {value!r}", raw, key, qid)
            return None

    def flag(self, raw, key, qid=None, default=False) -> bool:
        value = self.scalar(raw, key, qid)
        if value is None:
            return default
        word = value.strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        self.error("not-a-flag", f"{key} must be true or false, not {value!r}", raw, key, qid)
        return default

    def one_of(self, raw, key, allowed, default, qid=None):
        value = self.scalar(raw, key, qid)
        if value is None:
            return default
        if value not in allowed:
            self.error(
                "bad-value",
                f"{key} must be one of {', '.join(allowed)}, not {value!r}",
                raw,
                key,
                qid,
            )
            return default
        return value

    def expression(self, raw, key, qid=None):
        value = self.scalar(raw, key, qid)
        if value is None:
            return None
        try:
            return compile_expression(value)
        except ExpressionError as error:
            self.error("bad-expression", f"{key} `{value}`: {error}", raw, key, qid)
            return None

    # texts -----------------------------------------------------------------
    def plain(self, value: str) -> Text:
        return Text.of({language: value for language in self.languages}, self.default)

    def builtin_text(self, texts: dict) -> Text:
        return Text.of({k: v for k, v in texts.items() if k in self.languages}, self.default)

    def text(self, raw, key, qid=None, required=True, what=None) -> Text | None:
        value = raw.get(key) if isinstance(raw, Mapping) else None
        if value is None:
            if required:
                self.error("missing-key", f"{what or 'this entry'} needs {key}:", raw, None, qid)
            return None
        return self.text_value(value, raw, key, qid)

    def text_value(self, value, raw, key, qid=None) -> Text | None:
        if isinstance(value, str):
            self.error(
                "text-not-translated",
                f"{key} must give the wording per language ({', '.join(self.languages)})",
                raw,
                key,
                qid,
            )
            return None
        if not isinstance(value, Mapping):
            self.error("bad-text", f"{key} must map languages to wording", raw, key, qid)
            return None
        texts = {}
        for language, wording in value.items():
            if language not in self.languages:
                hint = BCP47_HINTS.get(language.lower())
                advice = (
                    f"; write {hint!r} (BCP-47)"
                    if hint
                    else f"; the questionnaire's languages are {', '.join(self.languages)}"
                )
                self.error(
                    "unknown-language",
                    f"{key} has wording for unknown language {language!r}{advice}",
                    value,
                    language,
                    qid,
                )
            elif not isinstance(wording, str) or not wording.strip():
                self.error("empty-text", f"{key} in {language} is empty", value, language, qid)
            else:
                texts[language] = wording.strip()
        for language in self.languages:
            if language not in texts and language not in value:
                self.warn("missing-translation", f"{key} has no {language} wording", raw, key, qid)
        return Text.of(texts, self.default) if texts else None

    # choices and items -----------------------------------------------------
    def choice_list(self, raw: Sequence, qid=None, where="choices") -> tuple[Choice, ...]:
        if not isinstance(raw, Sequence) or not raw:
            self.error("no-choices", f"{where} must be a non-empty list", raw, None, qid)
            return ()
        choices, seen = [], {}
        for entry, line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(entry, Mapping):
                self.log.error(
                    "bad-choice", "each choice is a mapping with code: and label:", line, qid
                )
                continue
            self.check_keys(
                entry, {"code", "label", "exclusive", "anchored", "other"}, "a choice", qid
            )
            code = self.required_scalar(entry, "code", "a choice", qid)
            label = self.text(entry, "label", qid, what=f"choice {code}")
            if code is None:
                continue
            if code in seen:
                self.error(
                    "duplicate-code",
                    f"choice code {code} is used twice (lines {seen[code]} and {entry.line})",
                    entry,
                    "code",
                    qid,
                )
                continue
            seen[code] = entry.line
            choices.append(
                Choice(
                    code,
                    label or self.plain(code),
                    exclusive=self.flag(entry, "exclusive", qid),
                    anchored=self.flag(entry, "anchored", qid),
                    other=self.flag(entry, "other", qid),
                )
            )
        return tuple(choices)

    def choices(self, raw: Mapping, qid) -> tuple[Choice, ...]:
        value = raw.get("choices")
        if value is None:
            self.error("no-choices", "this question type needs choices:", raw, None, qid)
            return ()
        if isinstance(value, str):
            if value not in self.choice_lists:
                close = difflib.get_close_matches(value, sorted(self.choice_lists), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(
                    "unknown-choice-list",
                    f"choice list {value!r} is not defined{hint}",
                    raw,
                    "choices",
                    qid,
                )
                return ()
            self.used_lists.add(value)
            return self.choice_lists[value]
        return self.choice_list(value, qid)

    def point_labels(self, raw, qid, low, high) -> dict:
        labels = raw.get("labels") if isinstance(raw, Mapping) else None
        if labels is None:
            return {}
        if isinstance(labels, str):  # a choice list whose codes are the scale's points
            listed = {c.code: c.label for c in self.choices({"choices": labels, **raw}, qid)}
            outside = sorted(set(listed) - {str(p) for p in range(low, high + 1)})
            if outside:
                self.error(
                    "bad-label-point",
                    f"choice list {labels!r} has codes {', '.join(outside)} outside the scale {low}–{high}",
                    raw,
                    "labels",
                    qid,
                )
            return listed
        if not isinstance(labels, Mapping):
            self.error("bad-labels", "labels maps scale points to wording", raw, "labels", qid)
            return {}
        result = {}
        for point, wording in labels.items():
            if not point.lstrip("-").isdigit() or not low <= int(point) <= high:
                self.error(
                    "bad-label-point",
                    f"label for point {point!r} is outside the scale {low}–{high}",
                    labels,
                    point,
                    qid,
                )
                continue
            text = self.text_value(wording, labels, point, qid)
            if text:
                result[str(int(point))] = text
        return result

    def items(self, raw, qid) -> tuple[Item, ...]:
        value = raw.get("items")
        if not isinstance(value, Sequence) or not value:
            self.error("no-items", "a matrix needs items: a list of id and text", raw, None, qid)
            return ()
        items = []
        for entry in value:
            if not isinstance(entry, Mapping):
                self.error(
                    "bad-item", "each item is a mapping with id: and text:", value, None, qid
                )
                continue
            self.check_keys(entry, {"id", "text", "cati_text"}, "a matrix item", qid)
            item_id = self.required_scalar(entry, "id", "a matrix item", qid)
            text = self.text(entry, "text", qid, what=f"item {item_id}")
            cati_text = self.text(entry, "cati_text", qid, required=False)
            if item_id and text:
                items.append(Item(item_id, text, cati_text, entry.line))
        return tuple(items)
