"""Every reply exists in every language, and replies say what happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce.outcomes import ItemRef, OptionNeeded, Reserved, Waitlisted
from live.replies import ReplyContext, replies_for
from prompts.replies import available_languages, templates

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
ITEM = ItemRef("RING", "Bague Ora", "RING-52", (("size", "52"),), 2)


def test_all_languages_have_every_key() -> None:
    languages = available_languages()
    assert set(languages) >= {"fr", "en", "es", "de", "it"}
    keys = set(templates("en"))
    for language in languages:
        assert set(templates(language)) == keys, language


@pytest.mark.parametrize("language", ["fr", "en", "es", "de", "it"])
def test_reserved_reply_and_checkout_dm(language: str) -> None:
    ctx = ReplyContext(
        "Zoé",
        "u1",
        language,
        "Atelier",
        checkout_url="http://x/checkout/t",
        cart_summary="Bague Ora (52) x2",
        cart_total="70.00 EUR",
    )
    replies = replies_for(Reserved(1, 9, ITEM, NOW + timedelta(minutes=15)), ctx, NOW)
    assert [r.kind.value for r in replies] == ["public", "private"]
    assert "@Zoé" in replies[0].text and "Bague Ora (52) x2" in replies[0].text
    assert "15" in replies[0].text
    assert "http://x/checkout/t" in replies[1].text and "70.00 EUR" in replies[1].text


def test_waitlist_position_and_option_question() -> None:
    ctx = ReplyContext("Zoé", "u1", "fr", "Atelier")
    assert "n°3" in replies_for(Waitlisted(1, ITEM, 3), ctx, NOW)[0].text
    ask = replies_for(OptionNeeded(1, "RING", "Bague Ora", "size", ("50", "54")), ctx, NOW)[0]
    assert "taille" in ask.text and "50, 54" in ask.text


def test_unknown_language_falls_back_to_english() -> None:
    ctx = ReplyContext("Zoé", "u1", "pt", "Atelier")
    assert "waitlist" in replies_for(Waitlisted(1, ITEM, 1), ctx, NOW)[0].text
