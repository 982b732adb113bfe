"""The pages that run waves, as a supervisor and an admin use them: a new wave, its
settings, open/pause/close, the clone, the open links with QR codes and cards; and the
admin's questionnaire upload and version comparison."""

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.models import AuditEvent, QuestionnaireVersion, Survey
from survey.surveys import links
from tests.conftest import QUESTIONNAIRES, csrf_token_from

COUNTER = Path(QUESTIONNAIRES) / "branch-counter.yaml"


@pytest.fixture
def supervisor(client, auth, runner):
    assert runner.invoke(args=["questionnaires", "load"]).exit_code == 0
    auth.login_as("supervisor")
    return client


def post(client, url, data, page=None, **kwargs):
    token = csrf_token_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def version_id(db, key="branch-counter"):
    return db.scalar(
        select(QuestionnaireVersion.id)
        .join(QuestionnaireVersion.questionnaire)
        .where(QuestionnaireVersion.questionnaire.property.mapper.class_.key == key)
    )


def new_wave(client, db, **fields):
    vid = version_id(db)
    data = {
        "version": vid, "slug": "counter-2026-12", "modes": ["web"],
        "languages": ["zh-Hans", "en"], "link_valid_days": 14,
        "opens_on": "2026-12-01", "closes_on": "2026-12-31", "stratum_attribute": "branch",
        "segments": "branch, staff_id", "max_attempts": "6", "reminder_after_days": "3",
        "reminder_most": "1", "quotas": "branch=SH001 40\nbranch=SH002 40",
        "title_en": "Counter survey, December",
    }  # fmt: skip
    data.update(fields)
    reply = post(client, f"/fieldwork/surveys/new?version={vid}", data)
    db.rollback()  # see what the request stored
    return reply


def test_a_supervisor_creates_a_wave_with_every_setting(supervisor, db):
    version = db.get(QuestionnaireVersion, version_id(db))
    page = supervisor.get(f"/fieldwork/surveys/new?version={version.id}").get_data(as_text=True)
    assert 'value="branch-counter-' in page  # the address is suggested
    assert f'value="{version.title["zh-Hant"]}"' in page  # titles prefilled
    reply = new_wave(supervisor, db)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(
        "/counter-2026-12/settings"
    )
    survey = db.scalars(select(Survey)).one()
    assert (survey.status, survey.modes, survey.languages) == ("draft", ["web"], ["zh-Hans", "en"])
    assert str(survey.opens_on) == "2026-12-01" and survey.link_valid_days == 14
    assert survey.settings["stratum_attribute"] == "branch"
    assert survey.settings["segments"] == ["branch", "staff_id"]
    assert survey.settings["reminders"] == {"after_days": 3, "most": 1}
    assert survey.settings["max_attempts"] == 6
    assert survey.settings["quotas"][1] == {"attribute": "branch", "value": "SH002", "target": 40}
    assert survey.settings["titles"]["en"] == "Counter survey, December"
    assert survey.settings["titles"]["zh-Hans"]  # prefilled from the questionnaire


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"closes_on": "2026-11-01"},
            "The close date 2026-11-01 is before the open date 2026-12-01",
        ),
        ({"slug": "Counter Dec"}, "Lower-case letters, digits and dashes"),
        ({"quotas": "branch SH001"}, "Line 1: write attribute=value target"),
        ({"modes": []}, "Choose web, CATI or both"),
    ],
)
def test_a_wave_form_with_a_mistake_says_which_and_stores_nothing(supervisor, db, fields, message):
    reply = new_wave(supervisor, db, **fields)
    assert reply.status_code == 400
    assert message in reply.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_duplicate_address_is_refused_beside_its_field(supervisor, db):
    new_wave(supervisor, db)
    reply = new_wave(supervisor, db)
    assert reply.status_code == 400
    assert "A survey with the address &#39;counter-2026-12&#39; already exists." in reply.get_data(
        as_text=True
    )


@pytest.fixture
def november(time_machine):
    """A day in November 2026, set before anyone signs in: the clone offers January."""
    time_machine.move_to(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))


def test_open_pause_close_and_clone_from_the_settings_page(november, supervisor, db):
    new_wave(supervisor, db)
    settings = "/fieldwork/counter-2026-12/settings"
    for action, status in (("open", "open"), ("pause", "paused"), ("open", "open")):
        reply = post(supervisor, f"/fieldwork/counter-2026-12/status/{action}", {}, page=settings)
        assert reply.status_code == 302
        db.rollback()
        assert db.scalars(select(Survey)).one().status == status
    clone_page = supervisor.get("/fieldwork/counter-2026-12/clone").get_data(as_text=True)
    assert 'value="counter-2027-01"' in clone_page and 'value="2027-01-01"' in clone_page
    reply = post(
        supervisor, "/fieldwork/counter-2026-12/clone",
        {"slug": "counter-2027-01", "opens_on": "2027-01-01", "closes_on": "2027-01-31"},
    )  # fmt: skip
    assert reply.status_code == 302
    db.rollback()
    clone = db.scalars(select(Survey).where(Survey.slug == "counter-2027-01")).one()
    assert clone.status == "draft" and clone.settings["quotas"] and clone.link_valid_days == 14
    events = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("survey_%")).order_by(AuditEvent.id)
    ).all()
    assert events == [
        "survey_created", "survey_opened", "survey_paused", "survey_opened", "survey_cloned",
    ]  # fmt: skip


def test_settings_are_edited_and_audited(supervisor, db):
    new_wave(supervisor, db)
    page = "/fieldwork/counter-2026-12/settings"
    form = supervisor.get(page).get_data(as_text=True)
    assert 'value="branch=SH001 40' in form or "branch=SH001 40" in form
    reply = post(
        supervisor, page,
        {"modes": ["web"], "languages": ["zh-Hans", "zh-Hant", "en"], "link_valid_days": "21",
         "opens_on": "2026-12-01", "closes_on": "2026-12-20", "title_en": "Counter, Dec",
         "quotas": "", "stratum_attribute": "branch"},
    )  # fmt: skip
    assert reply.status_code == 302
    db.rollback()
    survey = db.scalars(select(Survey)).one()
    assert survey.link_valid_days == 21 and str(survey.closes_on) == "2026-12-20"
    assert "quotas" not in survey.settings or survey.settings["quotas"] == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "survey_edited")).one()
    assert event.detail["link_valid_days"] == "21"


def test_open_links_page_signs_places_and_serves_qr_codes_and_cards(app, supervisor, db):
    new_wave(supervisor, db)
    base = "/fieldwork/counter-2026-12/links"
    reply = post(supervisor, f"{base}/toggle", {}, page=base)
    assert reply.status_code == 302
    reply = post(
        supervisor,
        f"{base}/places",
        {"branch": "SH001", "counter": "3", "staff": "T1024"},
        page=base,
    )
    assert reply.status_code == 302
    post(supervisor, f"{base}/places", {"branch": "SH001", "kiosk": "y"}, page=base)
    db.rollback()
    survey = db.scalars(select(Survey)).one()
    assert survey.open_link
    assert survey.settings["places"][0] == {"branch": "SH001", "counter": "3", "staff": "T1024"}
    assert survey.settings["places"][1]["device"]
    page = supervisor.get(base).get_data(as_text=True)
    tokens = re.findall(r"/o/counter-2026-12\?at=([\w.\-]+)", page)
    assert links.read(app.config["SECRET_KEY"], tokens[0]).attributes() == {
        "branch": "SH001", "counter": "3", "staff_id": "T1024",
    }  # fmt: skip
    assert "/k/counter-2026-12?at=" in page
    for kind, magic in (("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF")):
        image = supervisor.get(f"{base}/qr.{kind}?at={tokens[0]}")
        assert image.status_code == 200 and image.data.startswith(magic)
    assert supervisor.get(f"{base}/qr.svg?at={tokens[0][:-2]}xx").status_code == 400
    card = supervisor.get(f"{base}/card?at={tokens[0]}").get_data(as_text=True)
    for words in (
        "请为我们的服务评分",
        "請為我們的服務評分",
        "How did we do today?",
        "SH001",
        "T1024",
    ):
        assert words in card
    actions = db.scalars(select(AuditEvent.action)).all()
    assert "open_link_on" in actions and actions.count("open_link_place_added") == 2


def test_a_bad_place_code_is_refused(supervisor, db):
    new_wave(supervisor, db)
    base = "/fieldwork/counter-2026-12/links"
    reply = post(
        supervisor, f"{base}/places", {"branch": "SH 001"}, page=base, follow_redirects=True
    )
    assert "Letters, digits, dots, dashes and underscores." in reply.get_data(as_text=True)
    db.rollback()
    assert "places" not in db.scalars(select(Survey)).one().settings


def test_an_interviewer_or_manager_cannot_run_waves(client, auth, runner):
    runner.invoke(args=["questionnaires", "load"])
    for role in ("interviewer", "manager"):
        auth.login_as(role)
        assert client.get("/fieldwork/surveys/new").status_code == 403
        auth.logout()


@pytest.fixture
def admin(client, auth):
    auth.login_as("admin")
    return client


def upload(client, name, text):
    return post(
        client, "/admin/questionnaires/upload",
        {"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data",
    )  # fmt: skip


def test_an_upload_with_errors_lists_each_where_it_is_and_stores_nothing(admin, db):
    text = COUNTER.read_text(encoding="utf-8").replace("type: rating", "type: stars", 1)
    reply = upload(admin, "counter.yaml", text)
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    row = re.search(r'<table class="data-table" id="upload-issues">.*?</table>', page, re.S).group(
        0
    )
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "type: stars" in t)
    assert "counter.yaml" in row and f">{line}<" in row and "stars" in row
    assert "nothing was stored" in page
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


def test_an_upload_stores_versions_and_a_diff_reads_what_changed(admin, db):
    original = COUNTER.read_text(encoding="utf-8")
    assert upload(admin, "counter.yaml", original).status_code == 302
    changed = original.replace('version: "2026.1"', 'version: "2026.2"')
    changed = changed.replace(
        "en: How would you rate the professional competence",
        "en: How skilled was",
    )
    reply = upload(admin, "counter.yaml", changed)
    assert reply.status_code == 302
    assert upload(admin, "counter.yaml", changed).status_code == 302  # unchanged: no v3
    numbers = db.scalars(select(QuestionnaireVersion.number)).all()
    assert sorted(numbers) == [1, 2]
    listing = admin.get("/admin/questionnaires/").get_data(as_text=True)
    assert "/admin/questionnaires/branch-counter/diff?from=1&amp;to=2" in listing
    diff = admin.get("/admin/questionnaires/branch-counter/diff?from=1&to=2").get_data(as_text=True)
    reworded = re.search(r"Reworded \(answers still pooled\)</dt><dd[^>]*>([^<]*)<", diff).group(1)
    assert reworded == "q_competence"
    assert "diff__added" in diff and "How skilled was" in diff and "diff__removed" in diff
    assert "2026.2" in diff
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "questionnaire_uploaded")
    ).all()
    assert [e.detail["outcome"] for e in events] == ["created", "created", "unchanged"]


def test_an_upload_that_is_not_text_or_not_yaml_is_refused(admin, db):
    reply = post(
        admin, "/admin/questionnaires/upload",
        {"file": (io.BytesIO(b"\xff\xfe\x00bad"), "q.yaml")}, content_type="multipart/form-data",
    )  # fmt: skip
    assert reply.status_code == 422 and "not UTF-8 text" in reply.get_data(as_text=True)
    reply = upload(admin, "q.txt", "id: x")
    assert reply.status_code == 422 and "Use a .yaml or .yml file." in reply.get_data(as_text=True)
