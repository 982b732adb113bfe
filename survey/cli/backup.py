"""Back up and restore the embedded SQLite database with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the application keeps
serving (readers and writers are not stopped), which a file copy of a WAL database cannot
promise. PostgreSQL has its own tools (`pg_dump` / `pg_restore`, docs/operations.md); these
commands refuse a PostgreSQL address rather than pretend.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url

from . import schema

PAGES_PER_STEP = 4096  # copy in steps so writers get the lock between them


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revision: str | None
    tables: dict[str, int]
    """Rows per table in the written copy, for the operator to check."""


def sqlite_path(engine: Engine) -> Path:
    """The database file behind an SQLite engine; a clear error for anything else."""
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "survey backup and survey restore work on the embedded SQLite database. "
            "For PostgreSQL use pg_dump and pg_restore (see docs/operations.md)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database has no file to back up.")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=PAGES_PER_STEP)


def _check(path: Path) -> tuple[str | None, dict[str, int]]:
    """Integrity-check a database file; return its migration revision and row counts."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path}: cannot be opened as an SQLite database ({error}).") from None
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path}: the database is damaged ({result}).")
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if "alembic_version" not in names:
            raise BackupError(f"{path}: this is not a survey database (no migration record).")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
            for name in sorted(names)
            if name != "alembic_version"
        }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a readable SQLite database ({error}).") from None
    finally:
        connection.close()
    return (revision[0] if revision else None), counts


def backup(engine: Engine, destination: str | os.PathLike) -> BackupResult:
    """Write a consistent copy of the live database to ``destination`` (written beside it
    first and renamed, so a failed backup never leaves a half file under the real name)."""
    source_path = sqlite_path(engine)
    if not source_path.exists():
        raise BackupError(f"{source_path}: no database yet; run `survey init-db` first.")
    target = Path(destination)
    if target.resolve() == source_path.resolve():
        raise BackupError("The backup file must not be the live database itself.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder for the backup.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(partial)
    try:
        _copy(source, copy)
    finally:
        copy.close()
        source.close()
    revision, counts = _check(partial)
    os.replace(partial, target)
    return BackupResult(target, revision, counts)


def restore(engine: Engine, origin: str | os.PathLike) -> BackupResult:
    """Replace the live database's content with a backup's, then bring it to the newest
    migration. The backup is checked whole before anything is overwritten."""
    live_path = sqlite_path(engine)
    origin = Path(origin)
    if not origin.is_file():
        raise BackupError(f"{origin}: no such backup file.")
    revision, counts = _check(origin)
    known = schema.known_revisions()
    if revision is not None and revision not in known:
        raise BackupError(
            f"{origin}: made by a newer version of the application (migration {revision}); "
            "upgrade the application before restoring it."
        )
    engine.dispose()  # our own pooled connections must not hold the old pages
    live_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{origin}?mode=ro", uri=True)
    target = sqlite3.connect(live_path, timeout=30)
    try:
        _copy(source, target)
    finally:
        target.close()
        source.close()
    schema.upgrade(engine)
    return BackupResult(live_path, schema.current_revision(engine), counts)
