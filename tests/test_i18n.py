"""Language negotiation, the language switch, and the translation catalogs."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from survey.i18n import language_for_tag, safe_next
from tests.conftest import csrf_token_from

TRANSLATIONS = Path(__file__).parent.parent / "survey" / "translations"


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh_Hant_HK", "zh-Hant"),
        ("en-GB", "en"),
        ("fr-FR", None),
    ],
)
def test_language_for_tag(tag, language):
    assert language_for_tag(tag) == language


def test_switch_keeps_the_choice_and_returns_to_the_page(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/language", data={"language": "zh-Hant", "next": "/login", "csrf_token": token}
    )
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert "登入" in page


def test_switch_refuses_an_unknown_language(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/language", data={"language": "xx", "csrf_token": token})
    assert response.status_code == 400


def test_switch_needs_csrf(client):
    assert client.post("/language", data={"language": "en"}).status_code == 400


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next(target, "/home") == "/home"


def _entries(catalog) -> dict:
    """{id: translation}, plural ids and forms as tuples (the .mo reader gives lists)."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_catalog_is_complete_and_compiled(locale):
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        template_ids = set(_entries(read_po(file)))
    with open(folder / "messages.po", "rb") as file:
        po = _entries(read_po(file))
    with open(folder / "messages.mo", "rb") as file:
        mo = _entries(read_mo(file))
    assert template_ids <= set(po), "run pybabel update: messages missing from the catalog"
    untranslated = [k for k, v in po.items() if not (all(v) if isinstance(v, tuple) else v)]
    assert not untranslated, f"untranslated messages: {untranslated[:5]}"
    assert po == mo, "run pybabel compile: the .mo file is out of date"
