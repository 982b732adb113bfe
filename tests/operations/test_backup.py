"""`survey backup` / `survey restore`: a restored SQLite database holds exactly the data
backed up, a bad backup is refused before anything is overwritten, PostgreSQL is pointed
to pg_dump."""

import sqlite3

import pytest

from survey import create_app
from survey.cli import schema
from survey.database import get_db, make_engine


@pytest.fixture
def app(tmp_path):
    """This module's application is always on an SQLite file, whichever database the suite
    runs on: the commands under test are SQLite's."""
    path = tmp_path / "live.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    application = create_app(
        {
            "TESTING": True,
            "SURVEY_DATABASE_URL": f"sqlite:///{path}",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    yield application
    get_db(application).engine.dispose()


def _dump(path) -> dict[str, list[tuple]]:
    """Every table's rows in storage order."""
    connection = sqlite3.connect(path)
    try:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()  # noqa: S608
            for (table,) in tables.fetchall()
        }
    finally:
        connection.close()


def _live_path(app) -> str:
    return app.config["SURVEY_DATABASE_URL"].removeprefix("sqlite:///")


def test_restore_gives_back_identical_data(app, runner, reported, make_user, tmp_path):
    reported(per_month=40)
    make_user("ops", "admin")
    before = _dump(_live_path(app))
    assert len(before["answers"]) > 500
    result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    assert f"{len(before['responses'])} responses" in result.output

    # Data changes after the backup: a response deleted, a user added.
    connection = sqlite3.connect(_live_path(app))
    with connection:
        connection.execute("DELETE FROM answers WHERE response_id = 1")
        connection.execute("DELETE FROM responses WHERE id = 1")
    connection.close()
    make_user("later", "manager")
    assert _dump(_live_path(app)) != before

    result = runner.invoke(args=["restore", str(tmp_path / "copy.db"), "--yes"])
    assert result.exit_code == 0, result.output
    assert _dump(_live_path(app)) == before


def test_backup_is_consistent_while_a_reader_holds_the_database(app, runner, reported, tmp_path):
    reported(per_month=20)
    reader = sqlite3.connect(_live_path(app))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM answers").fetchone()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "online.db")])
    finally:
        reader.close()
    assert result.exit_code == 0, result.output
    assert _dump(tmp_path / "online.db") == _dump(_live_path(app))
    assert not (tmp_path / "online.db.partial").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a survey database"),
        (b"this is a spreadsheet, not a database" * 100, "not a readable SQLite database"),
    ],
)
def test_restore_refuses_a_bad_file_and_keeps_the_data(
    app, runner, reported, tmp_path, content, message
):
    reported(per_month=10)
    before = _dump(_live_path(app))
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 1
    assert message in result.output
    assert _dump(_live_path(app)) == before


def test_restore_refuses_a_backup_from_a_newer_version(app, runner, tmp_path):
    runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    connection = sqlite3.connect(tmp_path / "copy.db")
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    result = runner.invoke(args=["restore", str(tmp_path / "copy.db"), "--yes"])
    assert result.exit_code == 1
    assert "newer version of the application (migration 9999)" in result.output


def test_restore_asks_before_replacing(app, runner, tmp_path):
    runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    result = runner.invoke(args=["restore", str(tmp_path / "copy.db")], input="n\n")
    assert result.exit_code == 1
    assert "Aborted" in result.output


def test_postgresql_is_sent_to_pg_dump(tmp_path):
    application = create_app(
        {"TESTING": True, "SURVEY_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    )
    result = application.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
