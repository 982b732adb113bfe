"""The frozen questionnaire that the engine builds from a file, and both modes render."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

from .expressions import Expression

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
TOUCHPOINTS = ("counter", "lobby", "self_service", "hotline", "online", "app")
SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
SPECIAL_KINDS = ("refused", "dont_know")


@dataclass(frozen=True)
class Text:
    """Wording in each language; ``get_in`` falls back to the questionnaire's default language."""

    values: MappingProxyType
    default: str

    @classmethod
    def of(cls, values: dict, default: str) -> Text:
        return cls(MappingProxyType(dict(values)), default)

    def get_in(self, language: str) -> str:
        values = self.values
        return values.get(language) or values.get(self.default) or next(iter(values.values()), "")


@dataclass(frozen=True)
class Choice:
    code: str
    label: Text
    exclusive: bool = False  # "none of these": ticking it unticks the others
    anchored: bool = False  # keeps its place when the order is randomised
    other: bool = False  # "other, please specify": asks for text


@dataclass(frozen=True)
class Item:
    """One row of a matrix: answered on the matrix's shared scale, stored under its own id."""

    id: str
    text: Text
    cati_text: Text | None = None
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """A validation rule: ``check`` must hold once the question is answered."""

    check: Expression
    message: Text


@dataclass(frozen=True)
class ScreenOut:
    """Ends the interview when ``condition`` holds after the question, with a disposition."""

    condition: Expression
    disposition: str
    message: Text | None


@dataclass(frozen=True)
class CatiWording:
    text: Text | None = None  # read aloud; the web text when absent
    instructions: Text | None = None  # for the interviewer, never read
    read_options: bool = True
    probe: Text | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: Text
    page: str
    line: int | None = None
    help: Text | None = None
    required: bool = True
    show_if: Expression | None = None
    choices: tuple[Choice, ...] = ()
    items: tuple[Item, ...] = ()
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    randomize: bool = False
    prefer_not: bool = False
    cati: CatiWording = CatiWording()
    rules: tuple[Rule, ...] = ()
    screen_out: ScreenOut | None = None

    @property
    def answer_ids(self) -> tuple[str, ...]:
        """The ids answers are stored under: the matrix's items, else the question itself."""
        return tuple(item.id for item in self.items) if self.items else (self.id,)

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


@dataclass(frozen=True)
class Page:
    id: str
    title: Text | None
    questions: tuple[Question, ...]
    show_if: Expression | None = None
    line: int | None = None


@dataclass(frozen=True)
class Analysis:
    """What reports compute, named by role rather than by question id."""

    overall: str | None = None
    recommend: str | None = None
    touchpoints: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    servqual: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    csi: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    segments: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    # Scores over several items (CSI, touchpoints, SERVQUAL) for a respondent who skipped
    # some: "answered" uses the items answered, "complete" only respondents who answered all.
    missing_items: str = "answered"


@dataclass(frozen=True)
class CatiScripts:
    """What the interviewer reads around the questions; an ``*_unnamed`` variant is read
    instead when the contact's name or form of address that the script pipes is unknown."""

    greeting: Text | None = None
    greeting_unnamed: Text | None = None
    screener: Text | None = None
    answering_machine: Text | None = None
    answering_machine_unnamed: Text | None = None
    closing: Text | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    default_language: str
    modes: tuple[str, ...]
    pages: tuple[Page, ...]
    special_codes: MappingProxyType  # kind -> code, e.g. refused -> "-9"
    intro: Text | None = None
    closing: Text | None = None
    cati: CatiScripts = CatiScripts()
    analysis: Analysis = Analysis()
    followups: tuple = ()  # FollowupRule: which finished interviews open a follow-up case
    staff_score: object = None  # StaffScore: the 0–100 score a response gives the staff member
    content_hash: str = ""

    def questions(self) -> Iterator[Question]:
        for page in self.pages:
            yield from page.questions

    def question(self, question_id: str) -> Question | None:
        return self._index().get(question_id)

    def question_of_answer(self, answer_id: str) -> Question | None:
        """The question an answer id belongs to (a matrix item's matrix)."""
        return self._answer_index().get(answer_id)

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)

    def special_kind(self, code: str) -> str | None:
        return next((k for k, c in self.special_codes.items() if c == code), None)

    def _index(self) -> dict:
        cache = self.__dict__.get("_question_index")
        if cache is None:
            cache = {q.id: q for q in self.questions()}
            object.__setattr__(self, "_question_index", cache)
        return cache

    def _answer_index(self) -> dict:
        cache = self.__dict__.get("_answer_index_cache")
        if cache is None:
            cache = {aid: q for q in self.questions() for aid in q.answer_ids}
            object.__setattr__(self, "_answer_index_cache", cache)
        return cache
