"""The task queue and where it lives.

``SURVEY_QUEUE_URL`` chooses it: unset, an SQLite file in the instance folder (one machine,
no extra server); ``redis://host:port/db`` for Redis (many machines); ``immediate`` runs
each task at once in the process that enqueues it (the tests). Tasks are declared on the
one ``huey`` object at import and the storage is attached when the app is made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

huey = Huey("survey", immediate=True, utc=True)
_state: dict = {"app": None}


def configure(url: str | None, instance_path: str) -> str:
    """Attach the storage ``url`` names; returns a description for the log and /healthz."""
    if url == "immediate":
        huey.immediate = True
        return "immediate"
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
        where = "redis"
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(instance_path) / "queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": path}
        where = "sqlite"
    if huey.immediate:
        huey.immediate = False  # creates the storage
    else:
        huey.storage = huey.create_storage()
    return where


def bind(app) -> None:
    """The application tasks run in (its database, its configuration)."""
    _state["app"] = app
    configure(app.config.get("SURVEY_QUEUE_URL"), app.instance_path)


def app():
    return _state["app"]


def in_bank_time(test):
    """A crontab test evaluated in the bank's time zone (SURVEY_TIME_ZONE), not in UTC."""

    def validate(moment: datetime) -> bool:
        zone = ZoneInfo(app().config["BABEL_DEFAULT_TIMEZONE"]) if app() else UTC
        return test(moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None))

    return validate
