"""Replicate-weight designs equal R's svrepdesign / as.svrepdesign (tests/reference/make_reference.R):
jackknives and BRR made from a design, bootstrap and jackknife columns read from a file;
means, totals, proportions with their logit interval, medians, ratios, domains and df."""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from survey.cli.table import Table
from survey.stats import SampleDesign, by, mean, proportion, total
from survey.stats.errors import DesignError
from survey.stats.quantiles import quantile
from survey.stats.ratio import ratio
from survey.stats.replicates import as_replicate, replicate_design

REFERENCE = Path(__file__).parent.parent / "reference"
EXTRA = json.loads((REFERENCE / "reference_extra.json").read_text())
SUMMARIES = {case["design"]: case for case in EXTRA if case["kind"] == "replicates"}
DOMAINS = [case for case in EXTRA if case["kind"] == "replicates_by"]


@lru_cache
def table(name: str) -> Table:
    return Table(REFERENCE / name)


def _pairs(bank: Table) -> list[str]:
    return [
        f"{b}-{int(c[-2:]) % 2}"
        for b, c in zip(bank.text("branch"), bank.text("cluster"), strict=True)
    ]


@lru_cache
def design(name: str) -> tuple[SampleDesign, Table]:
    bank, api = table("bank_survey.csv"), table("apiclus1.csv")
    if name == "bank_jkn":
        base = SampleDesign.build(
            bank.n,
            strata=[bank.text("region"), bank.text("tier")],
            weights=bank.numbers("weight"),
            fpc=bank.numbers("population"),
        )
        return as_replicate(base, "JKn"), bank
    if name in ("bank_brr", "bank_fay"):
        base = SampleDesign.build(
            bank.n, strata=[bank.text("branch")], ids=_pairs(bank), weights=bank.numbers("weight")
        )
        return as_replicate(base, "BRR" if name == "bank_brr" else "Fay", rho=0.3), bank
    if name == "api_jk1":
        base = SampleDesign.build(
            api.n, ids=api.text("dnum"), weights=api.numbers("pw"), fpc=api.numbers("fpc")
        )
        return as_replicate(base), api
    source = table("bank_replicates.csv" if name == "bank_boot_columns" else "api_jk1.csv")
    prefix, weight, rep_type = (
        ("rep", "weight", "bootstrap") if name == "bank_boot_columns" else ("jk", "pw", "JK1")
    )
    columns = np.column_stack([source.numbers(c) for c in source.header if c.startswith(prefix)])
    return replicate_design(source.numbers(weight), columns, rep_type), source


def values(data: Table, name: str) -> np.ndarray:
    if name == "yes" and "sch.wide" in data.header:
        return np.array([1.0 if v == "Yes" else 0.0 for v in data.text("sch.wide")])
    return data.numbers(name)


def close(ours, theirs, rel=1e-9):
    assert ours == pytest.approx(theirs, rel=rel, abs=1e-12)


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_every_estimator_equals_r_on_replicate_weights(name):
    case = SUMMARIES[name]
    des, data = design(name)
    m = mean(des, values(data, case["mean_var"]))
    close(m.estimate, case["mean"])
    close(m.se, case["mean_se"])
    close(m.deff, case["mean_deff"])
    assert m.df == case["mean_df"]
    t = total(des, values(data, case["total_var"]))
    close(t.estimate, case["total"])
    close(t.se, case["total_se"])
    p = proportion(des, values(data, case["prop_var"]))
    interval = p.confidence_interval(0.95, "logit")
    close(p.estimate, case["prop"])
    # R fits each replicate's logit by svyglm, converged to 1e-8: equal to 1e-6.
    close(interval.low, case["prop_low"], rel=1e-6)
    close(interval.high, case["prop_high"], rel=1e-6)
    q = quantile(des, values(data, case["total_var"]), 0.5)
    assert (q.estimate, q.ci_low, q.ci_high) == pytest.approx(
        (case["median"], case["median_low"], case["median_high"])
    )
    r = ratio(des, values(data, case["mean_var"]), values(data, case["total_var"]))
    close(r.estimate, case["ratio"])
    close(r.se, case["ratio_se"])
    assert des.degrees_of_freedom() == case["df"]


@pytest.mark.parametrize("case", DOMAINS, ids=[f"{c['design']}-{c['domain']}" for c in DOMAINS])
def test_domains_equal_r_svyby_on_replicate_weights(case):
    des, data = design(case["design"])
    results = dict(by(des, data.numbers("q_overall"), data.text("tier").tolist(), mean))
    close(results[case["domain"]].estimate, case["estimate"])
    close(results[case["domain"]].se, case["se"])
    assert results[case["domain"]].domain_df == case["domain_df"]


def test_a_bootstrap_made_here_agrees_with_linearisation_and_is_repeatable():
    bank = table("bank_survey.csv")
    base = SampleDesign.build(
        bank.n,
        strata=[bank.text("region")],
        ids=bank.text("cluster"),
        weights=bank.numbers("weight"),
    )
    y = bank.numbers("q_overall")
    first = mean(as_replicate(base, "bootstrap", replicates=400, seed=7), y)
    again = mean(as_replicate(base, "bootstrap", replicates=400, seed=7), y)
    assert first.se == again.se
    # 400 Rao–Wu replicates estimate the variance within about 10 % of linearisation's.
    assert first.se == pytest.approx(mean(base, y).se, rel=0.15)
    assert first.estimate == mean(base, y).estimate


def test_replicate_designs_refuse_what_r_refuses():
    bank = table("bank_survey.csv")
    stratified = SampleDesign.build(
        bank.n, strata=[bank.text("tier")], weights=bank.numbers("weight")
    )
    with pytest.raises(DesignError, match="JK1 is for an unstratified design"):
        as_replicate(stratified, "JK1")
    with pytest.raises(
        DesignError, match="BRR needs exactly two PSUs in every stratum; stratum 'gold' has"
    ):
        as_replicate(stratified, "BRR")
    with pytest.raises(DesignError, match="need their rscales"):
        replicate_design(None, np.ones((4, 3)), "JKn")
    holes = np.ones((4, 3))
    holes[2, 1] = np.nan
    with pytest.raises(DesignError, match="row 3, column 2 is missing"):
        replicate_design(None, holes, "bootstrap")
    with pytest.raises(DesignError, match="unknown replicate type 'JK3'"):
        replicate_design(None, np.ones((4, 3)), "JK3")


def stats(runner, *args) -> list[dict]:
    result = runner.invoke(args=["stats", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["estimates"]


def test_survey_stats_reads_replicate_columns_and_makes_replicates(runner):
    """The command equals R: bootstrap columns from a file by tier, a JKn made from strata."""
    columns = stats(
        runner, str(REFERENCE / "bank_replicates.csv"), "--var", "q_overall", "--weights",
        "weight", "--repweights", "^rep[0-9]+$", "--rep-type", "bootstrap", "--by", "tier",
    )  # fmt: skip
    for case in (c for c in DOMAINS if c["design"] == "bank_boot_columns"):
        entry = next(e for e in columns if e["by"] == {"tier": case["domain"]})
        close(entry["estimate"], case["estimate"])
        close(entry["se"], case["se"])
        assert entry["df"] == SUMMARIES["bank_boot_columns"]["mean_df"]
    made = stats(
        runner, str(REFERENCE / "bank_survey.csv"), "--var", "top2", "--stat", "prop",
        "--strata", "region,tier", "--weights", "weight", "--fpc", "population",
        "--rep-type", "JKn",
    )  # fmt: skip
    case = SUMMARIES["bank_jkn"]
    close(made[0]["ci_low"], case["prop_low"], rel=1e-6)
    close(made[0]["ci_high"], case["prop_high"], rel=1e-6)


def test_survey_stats_names_what_is_wrong_with_replicate_options(runner):
    columns = [str(REFERENCE / "bank_replicates.csv"), "--var", "q_overall", "--weights", "weight"]
    for extra, message in [
        (["--repweights", "^rep"], "--repweights needs --rep-type"),
        (["--repweights", "^zz", "--rep-type", "BRR"], "matches 0 column(s)"),
        (["--repweights", "(", "--rep-type", "BRR"], "is not a regular expression"),
        (["--repweights", "^rep", "--rep-type", "JKn"], "need their rscales"),
        (["--repweights", "^rep", "--rep-type", "BRR", "--strata", "tier"], "replaces --strata"),
        (["--repweights", "^rep", "--rep-type", "JKn", "--rep-rscales", "a,b"], "give numbers"),
    ]:
        result = runner.invoke(args=["stats", *columns, *extra])
        assert result.exit_code == 1 and message in result.output, (extra, result.output)
        assert "Traceback" not in result.output
