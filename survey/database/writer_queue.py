"""A first-come, first-served queue of writers across processes, kept in one small file.

SQLite lets one writer in at a time. Writers that find it busy sleep in its busy handler
and retry, so in a burst some lose again and again (claims of the next CATI case had a p99
of five seconds while their median was 5 ms). Blocked on one shared lock instead, they are
all woken at each release and whoever the scheduler runs first wins: fairer, but with 50
writers still a p99 over a second. Here each writer takes a ticket and waits only for the
one ahead of it, so a release wakes exactly one writer, the next in arrival order.

The file holds the next ticket number in its first eight bytes, then a ring of slots of
eight bytes. Taking a ticket is done under a brief ``flock`` of the whole file; the ticket
is then held as an open-file-description lock (Linux's ``F_OFD_SETLK``) on its slot, and
the writer waits for a shared lock on the slot of the ticket before its own. A writer that
leaves writes its ticket number into its slot first. The kernel drops every lock of a
process that dies, so a crashed writer never blocks the queue: the one behind it finds no
number in the slot it waited for and waits, in turn, for the ticket before that one.
Where open-file-description locks are missing (not Linux), the queue is the plain shared
lock.
"""

from __future__ import annotations

import fcntl
import os
import struct

SLOTS = 4096  # more writers than this waiting at once only wait a little longer
_NUMBER = struct.Struct("<q")
_ORDERED = hasattr(fcntl, "F_OFD_SETLKW")


def _offset(ticket: int) -> int:
    return _NUMBER.size * (1 + ticket % SLOTS)


def _read(fd: int, offset: int) -> int:
    raw = os.pread(fd, _NUMBER.size, offset)
    return _NUMBER.unpack(raw)[0] if len(raw) == _NUMBER.size else 0


def _range_lock(fd: int, kind: int, ticket: int) -> None:
    # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for these locks), padding
    request = struct.pack("hhqqii", kind, os.SEEK_SET, _offset(ticket), _NUMBER.size, 0, 0)
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, request)


class WriterQueue:
    """One writer's place in the queue kept in ``path``: ``join`` waits, ``leave`` ends the turn.

    One object per connection (its file description is its identity in the queue); it is
    used by one thread at a time, as the connection is.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.ticket: int | None = None

    def join(self) -> None:
        """Wait until every writer that came before has left (or died)."""
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        if not _ORDERED:
            self.ticket = 0
            return
        try:
            ticket = _read(self.fd, 0)
            os.pwrite(self.fd, _NUMBER.pack(ticket + 1), 0)
            _range_lock(self.fd, fcntl.F_WRLCK, ticket)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.ticket = ticket
        for ahead in range(ticket - 1, max(ticket - SLOTS, -1), -1):
            _range_lock(self.fd, fcntl.F_RDLCK, ahead)  # granted once that writer is gone
            _range_lock(self.fd, fcntl.F_UNLCK, ahead)
            if _read(self.fd, _offset(ahead)) == ahead:
                return  # it left in turn; otherwise it died: wait for the one before it

    def leave(self) -> None:
        """End this writer's turn: the next in line goes on."""
        if self.ticket is None:
            return
        ticket, self.ticket = self.ticket, None
        if _ORDERED:
            os.pwrite(self.fd, _NUMBER.pack(ticket), _offset(ticket))
            _range_lock(self.fd, fcntl.F_UNLCK, ticket)
        else:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.leave()
        os.close(self.fd)
