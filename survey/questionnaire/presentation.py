"""What a screen shows, in one language: texts piped, choices ordered, values and messages.

Templates render these views (one macro per question type); the web mode, the CATI
console and the preview build them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .expressions import ExpressionError, compile_expression
from .messages import special_label
from .model import Question, Text
from .modes import Mode
from .routing import Interview, ordered_choices, ordered_items, pipe
from .submission import OTHER_SUFFIX
from .types import kind_of
from .validate import PIPE


@dataclass(frozen=True)
class ChoiceView:
    code: str
    label: str
    exclusive: bool
    other: bool
    key: str  # the keyboard key in CATI: 1–9, then 0, then letters


@dataclass(frozen=True)
class ItemView:
    id: str
    text: str
    value: object
    error: str | None


@dataclass(frozen=True)
class QuestionView:
    id: str
    type: str
    text: str
    help: str | None
    instructions: str | None  # CATI: for the interviewer, never read
    probe: str | None
    read_options: bool
    required: bool
    choices: tuple[ChoiceView, ...]
    items: tuple[ItemView, ...]
    specials: tuple[ChoiceView, ...]  # refused / don't know: CATI always, web where allowed
    options: Mapping
    value: object  # the current answer (a code, codes, number or text)
    other_text: str | None
    error: str | None
    other_field: str

    @property
    def entered(self) -> str:
        """What a typed box (text, number, date) shows: the answer, or nothing when there is
        none yet or a special code stands in its place; never the word "None"."""
        if self.value is None or isinstance(self.value, list):
            return ""
        if any(self.value == s.code for s in self.specials):
            return ""
        return str(self.value)


KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"


def _text(text: Text | None, questionnaire, scope) -> str | None:
    return None if text is None else pipe(text.get_in(scope.language), questionnaire, scope)


def question_view(
    interview: Interview,
    question: Question,
    errors: Mapping,
    submitted: Mapping | None = None,
) -> QuestionView:
    """The view of one question; ``submitted`` re-shows what was posted with its messages."""
    questionnaire, scope, mode = interview.questionnaire, interview.scope, interview.mode
    answers, other_texts, seed = interview.answers, interview.other_texts, interview.seed
    language = scope.language
    # On a scale the interviewer types the point itself (0–10), not its position in the list.
    scale = kind_of(question).scale
    choices = tuple(
        ChoiceView(
            c.code,
            c.label.get_in(language),
            c.exclusive,
            c.other,
            c.code if scale else (KEYS[i] if i < len(KEYS) else ""),
        )
        for i, c in enumerate(ordered_choices(question, seed))
    )

    def current(answer_id):
        if submitted is not None and answer_id in submitted:
            posted = [v for v in submitted[answer_id] if isinstance(v, str)]
            return posted if kind_of(question).many else (posted[0] if posted else None)
        return answers.get(answer_id)

    items = tuple(
        ItemView(
            item.id,
            _text(
                item.cati_text if mode == Mode.CATI and item.cati_text else item.text,
                questionnaire,
                scope,
            ),
            current(item.id),
            errors.get(item.id),
        )
        for item in ordered_items(question, seed)
    )
    specials = ()
    if mode == Mode.CATI or question.prefer_not:
        specials = tuple(
            ChoiceView(
                questionnaire.special_codes[kind],
                special_label(kind, language, mode),
                False,
                False,
                key,
            )
            for kind, key in (("refused", "r"), ("dont_know", "d"))
        )
    wording = question.cati.text if mode == Mode.CATI and question.cati.text else question.text
    other_posted = (submitted or {}).get(question.id + OTHER_SUFFIX)
    return QuestionView(
        id=question.id,
        type=question.type,
        text=_text(wording, questionnaire, scope),
        help=_text(question.help, questionnaire, scope),
        instructions=_text(question.cati.instructions, questionnaire, scope)
        if mode == Mode.CATI
        else None,
        probe=_text(question.cati.probe, questionnaire, scope) if mode == Mode.CATI else None,
        read_options=question.cati.read_options,
        required=question.required,
        choices=choices,
        items=items,
        specials=specials,
        options={
            k: (v.get_in(language) if isinstance(v, Text) else v)
            for k, v in question.options.items()
        },
        value=current(question.id),
        other_text=(other_posted[0] if other_posted else other_texts.get(question.id)),
        error=errors.get(question.id),
        other_field=question.id + OTHER_SUFFIX,
    )


def _names_someone_unknown(text: Text, scope) -> bool:
    """The text pipes a contact field (a form of address, a name) this contact lacks, so
    reading it would address nobody ("am I speaking with ?")."""
    fields = set()
    for wording in text.values.values():
        for match in PIPE.finditer(wording):
            try:
                fields |= compile_expression(match.group(1).strip()).contact_fields
            except ExpressionError:
                continue
    return any(not str(scope.contact.get(name) or "").strip() for name in fields)


def script_text(interview: Interview, part: str) -> str | None:
    """An opening or closing text, piped: intro and closing on the web; greeting, screener,
    answering_machine and closing from the CATI scripts by phone."""
    questionnaire, scope = interview.questionnaire, interview.scope
    if interview.mode == Mode.CATI:
        source = getattr(questionnaire.cati, part, None) if part != "intro" else None
        if part == "closing" and source is None:
            source = questionnaire.closing
        unnamed = getattr(questionnaire.cati, f"{part}_unnamed", None)
        if unnamed is not None and source is not None and _names_someone_unknown(source, scope):
            source = unnamed
    else:
        source = {"intro": questionnaire.intro, "closing": questionnaire.closing}.get(part)
    return _text(source, questionnaire, scope)
