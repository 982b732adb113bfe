"""`survey stats`: the JSON contract, the table for people, and clear errors."""

import json
from pathlib import Path

import pytest

from tests.stats.test_agreement_with_r import CASES

BANK = str(Path(__file__).parent.parent / "reference" / "bank_survey.csv")
LONELY = str(Path(__file__).parent.parent / "reference" / "bank_lonely.csv")
DESIGN = ["--strata", "region,tier", "--weights", "weight", "--fpc", "population"]
KEYS = {
    "by",
    "var",
    "stat",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "confidence_level",
    "ci_method",
    "df",
    "deff",
    "n",
    "n_eff",
    "flag",
}


def run(runner, *args):
    return runner.invoke(args=["stats", *args])


def reference(stat, var, method, by=None):
    return [
        c
        for c in CASES
        if c["design"] == "bank_strat"
        and c["stat"] == stat
        and c["var"] == var
        and c["ci_method"] == method
        and c["by"] == by
        and c["confidence_level"] == 0.95
    ]


@pytest.mark.parametrize(
    ("stat", "var", "method"),
    [
        ("mean", "q_overall", "t"),
        ("prop", "top2", "logit"),
        ("nps", "q_nps", "t"),
        ("total", "wait", "t"),
    ],
)
def test_json_contract_matches_r(runner, stat, var, method):
    result = run(runner, BANK, "--var", var, "--stat", stat, *DESIGN)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["estimates"]
    assert set(entry) == KEYS
    (expected,) = reference(stat, "nps_score" if stat == "nps" else var, method)
    assert entry["by"] is None and entry["ci_method"] == method
    for key in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert entry[key] == pytest.approx(expected[key], rel=1e-6 if method == "logit" else 1e-9)
    assert (entry["df"], entry["n"]) == (expected["df"], expected["n"])


def test_by_lists_domains_in_sorted_order_with_one_df(runner):
    result = run(runner, BANK, "--var", "q_overall", "--by", "branch", *DESIGN)
    entries = json.loads(result.output)["estimates"]
    assert [e["by"] for e in entries] == [{"branch": f"B0{i}"} for i in range(1, 7)]
    assert len({e["df"] for e in entries}) == 1
    expected = {c["domain"]: c for c in reference("mean", "q_overall", "t", "branch")}
    for entry in entries:
        assert entry["estimate"] == pytest.approx(
            expected[entry["by"]["branch"]]["estimate"], rel=1e-9
        )


@pytest.mark.parametrize("method", ["beta", "mean", "xlogit", "asin", "wilson"])
def test_every_proportion_method_runs(runner, method):
    result = run(runner, BANK, "--var", "top2", "--stat", "prop", "--ci-method", method, *DESIGN)
    (entry,) = json.loads(result.output)["estimates"]
    assert entry["ci_low"] < entry["estimate"] < entry["ci_high"]


def test_table_format_for_people_with_a_small_base_caution(runner, tmp_path):
    small = tmp_path / "small.csv"
    lines = Path(BANK).read_text().splitlines()
    small.write_text("\n".join(lines[:60]) + "\n")
    result = run(runner, str(small), "--var", "q_overall", "--by", "branch", "--format", "table")
    assert result.exit_code == 0, result.output
    assert "estimate" in result.output.splitlines()[0]
    assert "flagged by the presentation standard (NCHS)" in result.output
    assert "suppress" in result.output.splitlines()[1] + result.output.splitlines()[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--var", "nope"], "no column 'nope'"),
        (["--var", "region"], "'north' is not a number"),
        (["--var", "q_overall", "--stat", "prop"], "a proportion needs 0/1 values"),
        (["--var", "q_overall", "--ci-method", "wald"], "choose one of t, normal"),
        (
            ["--var", "top2", "--stat", "prop", "--ci-method", "t"],
            "choose one of logit, beta, mean, xlogit, asin, wilson",
        ),
        (
            ["--var", "q_overall", "--strata", "region", "--fpc", "weight"],
            "fpc varies within stratum 'east'",
        ),
        (["--var", "q_overall", "--strata", "tier", "--fpc", "q_nps"], "is empty"),
        (["--var", "q_overall", "--confidence-level", "95"], "between 0 and 1"),
    ],
)
def test_clear_errors(runner, args, message):
    result = run(runner, BANK, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_lonely_psu_fails_by_default_and_is_handled_on_request(runner):
    failed = run(
        runner, LONELY, "--var", "q_overall", "--strata", "region,tier", "--ids", "cluster"
    )
    assert failed.exit_code == 1
    assert "stratum 'north,wealth' has only one PSU" in failed.output
    handled = run(
        runner,
        LONELY,
        "--var",
        "q_overall",
        "--strata",
        "region,tier",
        "--ids",
        "cluster",
        "--lonely-psu",
        "adjust",
    )
    assert handled.exit_code == 0


def test_fpc_below_the_sample_is_refused(runner, tmp_path):
    data = tmp_path / "fpc.csv"
    data.write_text("s,y,N\na,1,2\na,2,2\na,3,2\nb,3,5\nb,4,5\n")
    result = run(runner, str(data), "--var", "y", "--strata", "s", "--fpc", "N")
    assert result.exit_code == 1
    assert "fpc of stratum 'a' (2) is below its sample of 3 PSUs" in result.output


def test_an_empty_domain_is_an_error_not_a_nan(runner, tmp_path):
    data = tmp_path / "empty.csv"
    data.write_text("y\n\n\n")
    result = run(runner, str(data), "--var", "y")
    assert result.exit_code == 1
    assert "no observation" in result.output


def test_quoted_and_unquoted_files_give_the_same_numbers(runner, tmp_path):
    # R writes quoted text (the careful csv path); without quotes NumPy's C reader is used.
    assert '"' in Path(BANK).read_text()
    plain = tmp_path / "plain.csv"
    plain.write_text(Path(BANK).read_text().replace('"', ""))
    args = ["--var", "q_overall", "--by", "tier", *DESIGN]
    careful = json.loads(run(runner, BANK, *args).output)
    fast = json.loads(run(runner, str(plain), *args).output)
    assert fast == careful


def test_na_cells_are_missing_like_empty_ones(runner, tmp_path):
    data = tmp_path / "na.csv"
    data.write_text("y,w\n1,1\nNA,2\n3,1\n,5\n")
    (entry,) = json.loads(run(runner, str(data), "--var", "y", "--weights", "w").output)[
        "estimates"
    ]
    assert entry["n"] == 2
    assert entry["estimate"] == 2.0


def test_a_domains_own_degrees_of_freedom_on_request(runner):
    reference = Path(__file__).parent.parent / "reference" / "bank_survey.csv"
    common = [str(reference), "--var", "q_overall", "--strata", "region,tier", "--weights",
              "weight", "--fpc", "population", "--by", "branch"]  # fmt: skip
    design = json.loads(run(runner, *common).output)["estimates"]
    own = json.loads(run(runner, *common, "--domain-df", "domain").output)["estimates"]
    assert len({e["df"] for e in design}) == 1  # svyby: the design's df for every branch
    for whole, domain in zip(design, own, strict=True):
        assert domain["estimate"] == whole["estimate"] and domain["se"] == whole["se"]
        assert domain["df"] < whole["df"]
        assert domain["ci_high"] - domain["ci_low"] > whole["ci_high"] - whole["ci_low"]


QUANTILE_CASES = [
    c
    for c in json.loads(
        (Path(__file__).parent.parent / "reference" / "reference_extra.json").read_text()
    )
    if c["kind"] == "quantile" and c["design"] in ("api_strat", "bank_strat")
]


@pytest.mark.parametrize(
    "case", QUANTILE_CASES, ids=lambda c: f"{c['design']}-{c['var']}-{c['p']}-{c['method']}"
)
def test_quantiles_by_the_command_equal_svyquantile(runner, case):
    design = next(c for c in CASES if c["design"] == case["design"])
    options = [
        str(Path(__file__).parent.parent / "reference" / design["data"]),
        "--var", case["var"], "--stat", "quantile", "--p", str(case["p"]),
        "--ci-method", case["method"], "--strata", ",".join(design["strata"]),
        "--weights", design["weights"], "--fpc", design["fpc"],
    ]  # fmt: skip
    result = run(runner, *options)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["estimates"]
    assert entry["stat"] == "quantile" and entry["p"] == case["p"]
    assert entry["estimate"] == pytest.approx(case["estimate"], rel=1e-12)
    for ours, theirs in ((entry["ci_low"], case["ci_low"]), (entry["ci_high"], case["ci_high"])):
        if theirs is not None:
            assert ours == pytest.approx(theirs, rel=1e-12)


def test_a_quantile_needs_its_p(runner):
    reference = str(Path(__file__).parent.parent / "reference" / "apistrat.csv")
    missing = run(runner, reference, "--var", "api00", "--stat", "quantile")
    assert missing.exit_code == 1 and "--stat quantile needs --p" in missing.output
    wrong = run(runner, reference, "--var", "api00", "--stat", "quantile", "--p", "1.5")
    assert wrong.exit_code == 1 and "--p must be between 0 and 1" in wrong.output
    by_branch = run(runner, reference, "--var", "api00", "--stat", "quantile", "--p", "0.5",
                    "--by", "stype", "--format", "table")  # fmt: skip
    assert by_branch.exit_code == 0, by_branch.output
