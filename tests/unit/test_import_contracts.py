"""The import contracts of `.importlinter` hold on the code, each one fails when a module
breaks it on purpose, and the moves the contracts promise to allow stay allowed (each case
runs `lint-imports` on a copy of the packages, Python files only, with one change)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
PACKAGES = ("kernel", "commerce", "moderation", "prompts", "live", "bots", "vitrine")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_names() -> set[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG, encoding="utf-8")
    return {
        config[section]["name"]
        for section in config.sections()
        if section.startswith("importlinter:contract:")
    }


@dataclass(frozen=True)
class Change:
    """Append `source` to `module` (created if missing, with its package's __init__), after
    moving `moved_from` there if given."""

    module: str
    source: str
    also_broken: frozenset[str] = field(default_factory=frozenset)
    moved_from: str | None = None

    def apply(self, tree: Path) -> None:
        path = tree / self.module
        if self.moved_from:
            path.parent.mkdir(parents=True, exist_ok=True)
            (tree / self.moved_from).rename(path)
        for parent in path.relative_to(tree).parents:
            init = tree / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.parent.mkdir(parents=True, exist_ok=True)
                init.touch()
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(f"{before}\n{self.source}  # deliberate\n", encoding="utf-8")


# contract name -> a change that breaks it (and the contracts it breaks too, if any).
VIOLATIONS = {
    "The kernel imports nothing of ours": Change("kernel/money.py", "import prompts"),
    "Prompts import nothing of ours": Change("prompts/__init__.py", "import kernel.money"),
    "Commerce and moderation are independent": Change(
        "commerce/intent.py", "import moderation.verdict"
    ),
    "The domain imports no application, adapter, shell, framework or platform SDK": Change(
        "moderation/verdict.py", "import httpx"
    ),
    "Stripe and OpenAI only in their adapters": Change("commerce/intent.py", "import stripe"),
    "Telegram and Discord only in their platform folders": Change(
        "bots/console/adapter.py", "import discord"
    ),
    "The application layer imports no adapter, shell, framework or platform SDK": Change(
        "live/events.py", "import vitrine.settings"
    ),
    "Adapters translate: no database, no domain, no shell": Change(
        "bots/console/adapter.py", "import sqlalchemy"
    ),
    "Each platform adapter stands alone": Change(
        "bots/transcript/format.py",
        "import bots.console",
        frozenset({"Every module under bots stands alone, platforms to come included"}),
    ),
    # A platform folder that does not exist yet: only the wildcard contract sees it.
    "Every module under bots stands alone, platforms to come included": Change(
        "bots/telegram/__init__.py", "import bots.console"
    ),
}

# Moves the contracts must survive: an adapter becoming a package, a planned adapter, a new
# platform folder using its own SDK.
ALLOWED = {
    "stripe adapter split into a package": Change(
        "commerce/stripe_events/webhook.py",
        "import stripe",
        moved_from="commerce/stripe_events.py",
    ),
    "stripe checkout adapter importing the SDK again": Change(
        "commerce/checkout/stripe_provider.py", "import stripe"
    ),
    "LLM second opinion as a package": Change(
        "moderation/second_opinion/client.py",
        "from openai import OpenAI",
        moved_from="moderation/second_opinion.py",
    ),
    "telegram platform folder": Change(
        "bots/telegram/adapter.py", "import telegram.ext\nimport live.platform"
    ),
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


def broken_contracts(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.split(" BROKEN")[0] for line in done.stdout.splitlines() if " BROKEN" in line}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the first-party packages (Python files only) and the contracts."""
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            target = tree / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(CONFIG, tree / ".importlinter")
    return tree


def changed_copy(pristine: Path, tmp_path: Path, change: Change) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    change.apply(tree)
    return tree


def test_every_contract_has_a_violation() -> None:
    assert set(VIOLATIONS) == contract_names()


def test_the_code_keeps_every_contract(pristine: Path) -> None:
    done = lint(pristine)
    assert broken_contracts(done) == set(), done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    kept = {line.split(" KEPT")[0] for line in done.stdout.splitlines() if " KEPT" in line}
    assert kept == contract_names()


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_fails_when_broken(pristine: Path, tmp_path: Path, contract: str) -> None:
    change = VIOLATIONS[contract]
    done = lint(changed_copy(pristine, tmp_path, change))
    assert done.returncode != 0, done.stdout + done.stderr
    assert broken_contracts(done) == {contract} | change.also_broken, done.stdout + done.stderr


@pytest.mark.parametrize("move", sorted(ALLOWED))
def test_allowed_moves_keep_every_contract(pristine: Path, tmp_path: Path, move: str) -> None:
    done = lint(changed_copy(pristine, tmp_path, ALLOWED[move]))
    assert done.returncode == 0, done.stdout + done.stderr
