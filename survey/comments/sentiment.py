"""How a comment feels: a lexicon score from −1 (very negative) to +1 (very positive).

The method is VADER's (Hutto & Gilbert 2014), carried over to Chinese through word
segmentation: each word of the lexicon (``sentiment.yaml``) brings its valence (−3 … +3);
a negator up to three words before it (不, 没有, not, never …) turns it by −0.74; an
intensifier just before it scales it (很 ×1.3, 有点 ×0.7 …); after a contrast word
(但是, 不过, but) the rest counts 1.5 times and what came before half; a clause boundary
ends a negator's reach. The sum ``s`` becomes ``s / sqrt(s² + 15)``. A comment is
*positive* from +0.05, *negative* from −0.05, *neutral* between.

Its accuracy on the labelled comments in ``tests/comments/labelled_comments.csv`` is
measured by the tests and written in ``docs/comments.md``; a bank can measure it on its own
labelled comments with ``survey comments evaluate FILE.csv``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .text import BOUNDARY, to_simplified

LEXICON = Path(__file__).with_name("sentiment.yaml")
NEGATION = -0.74
REACH = 3
AFTER_CONTRAST, BEFORE_CONTRAST = 1.5, 0.5
ALPHA = 15
THRESHOLD = 0.05


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, float]
    negators: frozenset[str]
    intensifiers: dict[str, float]
    contrasts: frozenset[str]

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every entry, for the tokenizer to keep whole."""
        return frozenset({*self.words, *self.negators, *self.intensifiers, *self.contrasts})


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))

    def normal(word) -> str:
        return to_simplified(str(word)).lower()

    return Lexicon(
        {normal(w): float(v) for w, v in raw["words"].items()},
        frozenset(normal(w) for w in raw["negators"]),
        {normal(w): float(v) for w, v in raw["intensifiers"].items()},
        frozenset(normal(w) for w in raw["contrasts"]),
    )


def _valence(words: tuple[str, ...], index: int, lex: Lexicon) -> float:
    """The word's valence, turned by negators and scaled by an intensifier before it."""
    value = lex.words[words[index]]
    for back in range(1, REACH + 1):
        if index - back < 0 or words[index - back] == BOUNDARY:
            break
        before = words[index - back]
        if before in lex.negators:
            value *= NEGATION
        elif back == 1 and before in lex.intensifiers:
            value *= lex.intensifiers[before]
    return value


def score(words: tuple[str, ...], lex: Lexicon | None = None) -> float | None:
    """The compound score in [−1, 1]; None when no word of the lexicon appears."""
    lex = lex or lexicon()
    valences: list[float] = []
    contrast_at = None
    for index, word in enumerate(words):
        if word in lex.contrasts:
            contrast_at = len(valences)
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        if word in lex.intensifiers and following in lex.words:
            continue  # 好 in 好慢 scales 慢; it is not praise itself
        if word in lex.words:
            valences.append(_valence(words, index, lex))
    if not valences:
        return None
    if contrast_at is not None:
        valences = [
            v * (BEFORE_CONTRAST if i < contrast_at else AFTER_CONTRAST)
            for i, v in enumerate(valences)
        ]
    total = sum(valences)
    return total / math.sqrt(total * total + ALPHA)


def label(value: float | None) -> str:
    """positive, negative or neutral (no lexicon word counts as neutral)."""
    if value is None or -THRESHOLD < value < THRESHOLD:
        return "neutral"
    return "positive" if value > 0 else "negative"
