"""`survey worker` runs the task queue's consumer; `survey run` serves the app with an
embedded one, so a single machine needs nothing else running."""

from __future__ import annotations

import logging
import os
import signal

import click
from flask import current_app
from flask.cli import run_command, with_appcontext

from ..database import db_session, get_db
from ..tasks import jobs
from ..tasks.queue import huey
from . import schema

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _check_schema() -> None:
    """A worker on a database of an older version would fail on every task: say so now."""
    engine = get_db().engine
    current, head = schema.current_revision(engine), schema.head_revision()
    if current != head:
        raise click.ClickException(
            f"The database is at migration {current or 'none'}, this version needs {head}: "
            "run `survey init-db` first."
        )


def _hand_on_waiting() -> None:
    """Jobs left by a stopped worker, or never handed over, go back to the queue now
    rather than at the next minute."""
    _check_schema()
    found = jobs.relay(db_session())
    if found:
        click.echo(f"Handed {found} waiting job(s) back to the queue.")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Threads taking tasks in this process.")  # fmt: skip
@click.option("--no-periodic", is_flag=True,
              help="Leave the schedule to another worker (each schedule's task is harmless twice).")  # fmt: skip
@with_appcontext
def worker_command(workers: int, no_periodic: bool):
    """Take tasks from the queue (SURVEY_QUEUE_URL): imports, invitations, reminders, the
    schedule. Run one or more on any number of machines; stop with Ctrl-C or SIGTERM."""
    if huey.immediate:
        raise click.ClickException("SURVEY_QUEUE_URL=immediate runs tasks at once: no worker.")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _hand_on_waiting()
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=not no_periodic, check_worker_health=True
    )
    click.echo(
        f"Worker started: {workers} thread(s), queue {current_app.config.get('SURVEY_QUEUE_URL') or 'sqlite (instance folder)'}."
    )
    consumer.run()


@click.command("run", context_settings={"ignore_unknown_options": True})
@click.option("--no-worker", is_flag=True, help="Serve only; tasks wait for `survey worker`.")
@click.argument("flask_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def run_with_worker(no_worker: bool, flask_args):
    """Serve the app for development, with an embedded worker (two threads and the
    schedule) so imports and invitations run without another process."""
    reloader_child = os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    debug_parent = "--debug" in flask_args and not reloader_child
    if not no_worker and not huey.immediate and not debug_parent:
        _hand_on_waiting()
        # The development consumer: Huey's own (daemon) threads inside this process. Its
        # signal handlers are meant for `survey worker`'s loop: here Ctrl-C and SIGTERM stop
        # the server as before, and the threads end with it.
        saved = {number: signal.getsignal(number) for number in STOP_SIGNALS}
        huey.create_consumer(workers=2, worker_type="thread", periodic=True).start()
        for number, handler in saved.items():
            signal.signal(number, handler)
    # Flask's own command, given this command's way of finding the app (its ScriptInfo).
    run_command.main(
        list(flask_args), prog_name="survey run", standalone_mode=False,
        obj=click.get_current_context().obj,
    )  # fmt: skip
