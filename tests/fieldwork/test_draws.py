"""Stratified draws: reproducible, allocations that add up, floors, replicates, release, weights."""

import csv
import io

import pytest
from sqlalchemy import func, select

from survey.models import CatiCase, Contact, Response, SampleDraw, StratumPopulation, Survey


@pytest.fixture
def frame(runner, fielded, tmp_path):
    fielded("branch-counter")
    lines = ["customer_ref,phone,stratum,branch"]
    sizes = {"SZ-gold": 40, "SZ-mass": 300, "HK-wealth": 12}
    number = 13800000000
    for stratum, size in sizes.items():
        for i in range(size):
            number += 1
            lines.append(f"{stratum}-{i:04d},{number},{stratum},{stratum[:2]}")
    path = tmp_path / "frame.csv"
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(args=["sample", "import", "branch-counter-test", str(path)])
    assert result.exit_code == 0, result.output
    return sizes


def drawn(db):
    return sorted(db.scalars(select(Contact.customer_ref).where(Contact.sampled.is_(True))))


def test_imported_frame_is_not_yet_sample(db, frame):
    assert (
        db.scalar(select(func.count()).select_from(Contact).where(Contact.sampled.is_(True))) == 0
    )


def test_proportional_draw_with_a_floor_adds_up(runner, db, frame):
    result = runner.invoke(
        args=[
            "sample",
            "draw",
            "branch-counter-test",
            "--size",
            "70",
            "--minimum",
            "10",
            "--seed",
            "7",
        ]
    )
    assert result.exit_code == 0, result.output
    record = db.scalar(select(SampleDraw))
    assert sum(record.allocation.values()) == 70
    assert record.allocation["HK-wealth"] == 10
    per_stratum = dict(
        db.execute(
            select(Contact.stratum, func.count())
            .where(Contact.sampled.is_(True))
            .group_by(Contact.stratum)
        ).all()
    )
    assert per_stratum == record.allocation
    populations = dict(
        db.execute(select(StratumPopulation.stratum, StratumPopulation.population)).all()
    )
    assert populations == frame


def test_same_seed_same_sample(runner, app, db, frame):
    runner.invoke(args=["sample", "draw", "branch-counter-test", "--size", "50", "--seed", "42"])
    first = drawn(db)
    db.execute(Contact.__table__.update().values(sampled=False, replicate=None))
    db.commit()
    runner.invoke(args=["sample", "draw", "branch-counter-test", "--size", "50", "--seed", "42"])
    db.expire_all()
    assert drawn(db) == first
    db.execute(Contact.__table__.update().values(sampled=False, replicate=None))
    db.commit()
    runner.invoke(args=["sample", "draw", "branch-counter-test", "--size", "50", "--seed", "43"])
    db.expire_all()
    assert drawn(db) != first


def test_replicates_are_released_one_at_a_time(runner, db, frame):
    runner.invoke(
        args=[
            "sample",
            "draw",
            "branch-counter-test",
            "--size",
            "60",
            "--seed",
            "1",
            "--replicates",
            "3",
        ]
    )
    sizes = dict(
        db.execute(
            select(Contact.replicate, func.count())
            .where(Contact.sampled.is_(True))
            .group_by(Contact.replicate)
        ).all()
    )
    assert sizes == {1: 20, 2: 20, 3: 20}
    db.rollback()  # end the test's read snapshot before the command writes
    result = runner.invoke(args=["sample", "release", "branch-counter-test", "--replicate", "2"])
    assert "Released 20" in result.output
    assert db.scalar(select(func.count()).select_from(CatiCase)) == 20  # the survey calls too
    again = runner.invoke(args=["sample", "release", "branch-counter-test", "--replicate", "2"])
    assert "Released 0" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "1000"], "fewer than 1000"),
        (["--size", "20", "--minimum", "10", "--method", "equal"], "needs more than 20"),
        (["--size", "5", "--method", "quota"], "quota"),
    ],
)
def test_impossible_draws_are_refused(runner, frame, args, message):
    result = runner.invoke(args=["sample", "draw", "branch-counter-test", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_export_carries_weights_and_fpc_from_the_populations(runner, db, frame):
    runner.invoke(args=["sample", "draw", "branch-counter-test", "--size", "30", "--seed", "3"])
    survey = db.scalar(select(Survey))
    for stratum, n in (("SZ-mass", 4), ("SZ-gold", 2)):
        for _ in range(n):
            db.add(
                Response(
                    survey_id=survey.id,
                    questionnaire_version_id=survey.questionnaire_version_id,
                    mode="web",
                    language="zh-Hans",
                    status="complete",
                    stratum=stratum,
                )
            )
    db.commit()
    output = runner.invoke(args=["export", "branch-counter-test", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(output)))
    mass = next(r for r in rows if r["_stratum"] == "SZ-mass")
    assert float(mass["_weight"]) == pytest.approx(300 / 4)
    assert mass["_fpc"] == "300"
