"""What the log may say about a failure: where it happened, never the data it was about."""

import traceback

from sqlalchemy.exc import DBAPIError


def failure(error: BaseException) -> str:
    """An error and where it happened, for the log, without the data it was about.

    A database error's message quotes the row at fault (PostgreSQL: "Failing row contains
    (…)", "Key (phone)=(…) already exists"), which is a customer's name or number; only its
    first line and the SQL statement (parameters are hidden by the engine) are kept.
    """
    if isinstance(error, DBAPIError):
        primary = getattr(getattr(error.orig, "diag", None), "message_primary", None)
        message = f"{type(error.orig).__name__}: {primary or str(error.orig).splitlines()[0]}"
        message += f" [SQL: {error.statement}]"
    else:
        message = f"{type(error).__name__}: {error}"
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{message}\nTraceback (most recent call last):\n{frames}"
