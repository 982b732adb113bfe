"""Small questionnaires written inline for the engine's tests."""

import textwrap

from survey.questionnaire import load_text

HEAD = """\
id: inline
version: "1"
title: {zh-Hans: 测试, zh-Hant: 測試, en: Test}
modes: [web, cati]
cati:
  greeting: {zh-Hans: "您好{{ contact.title }}", zh-Hant: "您好", en: "Hello {{ contact.title }}"}
"""


def questionnaire(body: str, head: str = HEAD):
    """Load a questionnaire from the standard head and an indented pages/choices body."""
    return load_text(head + textwrap.dedent(body), "inline.yaml").questionnaire


def question(spec: str):
    """A one-question questionnaire: ``spec`` is the question's YAML (without the dash)."""
    body = (
        "pages:\n  - id: p1\n    questions:\n      - "
        + textwrap.indent(textwrap.dedent(spec).strip(), "        ").lstrip()
    )
    built = questionnaire(body)
    return built, next(built.questions())


TEXT = "text: {zh-Hans: 问题, zh-Hant: 問題, en: Question}"
