"""Cross-reference checks on a built questionnaire: ids, references, codes, reachability."""

from __future__ import annotations

import re

from .expressions import Expression, ExpressionError, Node, compile_expression
from .model import Questionnaire, Text
from .types import kind_of

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
PIPE = re.compile(r"\{\{(.*?)\}\}")


def pipes_in(text: Text | None) -> list[str]:
    """The expressions piped into a text as {{ … }}, in every language."""
    if text is None:
        return []
    return [match.strip() for wording in text.values.values() for match in PIPE.findall(wording)]


def check(questionnaire: Questionnaire, ctx) -> None:
    """Log every cross-reference problem of the questionnaire through the build context."""
    _check_ids(questionnaire, ctx)
    _check_references(questionnaire, ctx)
    _check_special_codes(questionnaire, ctx)
    _check_type_flags(questionnaire, ctx)
    for name in sorted(set(ctx.choice_lists) - ctx.used_lists):
        ctx.log.warn("unused-choice-list", f"choice list {name!r} is not used by any question")


def _check_ids(questionnaire, ctx) -> None:
    seen_pages, seen = set(), {}
    for page in questionnaire.pages:
        if page.id in seen_pages:
            ctx.log.error("duplicate-id", f"page id {page.id!r} is used twice", page.line)
        seen_pages.add(page.id)
        for question in page.questions:
            for answer_id, line in [(question.id, question.line)] + [
                (i.id, i.line) for i in question.items
            ]:
                if not IDENTIFIER.match(answer_id):
                    ctx.log.error(
                        "bad-id",
                        f"id {answer_id!r} must start with a letter and use letters, digits and _ (at most 64)",
                        line,
                        question.id,
                    )
                if answer_id in seen:
                    ctx.log.error(
                        "duplicate-id",
                        f"id {answer_id!r} is already used on line {seen[answer_id]}",
                        line,
                        question.id,
                    )
                seen.setdefault(answer_id, line)


def _earlier_answers(questionnaire):
    """For each page, the answer ids of the pages before it and of the page itself."""
    before, result = [], {}
    for page in questionnaire.pages:
        own = [aid for q in page.questions for aid in q.answer_ids]
        result[page.id] = (set(before), set(before) | set(own))
        before.extend(own)
    return result


def check_followup_condition(ctx, questionnaire, expression: Expression, what, line) -> None:
    """A follow-up rule reads the finished interview: any question, but only real codes (a
    code a question lacks is an error here, since the rule could never fire)."""
    every = {aid for q in questionnaire.questions() for aid in q.answer_ids}
    _check_expression(questionnaire, ctx, expression, every, what, line, strict_codes=True)


def _check_expression(
    questionnaire, ctx, expression: Expression, allowed: set, what, line, qid=None,
    strict_codes=False,
):  # fmt: skip
    for name in sorted(expression.questions):
        question = questionnaire.question_of_answer(name)
        if question is None:
            hint = " (a matrix: refer to one of its items)" if questionnaire.question(name) else ""
            ctx.log.error(
                "unknown-reference",
                f"{what} refers to {name!r}, which is not a question{hint}",
                line,
                qid,
            )
        elif name not in allowed:
            ctx.log.error(
                "forward-reference",
                f"{what} refers to {name!r}, which is asked later; it can only use answers from earlier pages",
                line,
                qid,
            )
    _check_codes(questionnaire, ctx, expression.tree, what, line, qid, strict_codes)


def _check_codes(questionnaire, ctx, node: Node, what, line, qid, strict=False) -> None:
    """Warn (``strict``: refuse) when a question is compared with a code it does not have:
    that branch never runs."""
    if node.kind == "binary" and node.value in {"==", "!=", "in", "not in"}:
        left, right = node.children
        if left.kind == "name":
            question = questionnaire.question_of_answer(left.value)
            literals = (
                [right]
                if right.kind == "literal"
                else list(right.children)
                if right.kind == "list"
                else []
            )
            if question and question.choices and literals:
                codes = {c.code for c in question.choices} | set(
                    questionnaire.special_codes.values()
                )
                report = ctx.log.error if strict else ctx.log.warn
                for literal in literals:
                    if literal.kind == "literal" and str(literal.value) not in codes:
                        report(
                            "unknown-code" if strict else "unreachable",
                            f"{what} compares {left.value} with {literal.value!r}, which is not one of its codes; that branch can never be taken",
                            line,
                            qid,
                        )
    for child in node.children:
        _check_codes(questionnaire, ctx, child, what, line, qid, strict)


def _check_pipes(questionnaire, ctx, texts, allowed, line, qid=None) -> None:
    for text in texts:
        for source in pipes_in(text):
            try:
                expression = compile_expression(source)
            except ExpressionError as error:
                ctx.log.error("bad-pipe", f"piped text {{{{ {source} }}}}: {error}", line, qid)
                continue
            _check_expression(
                questionnaire, ctx, expression, allowed, f"piped text {{{{ {source} }}}}", line, qid
            )


def _check_references(questionnaire, ctx) -> None:
    earlier = _earlier_answers(questionnaire)
    for page in questionnaire.pages:
        before, through = earlier[page.id]
        if page.show_if:
            _check_expression(
                questionnaire, ctx, page.show_if, before, f"page {page.id} show_if", page.line
            )
        _check_pipes(questionnaire, ctx, [page.title], before, page.line)
        for question in page.questions:
            line, qid = question.line, question.id
            if question.show_if:
                _check_expression(
                    questionnaire, ctx, question.show_if, before, "show_if", line, qid
                )
            for rule in question.rules:
                _check_expression(
                    questionnaire, ctx, rule.check, through, "validate check", line, qid
                )
            if question.screen_out:
                _check_expression(
                    questionnaire,
                    ctx,
                    question.screen_out.condition,
                    through,
                    "screen_out if",
                    line,
                    qid,
                )
            texts = [
                question.text,
                question.help,
                question.cati.text,
                question.cati.instructions,
                question.cati.probe,
            ]
            texts += [item.text for item in question.items]
            _check_pipes(questionnaire, ctx, texts, before, line, qid)


def _check_special_codes(questionnaire, ctx) -> None:
    special = set(questionnaire.special_codes.values())
    for question in questionnaire.questions():
        clash = special & {c.code for c in question.choices}
        for code in sorted(clash):
            ctx.log.error(
                "special-code-clash",
                f"choice code {code} is also the special code for refused/don't know; change one of them",
                question.line,
                question.id,
            )


def _check_type_flags(questionnaire, ctx) -> None:
    for question in questionnaire.questions():
        if question.randomize and not (question.choices or question.items):
            ctx.log.error(
                "bad-randomize",
                f"randomize needs choices or items; a {question.type} question has none",
                question.line,
                question.id,
            )
        if not kind_of(question).answers and (question.prefer_not or question.rules):
            ctx.log.error(
                "display-answer",
                "a display question takes no answer, so no prefer_not or validate",
                question.line,
                question.id,
            )
