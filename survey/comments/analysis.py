"""One comment analysed: its status, language, topics and sentiment."""

from __future__ import annotations

from dataclasses import dataclass

from .sentiment import lexicon, score
from .text import Status, prepare, tokenizer_with
from .topics import TopicDictionary


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
        return self.status in (Status.ANALYSED, Status.TRUNCATED)


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
