"""The report's numbers equal the statistics engine's on the exported data: the estimates
API against `survey stats` on the exported CSV, the pages against the API, and a filter
against the engine's domain estimate."""

import csv

import numpy as np
import pytest

from survey.stats import proportion
from survey.stats.comparisons import adjust_p_values, contrast_domains
from tests.reports.helpers import api, design_of, exported, stats_cli


def assert_same(left, right):
    assert len(left["estimates"]) == len(right["estimates"])
    for a, b in zip(left["estimates"], right["estimates"], strict=True):
        assert a["by"] == b["by"] and a["n"] == b["n"] and a["df"] == b["df"]
        for key in ("estimate", "se", "ci_low", "ci_high", "deff"):
            if b[key] is None:  # R's deff is undefined without an fpc and equal weights
                assert a[key] is None, key
            else:
                assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-12), key


DESIGN = ["--strata", "_stratum", "--weights", "_weight", "--fpc", "_fpc", "--lonely-psu", "adjust"]


@pytest.mark.parametrize(
    "var, stat, by",
    [
        ("q_overall", "mean", None),
        ("q_overall", "mean", "tier"),
        ("q_nps", "nps", None),
        ("q_nps", "nps", "branch"),
        ("q_wait_minutes", "total", None),
        ("q_competence", "mean", "q_helpful"),
    ],
)
def test_api_equals_survey_stats_on_the_export(
    client, auth, runner, reported, tmp_path, var, stat, by
):
    slug = reported()
    auth.login_as("manager")
    path, _ = exported(client, slug, tmp_path)
    # The API gives each domain its own df, as `survey stats --domain-df domain`.
    options = ["--var", var, "--stat", stat, *DESIGN] + (
        ["--by", by, "--domain-df", "domain"] if by else []
    )
    expected = stats_cli(runner, path, *options)
    assert_same(api(client, slug, var=var, stat=stat, **({"by": by} if by else {})), expected)


def test_top2_is_the_proportion_of_the_top_box_on_the_export(
    client, auth, runner, reported, tmp_path
):
    slug = reported()
    auth.login_as("manager")
    path, rows = exported(client, slug, tmp_path)
    # branch-counter's overall question runs 1–3 with a top box of one point: 3 is satisfied.
    for row in rows:
        row["top"] = "" if row["q_overall"] == "" else str(int(row["q_overall"] == "3"))
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    expected = stats_cli(
        runner,
        path,
        "--var",
        "top",
        "--stat",
        "prop",
        *DESIGN,
        "--by",
        "branch",
        "--domain-df",
        "domain",
    )
    got = api(client, slug, var="q_overall", stat="top2", by="branch")
    for entry in expected["estimates"]:
        entry["var"], entry["stat"] = "q_overall", "top2"
    assert_same(got, expected)
    assert got["estimates"][0]["ci_method"] == "logit"


def test_unweighted_switch_equals_a_simple_random_sample(client, auth, runner, reported, tmp_path):
    slug = reported()
    auth.login_as("manager")
    path, _ = exported(client, slug, tmp_path)
    expected = stats_cli(runner, path, "--var", "q_overall")
    assert_same(api(client, slug, var="q_overall", weights="off"), expected)
    weighted = api(client, slug, var="q_overall")["estimates"][0]["estimate"]
    assert weighted != pytest.approx(expected["estimates"][0]["estimate"], rel=1e-6)


def test_a_filter_is_a_domain_of_the_whole_design(client, auth, reported, tmp_path):
    """period=2026-10&tier=gold keeps every stratum's sample size, as R's subset() does."""
    slug = reported()
    auth.login_as("manager")
    _, rows = exported(client, slug, tmp_path)
    design = design_of(rows)
    y = np.array([float(r["q_overall"]) if r["q_overall"] else np.nan for r in rows])
    top = np.where(np.isnan(y), np.nan, (y == 3).astype(float))
    inside = np.array(
        [r["completed_at"].startswith("2026-10") and r["tier"] == "gold" for r in rows]
    )
    engine = proportion(design, top, inside, df_rows=inside & ~np.isnan(top))
    got = api(client, slug, var="q_overall", stat="top2", period="2026-10", tier="gold")[
        "estimates"
    ][0]
    assert got["estimate"] == pytest.approx(engine.estimate, rel=1e-9)
    assert got["se"] == pytest.approx(engine.se, rel=1e-9)
    assert got["df"] == engine.df and got["n"] == engine.n
    assert got["ci_low"] == pytest.approx(engine.confidence_interval().low, rel=1e-9)


def _cells(html: str, label: str) -> list[str]:
    """The cells of the table row headed ``label``, as text."""
    import re

    row = re.search(
        r"<tr[^>]*>\s*<th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", html, re.S
    )
    assert row, f"no row {label!r}"
    return [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_overview_prints_the_api_figures(client, auth, reported):
    slug = reported()
    auth.login_as("manager")
    html = client.get(f"/reports/{slug}/").data.decode()
    csat = api(client, slug, var="q_overall", stat="top2")["estimates"][0]
    cells = _cells(html, "Satisfied (top-2-box CSAT), %")
    assert cells[0] == f"{100 * csat['estimate']:.1f}"
    assert cells[1] == f"{100 * csat['ci_low']:.1f} – {100 * csat['ci_high']:.1f}"
    assert cells[4] == str(csat["n"]) and cells[5] == f"{csat['deff']:.2f}"
    nps = api(client, slug, var="q_nps", stat="nps")["estimates"][0]
    cells = _cells(html, "Net Promoter Score")
    assert cells[0] == f"{nps['estimate']:.1f}" and cells[4] == str(nps["n"])


def test_segments_flag_what_the_engine_finds_different_after_holm(client, auth, reported, tmp_path):
    slug = reported()
    auth.login_as("manager")
    _, rows = exported(client, slug, tmp_path)
    design = design_of(rows)
    y = np.array([float(r["q_overall"]) if r["q_overall"] else np.nan for r in rows])
    branches = np.array([r["branch"] for r in rows])
    names = sorted(set(branches))
    p_values = [contrast_domains(design, y, branches == b, branches != b).p_value for b in names]
    adjusted = adjust_p_values(p_values, "holm")
    html = client.get(f"/reports/{slug}/segments?by=branch&measure=mean").data.decode()
    flagged = 0
    for name, p in zip(names, adjusted, strict=True):
        cells = _cells(html, name)
        assert cells[-1] == (f"{p:.3f}" if p >= 0.001 else "&lt; 0.001")
        assert ("below the rest" in cells[-2] or "above the rest" in cells[-2]) == (p < 0.05)
        flagged += p < 0.05
    assert flagged, "the fixture's SZ-002 is built less satisfied; it must stand out"
