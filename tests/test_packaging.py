"""A wheel built from the checkout works outside it: templates, static files and all."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    return next(out.glob("*.whl"))


def test_wheel_carries_templates_static_and_questionnaires(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "survey/templates/base.html" in names
    assert "survey/static/css/app.css" in names
    assert any(n.startswith("survey/questionnaires/") for n in names)
    assert "survey/migrations/env.py" in names
    assert "survey/translations/zh_Hans/LC_MESSAGES/messages.mo" in names


def test_installed_wheel_serves_login_from_another_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "-q", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SURVEY_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    if TEST_DATABASE_URL:
        env["SURVEY_DATABASE_URL"] = TEST_DATABASE_URL
    survey = str(venv / "bin" / "survey")
    subprocess.run([survey, "init-db"], cwd=elsewhere, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen([survey, "run", "--port", str(port)], cwd=elsewhere, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login = urllib.request.urlopen(f"{base}/login", timeout=2).read().decode()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the installed application did not start")
        assert 'name="username"' in login
        css = urllib.request.urlopen(f"{base}/static/css/app.css", timeout=2).read()  # noqa: S310
        assert b"--brand" in css
    finally:
        server.terminate()
        server.wait(timeout=10)


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```sh\n")[1:3]
    return [block.split("\n```", 1)[0].strip() for block in blocks]


def test_the_readme_s_two_set_up_commands_install_their_packages_without_assuming_sudo():
    demo, tests = _readme_commands()
    assert demo.startswith("bash .ci/packages && ") and "survey demo" in demo
    assert tests.startswith("bash .ci/packages test && ") and tests.endswith(".venv/bin/pytest")
    assert "sudo" not in demo + tests


def test_the_package_step_runs_where_there_is_no_sudo(tmp_path):
    """As root in a container there is no sudo: the step must not call it when it need not."""
    (tmp_path / "sudo").write_text("#!/bin/sh\necho called sudo >&2\nexit 97\n")
    (tmp_path / "sudo").chmod(0o755)
    path = f"{tmp_path}:{os.environ['PATH']}"
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "packages"), "test"],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path},
    )
    assert result.returncode == 0, result.stderr
    assert "called sudo" not in result.stderr
