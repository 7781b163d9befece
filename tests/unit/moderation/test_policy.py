"""Settings become a policy, or a clear error."""

from __future__ import annotations

import pytest

from moderation.policy import ModerationPolicy, PolicyError
from tests.unit.moderation.conftest import SETTINGS


def test_spec_settings_and_defaults() -> None:
    policy = ModerationPolicy.from_settings_json(
        {**SETTINGS, "allowed_domains": ["https://www.Nordlys-Studio.com/"]}
    )
    assert policy.protected_names[0] == "Nordlys Studio"
    assert policy.allowed_domains == ("nordlys-studio.com",)
    assert (policy.flood_max_messages, policy.repeat_max, policy.timeout_s) == (5, 3, 600)
    assert policy.ladder == ("delete", "timeout", "ban")
    assert policy.instant_ban == {"scam", "hate", "impersonation"}
    assert policy.exempt_roles == {"moderator", "host"}


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"protected_names": "Ingrid"},
        {"brand": 3},
        {"ladder": ["explode"]},
        {"timeout_s": "600"},
        {"instant_ban": "scam"},
    ],
)
def test_bad_settings_are_rejected(bad: object) -> None:
    with pytest.raises(PolicyError):
        ModerationPolicy.from_settings_json(bad)  # type: ignore[arg-type]


def test_an_unknown_setting_is_refused_by_name() -> None:
    with pytest.raises(PolicyError, match=r"unknown setting\(s\): blocked_word \(known: "):
        ModerationPolicy.from_settings_json({"brand": "B", "blocked_word": ["x"]})
