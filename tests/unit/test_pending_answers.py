"""Reading the answer to "which size?" in a short reply, and nothing in a long one."""

from __future__ import annotations

import pytest

from commerce.pending import value_in_answer

SIZES = ["XS", "S", "M", "L", "XL"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"),
        ("en M svp", "M"),
        ("size xl please", "XL"),
        ("T40", "40"),
        ("taille 40", "40"),
        ("52!!", "52"),
        ("le 50ml", "50ml"),
    ],
)
def test_value_found(text: str, expected: str) -> None:
    values = [*SIZES, "38", "40", "52", "30ml", "50ml"]
    assert value_in_answer(text, values) == expected


@pytest.mark.parametrize(
    "text",
    ["it's beautiful", "M ou L je sais pas", "merci", "x" * 80 + " M", "l'autre"],
)
def test_nothing_or_ambiguous(text: str) -> None:
    assert value_in_answer(text, SIZES) is None
