"""Blind corpora as regression sets: labelled comments and chats written from the specs
alone by someone who had not read the code (tests/data/blind/<brand>/), scored as the
shared scorers do. Each folder's `floors.json` holds the figures measured when the corpus
was added: a change may raise them, never lower them. These are not targets (the issue's
targets are measured on corpora we have not seen), only a guard against going back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from commerce.catalog_formats.loader import load_catalog_file
from commerce.parsing import IntentParser
from moderation.engine import ModerationEngine
from vitrine.commands.moderate import load_policy, moderate_lines
from vitrine.commands.parse import parse_lines

BLIND = Path(__file__).resolve().parents[1] / "data" / "blind"
CORPORA = sorted(p for p in BLIND.iterdir() if (p / "floors.json").is_file())
REMOVING = {"delete", "timeout", "ban"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _items(items: list[dict] | None) -> Counter:
    return Counter(
        (
            str(i.get("sku")),
            int(i.get("quantity") or 1),
            tuple(
                sorted(
                    (str(k).lower(), str(v).lower()) for k, v in (i.get("options") or {}).items()
                )
            ),
        )
        for i in items or []
    )


def intent_figures(folder: Path) -> dict[str, float]:
    gold = _jsonl(folder / "intents.jsonl")
    parser = IntentParser(load_catalog_file(folder / "catalog.json"))
    inputs = [
        json.dumps({k: g[k] for k in ("id", "text", "featured", "lang") if k in g}) for g in gold
    ]
    got = {r["id"]: r for r in map(json.loads, parse_lines(parser, inputs))}
    right = buys = exact = others = false_claims = 0
    for g in gold:
        r = got[g["id"]]
        right += r["intent"] == g["intent"]
        if g["intent"] == "buy":
            buys += 1
            exact += r["intent"] == "buy" and _items(r["items"]) == _items(g["items"])
        else:
            others += 1
            false_claims += r["intent"] == "buy"
    return {
        "intent_accuracy": right / len(gold),
        "item_exact": exact / buys,
        "false_claim_rate": false_claims / others,
    }


def moderation_figures(folder: Path) -> dict[str, float]:
    gold = _jsonl(folder / "moderation.jsonl")
    engine = ModerationEngine(load_policy(folder / "moderation-settings.json"))
    inputs = [json.dumps({k: g[k] for k in ("id", "ts", "author", "text") if k in g}) for g in gold]
    got = {r["id"]: r for r in map(json.loads, moderate_lines(engine, inputs))}
    removes = [g for g in gold if g["expect"] == "remove"]
    allows = [g for g in gold if g["expect"] != "remove"]
    return {
        "removal_recall": sum(got[g["id"]]["action"] in REMOVING for g in removes) / len(removes),
        "false_removal_rate": sum(got[g["id"]]["action"] in REMOVING for g in allows) / len(allows),
    }


@pytest.mark.parametrize("folder", CORPORA, ids=[p.name for p in CORPORA])
def test_a_blind_corpus_never_scores_lower_than_when_it_was_added(folder: Path) -> None:
    floors = json.loads((folder / "floors.json").read_text("utf-8"))
    figures = intent_figures(folder)
    if (folder / "moderation.jsonl").is_file():
        figures |= moderation_figures(folder)
    for name, floor in floors.items():
        if name.endswith("_rate"):  # lower is better
            assert figures[name] <= floor + 1e-9, (name, figures[name], floor)
        else:
            assert figures[name] >= floor - 1e-9, (name, figures[name], floor)
