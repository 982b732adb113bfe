"""50 respondents complete at once over real HTTP against gunicorn: 50 responses, no duplicate."""

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.servers import start_gunicorn, stop
from survey.models import Answer, Response

ROOT = Path(__file__).parent.parent.parent
RESPONDENTS = 50
PAGES = [
    {"q_competence": "3", "q_helpful": "1", "q_delay": "3", "q_rude": "3", "q_overall": "3"},
    {
        "q_wait_minutes": "5",
        "q_wait": "4",
        "q_env_clean": "5",
        "q_env_seating": "4",
        "q_env_guidance": "4",
    },
    {"q_nps": "9", "q_comment": "好"},
]


@pytest.fixture
def gunicorn(app):
    process, base = start_gunicorn(app.config["SURVEY_DATABASE_URL"])
    yield base
    stop(process)


def _respondent(base: str, token: str, barrier: threading.Barrier) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    url = f"{base}/s/{token}"

    def page():
        return opener.open(url, timeout=60).read().decode()  # noqa: S310

    def post(fields, html):
        token_value = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token_value, **fields}).encode()
        return opener.open(url, data=body, timeout=60).read().decode()  # noqa: S310

    html = page()
    barrier.wait()  # everyone starts together
    html = post({"action": "start"}, html)
    for fields in PAGES:
        page_id = re.search(r'name="page" value="([^"]+)"', html).group(1)
        html = post({"action": "next", "page": page_id, **fields}, html)
    assert "survey--done" in html


def test_fifty_simultaneous_completions(gunicorn, fielded, db):
    survey_id = fielded("branch-counter")
    tokens = [fielded.invite(survey_id) for _ in range(RESPONDENTS)]
    barrier = threading.Barrier(RESPONDENTS)
    with ThreadPoolExecutor(RESPONDENTS) as pool:
        for future in [pool.submit(_respondent, gunicorn, token, barrier) for token in tokens]:
            future.result()
    db.expire_all()
    statuses = db.execute(select(Response.status, func.count()).group_by(Response.status)).all()
    assert statuses == [("complete", RESPONDENTS)]
    duplicates = db.execute(
        select(Answer.response_id, Answer.question_id, Answer.item)
        .group_by(Answer.response_id, Answer.question_id, Answer.item)
        .having(func.count() > 1)
    ).all()
    assert duplicates == []
    per_response = (
        db.execute(select(func.count()).select_from(Answer).group_by(Answer.response_id))
        .scalars()
        .all()
    )
    assert set(per_response) == {len(PAGES[0]) + len(PAGES[1]) + len(PAGES[2])}
