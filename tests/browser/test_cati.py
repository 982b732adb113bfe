"""The CATI console in Chromium: every shipped questionnaire completed from the keyboard in
zh-Hans and English, two interviewers working one queue at once, and a server killed in the
middle of an interview."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bench.servers import kill_hard, start_gunicorn, stop
from survey.aapor.dispositions import class_counts, outcome_rates
from survey.models import Answer, Appointment, CallAttempt, CatiCase, Response
from tests.browser.conftest import KEEP_IN, screenshot
from tests.conftest import PASSWORD

SHIPPED = ["branch-counter", "hotline-post-call", "annual-csi", "complaint-follow-up"]
# Read from the page: every group of keyed inputs with its keys, codes and kinds.
GROUPS = """() => {
  const groups = [];
  for (const input of document.querySelectorAll('form[data-cati] input[data-key]')) {
    let group = groups.find(g => g.name === input.name);
    if (!group) { group = {name: input.name, type: input.type, options: []}; groups.push(group); }
    group.options.push({key: input.dataset.key, code: input.value,
                        special: input.value.startsWith('-'), exclusive: !!input.dataset.exclusive,
                        other: !!input.closest('label').nextElementSibling?.classList.contains('option__other')});
  }
  return groups;
}"""


def sign_in(page, base, username, language):
    page.goto(f"{base}/login")
    page.click(f"form.language-switch button[value='{language}']")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/cati/")


def press_the_focused_button(page) -> None:
    """Enter on the button the page focused for the interviewer (once the browser has)."""
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'BUTTON'")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def key_in_screen(page) -> None:
    """Answer the screen from the keyboard only, then save it (Enter, or Ctrl+Enter)."""
    page.wait_for_selector("html[data-keys=ready]", state="attached")
    keyboard = page.keyboard
    texts = page.locator(
        "form[data-cati] input[type=text]:not([name$=':other']), form[data-cati] textarea"
    )
    if texts.count():
        numeric = texts.first.get_attribute("inputmode") in ("numeric", "decimal")
        keyboard.type("5" if numeric else "服务很好")  # the console put the cursor there
    for group in page.evaluate(GROUPS):
        regular = [o for o in group["options"] if not (o["special"] or o["other"])]
        if not regular:
            continue
        wanted = KEEP_IN.get(group["name"])
        if group["type"] == "checkbox":
            choice = next(o for o in regular if not o["exclusive"])
        else:
            choice = next((o for o in regular if o["code"] == wanted), regular[-1])
        keyboard.type(choice["key"])
    with page.expect_navigation():
        keyboard.press("Control+Enter")


def interview(page, shots: str | None = None) -> int:
    """Key in every screen until the closing script; returns the screens answered."""
    screens = 0
    while page.locator("form[data-cati]").count():
        if shots and screens < 3:
            screenshot(page, f"{shots}-q{screens + 1}")
        error_before = page.locator(".question__error").count()
        assert error_before == 0, page.locator(".question__error").first.inner_text()
        key_in_screen(page)
        screens += 1
        assert screens < 80, "the interview does not end"
    return screens


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
@pytest.mark.parametrize("name", SHIPPED)
def test_every_questionnaire_by_keyboard_alone(
    browser, live_server, cati_survey, make_user, db, runner, name, language
):
    survey = cati_survey(name, customers=1, language=language)
    make_user("interviewer", "interviewer", display_name="张晓梅")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "interviewer", language)
    press_the_focused_button(page)  # the board puts the focus on "Next case"
    screenshot(page, f"cati-{name}-{language}-case")
    press_the_focused_button(page)  # the customer agrees: start
    screens = interview(page, f"cati-{name}-{language}")
    screenshot(page, f"cati-{name}-{language}-end")
    assert "/done" in page.url
    context.close()
    db.rollback()
    response = db.scalar(select(Response).where(Response.survey_id == survey.id))
    case = db.scalar(select(CatiCase).where(CatiCase.survey_id == survey.id))
    assert (response.status, response.mode, response.language) == ("complete", "cati", language)
    assert (case.status, case.final_disposition) == ("final", "1.1")
    assert screens >= 5
    assert db.scalar(
        select(func.count()).select_from(Answer).where(Answer.response_id == response.id)
    )
    exported = runner.invoke(args=["export", survey.slug, "--format", "csv"]).output
    row = next(csv.DictReader(io.StringIO(exported)))
    assert (row["response_id"], row["mode"], row["status"]) == (
        str(response.id),
        "cati",
        "complete",
    )
    assert "None" not in row.values()


# What each interviewer records on the cases they take, in turn: two completes, and final
# outcomes of every other kind, so the queue empties.
PLAN = {"a": ["complete", "2.111", "4.31"], "b": ["4.20", "complete", "2.31"]}
NOTES = {"2.111": "客户要求不再来电", "2.31": "家属告知"}


def record_outcome(page, code: str) -> None:
    """From the case screen: the outcome form, the outcome's number keyed in, saved."""
    page.goto(page.url.rstrip("/") + "/outcome")
    number = page.evaluate(
        "code => [...document.querySelectorAll('input[name=code]')].findIndex(i => i.value === code) + 1",
        code,
    )
    page.wait_for_selector("html[data-keys=ready]", state="attached")
    page.keyboard.type(str(number))
    page.wait_for_timeout(900)  # the console waits for a second digit (1 → 12)
    if code in NOTES:
        page.fill("textarea[name=note]", NOTES[code])
    with page.expect_navigation():
        page.click("button[value=home]")


def test_two_interviewers_work_one_queue_to_the_end(
    browser, live_server, cati_survey, make_user, auth, client, db
):
    survey = cati_survey("hotline-post-call", customers=6)
    make_user("a", "interviewer", display_name="A")
    make_user("b", "interviewer", display_name="B")
    pages = {}
    for name in ("a", "b"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pages[name] = context.new_page()
        sign_in(pages[name], live_server, name, "en")
    held = {}
    for turn in range(3):
        for name in ("a", "b"):  # both hold a case at the same time
            page = pages[name]
            page.goto(f"{live_server}/cati/")
            with page.expect_navigation():
                page.click(f"form[action$='/{survey.slug}/next'] button")
            held[name] = int(page.url.rstrip("/").rsplit("/", 1)[1])
        assert held["a"] != held["b"]
        for name in ("a", "b"):
            page, step = pages[name], PLAN[name][turn]
            if step == "complete":
                press_the_focused_button(page)
                interview(page)
            else:
                record_outcome(page, step)
    for page in pages.values():  # the board says the queue is empty, and offers no case
        page.goto(f"{live_server}/cati/")
        assert "Nothing left to call" in page.content()
        assert page.locator(f"form[action$='/{survey.slug}/next']").count() == 0
    db.rollback()
    attempts = db.scalars(select(CallAttempt)).all()
    assert len(attempts) == 6 and len({a.case_id for a in attempts}) == 6  # each handled once
    finals = sorted(db.scalars(select(CatiCase.final_disposition)))
    assert finals == sorted(["1.1", "1.1", "2.111", "4.31", "4.20", "2.31"])
    # The supervisor's page against a hand calculation: I=2, R=1, O=1, NE=2, nothing unknown.
    by_hand = {"RR1": 2 / 4, "COOP1": 2 / 4, "REF1": 1 / 4, "CON1": 4 / 4}
    assert outcome_rates(class_counts(finals)).values["RR1"] == by_hand["RR1"]
    auth.login_as("supervisor")
    html = client.get(f"/fieldwork/{survey.slug}/").get_data(as_text=True)
    for rate, value in by_hand.items():
        assert f'>{rate}</abbr></th><td class="num">{100 * value:.1f}%</td>' in html


def test_a_server_killed_mid_interview_loses_no_answer(browser, app, cati_survey, make_user, db):
    cati_survey("branch-counter", customers=1)
    make_user("interviewer", "interviewer")
    database_url = app.config["SURVEY_DATABASE_URL"]
    server, base = start_gunicorn(database_url)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, base, "interviewer", "zh-Hans")
        press_the_focused_button(page)
        case_url = page.url
        press_the_focused_button(page)
        for _ in range(3):
            key_in_screen(page)
        db.rollback()
        kept = dict(db.execute(select(Answer.question_id, Answer.code)).all())
        position = db.scalar(select(Response.position))
        assert len(kept) == 3
        kill_hard(server)  # mid-interview, as a crash would
        server, base2 = start_gunicorn(database_url, port=int(base.rsplit(":", 1)[1]))
        page.goto(case_url + "/interview")  # the same sign-in cookie: the key is unchanged
        assert f'name="page" value="{position}"' in page.content()
        interview(page)
        db.rollback()
        response = db.scalar(select(Response))
        assert response.status == "complete"
        after = dict(db.execute(select(Answer.question_id, Answer.code)).all())
        assert all(after[q] == code for q, code in kept.items())
        context.close()
    finally:
        stop(server)


def test_an_appointment_from_the_keyboard_and_enter_never_takes_the_next_case(
    browser, live_server, cati_survey, make_user, db
):
    cati_survey("hotline-post-call", customers=2)
    make_user("interviewer", "interviewer", display_name="张晓梅", staff_number="C1024")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "interviewer", "en")
    press_the_focused_button(page)  # take a case
    case_url = page.url
    press_the_focused_button(page)  # start the interview
    page.wait_for_selector("html[data-keys=ready]", state="attached")
    with page.expect_navigation():
        page.click("button[value=stop]")  # the customer asks to be called back
    page.wait_for_selector("html[data-keys=ready]", state="attached")
    focused = page.evaluate("document.activeElement.value")
    assert focused == "2.12"  # the preselected outcome has the focus
    number = page.evaluate(
        "[...document.querySelectorAll('input[name=code]')].findIndex(i => i.value === '2.36') + 1"
    )
    page.keyboard.type(str(number))
    assert page.evaluate("document.querySelector('input[name=code]:checked').value") == "2.36"
    page.fill("input[name=callback_date]", "2099-01-05")  # a Monday, in New York
    page.fill("input[name=callback_time]", "10:30")
    page.focus("input[name=callback_time]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").endswith("/cati")  # saved and stopped: no new case taken
    db.rollback()
    case = db.get(CatiCase, int(case_url.rstrip("/").rsplit("/", 1)[1]))
    assert [a.disposition for a in case.attempts] == ["2.36"]
    appointment = db.scalar(select(Appointment).where(Appointment.case_id == case.id))
    local = appointment.due_at.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2099-01-05", "10:30")
    assert case.status == "pending" and case.claimed_by is None
    others = db.scalars(select(CatiCase).where(CatiCase.id != case.id)).all()
    assert all(c.claimed_by is None for c in others)
    context.close()
