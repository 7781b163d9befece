"""JSON Lines in and out for the offline commands (`vitrine parse`, `vitrine moderate`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

BUFFERED_LINES = 1024


def transform_jsonl(
    in_path: Path | None,
    out_path: Path | None,
    transform: Callable[[Iterable[str]], Iterator[str]],
) -> None:
    """Feed the input lines (a file, or stdin) to `transform` and write what it yields, one
    line each, to a file or stdout, in buffered writes and nothing else on stdout."""
    source: IO[str] = (
        in_path.open(encoding="utf-8", errors="replace")
        if in_path
        else open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    )
    sink: IO[str] = (
        out_path.open("w", encoding="utf-8")
        if out_path
        else open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    )
    with source, sink:
        buffer: list[str] = []
        for line in transform(source):
            buffer.append(line)
            if len(buffer) >= BUFFERED_LINES:
                sink.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            sink.write("\n".join(buffer) + "\n")
