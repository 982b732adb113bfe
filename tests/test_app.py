"""Configuration, health check, schema and migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from survey import create_app
from survey.config import ConfigurationError
from survey.database import get_db, make_engine
from survey.models import Base


def test_healthz_answers_when_the_database_works(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database():
    app = create_app({"SURVEY_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()


def test_development_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/elsewhere.sqlite3"
    monkeypatch.setenv("SURVEY_DATABASE_URL", url)
    assert create_app().config["SURVEY_DATABASE_URL"] == url


# Alembic cannot compare an index with a sort order (it reflects them as expressions); the
# next test checks that one directly.
ORDERED_INDEXES = {"ix_cati_cases_order"}


def test_migrations_match_the_models(app):
    def include(obj, name, type_, reflected, compare_to):
        return not (type_ == "index" and name in ORDERED_INDEXES)

    with get_db(app).engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_queue_order_index_exists(app):
    indexes = {i["name"]: i for i in inspect(get_db(app).engine).get_indexes("cati_cases")}
    assert "ix_cati_cases_order" in indexes


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.sqlite3")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
