"""The SQLAlchemy engine and session for the application, bound in the factory.

Plain SQLAlchemy rather than an extension: the models stay usable from the CLI,
benchmarks and migrations without a Flask application.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import current_app, request
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from .writer_queue import WriterQueue

SQLITE_BUSY_TIMEOUT_MS = 30_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL addresses written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_IMMEDIATE = "sqlite_begin_immediate"
WRITE_LOCK = {_IMMEDIATE: True}


class QueuedWriterConnection(sqlite3.Connection):
    """A SQLite connection whose writing transactions queue in arrival order before they take
    SQLite's write lock, and leave the queue as they end (``writer_queue``).

    The queue only orders; SQLite's write lock still keeps writers apart.
    """

    lock_path: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queue: WriterQueue | None = None

    def queue_for_write(self) -> None:
        """Wait for the writers ahead, of this process and every other."""
        if self.lock_path is None or (self._queue and self._queue.ticket is not None):
            return
        if self._queue is None:
            self._queue = WriterQueue(self.lock_path)
        self._queue.join()

    def _leave(self) -> None:
        if self._queue is not None:
            self._queue.leave()

    def commit(self):
        try:
            return super().commit()
        finally:
            self._leave()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._leave()

    def close(self):
        if self._queue is not None:
            self._queue.close()
            self._queue = None
        return super().close()


def _queued_connection_class(database: str | None):
    if not database or database == ":memory:":
        return sqlite3.Connection
    return type("QueuedWriter", (QueuedWriterConnection,), {"lock_path": f"{database}-writers"})


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout; writing transactions begin IMMEDIATE.

    A SQLite transaction that reads and then writes fails at once with
    SQLITE_BUSY if another writer holds the lock or committed in between (the busy
    timeout does not apply to that upgrade). A transaction that will write therefore
    takes the write lock at BEGIN and waits its turn; read-only ones stay deferred so
    that readers never wait (WAL). One that began as a reader and comes to write
    anyway (a page view that records an audit event or marks a staff session seen)
    ends its read there and begins again as a writer, waiting its turn: what it read
    stays loaded, as after ``write_from_here``, and each statement sees what was
    committed before it, the guarantee PostgreSQL's default (READ COMMITTED) gives.
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
        immediate = bool(connection.get_execution_options().get(_IMMEDIATE))
        connection.info[_WRITING] = immediate
        if immediate:
            _queue_for_write(connection)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _writer_from_here(connection, _cursor, statement, *_rest):
        if connection.info.get(_WRITING) or statement.lstrip()[:8].upper().startswith(_READS):
            return
        connection.info[_WRITING] = True
        driver = connection.connection.driver_connection
        driver.execute("COMMIT")  # the read ends; nothing was written in it
        _queue_for_write(connection)
        driver.execute("BEGIN IMMEDIATE")


# Statements that leave a SQLite transaction a reader; any other (INSERT, UPDATE, DELETE, a
# migration's CREATE or ALTER, a savepoint, which is only taken to write and which ending
# the read would end) makes it a writer.
_READS = ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "BEGIN", "RELEASE", "ROLLBACK")
_WRITING = "survey_sqlite_writing"  # in a connection's info: its transaction holds the lock


def _queue_for_write(connection) -> None:
    driver = connection.connection.driver_connection
    if isinstance(driver, QueuedWriterConnection):
        driver.queue_for_write()


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: take the write lock now).

    Call it before the first query of a transaction that will write; requests
    with an unsafe method get it automatically. PostgreSQL ignores the option.
    """
    session.connection(execution_options=WRITE_LOCK)


def locks_when_writing(view):
    """Mark a view that takes the write lock itself (``write_from_here``) once it knows what
    it will store, instead of before its first statement: its reads and its work (a posted
    page checked and routed) then never hold up other writers, and a request refused or
    sent back with messages never waits for them."""
    view.locks_when_writing = True
    return view


def write_from_here(session: Session) -> None:
    """Take the write lock now, in a request that has only read so far, before it reads
    again what it will change (what it read may have changed since).

    On SQLite the reading transaction ends (what it read stays loaded) and a writing one
    begins, waiting its turn; elsewhere the database's row locks do the work.
    """
    if session.get_bind().dialect.name != "sqlite" or holds_write_lock(session):
        return
    session.commit()
    begin_write(session)


def holds_write_lock(session: Session) -> bool:
    """Whether the session's transaction began as a SQLite writer (``begin_write``): it has
    held the database's write lock since its first statement, so what it read is current
    and no other writer can change it before it ends."""
    connection = session.connection()
    return connection.dialect.name == "sqlite" and bool(
        connection.get_execution_options().get(_IMMEDIATE)
    )


def make_engine(url: str, **options) -> Engine:
    """Create an engine with the settings each backend needs.

    Statement parameters are kept out of error messages (``hide_parameters``): they hold
    customers' names and numbers, and an error's message ends up in the log.
    """
    url = normalise_url(url)
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":  # SQLite creates the file, not its folder
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "factory": _queued_connection_class(database),
            },
            **options,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, pool_pre_ping=True, connect_args={"prepare_threshold": None}, **options
    )


class Database:
    """Engine and request-scoped session for one Flask application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] | None = None

    def init_app(self, app) -> None:
        self.engine = make_engine(app.config["SURVEY_DATABASE_URL"])
        self.session = scoped_session(sessionmaker(self.engine, expire_on_commit=False))
        app.extensions["survey_db"] = self

        @app.before_request
        def _writers_take_the_lock():
            view = app.view_functions.get(request.endpoint)
            if request.method not in SAFE_METHODS and not hasattr(view, "locks_when_writing"):
                begin_write(self.session())

        @app.teardown_appcontext
        def _remove_session(_exc):
            self.session.remove()


def get_db(app=None) -> Database:
    """The Database bound to the given (or current) application."""
    return (app or current_app).extensions["survey_db"]


def db_session() -> Session:
    """The current request's (or CLI command's) database session."""
    return get_db().session()
