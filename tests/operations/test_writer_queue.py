"""SQLite's writers queue in arrival order across processes, and a writer that dies, in its
turn or while waiting for it, neither stops the queue nor lets anyone in out of turn."""

import multiprocessing
import os
import signal
import time
from pathlib import Path

from survey.database.writer_queue import WriterQueue

context = multiprocessing.get_context("fork")


def _tickets_taken(path: str) -> int:
    with open(path, "rb") as handle:
        return int.from_bytes(handle.read(8), "little")


def _wait_for_ticket(path: str, count: int) -> None:
    deadline = time.monotonic() + 10
    while _tickets_taken(path) < count:
        assert time.monotonic() < deadline, "a writer never took its ticket"
        time.sleep(0.005)


def _write_in_turn(path: str, log: str, name: str, hold: float) -> None:
    queue = WriterQueue(path)
    queue.join()
    with open(log, "a") as handle:
        handle.write(f"{name} in\n")
        handle.flush()
        time.sleep(hold)
        handle.write(f"{name} out\n")
    queue.leave()
    os._exit(0)


def _die_in_turn(path: str) -> None:
    WriterQueue(path).join()
    os._exit(1)  # no leave: the kernel drops its locks


def test_writers_go_in_the_order_they_came_one_at_a_time(tmp_path):
    path, log = str(tmp_path / "db-writers"), str(tmp_path / "log")
    first = WriterQueue(path)
    first.join()
    names = [f"w{n}" for n in range(8)]
    workers = []
    for number, name in enumerate(names, start=2):
        worker = context.Process(target=_write_in_turn, args=(path, log, name, 0.01))
        worker.start()
        workers.append(worker)
        _wait_for_ticket(path, number)  # the next one comes only after this one queued
    time.sleep(0.05)
    assert not os.path.exists(log), "a writer went in while the first was still writing"
    first.leave()
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == 0
    lines = Path(log).read_text().split()
    assert lines == [word for name in names for word in (name, "in", name, "out")]


def test_a_writer_that_dies_in_its_turn_lets_the_next_one_go(tmp_path):
    path, log = str(tmp_path / "db-writers"), str(tmp_path / "log")
    dying = context.Process(target=_die_in_turn, args=(path,))
    dying.start()
    dying.join(10)
    waiting = context.Process(target=_write_in_turn, args=(path, log, "next", 0))
    waiting.start()
    waiting.join(10)
    assert waiting.exitcode == 0
    assert Path(log).read_text().split() == ["next", "in", "next", "out"]


def test_a_writer_killed_while_waiting_leaves_its_place(tmp_path):
    path, log = str(tmp_path / "db-writers"), str(tmp_path / "log")
    first = WriterQueue(path)
    first.join()
    doomed = context.Process(target=_write_in_turn, args=(path, log, "doomed", 0))
    doomed.start()
    _wait_for_ticket(path, 2)
    later = context.Process(target=_write_in_turn, args=(path, log, "later", 0))
    later.start()
    _wait_for_ticket(path, 3)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join(10)
    time.sleep(0.05)
    assert not os.path.exists(log), "the writer behind the killed one went in out of turn"
    first.leave()
    later.join(10)
    assert later.exitcode == 0
    assert Path(log).read_text().split() == ["later", "in", "later", "out"]
