"""A comment made ready for analysis: cleaned, its script told, Traditional Chinese read as
Simplified, and cut into words.

Analysis reads a normalised copy; the page keeps showing what the customer wrote. Chinese
has no spaces between words, so it is cut with jieba (a dictionary and an HMM for unknown
words) after OpenCC turns Traditional characters (Hong Kong and Taiwan forms) into
Simplified, so 排隊 and 排队 are one word to the topics and the sentiment lexicon.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

MAX_ANALYSED = 2000  # characters read of a very long comment; the rest is kept, not read
# Written to say "nothing to add": not a comment for the topic shares.
NOTHING = {
    "无", "無", "没有", "沒有", "暂无", "暫無", "冇", "没", "沒", "无意见", "無意見", "没意见",
    "沒意見", "none", "no", "nil", "n/a", "na", "nothing", "no comment", "no comments", "ok",
}  # fmt: skip
_SCRIPTS = (  # (name, first and last code point) of scripts a comment is not analysed in
    ("Japanese kana", 0x3040, 0x30FF),
    ("Korean Hangul", 0xAC00, 0xD7AF),
    ("Cyrillic", 0x0400, 0x04FF),
    ("Arabic", 0x0600, 0x06FF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Devanagari", 0x0900, 0x097F),
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE_END = re.compile(r"[,.;!?，。；！？、]")
BOUNDARY = "|"


class Status(StrEnum):
    """What became of a comment's analysis."""

    ANALYSED = "analysed"
    TRUNCATED = "truncated"  # analysed on its first MAX_ANALYSED characters
    EMPTY = "empty"  # nothing left after cleaning (punctuation, emoji, "无", "n/a")
    UNSUPPORTED = "unsupported"  # written in a script the topics cannot read


@dataclass(frozen=True)
class Prepared:
    """A comment ready for the topics and the sentiment."""

    status: Status
    language: str  # zh-Hans, zh-Hant, en, mixed, or the unsupported script's name
    normalised: str  # Simplified, NFKC, lower case
    words: tuple[str, ...]


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # noqa: PLC0415 (loaded once, when the first comment is read)

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → Traditional (for a search typed in one script to find the other)."""
    return _converter("s2t").convert(text)


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _script(text: str) -> str | None:
    """The unsupported script most of the letters are in, if any."""
    letters = [c for c in text if c.isalpha()]
    counts = {name: sum(first <= ord(c) <= last for c in letters) for name, first, last in _SCRIPTS}
    name, count = max(counts.items(), key=lambda item: item[1])
    return name if letters and count * 2 >= len(letters) else None


def clean(text: str) -> str:
    """NFKC (fullwidth letters become ASCII), control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return re.sub(r"\s+", " ", text).strip()


def prepare(text: str, tokenizer) -> Prepared:
    """Clean, tell the script, normalise and cut ``text`` into words with ``tokenizer``."""
    cleaned = clean(text)
    meaningful = re.sub(r"\[[a-zA-Z -]+\]", "", cleaned)  # masked personal data is no content
    if not any(c.isalpha() for c in meaningful) or meaningful.lower().strip(" .!。！") in NOTHING:
        return Prepared(Status.EMPTY, "", "", ())
    script = _script(meaningful)
    if script:
        return Prepared(Status.UNSUPPORTED, script, "", ())
    status = Status.TRUNCATED if len(cleaned) > MAX_ANALYSED else Status.ANALYSED
    read = cleaned[:MAX_ANALYSED]
    simplified = to_simplified(read)
    han = any(_is_han(c) for c in read)
    latin = len(_WORD.findall(re.sub(r"[^\x00-\x7f]", " ", read.lower()))) >= 3
    language = ("zh-Hant" if simplified != read else "zh-Hans") if han else "en"
    if han and latin:
        language = "mixed"
    normalised = simplified.lower()
    return Prepared(status, language, normalised, tuple(cut(normalised, tokenizer)))


def cut(normalised: str, tokenizer) -> list[str]:
    """Words: jieba's for Chinese, letters-and-digits runs for English (lower case); a
    punctuation mark that ends a clause becomes the word ``BOUNDARY``."""
    words = []
    for piece in tokenizer.cut(normalised):
        for part in re.split(r"([,.;!?，。；！？、])", piece.strip()):
            if not part.strip():
                continue
            if _CLAUSE_END.fullmatch(part):
                words.append(BOUNDARY)
            elif part.isascii():
                words += _WORD.findall(part)
            elif any(c.isalnum() for c in part):
                words.append(part)
    return words


def tokenizer_with(words: frozenset[str]):
    """A jieba tokenizer that keeps ``words`` (topic keywords, lexicon entries) whole."""
    return _tokenizer(tuple(sorted(words)))


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]):
    import jieba  # noqa: PLC0415 (its dictionary takes a second to load: only when needed)

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in words:
        if not word.isascii():
            tokenizer.add_word(word)
    return tokenizer
