"""Warnings do not refuse a file but are reported with their place."""

from survey.questionnaire import load_text
from tests.questionnaire.helpers import HEAD


def warnings_of(body: str) -> list[tuple[str, str | None]]:
    result = load_text(HEAD + body, "warn.yaml")
    return [(w.code, w.question) for w in result.warnings]


def test_missing_translation():
    body = "pages:\n  - id: p\n    questions:\n      - {id: q, type: yesno, text: {zh-Hans: 问, en: Q}}\n"
    assert warnings_of(body) == [("missing-translation", "q")]


def test_unused_choice_list():
    body = (
        "choice_lists:\n  spare:\n    - {code: '1', label: {zh-Hans: 一, zh-Hant: 一, en: One}}\n"
        "pages:\n  - id: p\n    questions:\n      - {id: q, type: yesno, text: {zh-Hans: 问, zh-Hant: 問, en: Q}}\n"
    )
    assert warnings_of(body) == [("unused-choice-list", None)]


def test_unreachable_question_behind_an_impossible_code():
    body = (
        "pages:\n  - id: p\n    questions:\n      - {id: q, type: yesno, text: {zh-Hans: 问, zh-Hant: 問, en: Q}}\n"
        "  - id: p2\n    questions:\n      - {id: q2, type: yesno, show_if: 'q == \"2\"', text: {zh-Hans: 问, zh-Hant: 問, en: Q}}\n"
    )
    assert warnings_of(body) == [("unreachable", "q2")]


def test_warning_message_names_file_and_line():
    body = "pages:\n  - id: p\n    questions:\n      - {id: q, type: yesno, text: {zh-Hans: 问, en: Q}}\n"
    warning = load_text(HEAD + body, "warn.yaml").warnings[0]
    assert (
        str(warning)
        == "warn.yaml:10: warning: question q: text has no zh-Hant wording [missing-translation]"
    )
