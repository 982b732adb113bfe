"""What the report tests share: the export as `survey stats` reads it, the command, the API."""

import csv
import io
import json

from survey.stats import SampleDesign

SPECIALS = {"-9", "-8"}


def exported(client, slug, tmp_path, keep=lambda row: True):
    """The responses CSV as downloaded, narrowed to completes with special codes blanked (as
    the report reads them); written for `survey stats` and returned as rows."""
    body = client.get(f"/reports/{slug}/responses.csv").data.decode("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["status"] == "complete" and keep(r)]
    for row in rows:
        for name, value in row.items():
            if value in SPECIALS:
                row[name] = ""
    path = tmp_path / "responses.csv"
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, rows


def design_of(rows) -> SampleDesign:
    """The export's design, as `survey stats --strata _stratum --weights _weight --fpc _fpc`."""
    return SampleDesign.build(
        len(rows),
        strata=[[r["_stratum"] for r in rows]],
        weights=[float(r["_weight"]) for r in rows],
        fpc=[float(r["_fpc"]) for r in rows],
        lonely_psu="adjust",
    )


def stats_cli(runner, path, *options):
    result = runner.invoke(args=["stats", str(path), *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def api(client, slug, **params):
    response = client.get(f"/api/v1/surveys/{slug}/estimates", query_string=params)
    assert response.status_code == 200, response.data
    return response.get_json()
