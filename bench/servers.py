"""Real server processes for the tests and the benchmarks: gunicorn on a free loopback port, stopped or killed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, port: int | None = None, workers: int = 2, threads: int = 8):
    """Start the app under gunicorn; returns (process, base URL) once /healthz answers."""
    port = port or free_port()
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECURE_COOKIES": "0"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # so a kill reaches the workers too
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (loopback)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def kill_hard(process) -> None:
    """SIGKILL the server and its workers, as a crash would: no shutdown code runs."""
    os.killpg(process.pid, 9)
    process.wait(timeout=20)


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=20)
