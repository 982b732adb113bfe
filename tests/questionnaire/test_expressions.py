"""The expression language: every operator and function, and errors that point into the text."""

import pytest

from survey.questionnaire.expressions import ExpressionError, Scope, compile_expression

SCOPE = Scope(
    answers={"q_score": "4", "q_multi": ["1", "3"], "q_text": "很好", "q_num": 12},
    special={"q_refused": "refused", "q_dk": "dont_know"},
    contact={"tier": "gold", "branch": "Shenzhen-01"},
    language="zh-Hant",
    mode="cati",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('q_score == "4"', True),
        ("q_score == 4", True),  # digit codes compare as numbers
        ("q_score != 4", False),
        ("q_score > 3", True),
        ("q_score >= 5", False),
        ("q_score < 5", True),
        ("q_score <= 3", False),
        ('q_score in ["4", "5"]', True),
        ("q_score not in [4, 5]", False),
        ('contact.tier in ["gold", "wealth"]', True),
        ('contact.branch == "Shenzhen-01"', True),
        ('language == "zh-Hant" and mode == "cati"', True),
        ("q_score > 3 and q_num < 10", False),
        ("q_score > 3 or q_num < 10", True),
        ("not answered(q_missing)", True),
        ("answered(q_score)", True),
        ("answered(q_refused)", False),
        ("refused(q_refused)", True),
        ("dont_know(q_dk)", True),
        ('selected(q_multi, "3")', True),
        ('selected(q_multi, "2", "4")', False),
        ("count(q_multi) == 2", True),
        ("len(q_text) == 2", True),
        ("number(q_score) + 1 == 5", True),
        ("q_num * 2 - 4 == 20", True),
        ("q_num / 4 == 3", True),
        ("-q_num < 0", True),
        ("(q_score > 3 or q_num > 100) and not (q_num == 0)", True),
        ("q_missing > 3", False),  # an unanswered question compares false
        ("q_missing == null", True),
        ("q_num / 0 == null", True),
        ("q_text > 3", False),  # text and number do not order
    ],
)
def test_operators_and_functions(text, expected):
    assert compile_expression(text).evaluate(SCOPE) == expected


def test_names_read_are_collected():
    expression = compile_expression('q_a == "1" and contact.tier == "gold" or selected(q_b, "2")')
    assert expression.questions == {"q_a", "q_b"}
    assert expression.contact_fields == {"tier"}


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("q1 ==", 6, "expected a value"),
        ("q1 == (2", 9, "expected ')'"),
        ("q1 = 2", 4, "unexpected character '='"),
        ("q1 == 2 3", 9, "after a complete expression"),
        ("__import__('os')", 1, "unknown function '__import__'"),
        ("answered('q1')", 1, "takes a question id"),
        ("selected(q1)", 1, "at least one code"),
        ("count(q1, q2)", 1, "takes 1 argument"),
        ("", 1, "empty"),
    ],
)
def test_errors_point_into_the_expression(text, column, fragment):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert caught.value.column == column
    assert fragment in str(caught.value)
