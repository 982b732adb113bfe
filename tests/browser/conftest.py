"""A live server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from reaching for the network on a closed machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent.parent / "artifacts"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """Serve the test application on a free loopback port for the test's duration."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def click_and_wait(page, selector: str) -> None:
    """Click a control that submits or follows a link, and wait for the next page: the next
    step must never run against the page being left (a race a busy machine loses)."""
    with page.expect_navigation():
        page.click(selector)


def screenshot(page, name: str) -> Path:
    """Keep a screenshot as a test artifact, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Fill every question on a screen: the highest real option, a number, some text; the
# ``keep_in`` answers avoid screen-outs. With ``{keepIn, requiredOnly: true}`` the optional
# questions are left untouched, and their field names are returned.
FILL = """(arg) => {
  const keepIn = arg.keepIn || arg;
  const form = document.querySelector('form.survey__form');
  const fieldsets = [...form.querySelectorAll('fieldset.question')];
  const optional = fieldsets.filter(f => f.querySelector(':scope > legend .question__optional'));
  const untouched = arg.requiredOnly ? new Set(optional) : new Set();
  const inScope = (input) => !untouched.has(input.closest('fieldset.question'));
  const all = (selector) => [...form.querySelectorAll(selector)].filter(inScope);
  const groups = {};
  for (const input of all('input[type=radio], input[type=checkbox]')) {
    (groups[input.name] ||= []).push(input);
  }
  for (const [name, inputs] of Object.entries(groups)) {
    const real = inputs.filter(i => !i.value.startsWith('-') && !i.dataset.exclusive);
    const wanted = keepIn[name];
    const pick = wanted ? inputs.find(i => i.value === wanted) : real[real.length - 1];
    if (!pick) continue;
    pick.checked = true;
    for (const other of form.querySelectorAll(`input[name="${name}:other"]`)) other.value = '柜台太少';
  }
  for (const input of all('input[type=text]:not([name$=":other"])')) {
    input.value = input.inputMode === 'numeric' || input.inputMode === 'decimal' ? '5' : '服务很好';
  }
  for (const area of all('textarea')) area.value = '服务很好，谢谢。';
  for (const select of all('select')) select.selectedIndex = select.options.length - 1;
  for (const date of all('input[type=date]')) date.value = '2026-11-01';
  return [...untouched].flatMap(f => [...f.querySelectorAll('[name]')].map(i => i.name));
}"""
KEEP_IN = {"q_s_customer": "1", "q_s_industry": "0", "q_caller": "1"}


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; return the serious and critical violations found."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in_as(page, base: str, username: str) -> None:
    """Sign in on the login page with the test password, as a member of staff would."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
