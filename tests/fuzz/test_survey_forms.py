"""Arbitrary posts to customers' survey pages and interviewers' CATI screens: never a
server error, never an answer the questionnaire would refuse.

State carries over between examples (the same response receives post after post); when a
response is finished, the next example starts a fresh one, so every example meets a page
that still takes answers.
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from survey.aapor.dispositions import DISPOSITIONS
from survey.models import CallAttempt, CatiCase, Response, Survey
from survey.surveys.versions import questionnaire_of
from tests.conftest import csrf_token_from
from tests.fuzz.conftest import (
    FUZZ,
    PAGE_ANSWERS,
    answers_to,
    form_posts,
    invalid_answers,
    questionnaire_fields,
    texts,
)
from tests.security.conftest import Visitor

ACTIONS = ["next", "back", "start", "language:en", "language:xx", "stop", "refused", "finish"]
PAGE_FIELD = re.compile(r'name="page" value="([^"]+)"')


class Respondent:
    """A customer with a personal link to the branch survey, always mid-way through one."""

    def __init__(self, app, db, fielded):
        self.db, self.fielded = db, fielded
        self.survey_id = fielded("branch-counter")
        self.client = app.test_client()
        version = db.get(Survey, self.survey_id).questionnaire_version
        self.names, self.codes = questionnaire_fields(questionnaire_of(version))
        self.response_id = None

    def ready(self) -> None:
        """Start a new response if there is none still open."""
        self.db.rollback()
        if self.response_id and self.db.get(Response, self.response_id).status == "partial":
            return
        self.url = f"/s/{self.fielded.invite(self.survey_id)}"
        self.csrf = csrf_token_from(self.client.get(self.url).text)
        self.client.post(self.url, data={"csrf_token": self.csrf, "action": "start"})
        self.db.rollback()
        self.response_id = self.db.scalar(select(Response.id).order_by(Response.id.desc()))


@pytest.fixture
def respondent(app, db, fielded):
    return Respondent(app, db, fielded)


def _post(data, html: str, names, codes, csrf) -> dict:
    """Half the posts answer the page shown (some values hostile); half are anything. Every
    draw happens whatever the page, so Hypothesis can replay an example."""
    answer_page = data.draw(st.booleans())
    picks = data.draw(PAGE_ANSWERS)
    direction = data.draw(st.sampled_from(["next", "next", "next", "back"]))
    fields, action = data.draw(form_posts(names, codes, ACTIONS))
    page = PAGE_FIELD.search(html)
    if page and answer_page:
        fields, action = {**answers_to(html, picks), "page": page.group(1)}, direction
    return {**fields, "action": action, "csrf_token": csrf}


@FUZZ
@given(data=st.data())
def test_survey_pages_take_any_post(respondent, db, data):
    respondent.ready()
    page = respondent.client.get(respondent.url).text
    body = _post(data, page, respondent.names, respondent.codes, respondent.csrf)
    reply = respondent.client.post(respondent.url, data=body)
    event(f"answered {reply.status_code}")
    assert reply.status_code in (200, 302, 400, 409, 422)
    assert invalid_answers(db, respondent.response_id) == []


ENCODINGS = ["utf-8", "gb18030", "big5", "utf-16", "latin-1"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=gb18030",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/json",
]


@FUZZ
@given(
    raw=st.binary(max_size=400),
    text=texts,
    encoding=st.sampled_from(ENCODINGS),
    content_type=st.sampled_from(CONTENT_TYPES),
    escaped=st.booleans(),
)
def test_survey_pages_take_any_bytes(respondent, db, raw, text, encoding, content_type, escaped):
    """Bytes in any encoding, percent-escaped as a browser sends them or raw."""
    respondent.ready()
    page = PAGE_FIELD.search(respondent.client.get(respondent.url).text)
    prefix = f"csrf_token={respondent.csrf}&action=next&page={page.group(1) if page else ''}"
    comment = text.encode(encoding, errors="replace")
    if escaped:
        comment, raw = quote_from_bytes(comment).encode(), quote_from_bytes(raw).encode()
    body = prefix.encode() + b"&q_comment=" + comment + b"&" + raw
    reply = respondent.client.post(respondent.url, data=body, content_type=content_type)
    event(f"bytes {reply.status_code}")
    assert reply.status_code in (200, 302, 400, 409, 413, 422)
    assert invalid_answers(db, respondent.response_id) == []


class Interviewer:
    """An interviewer signed in on a phone survey, always with an interview under way."""

    def __init__(self, app, db, cati_survey, make_user):
        self.db = db
        self.survey = cati_survey(customers=60)
        make_user("interviewer", "interviewer")
        signed_in = Visitor(app, "interviewer")
        self.client, self.csrf = signed_in.client, signed_in.csrf
        version = self.survey.questionnaire_version
        self.names, self.codes = questionnaire_fields(questionnaire_of(version))
        self.case_id = self.response_id = None

    def ready(self) -> None:
        """Take the next case and start its interview when the last one has ended."""
        self.db.rollback()
        if self.response_id and self.db.get(Response, self.response_id).status == "partial":
            return
        if self.case_id:  # whatever happened, close the call so the next case can be taken
            self.client.post(
                f"/cati/case/{self.case_id}/outcome", data={"csrf_token": self.csrf, "code": "2.12"}
            )
        self.client.post(f"/cati/{self.survey.slug}/next", data={"csrf_token": self.csrf})
        self.db.rollback()
        self.case_id = self.db.scalar(
            select(CatiCase.id).where(CatiCase.claimed_by.is_not(None)).order_by(CatiCase.id.desc())
        )
        self.client.post(
            f"/cati/case/{self.case_id}/start",
            data={"csrf_token": self.csrf, "language": "zh-Hans"},
        )
        self.db.rollback()
        self.response_id = self.db.scalar(select(Response.id).order_by(Response.id.desc()))


@pytest.fixture
def interviewer(app, db, cati_survey, make_user):
    return Interviewer(app, db, cati_survey, make_user)


@FUZZ
@given(data=st.data())
def test_cati_screens_take_any_post(interviewer, db, data):
    interviewer.ready()
    url = f"/cati/case/{interviewer.case_id}/interview"
    page = interviewer.client.get(url).text
    body = _post(data, page, interviewer.names, interviewer.codes, interviewer.csrf)
    reply = interviewer.client.post(url, data=body)
    event(f"keyed {reply.status_code}")
    assert reply.status_code < 500
    assert invalid_answers(db, interviewer.response_id) == []


OUTCOME_FIELDS = ["code", "note", "callback_date", "callback_time", "only_me", "definite", "then"]
OUTCOME_VALUES = ["1.1", "2.111", "3.13", "4.2", "2.12", "2030-01-01", "25:61", "09:30", "y"]


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(OUTCOME_FIELDS), st.one_of(texts, st.sampled_from(OUTCOME_VALUES))
    )
)
def test_call_outcomes_take_any_post(interviewer, db, fields):
    interviewer.ready()
    reply = interviewer.client.post(
        f"/cati/case/{interviewer.case_id}/outcome", data={**fields, "csrf_token": interviewer.csrf}
    )
    event(f"outcome {reply.status_code}")
    assert reply.status_code < 500
    db.rollback()
    codes = db.scalars(select(CallAttempt.disposition)).all()
    assert [c for c in codes if c not in DISPOSITIONS] == []
