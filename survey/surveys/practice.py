"""Practice and preview state kept on the server, one row per staff member and run.

``rehearsal.rehearse`` reads and writes its state through a mapping; this one is backed by
``practice_states``, so the state survives any answer's length and never rides in the
cookie. Rows untouched for a day are removed as new ones are written.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..models import PracticeState, utcnow

KEEP = timedelta(days=1)


class PracticeStore(MutableMapping):
    """The practice runs of one staff member, keyed by run (survey, language, mode)."""

    def __init__(self, session: Session, user_id: int):
        self._session, self._user_id = session, user_id

    def _row(self, key: str) -> PracticeState | None:
        return self._session.get(PracticeState, (self._user_id, key))

    def __getitem__(self, key: str) -> dict:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        return dict(row.state)

    def __setitem__(self, key: str, state: dict) -> None:
        row = self._row(key)
        now = utcnow()
        if row is None:
            self._session.execute(
                delete(PracticeState).where(PracticeState.updated_at < now - KEEP)
            )
            self._session.add(PracticeState(user_id=self._user_id, key=key, state=state))
        else:
            row.state, row.updated_at = dict(state), now
        self._session.commit()

    def __delitem__(self, key: str) -> None:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        self._session.delete(row)
        self._session.commit()

    def __iter__(self) -> Iterator[str]:
        raise NotImplementedError("practice runs are looked up by key")

    def __len__(self) -> int:
        raise NotImplementedError("practice runs are looked up by key")
