"""Transcript lines are validated one by one; a bad line is reported, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.transcript.format import (
    ChatLine,
    FeatureEvent,
    PayEvent,
    TranscriptError,
    load_transcript,
    parse_line,
)


def test_chat_and_control_lines() -> None:
    chat = parse_line(
        '{"id": "m1", "ts": 1.5, "author": {"id": "u1", "name": "Zoé", '
        '"role": "viewer"}, "text": "je prends"}',
        1,
    )
    assert isinstance(chat, ChatLine) and chat.author_name == "Zoé" and chat.ts == 1.5
    assert parse_line('{"ts": 2, "event": "feature", "sku": "X"}', 2) == FeatureEvent(2, 2.0, "X")
    assert parse_line('{"ts": 3, "event": "pay", "author_id": "u1"}', 3) == PayEvent(3, 3.0, "u1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1]", "must be a JSON object"),
        ('{"ts": -1, "event": "pay", "author_id": "u"}', "'ts' must be a finite number >= 0"),
        ('{"ts": 1, "event": "dance"}', "unknown event"),
        ('{"id": "m", "ts": 1, "author": {"id": "u", "role": "king"}, "text": "x"}', "role"),
        ('{"id": "m", "ts": 1, "author": {"id": "u"}, "text": 3}', "'text' must be a string"),
    ],
)
def test_bad_lines_name_the_problem(raw: str, message: str) -> None:
    with pytest.raises(TranscriptError, match=message) as err:
        parse_line(raw, 7)
    assert err.value.line == 7


def test_load_keeps_going_past_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"ts": 5, "event": "feature", "sku": "A"}\n'
        "garbage\n\n"
        '{"id": "m1", "ts": 1, "author": {"id": "u1"}, "text": "hi"}\n',
        encoding="utf-8",
    )
    good, bad = load_transcript(path)
    assert [type(x).__name__ for x in good] == ["ChatLine", "FeatureEvent"]  # sorted by ts
    assert [e.line for e in bad] == [2]


def test_a_line_that_is_not_utf8_is_skipped_and_the_rest_kept(tmp_path) -> None:
    from bots.transcript.format import load_transcript

    path = tmp_path / "chat.jsonl"
    path.write_bytes(
        b'{"id": "a", "ts": 1, "text": "hi", "author": {"id": "u1"}}\n'
        b'{"id": "b", "ts": 2, "text": "\xff\xfe", "author": {"id": "u2"}}\n'
        b'{"id": "c", "ts": 3, "text": "ok", "author": {"id": "u3"}}\n'
    )
    good, bad = load_transcript(path)
    assert [line.id for line in good] == ["a", "c"]
    assert [str(error) for error in bad] == ["line 2: not valid UTF-8"]
