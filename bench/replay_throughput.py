"""Throughput and latency of the full pipeline (moderation, intent, commerce, replies into the
outbox) through `vitrine replay`, one worker, on SQLite and PostgreSQL.

    python bench/replay_throughput.py [--messages 20000] [--db sqlite|postgresql|both]

Targets (issue #5): >= 1,000 comments/s with one worker; p99 pipeline latency < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flash_sale import fresh_postgres

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "tests" / "data" / "catalog-atelier.json"
PRODUCTS = [
    "BAGUE-ASTRE",
    "PULL-NUAGE",
    "CREOLES-LUNE",
    "ROBE-SOLSTICE",
    "COLLIER-ETOILE",
    "FOULARD-BRISE",
    "HUILE-AMBRE",
]
CHAT = [
    "trop belle 😍",
    "bonsoir de Lyon",
    "c'est combien ?",
    "vous livrez au Luxembourg ?",
    "hello from Leeds",
    "elle taille comment ?",
    "merci 🙏",
    "je regarde encore",
    "wow",
    "la lumière est top",
    "il est quelle heure ?",
    "pas pour moi",
    "j'adore",
    "bravo !",
]
CLAIMS = [
    "je prends",
    "SOLD",
    "+1",
    "mine!",
    "je prends en M",
    "sold doré 52",
    "lo quiero",
    "je la veux en noir taille S",
    "2 en rose",
    "I'll take it in gold 50",
    "ich nehme zwei",
    "je prends le B7 en 30ml",
    "moi !",
    "la prendo",
    "je prends le 3 en argent",
]
# Chat rarely repeats itself word for word: most chatter gets one or two of these tails, so
# that caches of judged texts do not flatter the figures.
TAILS = [
    "😍",
    "!!",
    "les filles",
    "ce soir",
    "de Nantes",
    "hihi",
    "trop hâte",
    "❤️",
    "bravo Léa",
    "merci pour le live",
    "haha",
    "omg",
    "first time here",
    "ciao a tutti",
    "saludos desde Sevilla",
    "liebe Grüße",
    "je suis en retard",
    "le son coupe un peu",
    "on voit mal la couleur",
    "🔥🔥",
    "coucou Marie",
    "top",
    "j'ai déjà commandé la dernière fois",
    "vous êtes au top",
]
SPAM = [
    "promo sur bijoux-discount.shop",
    "gagnez un iPhone, écrivez-moi en privé",
    "whatsapp me +33 6 12 34 56 78",
]


def make_inputs(folder: Path, messages: int, seed: int = 9) -> tuple[Path, Path]:
    catalog = json.loads(CATALOG.read_text())
    for product in catalog["products"]:  # enough stock that a long replay keeps selling
        for variant in product["variants"]:
            variant["stock"] = 100_000
    rng = random.Random(seed)
    lines, ts = [], 0.0
    for n in range(messages):
        if n % 400 == 0:
            lines.append({"ts": round(ts, 3), "event": "feature", "sku": rng.choice(PRODUCTS)})
        ts += rng.expovariate(25)
        roll = rng.random()
        text = rng.choice(CLAIMS if roll < 0.25 else SPAM if roll < 0.27 else CHAT)
        if roll >= 0.27:
            tails = rng.sample(TAILS, rng.choice((0, 1, 2, 2, 3)))
            text = " ".join([text, *tails])
        author = f"v{rng.randrange(4000)}"
        lines.append(
            {
                "id": f"m{n}",
                "ts": round(ts, 3),
                "author": {"id": author, "name": author.title(), "role": "viewer"},
                "text": text,
            }
        )
        if rng.random() < 0.01:
            lines.append({"ts": round(ts, 3), "event": "pay", "author_id": author})
    catalog_path, transcript = folder / "catalog.json", folder / "chat.jsonl"
    catalog_path.write_text(json.dumps(catalog))
    transcript.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    return catalog_path, transcript


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory(prefix="vitrine-replay-") as tmp:
        catalog, transcript = make_inputs(Path(tmp), args.messages)
        for backend in backends:
            url = fresh_postgres() if backend == "postgresql" else f"sqlite:///{tmp}/r.db"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "vitrine.cli",
                    "replay",
                    str(transcript),
                    "--catalog",
                    str(catalog),
                    "--db",
                    url,
                    "--json",
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            summary = json.loads(done.stdout)
            keys = (
                "comments",
                "removed",
                "claims",
                "reserved_units",
                "paid_orders",
                "replies",
                "comments_per_s",
                "p50_ms",
                "p99_ms",
                "oversold",
            )
            print(json.dumps({"backend": backend, **{k: summary[k] for k in keys}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
