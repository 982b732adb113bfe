"""The layer rules hold, and each of them would catch the import it forbids."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LINT = Path(sys.executable).parent / "lint-imports"

# contract id → (module, an import that breaks the rule)
BREAKS = {
    "pure": ("survey/stats/ratio.py", "import flask"),
    "pure-apart": ("survey/questionnaire/modes.py", "import survey.stats.ratio"),
    "blueprints-apart": ("survey/web/routes.py", "import survey.cati.console"),
    "figures-without-web": ("survey/analysis/figures.py", "import flask_babel"),
    "responses-before-reports": ("survey/responses/quotas.py", "import survey.analysis.facts"),
    "models-at-the-bottom": ("survey/models/calls.py", "import survey.cases.queue"),
    "services-below-pages": ("survey/cases/queue.py", "import survey.fieldwork.progress"),
}


def lint(tree: Path, *contract: str) -> subprocess.CompletedProcess:
    args = [str(LINT), "--no-cache", *(f"--contract={c}" for c in contract)]
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    return subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def test_the_layers_hold():
    found = lint(ROOT)
    assert found.returncode == 0, found.stdout
    assert f"Contracts: {len(BREAKS)} kept, 0 broken." in found.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("layers")
    ignore = shutil.ignore_patterns("__pycache__", "translations", "*.mo")
    shutil.copytree(ROOT / "survey", tree / "survey", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree)
    return tree


@pytest.mark.parametrize("contract", BREAKS)
def test_each_rule_catches_the_import_it_forbids(copy, contract):
    module, line = BREAKS[contract]
    path = copy / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}  # noqa\n")
    try:
        found = lint(copy, contract)
    finally:
        path.write_text(original)
    assert found.returncode != 0, found.stdout
    assert "BROKEN" in found.stdout and "Contracts: 0 kept, 1 broken." in found.stdout
    assert line.split()[-1].split(".")[0] in found.stdout  # it names the forbidden import
