"""The import contracts of `.importlinter` hold on the code, and each one fails when a
module breaks it on purpose (a copy of the packages with one bad import added)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kernel", "commerce", "moderation", "prompts", "live", "bots", "vitrine")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# contract name -> (module file to break, the import that breaks it)
VIOLATIONS = {
    "The kernel imports nothing of ours": ("kernel/money.py", "import prompts"),
    "Prompts import nothing of ours": ("prompts/__init__.py", "import kernel.money"),
    "Commerce and moderation are independent": ("commerce/intent.py", "import moderation.verdict"),
    "The domain imports no application, adapter, shell, framework or platform SDK": (
        "moderation/verdict.py",
        "import telegram",
    ),
    "Stripe and OpenAI only in their adapters": ("commerce/intent.py", "import stripe"),
    "The application layer imports no adapter, shell, framework or platform SDK": (
        "live/events.py",
        "import vitrine.settings",
    ),
    "Adapters translate: no database, no domain, no shell": (
        "bots/transcript/format.py",
        "import sqlalchemy",
    ),
    "Each platform adapter stands alone": ("bots/transcript/format.py", "import bots.console"),
}


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(tree / ".importlinter")],
        capture_output=True,
        text=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the first-party packages (Python files only) and the contracts."""
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            target = tree / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def test_the_code_keeps_every_contract(pristine: Path) -> None:
    done = lint(pristine)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = [line for line in done.stdout.splitlines() if " KEPT" in line]
    assert len(kept) == len(VIOLATIONS)


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_fails_when_broken(pristine: Path, tmp_path: Path, contract: str) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    module, bad_import = VIOLATIONS[contract]
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{bad_import}  # deliberate\n")
    done = lint(tree)
    assert done.returncode != 0
    broken = [line.split(" BROKEN")[0] for line in done.stdout.splitlines() if " BROKEN" in line]
    assert broken == [contract], done.stdout
