"""AAPOR outcome rates against hand-computed examples, and the final-disposition rule."""

import pytest

from survey.aapor.dispositions import (
    DISPOSITIONS,
    DispositionError,
    class_counts,
    final_disposition,
    outcome_rates,
    proportional_e,
)

# A worked example: 1,000 released cases of known or unknown eligibility plus 100 ineligible.
COUNTS = {"I": 400, "P": 50, "R": 200, "NC": 150, "O": 50, "UH": 100, "UO": 50, "NE": 100}
E = 850 / 950
# The keys of `survey rates --json` (DESIGN.md contract).
CONTRACT = {
    "I",
    "P",
    "R",
    "NC",
    "O",
    "UH",
    "UO",
    "NE",
    "e",
    "RR1",
    "RR2",
    "RR3",
    "RR4",
    "RR5",
    "RR6",
    "COOP1",
    "COOP2",
    "COOP3",
    "COOP4",
    "REF1",
    "REF2",
    "REF3",
    "CON1",
    "CON2",
    "CON3",
}  # eligible share among cases of known eligibility


def test_proportional_e():
    assert proportional_e(COUNTS) == pytest.approx(E)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("RR1", 400 / 1000),
        ("RR2", 450 / 1000),
        ("RR3", 400 / (850 + E * 150)),
        ("RR4", 450 / (850 + E * 150)),
        ("RR5", 400 / 850),
        ("RR6", 450 / 850),
        ("COOP1", 400 / 700),
        ("COOP2", 450 / 700),
        ("COOP3", 400 / 650),
        ("COOP4", 450 / 650),
        ("REF1", 200 / 1000),
        ("REF2", 200 / (850 + E * 150)),
        ("REF3", 200 / 850),
        ("CON1", 700 / 1000),
        ("CON2", 700 / (850 + E * 150)),
        ("CON3", 700 / 850),
    ],
)
def test_rate_formulas(rate, expected):
    assert outcome_rates(COUNTS).values[rate] == pytest.approx(expected, rel=1e-12)


def test_a_given_e_is_used_and_stated():
    rates = outcome_rates(COUNTS, e=0.5)
    assert rates.e == 0.5 and rates.e_source == "given"
    assert rates.values["RR3"] == pytest.approx(400 / (850 + 75))
    assert outcome_rates(COUNTS).e_source == "proportional"


def test_rates_json_has_the_contract_keys():
    keys = set(outcome_rates(COUNTS).as_json())
    assert keys == {
        "I",
        "P",
        "R",
        "NC",
        "O",
        "UH",
        "UO",
        "NE",
        "e",
        "RR1",
        "RR2",
        "RR3",
        "RR4",
        "RR5",
        "RR6",
        "COOP1",
        "COOP2",
        "COOP3",
        "COOP4",
        "REF1",
        "REF2",
        "REF3",
        "CON1",
        "CON2",
        "CON3",
    }


def test_empty_denominators_are_none_not_an_error():
    rates = outcome_rates(dict.fromkeys(COUNTS, 0))
    assert rates.values["RR1"] is None


def test_bad_e_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        outcome_rates(COUNTS, e=1.5)


@pytest.mark.parametrize(
    ("attempts", "final"),
    [
        ([], "3.11"),
        (["3.13", "3.13", "3.12"], "3.12"),  # the latest of the same class
        (
            ["3.13", "2.221", "3.13"],
            "2.221",
        ),  # a message at the customer's number beats later no-answers
        (["2.11", "3.13", "1.1"], "1.1"),  # a converted refusal ends complete
        (["1.2", "2.12"], "1.2"),  # a partial stays a partial after a break-off
        (
            ["2.11", "4.32"],
            "2.11",
        ),  # a refusal shows eligibility; a later disconnection does not undo it
        (["3.13", "4.31"], "4.31"),  # ineligibility beats unknown
        (["3.21", "3.13"], "3.21"),  # other-unknown beats unknown-household
    ],
)
def test_final_disposition_is_the_highest_ranked_not_the_last(attempts, final):
    assert final_disposition(attempts) == final


def test_every_disposition_has_three_languages_and_a_class():
    for code, entry in DISPOSITIONS.items():
        assert set(entry.labels) == {"zh-Hans", "zh-Hant", "en"}, code
        assert entry.rate_class in {"I", "P", "R", "NC", "O", "UH", "UO", "NE"}
        assert entry.final or entry.retry_seconds is not None, code


def test_class_counts_and_unknown_codes():
    assert class_counts(["1.1", "1.1", "2.11", "4.70"])["I"] == 2
    with pytest.raises(DispositionError, match="unknown disposition '9.9'"):
        class_counts(["9.9"])
