"""Guessing personal links or API tokens is cut off per client address, counted in the
database (so every app server agrees), audited once, and lifted when the window ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey import create_app, throttle
from survey.database import get_db
from survey.models import AuditEvent, FailedLookup

LIMIT = 5


@pytest.fixture
def app(app):
    app.config["TOKEN_GUESS_LIMIT"] = LIMIT
    return app


def _guess_links(client, count, address="198.51.100.7"):
    return [
        client.get(f"/s/guess{n:04d}", environ_base={"REMOTE_ADDR": address}).status_code
        for n in range(count)
    ]


def test_unknown_links_are_cut_off_after_the_limit(client, world, db):
    assert _guess_links(client, LIMIT + 2) == [404] * LIMIT + [429, 429]
    blocked = client.get(f"/s/{world.link_token}", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert blocked.status_code == 429  # even a real link, from the guessing address
    assert 0 < int(blocked.headers["Retry-After"]) <= throttle.WINDOW.total_seconds()
    assert "请求过于频繁" in blocked.text  # in the customer's language, as the link pages are
    english = client.get(
        "/s/guess", headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert "Too many requests" in english.text
    other = client.get(f"/s/{world.link_token}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200  # other customers are not affected
    db.rollback()
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "token_guessing_blocked"))
    assert [e.detail for e in events] == [{"scope": "link"}]


def test_opt_out_links_count_towards_the_same_limit(client, world):
    _guess_links(client, LIMIT)
    reply = client.get("/s/guess/optout", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert reply.status_code == 429


def test_the_count_is_kept_by_address_hash_not_address(client, world, db):
    _guess_links(client, 2)
    db.rollback()
    rows = db.scalars(select(FailedLookup)).all()
    assert [(r.scope, r.count) for r in rows] == [("link", 2)]
    assert "198.51.100.7" not in rows[0].client_key and len(rows[0].client_key) == 64


def test_the_limit_lifts_when_the_window_ends(client, world, db):
    _guess_links(client, LIMIT + 1)
    db.rollback()
    for row in db.scalars(select(FailedLookup)):
        row.window_start -= throttle.WINDOW + timedelta(seconds=1)
    db.commit()
    ok = client.get(f"/s/{world.link_token}", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert ok.status_code == 200


def test_api_token_guessing_is_cut_off(client, world, db):
    address = f"/api/v1/surveys/{world.slug}/estimates?var=q_overall"
    statuses = [
        client.get(
            address,
            headers={"Authorization": f"Bearer sat_guess{n}"},
            environ_base={"REMOTE_ADDR": "198.51.100.8"},
        )
        for n in range(LIMIT + 1)
    ]
    assert [s.status_code for s in statuses] == [401] * LIMIT + [429]
    assert statuses[-1].json["error"].startswith("too many unknown tokens")
    assert int(statuses[-1].headers["Retry-After"]) > 0
    real = client.get(
        address,
        headers={"Authorization": f"Bearer {world.api_token}"},
        environ_base={"REMOTE_ADDR": "198.51.100.8"},
    )
    assert real.status_code == 429
    elsewhere = client.get(
        address,
        headers={"Authorization": f"Bearer {world.api_token}"},
        environ_base={"REMOTE_ADDR": "203.0.113.10"},
    )
    assert elsewhere.status_code != 429 and elsewhere.status_code != 401


def test_behind_a_proxy_the_customer_is_counted_not_the_proxy(app, world):
    proxied = create_app({**app.config, "SURVEY_PROXY_COUNT": 1})
    client = proxied.test_client()
    for n in range(LIMIT + 1):
        client.get(
            f"/s/guess{n}",
            headers={"X-Forwarded-For": "198.51.100.20"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
    other_customer = client.get(
        f"/s/{world.link_token}",
        headers={"X-Forwarded-For": "198.51.100.21"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert other_customer.status_code == 200
    get_db(proxied).engine.dispose()


def test_the_window_slides_so_no_burst_fits_across_a_boundary(client, world, time_machine):
    """Twice the limit in seconds, half just before a ten-minute mark and half after it, is
    refused: the limit counts the last ten minutes, not the current block of ten."""
    time_machine.move_to(datetime(2026, 11, 30, 10, 9, 55, tzinfo=UTC), tick=False)
    assert _guess_links(client, LIMIT - 1) == [404] * (LIMIT - 1)
    time_machine.move_to(datetime(2026, 11, 30, 10, 10, 2, tzinfo=UTC), tick=False)
    assert _guess_links(client, 3) == [404, 429, 429]
    # Counted by the minute: the 10:09 guesses leave the window at 10:19.
    time_machine.move_to(datetime(2026, 11, 30, 10, 18, 30, tzinfo=UTC), tick=False)
    blocked = client.get("/s/guess", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "30"
    time_machine.move_to(datetime(2026, 11, 30, 10, 19, 1, tzinfo=UTC), tick=False)
    assert _guess_links(client, 1) == [404]
