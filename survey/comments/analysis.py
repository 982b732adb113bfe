"""One comment analysed: its status, language, topics and sentiment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .sentiment import lexicon, score
from .text import Status, prepare, tokenizer_with
from .topics import OTHER, TopicDictionary

COUNTED = (Status.ANALYSED, Status.TRUNCATED)  # the readings the topic shares count


@dataclass(frozen=True)
class Reading:
    """What the analysis read in one comment."""

    status: Status
    language: str
    topics: tuple[str, ...]  # empty when the comment was empty or not readable
    sentiment: float | None

    @property
    def counted(self) -> bool:
        """A comment the topic shares count (analysed, perhaps on its beginning only)."""
        return self.status in COUNTED


def of_response(readings: Iterable[tuple[Iterable[str], float | None]]) -> tuple[set, float]:
    """A response's topics and sentiment from its counted comments' (topics, score): every
    topic any comment named ("other" only when none named one) and the mean score (0,
    neutral, when none scored). The export and the topic shares read responses this way."""
    topics, scores = set(), []
    for named, value in readings:
        topics.update(named or ())
        if value is not None:
            scores.append(value)
    if len(topics) > 1:
        topics.discard(OTHER)
    return topics, (sum(scores) / len(scores) if scores else 0.0)


class Analyser:
    """Reads comments with one topic dictionary (the tokenizer keeps its keywords whole)."""

    def __init__(self, dictionary: TopicDictionary):
        self.dictionary = dictionary
        self.tokenizer = tokenizer_with(dictionary.words | lexicon().vocabulary)

    def read(self, text: str) -> Reading:
        prepared = prepare(text, self.tokenizer)
        if prepared.status in (Status.EMPTY, Status.UNSUPPORTED):
            return Reading(prepared.status, prepared.language, (), None)
        return Reading(
            prepared.status,
            prepared.language,
            self.dictionary.topics_of(prepared.words),
            score(prepared.words),
        )
