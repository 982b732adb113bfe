"""A corpus of broken files: each is refused with exit 1 and its own located message."""

import re
from pathlib import Path

import pytest

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def expected_code(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = re.match(r"# expect: (\S+)", first)
    return match.group(1) if match else "not-utf8"


def test_the_corpus_is_large_enough():
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_is_refused_with_a_located_message(runner, path):
    result = runner.invoke(args=["questionnaires", "check", str(path)])
    assert result.exit_code == 1
    output = result.output
    code = expected_code(path)
    assert f"[{code}]" in output
    located = re.search(
        rf"^{re.escape(path.name)}(:\d+)?: .*\[{re.escape(code)}\]$", output, re.MULTILINE
    )
    assert located, output
    if code != "not-utf8":
        assert located.group(1), f"no line number in {output!r}"
    assert "Traceback" not in output


def test_every_error_of_a_file_is_reported_not_only_the_first(runner, tmp_path):
    bad = tmp_path / "many.yaml"
    bad.write_text(
        'id: Bad Id\nversion: "1"\ntitel: x\nlanguages: [zh-CN]\npages:\n'
        "  - id: p\n    questions:\n      - {id: q, type: stars, text: {en: Q}}\n"
    )
    result = runner.invoke(args=["questionnaires", "check", str(bad)])
    assert result.exit_code == 1
    for code in ["bad-id", "unknown-key", "bad-value", "unknown-type", "missing-key"]:
        assert f"[{code}]" in result.output
