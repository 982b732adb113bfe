"""What a comment is about: topics from a dictionary of keywords the bank can edit.

The dictionary is YAML (the shipped ``topics.yaml`` until the bank saves its own)::

    topics:
      - key: queue
        name: {en: Queues and waiting, zh-Hans: 排队等候, zh-Hant: 排隊等候}
        keywords: [排队, 等候, 叫号, queue, wait*]

A keyword is matched against the comment's words after the same normalisation (Traditional
read as Simplified, lower case), so a keyword written in either script finds both. A
keyword matches one word, a run of consecutive words (``网点位置`` cut as 网点 位置), or,
for Chinese of two characters or more, part of one word (态度 in 态度恶劣) — never a run
across a word boundary (网点 is not in 上网 点击);
``wait*`` matches any word that begins with ``wait``. A comment with no topic's keyword is
``other``. Every problem is reported with its line, and a dictionary with any is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..questionnaire.issues import IssueLog, QuestionnaireError
from ..questionnaire.reader import Mapping, Sequence, read
from .text import to_simplified

SHIPPED = Path(__file__).with_name("topics.yaml")
OTHER = "other"
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class TopicError(QuestionnaireError):
    """A topic dictionary with errors, each located by line."""


@dataclass(frozen=True)
class Topic:
    key: str
    names: dict  # language → name
    keywords: tuple[str, ...]  # normalised

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.key


@dataclass(frozen=True)
class TopicDictionary:
    topics: tuple[Topic, ...]
    text: str  # the YAML it was read from

    @cached_property
    def words(self) -> frozenset[str]:
        """Keywords as single words for the tokenizer (runs are joined, wildcards dropped)."""
        return frozenset(
            k.replace(" ", "") for t in self.topics for k in t.keywords if not k.endswith("*")
        )

    def topic(self, key: str) -> Topic | None:
        return next((t for t in self.topics if t.key == key), None)

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.topics] + [OTHER]

    def topics_of(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The keys of the topics whose keywords appear in ``words`` (``other`` if none)."""
        found = tuple(t.key for t in self.topics if any(_matches(k, words) for k in t.keywords))
        return found or (OTHER,)


def normalise_keyword(keyword: str) -> str:
    return re.sub(r"\s+", " ", to_simplified(keyword).strip().lower())


def _matches(keyword: str, words: tuple[str, ...]) -> bool:
    if keyword.endswith("*"):
        stem = keyword[:-1]
        return any(w.startswith(stem) for w in words)
    if " " in keyword:  # an English phrase: consecutive words
        parts = tuple(keyword.split(" "))
        return any(words[i : i + len(parts)] == parts for i in range(len(words)))
    if keyword in words:
        return True
    if not keyword.isascii() and len(keyword) > 1 and any(keyword in w for w in words):
        return True  # inside a longer word: 态度 in 态度恶劣, 收费 in 乱收费
    # A Chinese keyword the tokenizer cut in two or more words: a run of consecutive words.
    for start, word in enumerate(words):
        if keyword.startswith(word):
            joined = word
            for following in words[start + 1 :]:
                if len(joined) >= len(keyword):
                    break
                joined += following
            if joined == keyword:
                return True
    return False


def parse(text: str, file: str = "topics") -> TopicDictionary:
    """Read and check a dictionary; TopicError lists every problem with its line."""
    log = IssueLog(file)
    document = read(text, log)
    topics: list[Topic] = []
    if document is not None:
        entries = document.get("topics")
        if not isinstance(entries, Sequence) or not entries:
            log.error(
                "no-topics", "the dictionary needs a list under topics:", document.line_of("topics")
            )
        else:
            topics = _topics(entries, log)
    if log.errors:
        raise TopicError(log.errors)
    return TopicDictionary(tuple(topics), text)


def _topics(entries: Sequence, log: IssueLog) -> list[Topic]:
    topics, owners = [], {}  # normalised keyword → (topic key, line)
    for entry, line in zip(entries, entries.item_lines, strict=True):
        if not isinstance(entry, Mapping):
            log.error(
                "topic-not-mapping", "each topic is a mapping with key, name and keywords", line
            )
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not _KEY.match(key) or key == OTHER:
            log.error(
                "topic-key",
                f"topic key {key!r} must be lower-case letters, digits and _ (and not 'other')",
                entry.line_of("key"),
            )
            continue
        if any(t.key == key for t in topics):
            log.error("duplicate-topic", f"topic {key!r} appears twice", entry.line_of("key"))
            continue
        names = entry.get("name")
        if isinstance(names, str):
            names = {"en": names}
        if not isinstance(names, Mapping | dict) or not any(
            isinstance(names.get(lang), str) and names.get(lang).strip() for lang in LANGUAGES
        ):
            log.error(
                "topic-name",
                f"topic {key!r} needs a name (en, zh-Hans or zh-Hant)",
                entry.line_of("name"),
            )
            continue
        keywords = _keywords(key, entry, owners, log)
        topics.append(Topic(key, {k: str(v) for k, v in names.items() if k in LANGUAGES}, keywords))
    return topics


def _keywords(key: str, entry: Mapping, owners: dict, log: IssueLog) -> tuple[str, ...]:
    raw = entry.get("keywords")
    if not isinstance(raw, Sequence) or not raw:
        log.error(
            "no-keywords", f"topic {key!r} needs a list of keywords", entry.line_of("keywords")
        )
        return ()
    kept = []
    for keyword, line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(keyword, str) or not normalise_keyword(keyword).strip("*"):
            log.error("empty-keyword", f"topic {key!r} has an empty keyword", line)
            continue
        normal = normalise_keyword(keyword)
        if normal in owners:
            other, first = owners[normal]
            where = "this topic" if other == key else f"topic {other!r}"
            log.error(
                "duplicate-keyword",
                f"keyword {keyword!r} of topic {key!r} is already a keyword of {where} (line {first})",
                line,
            )
            continue
        owners[normal] = (key, line)
        kept.append(normal)
    return tuple(kept)


@lru_cache(maxsize=1)
def shipped() -> TopicDictionary:
    return parse(SHIPPED.read_text(encoding="utf-8"), SHIPPED.name)
