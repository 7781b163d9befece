"""No input crashes the parser, and huge inputs cost bounded work."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce.catalog_formats.loader import load_catalog_file
from commerce.intent import IntentKind
from commerce.parsing import IntentParser

DEMO = Path(__file__).resolve().parents[2] / "data" / "catalog-atelier.json"
PARSER = IntentParser(load_catalog_file(DEMO))
FEATURED = st.sampled_from([None, "BAGUE-ASTRE", "HUILE-AMBRE", "UNKNOWN"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), featured=FEATURED)
def test_any_unicode_parses(text: str, featured: str | None) -> None:
    result = PARSER.parse(text, featured)
    assert result.intent in set(IntentKind)
    assert 0.0 <= result.confidence <= 1.0
    for item in result.items:
        assert item.quantity >= 1 and PARSER.index.products.get(item.sku) is not None


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "je",
                "prends",
                "le",
                "4",
                "en",
                "M",
                "noir",
                "x2",
                "SOLD",
                "pas",
                "?",
                "et",
                "+1",
                "deux",
                "la",
                "rose",
                "50ml",
                "mine",
                "annule",
                "#",
                "n°",
                "taille",
                "52",
                "🙏",
                ",",
                "both",
            ]
        ),
        max_size=25,
    ),
    featured=FEATURED,
)
def test_word_salad_from_the_lexicon(words: list[str], featured: str | None) -> None:
    result = PARSER.parse(" ".join(words), featured)
    assert result.intent in set(IntentKind)


def test_ten_kilobyte_comment_with_control_characters() -> None:
    text = ("je prends le 4 \x00\x1b[31m\u200b\ufeff " * 400)[:10_240]
    result = PARSER.parse(text, "BAGUE-ASTRE")
    assert result.intent in set(IntentKind)
    # The work is bounded: what lies past the first kilobyte cannot change the result.
    assert PARSER.parse(text + " annule tout", "BAGUE-ASTRE") == result


def test_non_string_input_is_other() -> None:
    assert PARSER.parse(None, None).intent == "other"  # type: ignore[arg-type]
