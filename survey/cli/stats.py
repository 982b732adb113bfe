"""`survey stats FILE.csv …`: design-based estimates from any CSV (DESIGN.md contract)."""

from __future__ import annotations

import json
import math
import re

import click

from ..stats.names import (
    ESTIMATOR_NAMES,
    LONELY_PSU,
    MEAN_METHODS,
    PROPORTION_METHODS,
    QUANTILE_METHODS,
    REPLICATE_TYPES,
)

# NumPy, SciPy, Arrow and the estimators load inside the command, so `--help` and a
# mistyped option answer at once.

SMALL_BASE = 30


def columns_of(value: str | None) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()] if value else []


def design_from(values, texts, rows, strata, ids, weights, fpc, lonely_psu):
    """The design the command-line options name, from the columns Table.load read."""
    from ..stats import SampleDesign  # noqa: PLC0415 (see the imports)

    return SampleDesign.build(
        rows,
        strata=[texts[c] for c in columns_of(strata)] or None,
        ids=texts[ids] if ids else None,
        weights=values[weights] if weights else None,
        fpc=values[fpc] if fpc else None,
        lonely_psu=lonely_psu,
    )


def _replicate_columns(file, pattern, rep_type, strata, ids, fpc) -> list[str]:
    """The columns of replicate weights --repweights matches, in the file's order."""
    from .table import Table  # noqa: PLC0415 (see the imports)

    if not pattern:
        return []
    if not rep_type:
        raise click.ClickException(
            "--repweights needs --rep-type (JK1, JKn, BRR, Fay, bootstrap or other)"
        )
    if strata or ids or fpc:
        raise click.ClickException(
            "--repweights replaces --strata, --ids and --fpc: the replicate weights carry the design"
        )
    try:
        matcher = re.compile(pattern)
    except re.error as error:
        raise click.ClickException(
            f"--repweights {pattern!r} is not a regular expression: {error}"
        ) from None
    columns = [name for name in Table.header_of(file) if matcher.search(name)]
    if len(columns) < 2:
        raise click.ClickException(
            f"--repweights {pattern!r} matches {len(columns)} column(s) of {file}; replicate weights need two or more"
        )
    return columns


def _rscales(text: str | None):
    if not text:
        return None
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise click.ClickException(
            f"--rep-rscales {text!r}: give numbers separated by commas"
        ) from None


def _quantiles(design, y, groups, p, var, by_column, level, method, domain_df) -> list[dict]:
    """The quantile overall or in each domain (sorted), as svyquantile / svyby; a bound R
    gives as NaN (the CDF's interval reaching 0 or 1) is null."""
    import numpy as np  # noqa: PLC0415 (see the imports)

    from ..stats.quantiles import quantile  # noqa: PLC0415
    from ..stats.standards import floor_flag  # noqa: PLC0415

    present = ~np.isnan(y)
    domains = [(None, None)]
    if hasattr(groups, "codes"):
        groups = groups.tolist()
    if groups is not None:
        names = sorted({g for g, here in zip(groups, present, strict=True) if here})
        labels = np.asarray(groups, dtype=object)
        domains = [(name, labels == name) for name in names]
    entries = []
    for name, mask in domains:
        rows = present if (mask is None or domain_df == "design") else present & mask
        q = quantile(design, y, p, mask, level, method, df_rows=rows)
        entries.append(
            {
                "by": None if by_column is None else {by_column: name},
                "var": var,
                "stat": "quantile",
                "p": p,
                "estimate": q.estimate,
                "se": None if math.isnan(q.se) else q.se,
                "ci_low": None if math.isnan(q.ci_low) else q.ci_low,
                "ci_high": None if math.isnan(q.ci_high) else q.ci_high,
                "confidence_level": level,
                "ci_method": method,
                "df": q.df,
                "deff": None,
                "n": q.n,
                # svyquantile gives no design effect: the effective size is n itself.
                "n_eff": float(q.n),
                "flag": floor_flag(float(q.n), q.df),
            }
        )
    return entries


def _table(entries: list[dict], by_column: str | None) -> str:
    head = [by_column or "", "estimate", "se", "ci_low", "ci_high", "n", "n_eff", "deff", "flag"]
    rows = [
        [
            ("" if e["by"] is None else str(next(iter(e["by"].values())))),
            *(
                "—" if e[key] is None else f"{e[key]:.4f}"
                for key in ("estimate", "se", "ci_low", "ci_high")
            ),
            str(e["n"]),
            "" if e["n_eff"] is None else f"{e['n_eff']:.1f}",
            "" if e["deff"] is None else f"{e['deff']:.3f}",
            e["flag"] or "",
        ]
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [head, *rows]
    ]
    first = entries[0]
    lines.append(
        f"{first['stat']} of {first['var']}: {first['confidence_level']:.0%} intervals ({first['ci_method']}), design df {first['df']}"
    )
    flagged = [row[0] or "all" for row, e in zip(rows, entries, strict=True) if e["flag"]]
    if flagged:
        lines.append(
            f"caution: {', '.join(flagged)} flagged by the presentation standard (NCHS): "
            "suppress = too few effective responses or too wide an interval; review = few "
            "degrees of freedom, an estimate of 0 or 100 %, or a large relative error"
        )
    return "\n".join(lines)


@click.command("stats")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--var", required=True, help="The column to estimate.")
@click.option(
    "--stat",
    type=click.Choice([*ESTIMATOR_NAMES, "quantile"]),
    default="mean",
    show_default=True,
)
@click.option(
    "--p", "quantile_p", type=float, help="With --stat quantile: which quantile (0.5 the median)."
)
@click.option("--strata", help="Stratum column(s), comma-separated; several are crossed.")
@click.option("--ids", help="PSU (cluster) column; none: each row is its own PSU.")
@click.option("--weights", help="Sampling weight column; none: equal weights (or N/n from --fpc).")
@click.option("--fpc", help="Population size (of PSUs) per stratum, or a sampling fraction ≤ 1.")
@click.option("--by", "by_column", help="Estimate within each value of this column.")
@click.option("--confidence-level", default=0.95, show_default=True, type=float)
@click.option(
    "--ci-method",
    help="t (default) or normal; for prop: logit (default), beta, mean, xlogit, asin, wilson, "
    "likelihood.",
)
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU), default="fail", show_default=True)
@click.option(
    "--domain-df",
    type=click.Choice(["design", "domain"]),
    default="design",
    show_default=True,
    help="A --by domain's degrees of freedom: the whole design's (R's svyby) or the domain's "
    "own (R on subset(design, …)), wider for a small domain cutting across strata.",
)
@click.option(
    "--repweights",
    help="Replicate weights: a regular expression matching their columns (R's svrepdesign "
    "repweights=); they replace --strata, --ids and --fpc.",
)
@click.option(
    "--rep-type",
    type=click.Choice(REPLICATE_TYPES),
    help="The replicates' kind. Without --repweights, replicates of this kind are made from "
    "--strata/--ids/--fpc (R's as.svrepdesign: JK1, JKn, BRR, Fay, bootstrap).",
)
@click.option("--rep-scale", type=float, help="The replicates' overall scale (R's scale=).")
@click.option(
    "--rep-rscales", help="Per-replicate scales, comma-separated, or one for all (R's rscales=)."
)
@click.option(
    "--rep-factors",
    is_flag=True,
    help="The replicate columns multiply the sampling weight (R's combined.weights=FALSE).",
)
@click.option("--fay-rho", type=float, help="Fay's rho (with --rep-type Fay).")
@click.option("--replicates", default=50, show_default=True, help="Bootstrap replicates to make.")
@click.option("--seed", type=int, help="Seed of a made bootstrap (the same seed, the same SEs).")
@click.option(
    "--mse", is_flag=True, help="Centre replicates on the full-sample estimate (R's mse=TRUE)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True
)
def stats_command(
    file,
    var,
    stat,
    quantile_p,
    strata,
    ids,
    weights,
    fpc,
    by_column,
    confidence_level,
    ci_method,
    lonely_psu,
    domain_df,
    repweights,
    rep_type,
    rep_scale,
    rep_rscales,
    rep_factors,
    fay_rho,
    replicates,
    seed,
    mse,
    fmt,
):
    """Design-based estimates (mean, total, proportion, NPS, quantile) with intervals, as R's
    survey package."""
    from ..stats import ESTIMATORS, by  # noqa: PLC0415 (see the imports)
    from ..stats.errors import DesignError, EstimationError  # noqa: PLC0415
    from ..stats.estimate import own_df  # noqa: PLC0415
    from ..stats.replicates import as_replicate, replicate_design  # noqa: PLC0415
    from .table import Table, TableError  # noqa: PLC0415

    valid = {"prop": PROPORTION_METHODS, "quantile": QUANTILE_METHODS}.get(stat, MEAN_METHODS)
    if (stat == "quantile") != (quantile_p is not None):
        raise click.ClickException("--p goes with --stat quantile, and --stat quantile needs --p")
    if quantile_p is not None and not 0 < quantile_p < 1:
        raise click.ClickException(f"--p must be between 0 and 1, not {quantile_p}")
    method = ci_method or valid[0]
    if method not in valid:
        raise click.ClickException(
            f"unknown --ci-method {method!r} for --stat {stat}; choose one of {', '.join(valid)}"
        )
    if not 0 < confidence_level < 1:
        raise click.ClickException(
            f"--confidence-level must be between 0 and 1, not {confidence_level}"
        )
    try:
        replicate_columns = _replicate_columns(file, repweights, rep_type, strata, ids, fpc)
        numeric = list(dict.fromkeys([var] + [c for c in (weights, fpc) if c] + replicate_columns))
        labels = list(dict.fromkeys(columns_of(strata) + [c for c in (ids, by_column) if c]))
        values, texts, rows = Table.load(file, numeric, labels)
        if replicate_columns:
            design = replicate_design(
                values[weights] if weights else None,
                [values[c] for c in replicate_columns],
                rep_type,
                rep_scale,
                _rscales(rep_rscales),
                combined=not rep_factors,
                mse=mse,
                rho=fay_rho,
            )
        else:
            design = design_from(values, texts, rows, strata, ids, weights, fpc, lonely_psu)
            if rep_type:
                design = as_replicate(design, rep_type, replicates, fay_rho or 0.0, seed, mse)
        y = values[var]
        if stat == "quantile":
            entries = _quantiles(design, y, texts.get(by_column), quantile_p, var, by_column,
                                 confidence_level, method, domain_df)  # fmt: skip
            click.echo(
                json.dumps({"estimates": entries}, ensure_ascii=False)
                if fmt == "json"
                else _table(entries, by_column)
            )
            return
        estimator = ESTIMATORS[stat]
        results = (
            by(design, y, texts[by_column], estimator)
            if by_column
            else [(None, estimator(design, y))]
        )
        if domain_df == "domain":
            results = [(domain, own_df(e)) for domain, e in results]
        entries = [
            e.entry(var, stat, domain, by_column, confidence_level, method) for domain, e in results
        ]
    except (TableError, DesignError, EstimationError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    for entry in entries:
        for key in ("estimate", "se", "ci_low", "ci_high"):
            if entry[key] is not None and not math.isfinite(entry[key]):
                raise click.ClickException(
                    f"{key} is not finite for {entry['by'] or 'the whole sample'}; check the design"
                )
    click.echo(
        json.dumps({"estimates": entries}, ensure_ascii=False)
        if fmt == "json"
        else _table(entries, by_column)
    )
