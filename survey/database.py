"""The SQLAlchemy engine and session for the application, bound in the factory.

Plain SQLAlchemy rather than an extension: the models stay usable from the CLI,
benchmarks and migrations without a Flask application.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL addresses written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout; transactions begin IMMEDIATE.

    pysqlite opens transactions lazily and as readers, so two writers can both
    read and then fail with SQLITE_BUSY on upgrade (the busy timeout does not
    apply there). Taking the write lock at BEGIN makes writers queue instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **options) -> Engine:
    """Create an engine with the settings each backend needs."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


class Database:
    """Engine and request-scoped session for one Flask application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] | None = None

    def init_app(self, app) -> None:
        self.engine = make_engine(app.config["SURVEY_DATABASE_URL"])
        self.session = scoped_session(sessionmaker(self.engine, expire_on_commit=False))
        app.extensions["survey_db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc):
            self.session.remove()


def get_db(app=None) -> Database:
    """The Database bound to the given (or current) application."""
    return (app or current_app).extensions["survey_db"]


def db_session() -> Session:
    """The current request's (or CLI command's) database session."""
    return get_db().session()
