"""The domain never imports a platform SDK outside its adapter, nor the application shell."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDKS = {"telegram", "discord", "stripe", "openai"}
# Modules that adapt one SDK each; only they may import it.
ADAPTERS = {
    "bots/telegram": {"telegram"},
    "bots/discord": {"discord"},
    "commerce/checkout/stripe_provider.py": {"stripe"},
    "commerce/payments.py": {"stripe"},
    "commerce/llm_intent.py": {"openai"},
    "moderation/second_opinion.py": {"openai"},
}
SHELL = {"vitrine.cli", "vitrine.bootstrap", "vitrine.commands", "vitrine.web"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _allowed(rel: str) -> set[str]:
    return next((sdks for prefix, sdks in ADAPTERS.items() if rel.startswith(prefix)), set())


def test_domain_packages_respect_their_boundaries() -> None:
    problems = []
    for package in ("commerce", "moderation", "prompts", "bots"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for name in _imports(path):
                top = name.split(".")[0]
                if top in SDKS and top not in _allowed(rel):
                    problems.append(f"{rel} imports {name}")
                if any(name == s or name.startswith(s + ".") for s in SHELL):
                    problems.append(f"{rel} imports the application shell ({name})")
    assert problems == []


def test_prompts_import_nothing_of_ours() -> None:
    for path in (ROOT / "prompts").rglob("*.py"):
        tops = {n.split(".")[0] for n in _imports(path)}
        assert not tops & {"vitrine", "bots", "commerce", "moderation"}, path
