"""Build the frozen Questionnaire from a strictly read YAML document, logging every problem."""

from __future__ import annotations

import re
from types import MappingProxyType

from .context import BCP47_HINTS, BuildContext
from .issues import IssueLog
from .model import (
    LANGUAGES,
    SPECIAL_KINDS,
    CatiScripts,
    CatiWording,
    Page,
    Question,
    Questionnaire,
    Rule,
    ScreenOut,
)
from .modes import Mode
from .reader import Mapping, Sequence
from .types import REGISTRY

TOP_KEYS = {
    "id",
    "version",
    "title",
    "languages",
    "default_language",
    "modes",
    "intro",
    "closing",
    "cati",
    "choice_lists",
    "pages",
    "analysis",
    "followups",
    "staff_score",
    "special_codes",
}
PAGE_KEYS = {"id", "title", "show_if", "questions"}
QUESTION_KEYS = {
    "id",
    "type",
    "text",
    "help",
    "required",
    "show_if",
    "randomize",
    "prefer_not",
    "cati",
    "validate",
    "screen_out",
}
CATI_SCRIPT_KEYS = {
    "greeting",
    "greeting_unnamed",
    "screener",
    "answering_machine",
    "answering_machine_unnamed",
    "closing",
}
CATI_QUESTION_KEYS = {"text", "instructions", "read_options", "probe"}
DEFAULT_SPECIAL_CODES = {"refused": "-9", "dont_know": "-8"}
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
DISPOSITION = re.compile(r"^[1-4](\.\d{1,2}){1,3}$")


def _string_list(ctx, raw, key, allowed, default):
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str) for v in value):
        ctx.error("bad-list", f"{key} must be a list such as [{', '.join(allowed)}]", raw, key)
        return default
    for entry in value:
        if entry not in allowed:
            suggestion = BCP47_HINTS.get(entry.lower())
            hint = f"; write {suggestion!r} (BCP-47)" if suggestion else ""
            ctx.error(
                "bad-value", f"{key} may hold {', '.join(allowed)}, not {entry!r}{hint}", raw, key
            )
    return tuple(v for v in value if v in allowed) or default


def build(document: Mapping, log: IssueLog, content_hash: str):
    """The questionnaire (None when too broken to build) and the context that read it."""
    probe = BuildContext(log, LANGUAGES, "en")
    probe.check_keys(document, TOP_KEYS, "the questionnaire")
    languages = _string_list(probe, document, "languages", LANGUAGES, LANGUAGES)
    default = probe.scalar(document, "default_language") or languages[0]
    if default not in languages:
        probe.error(
            "bad-default-language",
            f"default_language {default!r} is not one of the languages {', '.join(languages)}",
            document,
            "default_language",
        )
        default = languages[0]
    ctx = BuildContext(log, languages, default)
    qid = ctx.required_scalar(document, "id", "the questionnaire")
    if qid and not re.match(r"^[a-z0-9][a-z0-9-]{0,63}$", qid):
        ctx.error(
            "bad-id",
            f"the questionnaire id {qid!r} may use lower-case letters, digits and dashes",
            document,
            "id",
        )
    version = ctx.required_scalar(document, "version", "the questionnaire")
    title = ctx.text(document, "title", what="the questionnaire")
    modes = _string_list(ctx, document, "modes", tuple(Mode), (Mode.WEB,))
    special_codes = _special_codes(ctx, document)
    _choice_lists(ctx, document)
    pages = _pages(ctx, document)
    cati = _cati_scripts(ctx, document, modes)
    if log.errors or not pages:
        return None, ctx
    return Questionnaire(
        id=qid,
        version=version,
        title=title,
        languages=languages,
        default_language=default,
        modes=modes,
        pages=pages,
        special_codes=special_codes,
        intro=ctx.text(document, "intro", required=False),
        closing=ctx.text(document, "closing", required=False),
        cati=cati,
        content_hash=content_hash,
    ), ctx


def _special_codes(ctx, document):
    raw = document.get("special_codes")
    if raw is None:
        return MappingProxyType(dict(DEFAULT_SPECIAL_CODES))
    if not isinstance(raw, Mapping):
        ctx.error(
            "bad-special-codes",
            "special_codes maps refused and dont_know to codes",
            document,
            "special_codes",
        )
        return MappingProxyType(dict(DEFAULT_SPECIAL_CODES))
    ctx.check_keys(raw, set(SPECIAL_KINDS), "special_codes")
    codes = {kind: ctx.scalar(raw, kind) or DEFAULT_SPECIAL_CODES[kind] for kind in SPECIAL_KINDS}
    if codes["refused"] == codes["dont_know"]:
        ctx.error("bad-special-codes", "refused and dont_know need different codes", raw)
    return MappingProxyType(codes)


def _choice_lists(ctx, document):
    raw = document.get("choice_lists")
    if raw is None:
        return
    if not isinstance(raw, Mapping):
        ctx.error(
            "bad-choice-lists",
            "choice_lists maps a name to a list of choices",
            document,
            "choice_lists",
        )
        return
    for name, choices in raw.items():
        ctx.choice_lists[name] = ctx.choice_list(choices, where=f"choice list {name}")


def _pages(ctx, document) -> tuple[Page, ...]:
    raw_pages = document.get("pages")
    if not isinstance(raw_pages, Sequence) or not raw_pages:
        ctx.error(
            "no-pages",
            "the questionnaire needs pages: a list of pages with questions",
            document,
            "pages",
        )
        return ()
    pages = []
    for raw in raw_pages:
        if not isinstance(raw, Mapping):
            ctx.error("bad-page", "each page is a mapping with id: and questions:", raw_pages)
            continue
        ctx.check_keys(raw, PAGE_KEYS, "a page")
        page_id = ctx.required_scalar(raw, "id", "a page")
        questions = raw.get("questions")
        if not isinstance(questions, Sequence) or not questions:
            ctx.error("no-questions", f"page {page_id} needs questions: a non-empty list", raw)
            continue
        built = tuple(q for q in (_question(ctx, q, page_id) for q in questions) if q)
        pages.append(
            Page(
                page_id,
                ctx.text(raw, "title", required=False),
                built,
                ctx.expression(raw, "show_if"),
                raw.line,
            )
        )
    return tuple(pages)


def _question(ctx, raw, page_id) -> Question | None:
    if not isinstance(raw, Mapping):
        ctx.error("bad-question", "each question is a mapping with id:, type: and text:", raw)
        return None
    qid = ctx.required_scalar(raw, "id", "a question")
    kind = ctx.required_scalar(raw, "type", "a question", qid)
    qtype = REGISTRY.get(kind) if kind else None
    if kind and qtype is None:
        ctx.error(
            "unknown-type",
            f"unknown question type {kind!r}; the types are {', '.join(sorted(REGISTRY))}",
            raw,
            "type",
            qid,
        )
    ctx.check_keys(
        raw,
        QUESTION_KEYS | (qtype.keys if qtype else set()),
        f"a {kind or ''} question".replace("  ", " "),
        qid,
    )
    text = ctx.text(raw, "text", qid, what=f"question {qid}")
    if not (qid and qtype):
        return None
    choices, items, options = qtype.normalise(ctx, raw, qid)
    return Question(
        id=qid,
        type=kind,
        text=text,
        page=page_id,
        line=raw.line,
        help=ctx.text(raw, "help", qid, required=False),
        required=ctx.flag(raw, "required", qid, default=qtype.answers),
        show_if=ctx.expression(raw, "show_if", qid),
        choices=choices,
        items=items,
        options=MappingProxyType(options),
        randomize=ctx.flag(raw, "randomize", qid),
        prefer_not=ctx.flag(raw, "prefer_not", qid),
        cati=_cati_wording(ctx, raw, qid),
        rules=_rules(ctx, raw, qid),
        screen_out=_screen_out(ctx, raw, qid),
    )


def _cati_wording(ctx, raw, qid) -> CatiWording:
    cati = raw.get("cati")
    if cati is None:
        return CatiWording()
    if not isinstance(cati, Mapping):
        ctx.error(
            "bad-cati", "cati holds text:, instructions:, read_options:, probe:", raw, "cati", qid
        )
        return CatiWording()
    ctx.check_keys(cati, CATI_QUESTION_KEYS, "cati", qid)
    return CatiWording(
        text=ctx.text(cati, "text", qid, required=False),
        instructions=ctx.text(cati, "instructions", qid, required=False),
        read_options=ctx.flag(cati, "read_options", qid, default=True),
        probe=ctx.text(cati, "probe", qid, required=False),
    )


def _rules(ctx, raw, qid) -> tuple[Rule, ...]:
    value = raw.get("validate")
    if value is None:
        return ()
    if not isinstance(value, Sequence):
        ctx.error("bad-validate", "validate is a list of {check:, message:}", raw, "validate", qid)
        return ()
    rules = []
    for entry in value:
        if not isinstance(entry, Mapping):
            ctx.error(
                "bad-validate", "each validation rule has check: and message:", value, None, qid
            )
            continue
        ctx.check_keys(entry, {"check", "message"}, "a validation rule", qid)
        check = ctx.expression(entry, "check", qid)
        if "check" not in entry:
            ctx.error("missing-key", "a validation rule needs check:", entry, None, qid)
        message = ctx.text(entry, "message", qid, what="a validation rule")
        if check and message:
            rules.append(Rule(check, message))
    return tuple(rules)


def _screen_out(ctx, raw, qid) -> ScreenOut | None:
    value = raw.get("screen_out")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        ctx.error(
            "bad-screen-out",
            "screen_out has if:, disposition: and message:",
            raw,
            "screen_out",
            qid,
        )
        return None
    ctx.check_keys(value, {"if", "disposition", "message"}, "screen_out", qid)
    condition = ctx.expression(value, "if", qid)
    disposition = ctx.required_scalar(value, "disposition", "screen_out", qid)
    if disposition and not DISPOSITION.match(disposition):
        ctx.error(
            "bad-disposition",
            f"disposition {disposition!r} is not an AAPOR code such as 4.70",
            value,
            "disposition",
            qid,
        )
    if "if" not in value:
        ctx.error("missing-key", "screen_out needs if:", value, None, qid)
    if not (condition and disposition):
        return None
    return ScreenOut(condition, disposition, ctx.text(value, "message", qid, required=False))


def _cati_scripts(ctx, document, modes) -> CatiScripts:
    raw = document.get("cati")
    if raw is None:
        if Mode.CATI in modes:
            ctx.error(
                "missing-cati-script",
                "a questionnaire fielded by phone needs cati: with a greeting:",
                document,
            )
        return CatiScripts()
    if not isinstance(raw, Mapping):
        ctx.error(
            "bad-cati",
            "cati holds greeting:, screener:, answering_machine:, closing:",
            document,
            "cati",
        )
        return CatiScripts()
    ctx.check_keys(raw, CATI_SCRIPT_KEYS, "the CATI scripts")
    return CatiScripts(
        greeting=ctx.text(raw, "greeting", what="the CATI scripts"),
        greeting_unnamed=ctx.text(raw, "greeting_unnamed", required=False),
        screener=ctx.text(raw, "screener", required=False),
        answering_machine=ctx.text(raw, "answering_machine", required=False),
        answering_machine_unnamed=ctx.text(raw, "answering_machine_unnamed", required=False),
        closing=ctx.text(raw, "closing", required=False),
    )
