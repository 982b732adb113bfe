"""`survey index-weights FILE.csv …`: a satisfaction index's item weights estimated by a
PLS path model, with design-based bootstrap intervals (stats/pls.py)."""

from __future__ import annotations

import json

import click

from ..stats.names import LONELY_PSU, SCHEMES
from .stats import columns_of, design_from


def _blocks(values: tuple[str, ...]) -> dict[str, list[str]]:
    blocks = {}
    for value in values:
        name, _, items = value.partition("=")
        columns = [c.strip() for c in items.split(",") if c.strip()]
        if not name.strip() or not columns:
            raise click.ClickException(f"--block {value!r}: write NAME=item1,item2,…")
        if name.strip() in blocks:
            raise click.ClickException(f"--block {name.strip()!r} is given twice")
        blocks[name.strip()] = columns
    return blocks


def _paths(values: tuple[str, ...]) -> list[tuple[str, str]]:
    paths = []
    for value in values:
        cause, _, effect = value.partition(":")
        if not cause.strip() or not effect.strip():
            raise click.ClickException(f"--path {value!r}: write CAUSE:EFFECT")
        paths.append((cause.strip(), effect.strip()))
    return paths


def _scale(value: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in value.split(","))
    except ValueError:
        raise click.ClickException(
            f"--scale {value!r}: write LOW,HIGH (for example 1,10)"
        ) from None
    return low, high


def _table(result, index: str) -> str:
    lines = [f"{'item':<16}{'weight':>8}{'se':>8}{'95% interval':>20}"]
    for item, weight in result.weights.items():
        low, high = result.weight_intervals[item]
        lines.append(
            f"{item:<16}{weight:>8.3f}{result.weight_se[item]:>8.3f}{low:>10.3f} – {high:<7.3f}"
        )
    lines.append(
        f"{index} index (0–100): {result.estimate:.2f} (SE {result.se:.2f}; 95% "
        f"{result.interval[0]:.2f} – {result.interval[1]:.2f}), n {result.n}, "
        f"{result.replicates} {result.replicate_type} replicates, df {result.df}"
    )
    lines.append(
        "paths: "
        + ", ".join(f"{c} → {e} {v:.3f}" for (c, e), v in result.fit.paths.items())
        + "; R²: "
        + ", ".join(f"{b} {v:.3f}" for b, v in result.fit.r_squared.items())
    )
    return "\n".join(lines)


@click.command("index-weights")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--block", "blocks", multiple=True, required=True,
              help="A latent variable and its items: NAME=col1,col2 (repeat for each).")  # fmt: skip
@click.option("--path", "paths", multiple=True, required=True,
              help="A path between two blocks: CAUSE:EFFECT (repeat for each).")  # fmt: skip
@click.option("--index", required=True, help="The block whose items make the index.")
@click.option("--scale", "scale", required=True, help="The items' answer scale: LOW,HIGH.")
@click.option("--strata", help="Stratum column(s), comma-separated.")
@click.option("--ids", help="PSU (cluster) column.")
@click.option("--weights", help="Sampling weight column.")
@click.option("--fpc", help="Population size (of PSUs) per stratum, or a sampling fraction.")
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU), default="fail", show_default=True)
@click.option("--scheme", type=click.Choice(SCHEMES), default="path", show_default=True)
@click.option("--unscaled", is_flag=True, help="Centre the items only (one answer scale).")
@click.option("--replicates", default=200, show_default=True, help="Bootstrap replicates.")
@click.option("--seed", type=int, help="Seed of the bootstrap (the same seed, the same SEs).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True
)
def index_weights_command(file, blocks, paths, index, scale, strata, ids, weights, fpc,
                          lonely_psu, scheme, unscaled, replicates, seed, fmt):  # fmt: skip
    """A satisfaction index's item weights from a PLS path model (ACSI-style), with
    intervals from a bootstrap of the sample design, and the index with them."""
    from ..stats.errors import DesignError, EstimationError  # noqa: PLC0415
    from ..stats.pls import PathModel, estimate_index  # noqa: PLC0415
    from .table import Table, TableError  # noqa: PLC0415

    model = PathModel(_blocks(blocks), _paths(paths))
    low, high = _scale(scale)
    items = [item for columns in model.blocks.values() for item in columns]
    try:
        numeric = list(dict.fromkeys(items + [c for c in (weights, fpc) if c]))
        labels = list(dict.fromkeys(columns_of(strata) + ([ids] if ids else [])))
        values, texts, rows = Table.load(file, numeric, labels)
        design = design_from(values, texts, rows, strata, ids, weights, fpc, lonely_psu)
        result = estimate_index(
            design, model, {i: values[i] for i in items}, index, (low, high), replicates, seed,
            scheme=scheme, scaled=not unscaled,
        )  # fmt: skip
    except (TableError, DesignError, EstimationError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if fmt == "table":
        click.echo(_table(result, index))
        return
    click.echo(
        json.dumps(
            {
                "index": index,
                "estimate": result.estimate,
                "se": result.se,
                "ci_low": result.interval[0],
                "ci_high": result.interval[1],
                "df": result.df,
                "n": result.n,
                "replicates": result.replicates,
                "weights": [
                    {
                        "item": item,
                        "weight": w,
                        "se": result.weight_se[item],
                        "ci_low": result.weight_intervals[item][0],
                        "ci_high": result.weight_intervals[item][1],
                    }  # fmt: skip
                    for item, w in result.weights.items()
                ],
                "outer_weights": result.fit.weights,
                "loadings": result.fit.loadings,
                "paths": [
                    {"from": c, "to": e, "coefficient": v} for (c, e), v in result.fit.paths.items()
                ],
                "r_squared": result.fit.r_squared,
            },
            ensure_ascii=False,
        )
    )
