"""Throughput of moderation: `vitrine moderate` end to end (whole process) and the engine's
decide() alone, over 100,000 generated chat messages (buyers, chatter, some spam).

    python bench/moderate_throughput.py [--messages 100000]

Target (issue #4): >= 20,000 messages/s end to end on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXTS = [
    "je prends le {n} en M",
    "SOLD",
    "+1",
    "mine!! black S",
    "trop belle 😍😍",
    "c'est combien ?",
    "hello from {city}",
    "lo quiero en negro",
    "ich nehme zwei",
    "la prendo rossa",
    "bonsoir {name}",
    "putain elle est belle",
    "vous livrez au Luxembourg ?",
    "JE PRENDS LE {n}!!!",
    "merci 🙏",
    "promo sur fripes-{n}.shop",
    "écrivez-moi sur whatsapp +33 6 12 34 56 {n:02d}",
    "t'es nulle {name}",
    "gagnez un iPhone, dm moi",
    "{name} t'es trop drôle",
]
NAMES = ["Léa", "Emma", "Chloé", "Inès", "Jade", "Zoé", "Nina", "Lou"]
CITIES = ["Lyon", "Liège", "Genève", "Madrid", "Milano", "Köln"]


def generate(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    lines, ts = [], 0.0
    for n in range(count):
        ts += rng.expovariate(20)
        author = rng.randrange(3000)
        text = rng.choice(TEXTS).format(
            n=rng.randint(1, 60), name=rng.choice(NAMES), city=rng.choice(CITIES)
        )
        if rng.random() < 0.4:
            text += " " + rng.choice(["!!", "😍", "svp", "please", str(rng.randint(1, 999))])
        lines.append(
            json.dumps(
                {
                    "id": f"m{n}",
                    "ts": round(ts, 3),
                    "author": {"id": f"u{author}", "name": rng.choice(NAMES), "role": "viewer"},
                    "text": text,
                },
                ensure_ascii=False,
            )
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=100_000)
    args = ap.parse_args()
    lines = generate(args.messages)
    settings = {
        "brand": "Atelier Bench",
        "protected_names": ["Solène"],
        "allowed_domains": ["atelier-bench.fr"],
        "blocked_words": ["Fastfripe"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, cfg = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl", Path(tmp) / "s.json"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cfg.write_text(json.dumps(settings))
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "vitrine.cli",
                "moderate",
                "--settings",
                str(cfg),
                "--in",
                str(src),
                "--out",
                str(dst),
            ],
            check=True,
        )
        wall = time.perf_counter() - started
        decisions = [json.loads(line) for line in dst.open(encoding="utf-8")]
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy
    from vitrine.commands.moderate import _message

    engine = ModerationEngine(ModerationPolicy.from_settings_json(settings))
    messages = [_message(json.loads(line)) for line in lines]
    started = time.perf_counter()
    for message in messages:
        engine.decide(message)
    decide_only = time.perf_counter() - started
    print(
        json.dumps(
            {
                "messages": args.messages,
                "decisions": len(decisions),
                "removed": sum(d["action"] in ("delete", "timeout", "ban") for d in decisions),
                "end_to_end_s": round(wall, 2),
                "end_to_end_messages_per_s": round(args.messages / wall),
                "decide_messages_per_s": round(len(messages) / decide_only),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
