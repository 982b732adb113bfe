"""Every question type: what it accepts, what it refuses, and the message beside the field."""

import pytest

from survey.questionnaire import load_text
from survey.questionnaire.routing import parse_answer
from tests.questionnaire.helpers import HEAD, TEXT, question

CHOICES = """
choices:
  - {code: "1", label: {zh-Hans: 一, zh-Hant: 一, en: One}}
  - {code: "2", label: {zh-Hans: 二, zh-Hant: 二, en: Two}}
  - {code: "7", other: "true", label: {zh-Hans: 其他, zh-Hant: 其他, en: Other}}
  - {code: "8", exclusive: "true", label: {zh-Hans: 都没有, zh-Hant: 都沒有, en: None of these}}
"""


def parse(built, q, values, other=None, language="en", mode="web"):
    return parse_answer(built, q, q.id, values, other, language, mode)


def test_single_choice_accepts_a_code_and_refuses_others():
    built, q = question(f"id: q\ntype: single\n{TEXT}\n{CHOICES}")
    assert parse(built, q, ["2"]).value == "2"
    assert (
        parse(built, q, ["9"]).error
        == "That answer is not one of the options. Please choose again."
    )
    assert parse(built, q, ["1", "2"]).error == "Please choose one answer only."
    assert parse(built, q, []).empty


def test_single_choice_dropdown_display():
    built, q = question(f"id: q\ntype: single\ndisplay: dropdown\n{TEXT}\n{CHOICES}")
    assert q.options["display"] == "dropdown"


def test_other_please_specify_needs_its_text():
    built, q = question(f"id: q\ntype: single\n{TEXT}\n{CHOICES}")
    assert parse(built, q, ["7"], "").error == "Please say what “other” is."
    parsed = parse(built, q, ["7"], "  柜台太少  ")
    assert (parsed.value, parsed.other_text) == ("7", "柜台太少")


def test_multiple_choice_min_max_and_exclusive():
    built, q = question(f'id: q\ntype: multiple\nmin: "2"\nmax: "2"\n{TEXT}\n{CHOICES}')
    assert parse(built, q, ["1", "2"]).value == ["1", "2"]
    assert parse(built, q, ["1"]).error == "Please choose at least 2."
    assert parse(built, q, ["1", "2", "7"], "x").error == "Please choose no more than 2."
    assert "cannot be combined" in parse(built, q, ["1", "8"]).error
    assert parse(built, q, ["8"]).value == ["8"]  # an exclusive answer satisfies min on its own
    assert parse(built, q, ["1", "1", "2"]).value == ["1", "2"]


def test_rating_scale_with_labels_and_top_box():
    labels = 'labels:\n  "1": {zh-Hans: 差, zh-Hant: 差, en: Poor}\n  "7": {zh-Hans: 好, zh-Hant: 好, en: Good}'
    built, q = question(f'id: q\ntype: rating\nmin: "1"\nmax: "7"\ntop_box: "3"\n{labels}\n{TEXT}')
    assert [c.code for c in q.choices] == [str(i) for i in range(1, 8)]
    assert q.choice("7").label.get_in("zh-Hans") == "好"
    assert q.options["top_box"] == 3
    assert parse(built, q, ["7"]).value == "7"
    assert parse(built, q, ["8"]).error


def test_rating_without_labels_warns():
    result = load_text(
        HEAD
        + f"pages:\n  - id: p\n    questions:\n      - id: q\n        type: rating\n        {TEXT}\n",
        "x.yaml",
    )
    assert [w.code for w in result.warnings] == ["scale-without-labels"]


def test_nps_is_zero_to_ten_with_default_end_labels():
    built, q = question(f"id: q\ntype: nps\n{TEXT}")
    assert [c.code for c in q.choices] == [str(i) for i in range(11)]
    assert q.choice("0").label.get_in("zh-Hant") == "完全不可能"
    assert parse(built, q, ["10"]).value == "10"
    assert parse(built, q, ["11"]).error


def test_yes_no_codes_one_and_zero():
    built, q = question(f"id: q\ntype: yesno\n{TEXT}")
    assert [(c.code, c.label.get_in("en")) for c in q.choices] == [("1", "Yes"), ("0", "No")]


def test_matrix_items_are_answered_under_their_own_ids():
    spec = f"""id: q
type: matrix
{TEXT}
labels:
  "1": {{zh-Hans: 差, zh-Hant: 差, en: Poor}}
items:
  - {{id: q_a, text: {{zh-Hans: 甲, zh-Hant: 甲, en: A}}}}
  - {{id: q_b, text: {{zh-Hans: 乙, zh-Hant: 乙, en: B}}}}
"""
    built, q = question(spec)
    assert q.answer_ids == ("q_a", "q_b")
    assert built.question_of_answer("q_b") is q
    assert parse_answer(built, q, "q_a", ["5"], None, "en", "web").value == "5"


@pytest.mark.parametrize(
    ("typed", "value", "error"),
    [
        ("12", 12, None),
        ("１２", 12, None),  # full-width digits from a Chinese input method
        ("1,200", None, "The highest allowed is 300."),
        ("12.5", None, "Please enter a whole number."),
        ("abc", None, "Please enter a number."),
        ("-1", None, "The lowest allowed is 0."),
        ("NaN", None, "Please enter a number."),
    ],
)
def test_numeric_integer(typed, value, error):
    built, q = question(f'id: q\ntype: numeric\nmin: "0"\nmax: "300"\n{TEXT}')
    parsed = parse(built, q, [typed])
    assert (parsed.value, parsed.error) == (value, error)


def test_numeric_decimals():
    built, q = question(f'id: q\ntype: numeric\ndecimals: "2"\n{TEXT}')
    assert parse(built, q, ["3.25"]).value == 3.25
    assert parse(built, q, ["3.255"]).error == "Use at most 2 decimal places."


def test_open_text_length_and_cleaning():
    built, q = question(f'id: q\ntype: text\nmax_length: "5"\n{TEXT}')
    assert parse(built, q, [" 很好\x00 "]).value == "很好"
    assert parse(built, q, ["123456"], language="zh-Hans").error == "最多 5 个字，当前 6 个字。"


def test_date_format_and_bounds():
    built, q = question(f'id: q\ntype: date\nmin: "2026-01-01"\nmax: "2026-12-31"\n{TEXT}')
    assert parse(built, q, ["2026-11-22"]).value == "2026-11-22"
    assert parse(built, q, ["22/11/2026"]).error.startswith("Please enter a date")
    assert parse(built, q, ["2026-02-30"]).error.startswith("Please enter a date")
    assert (
        parse(built, q, ["2025-12-31"]).error
        == "The date must be between 2026-01-01 and 2026-12-31."
    )


def test_display_text_takes_no_answer():
    built, q = question(f"id: q\ntype: display\n{TEXT}")
    assert not q.required
    assert parse(built, q, ["anything"]).empty


def test_special_codes_interviewer_always_web_only_when_allowed():
    built, q = question(f"id: q\ntype: single\n{TEXT}\n{CHOICES}")
    assert parse(built, q, ["-9"], mode="cati").special == "refused"
    assert parse(built, q, ["-8"], mode="cati").special == "dont_know"
    assert parse(built, q, ["-9"], mode="web").error == "This question needs an answer."
    built, q = question(f'id: q\ntype: single\nprefer_not: "true"\n{TEXT}\n{CHOICES}')
    assert parse(built, q, ["-9"], mode="web").special == "refused"


@pytest.mark.parametrize(
    ("kind", "given", "special", "mode", "expected"),
    [
        ("numeric", "5", "-8", "cati", "Give an answer or choose “Don't know”, not both."),
        ("numeric", "5", "-9", "web", "Give an answer or choose “Prefer not to say”, not both."),
        ("single", "1", "-9", "cati", "Give an answer or choose “Refused”, not both."),
        ("text", "fine", "-8", "web", "Give an answer or choose “Don't know”, not both."),
    ],
)
def test_an_answer_and_a_special_code_together_say_which_clash(
    kind, given, special, mode, expected
):
    spec = f'id: q\ntype: {kind}\nprefer_not: "true"\n{TEXT}'
    built, q = question(spec + (f"\n{CHOICES}" if kind == "single" else ""))
    assert parse(built, q, [given, special], mode=mode).error == expected


def test_an_empty_box_beside_a_special_code_is_that_code():
    built, q = question(f'id: q\ntype: numeric\nprefer_not: "true"\n{TEXT}')
    assert parse(built, q, ["", "-8"], mode="web").special == "dont_know"
