"""Question types: one class each, in a registry keyed by the name used in files.

Each type owns its behaviour: the keys it accepts and how to normalise them, how to turn
what a respondent submitted into a coded answer (or a message saying what is wrong), how
its answer is stored, which statistics apply to it, its scale, and what a synthetic
respondent answers. Rendering lives in one template per type
(``templates/questionnaire/types/NAME.html``). Adding a type touches its class and its
template only: the rest of the product asks the class (``kind_of(question)``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import ClassVar

from .messages import message
from .model import Choice, Question, Text

REGISTRY: dict[str, QuestionType] = {}


@dataclass(frozen=True)
class Parsed:
    """A submission turned into an answer: a value, a special code, or an error message."""

    value: object = None
    special: str | None = None
    other_text: str | None = None
    error: str | None = None

    @property
    def empty(self) -> bool:
        return self.value in (None, "", []) and self.special is None and self.error is None


def register(cls):
    REGISTRY[cls.name] = cls()
    return cls


def clean_text(raw: str) -> str:
    """Normalise what a person typed: NFC, no control characters, trimmed."""
    text = unicodedata.normalize("NFC", raw)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


class QuestionType:
    name: ClassVar[str]
    keys: ClassVar[frozenset] = frozenset()
    uses_choices: ClassVar[bool] = False
    numeric: ClassVar[bool] = False  # its answers are numbers a mean and an index can use
    answers: ClassVar[bool] = True  # False for display text
    many: ClassVar[bool] = False  # several choices at once: stored as one 0/1 row per choice
    number: ClassVar[bool] = False  # the answer is a number typed in, not a code or a text
    scale: ClassVar[bool] = False  # points on a scale: top box applies, the point is keyed
    segments: ClassVar[bool] = False  # its answers can split a report into segments
    # What the estimates API computes on it: mean, total, prop (0/1), nps, top2.
    statistics: ClassVar[frozenset] = frozenset()

    def normalise(self, ctx, raw, qid: str):
        """Return (choices, items, options) from the type's own keys."""
        choices = ctx.choices(raw, qid) if self.uses_choices else ()
        return choices, (), {}

    def parse(
        self, question: Question, values: list[str], other: str | None, language: str
    ) -> Parsed:
        values = [v for v in values if v != ""]
        if not values:
            return Parsed()
        if len(values) > 1:
            return Parsed(error=message("one_choice", language))
        choice = question.choice(values[0])
        if choice is None:
            return Parsed(error=message("not_a_choice", language))
        return self._with_other(choice, values[0], other, language)

    @staticmethod
    def _with_other(choice: Choice, value, other: str | None, language: str) -> Parsed:
        if not choice.other:
            return Parsed(value)
        text = clean_text(other or "")
        if not text:
            return Parsed(value, error=message("other_text", language))
        return Parsed(value, other_text=text[:500])

    @staticmethod
    def number_of(code: str) -> float | None:
        try:
            return float(code)
        except (TypeError, ValueError):
            return None

    def bounds(self, question: Question) -> tuple[float, float, int]:
        """The scale's lowest and highest point and its top box, for indices and top-box
        shares: the options' min and max, else the numeric codes of the choices."""
        options = question.options
        if options.get("min") is not None and options.get("max") is not None:
            return float(options["min"]), float(options["max"]), int(options.get("top_box") or 2)
        codes = [float(c.code) for c in question.choices if c.code.lstrip("-").isdigit()]
        return (min(codes), max(codes), 2) if codes else (0.0, 1.0, 1)

    def sample_values(self, question: Question, position: float, rng, today: date, comment):
        """Form values a synthetic respondent sends for one answer id: ``position`` runs
        from 0 (least satisfied) to 1 (most); ``comment()`` gives a comment in the
        respondent's language. Used by the demo and the tests."""
        plain = [c.code for c in question.choices if not c.other]
        return [str(rng.choice(plain))] if plain else []


@register
class SingleChoice(QuestionType):
    name = "single"
    keys = frozenset({"choices", "display"})
    uses_choices = True
    segments = True
    statistics = frozenset({"mean", "total"})

    def normalise(self, ctx, raw, qid):
        choices = ctx.choices(raw, qid)
        display = ctx.one_of(raw, "display", ("radio", "dropdown"), "radio", qid)
        return choices, (), {"display": display}


@register
class MultipleChoice(QuestionType):
    name = "multiple"
    keys = frozenset({"choices", "min", "max"})
    uses_choices = True
    many = True

    def sample_values(self, question, position, rng, today, comment):
        plain = [c.code for c in question.choices if not (c.exclusive or c.other)]
        low = question.options.get("min") or 1
        high = min(question.options.get("max") or 3, len(plain))
        count = int(rng.integers(low, max(low, high) + 1))
        return list(rng.choice(plain, size=min(count, len(plain)), replace=False))

    def normalise(self, ctx, raw, qid):
        choices = ctx.choices(raw, qid)
        low = ctx.integer(raw, "min", qid, default=None)
        high = ctx.integer(raw, "max", qid, default=None)
        if low is not None and high is not None and low > high:
            ctx.error("min-above-max", f"min ({low}) is above max ({high})", raw, "min", qid)
        if high is not None and choices and high > len(choices):
            ctx.error(
                "max-above-choices",
                f"max ({high}) is more than the {len(choices)} choices",
                raw,
                "max",
                qid,
            )
        return choices, (), {"min": low, "max": high}

    def parse(self, question, values, other, language):
        values = [v for v in values if v != ""]
        if not values:
            return Parsed()
        ticked = list(dict.fromkeys(values))
        chosen = [question.choice(code) for code in ticked]
        if any(choice is None for choice in chosen):
            return Parsed(error=message("not_a_choice", language))
        exclusive = next((c for c in chosen if c.exclusive), None)
        if exclusive and len(chosen) > 1:
            label = exclusive.label.get_in(language)
            return Parsed(ticked, error=message("exclusive", language, label=label))
        low, high = question.options.get("min"), question.options.get("max")
        if low and len(ticked) < low and not exclusive:
            return Parsed(ticked, error=message("min_choices", language, n=low))
        if high and len(ticked) > high:
            return Parsed(ticked, error=message("max_choices", language, n=high))
        other_choice = next((c for c in chosen if c.other), None)
        if other_choice:
            parsed = self._with_other(other_choice, ticked, other, language)
            return Parsed(ticked, other_text=parsed.other_text, error=parsed.error)
        return Parsed(ticked)


def _scale_choices(ctx, raw, qid, low, high, default_labels=None):
    """Points low..high, each code its number, with any point labels given."""
    labels = ctx.point_labels(raw, qid, low, high) or default_labels or {}
    if not ctx.has(raw, "labels") and not default_labels:
        ctx.warn("scale-without-labels", "the scale has no point labels", raw, None, qid)
    return tuple(
        Choice(str(point), labels.get(str(point)) or ctx.plain(str(point)))
        for point in range(low, high + 1)
    )


class _Scale(QuestionType):
    """Points from low to high: a synthetic respondent answers near their position."""

    numeric = True
    scale = True
    statistics = frozenset({"mean", "total", "top2"})

    def sample_values(self, question, position, rng, today, comment):
        codes = [c.code for c in question.choices if not c.other]
        if not codes:
            return []
        point = min(max(position + rng.normal(0, 0.12), 0.0), 1.0)
        return [codes[int(round(point * (len(codes) - 1)))]]


def _top_box(ctx, raw, qid, low, high):
    size = ctx.integer(raw, "top_box", qid, default=2)
    if size is not None and not 1 <= size <= high - low:
        ctx.error("bad-top-box", f"top_box must be between 1 and {high - low}", raw, "top_box", qid)
    return size


@register
class RatingScale(_Scale):
    name = "rating"
    keys = frozenset({"min", "max", "labels", "top_box"})
    segments = True

    def normalise(self, ctx, raw, qid):
        low = ctx.integer(raw, "min", qid, default=1)
        high = ctx.integer(raw, "max", qid, default=5)
        if low is None or high is None:
            return (), (), {}
        if not 0 <= low < high <= 10:
            ctx.error(
                "bad-scale",
                f"a rating scale runs within 0–10 with min below max, not {low}–{high}",
                raw,
                "min",
                qid,
            )
            return (), (), {}
        choices = _scale_choices(ctx, raw, qid, low, high)
        return choices, (), {"min": low, "max": high, "top_box": _top_box(ctx, raw, qid, low, high)}


NPS_LABELS = {
    "0": {"zh-Hans": "完全不可能", "zh-Hant": "完全不可能", "en": "Not at all likely"},
    "10": {"zh-Hans": "非常可能", "zh-Hant": "非常可能", "en": "Extremely likely"},
}


@register
class NetPromoter(_Scale):
    """Likelihood to recommend, 0–10; promoters 9–10, detractors 0–6 (fixed by definition)."""

    name = "nps"
    keys = frozenset({"labels"})
    segments = True
    statistics = frozenset({"mean", "total", "nps", "top2"})

    def bounds(self, question):
        return 0.0, 10.0, 2

    def normalise(self, ctx, raw, qid):
        defaults = {code: ctx.builtin_text(texts) for code, texts in NPS_LABELS.items()}
        labels = ctx.point_labels(raw, qid, 0, 10) or defaults
        choices = tuple(Choice(str(p), labels.get(str(p)) or ctx.plain(str(p))) for p in range(11))
        return choices, (), {"min": 0, "max": 10}


YES_NO = (
    ("1", {"zh-Hans": "是", "zh-Hant": "是", "en": "Yes"}),
    ("0", {"zh-Hans": "否", "zh-Hant": "否", "en": "No"}),
)


@register
class YesNo(QuestionType):
    """Yes is coded 1 and no 0, so the mean is the share answering yes."""

    name = "yesno"
    keys = frozenset()
    numeric = True
    segments = True
    statistics = frozenset({"mean", "total", "prop"})

    def bounds(self, question):
        return 0.0, 1.0, 1

    def normalise(self, ctx, raw, qid):
        return tuple(Choice(code, ctx.builtin_text(texts)) for code, texts in YES_NO), (), {}


@register
class Matrix(_Scale):
    """Items sharing one scale (attribute batteries, SERVQUAL pairs); each item has its own id."""

    name = "matrix"
    keys = frozenset({"items", "min", "max", "labels", "top_box", "choices"})

    def normalise(self, ctx, raw, qid):
        items = ctx.items(raw, qid)
        if ctx.has(raw, "choices"):
            return ctx.choices(raw, qid), items, {}
        low = ctx.integer(raw, "min", qid, default=1)
        high = ctx.integer(raw, "max", qid, default=5)
        if low is None or high is None or not 0 <= low < high <= 10:
            ctx.error(
                "bad-scale", "a matrix scale runs within 0–10 with min below max", raw, "min", qid
            )
            return (), items, {}
        choices = _scale_choices(ctx, raw, qid, low, high)
        return (
            choices,
            items,
            {"min": low, "max": high, "top_box": _top_box(ctx, raw, qid, low, high)},
        )


@register
class Numeric(QuestionType):
    name = "numeric"
    keys = frozenset({"min", "max", "decimals", "unit"})
    numeric = True
    number = True
    statistics = frozenset({"mean", "total"})

    def sample_values(self, question, position, rng, today, comment):
        low = question.options.get("min") or 0
        high = question.options.get("max") or low + 60
        return [str(int(rng.integers(int(low), int(high) + 1)))]

    def normalise(self, ctx, raw, qid):
        low = ctx.decimal(raw, "min", qid)
        high = ctx.decimal(raw, "max", qid)
        if low is not None and high is not None and low > high:
            ctx.error("min-above-max", f"min ({low}) is above max ({high})", raw, "min", qid)
        decimals = ctx.integer(raw, "decimals", qid, default=0)
        unit = ctx.text(raw, "unit", qid, required=False)
        return (), (), {"min": low, "max": high, "decimals": decimals or 0, "unit": unit}

    def parse(self, question, values, other, language):
        values = [v.strip() for v in values if v.strip()]
        if not values:
            return Parsed()
        if len(values) > 1:
            return Parsed(error=message("one_choice", language))
        typed = unicodedata.normalize("NFKC", values[0]).replace(",", "")
        try:
            number = Decimal(typed)
        except InvalidOperation:
            return Parsed(error=message("number", language))
        if not number.is_finite():
            return Parsed(error=message("number", language))
        decimals = question.options.get("decimals", 0)
        exponent = number.as_tuple().exponent
        if decimals == 0 and exponent < 0 and number != number.to_integral_value():
            return Parsed(error=message("integer", language))
        if decimals and exponent < -decimals:
            return Parsed(error=message("decimals", language, n=decimals))
        low, high = question.options.get("min"), question.options.get("max")
        if low is not None and number < low:
            return Parsed(error=message("min_value", language, n=low))
        if high is not None and number > high:
            return Parsed(error=message("max_value", language, n=high))
        return Parsed(int(number) if decimals == 0 else float(number))


@register
class OpenText(QuestionType):
    name = "text"
    keys = frozenset({"long", "max_length"})

    def sample_values(self, question, position, rng, today, comment):
        if not question.required and rng.random() < 0.5:
            return []
        return [comment()]

    def normalise(self, ctx, raw, qid):
        long = ctx.flag(raw, "long", qid, default=False)
        max_length = ctx.integer(raw, "max_length", qid, default=2000 if long else 200)
        return (), (), {"long": long, "max_length": max_length or 200}

    def parse(self, question, values, other, language):
        text = clean_text(" ".join(values))
        if not text:
            return Parsed()
        limit = question.options.get("max_length", 200)
        if len(text) > limit:
            return Parsed(text, error=message("too_long", language, n=limit, length=len(text)))
        return Parsed(text)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register
class DateQuestion(QuestionType):
    name = "date"
    keys = frozenset({"min", "max"})

    def sample_values(self, question, position, rng, today, comment):
        return [(today - timedelta(days=int(rng.integers(1, 30)))).isoformat()]

    def normalise(self, ctx, raw, qid):
        bounds = {}
        for key in ("min", "max"):
            value = ctx.scalar(raw, key, qid)
            if value is None or value == "today":
                bounds[key] = value
            elif _ISO_DATE.match(value):
                try:
                    bounds[key] = date.fromisoformat(value).isoformat()
                except ValueError:
                    ctx.error("bad-date", f"{key} {value!r} is not a real date", raw, key, qid)
            else:
                ctx.error(
                    "bad-date", f"{key} must be YYYY-MM-DD or 'today', not {value!r}", raw, key, qid
                )
        return (), (), bounds

    def parse(self, question, values, other, language, today: date | None = None):
        typed = unicodedata.normalize("NFKC", " ".join(values)).strip()
        if not typed:
            return Parsed()
        try:
            answered = date.fromisoformat(typed) if _ISO_DATE.match(typed) else None
        except ValueError:
            answered = None
        if answered is None:
            return Parsed(error=message("date", language))
        today = today or date.today()
        low, high = (question.options.get(k) for k in ("min", "max"))
        low = today if low == "today" else (date.fromisoformat(low) if low else date.min)
        high = today if high == "today" else (date.fromisoformat(high) if high else date.max)
        if not low <= answered <= high:
            shown = [d.isoformat() if d not in (date.min, date.max) else "…" for d in (low, high)]
            return Parsed(error=message("date_range", language, low=shown[0], high=shown[1]))
        return Parsed(answered.isoformat())


@register
class DisplayText(QuestionType):
    """Text shown (or read) with no answer: a section introduction, a transition."""

    name = "display"
    answers = False

    def sample_values(self, question, position, rng, today, comment):
        return []

    def normalise(self, ctx, raw, qid):
        return (), (), {}

    def parse(self, question, values, other, language):
        return Parsed()


def kind_of(question: Question) -> QuestionType:
    """The type of a question: what it stores, which statistics apply, how it is answered."""
    return REGISTRY[question.type]


def options_proxy(options: dict) -> MappingProxyType:
    return MappingProxyType(dict(options))


# The names of the types whose answers are numbers (an index's overall, drivers, gaps).
NUMERIC_TYPES = frozenset(name for name, kind in REGISTRY.items() if kind.numeric)

__all__ = [
    "NUMERIC_TYPES",
    "REGISTRY",
    "Parsed",
    "QuestionType",
    "Text",
    "clean_text",
    "kind_of",
    "options_proxy",
]
