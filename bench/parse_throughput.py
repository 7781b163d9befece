"""Throughput of intent parsing: `vitrine parse` end to end (whole process) and the parser
function alone, over 100,000 generated comments in five languages.

    python bench/parse_throughput.py [--comments 100000]

Target (issue #3): >= 20,000 comments/s end to end on one core.
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

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "tests" / "data" / "catalog-atelier.json"

TEMPLATES = [
    "je prends {code} en {size}",
    "jprends la {color} en {size} svp",
    "SOLD {code} {color} {size}",
    "mine!! {color} {size}",
    "+1",
    "I'll take {n} in {color}",
    "lo quiero en {color} talla {size}",
    "ich nehme {n} in {color}",
    "la prendo {color} taglia {size}",
    "c'est combien le {code} ?",
    "do you ship to {country}?",
    "trop belle 😍",
    "pas pour moi",
    "annule le {code}",
    "{n} {color} en {size}",
    "il reste du {size} ? je prends",
    "bonsoir de {country} 👋",
    "ma soeur va la prendre",
    "je l'aurais bien pris mais trop cher",
    "x2 {color} {size}",
]
COLORS = [
    "noir",
    "black",
    "doré",
    "gold",
    "argent",
    "rose",
    "pink",
    "écru",
    "navy",
    "terracotta",
    "vert",
    "negro",
    "nera",
    "schwarz",
]
SIZES = ["S", "M", "L", "XL", "50", "52", "54", "30ml", "50ml"]
CODES = ["le 1", "le 2", "#3", "n°4", "le 5", "B2", "B7", "article 6"]
COUNTRIES = ["Belgique", "Suisse", "Canada", "Italia", "España", "Deutschland"]


def generate(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    skus = ["BAGUE-ASTRE", "PULL-NUAGE", "SAC-OPALE", "ROBE-SOLSTICE", "HUILE-AMBRE"]
    lines = []
    for n in range(count):
        text = rng.choice(TEMPLATES).format(
            code=rng.choice(CODES),
            size=rng.choice(SIZES),
            color=rng.choice(COLORS),
            n=rng.choice(["2", "deux", "two", "zwei", "due"]),
            country=rng.choice(COUNTRIES),
        )
        if rng.random() < 0.3:  # live chats are not all repeats: vary the text
            text += " " + rng.choice(["!!", "😍", "svp", "please", "🙏", str(rng.randint(1, 99))])
        lines.append(
            json.dumps(
                {"id": f"c{n}", "text": text, "featured": rng.choice(skus)}, ensure_ascii=False
            )
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--comments", type=int, default=100_000)
    args = ap.parse_args()
    lines = generate(args.comments)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "vitrine.cli",
                "parse",
                "--catalog",
                str(CATALOG),
                "--in",
                str(src),
                "--out",
                str(dst),
            ],
            check=True,
        )
        wall = time.perf_counter() - started
        produced = sum(1 for _ in dst.open(encoding="utf-8"))
    from commerce.catalog_formats.loader import load_catalog_file
    from commerce.parsing import IntentParser

    parser = IntentParser(load_catalog_file(CATALOG))
    parser_cache_off = IntentParser(load_catalog_file(CATALOG))
    inputs = [json.loads(line) for line in lines]
    started = time.perf_counter()
    for item in inputs:
        parser.parse(item["text"], item["featured"])
    parse_only = time.perf_counter() - started
    sample = inputs[:20_000]
    started = time.perf_counter()
    for item in sample:
        parser_cache_off._cache.clear()
        parser_cache_off.parse(item["text"], item["featured"])
    uncached = time.perf_counter() - started
    print(
        json.dumps(
            {
                "comments": args.comments,
                "output_lines": produced,
                "end_to_end_s": round(wall, 2),
                "end_to_end_comments_per_s": round(args.comments / wall),
                "parser_comments_per_s": round(len(inputs) / parse_only),
                "parser_uncached_comments_per_s": round(len(sample) / uncached),
                "distinct_texts": len({(i["text"], i["featured"]) for i in inputs}),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
