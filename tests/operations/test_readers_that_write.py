"""A transaction that began as a reader and comes to write (a page view that records an
audit event or marks a staff session seen) waits its turn for the write lock and stores,
where SQLite would refuse it at once (SQLITE_BUSY) because another writer held the lock or
had committed since it read."""

import threading
from datetime import timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from survey.database import begin_write, make_engine
from survey.models import StaffSession, utcnow


def test_a_reader_writes_after_another_writer_committed(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE visits (id INTEGER PRIMARY KEY, who TEXT)"))
    with Session(engine) as reader, Session(engine) as writer:
        assert reader.scalar(text("SELECT count(*) FROM visits")) == 0  # its snapshot begins
        begin_write(writer)
        writer.execute(text("INSERT INTO visits (who) VALUES ('a respondent')"))
        writer.commit()
        reader.execute(text("INSERT INTO visits (who) VALUES ('an auditor')"))
        reader.commit()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT who FROM visits ORDER BY id")).scalars().all()
    assert stored == ["a respondent", "an auditor"]
    engine.dispose()


def test_a_reader_waits_for_the_writer_holding_the_lock_then_writes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE visits (id INTEGER PRIMARY KEY, who TEXT)"))
    outcome = {}

    def read_then_write():
        with Session(engine) as reader:
            reader.scalar(text("SELECT count(*) FROM visits"))
            reader.execute(text("INSERT INTO visits (who) VALUES ('an auditor')"))
            reader.commit()
            outcome["done"] = True

    with Session(engine) as writer:
        begin_write(writer)
        writer.execute(text("INSERT INTO visits (who) VALUES ('a respondent')"))
        thread = threading.Thread(target=read_then_write)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the reader wrote while another writer held the lock"
        writer.commit()
    thread.join(timeout=30)
    assert outcome == {"done": True}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM visits")).scalar() == 2
    engine.dispose()


def test_a_staff_page_is_shown_while_a_respondent_saves(app, auth, client, db, make_user):
    """Opening a page marks the staff session seen (a write, once a minute): with another
    writer holding the lock at that moment the page is shown when the lock is free, not
    refused with an error."""
    auth.login_as("manager")
    long_ago = utcnow() - timedelta(minutes=5)
    db.execute(StaffSession.__table__.update().values(last_seen_at=long_ago))
    db.commit()
    other_engine = make_engine(app.config["SURVEY_DATABASE_URL"])
    outcome = {}
    with Session(other_engine) as respondent:
        begin_write(respondent)
        respondent.execute(StaffSession.__table__.update().values(ended_at=None))
        thread = threading.Thread(target=lambda: outcome.setdefault("page", client.get("/")))
        thread.start()
        thread.join(timeout=0.5)
        respondent.commit()
    thread.join(timeout=30)
    other_engine.dispose()
    assert outcome["page"].status_code in (200, 302)
    db.rollback()
    seen = db.scalar(select(StaffSession.last_seen_at))
    assert seen > long_ago + timedelta(minutes=4)
