"""Background and scheduled work on a task queue (Huey): an SQLite file in the instance
folder by default, Redis in production, so any number of `survey worker` processes on any
number of machines share it. The ``jobs`` table is the source of truth; the queue only
wakes a worker up (``docs/operations.md``)."""
