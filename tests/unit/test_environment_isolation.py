"""The suite does not depend on the caller's environment: the autouse fixture of
tests/conftest.py (`isolated_environment`) drops every VITRINE_*/OPENAI_* variable but the
suite's own knobs, and runs each test in a directory of its own, where no `.env` is.

The leaks are planted here by a module-scoped fixture, which pytest sets up before any
function-scoped one (the autouse fixture included), as a developer's shell or a `.env` in
the checkout would be there before the suite starts. Without the fixture, the first and
last tests fail (Settings() reads `Leaked`, USD, the stripe provider and an OpenAI key); a
fixture that dropped the suite's own knobs too fails the second."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.settings import Settings

LEAKS = {
    "VITRINE_BRAND_NAME": "Leaked",
    "VITRINE_CHECKOUT_PROVIDER": "stripe",
    "OPENAI_API_KEY": "sk-leaked",
}
DOTENV = "VITRINE_BRAND_NAME=Leaked\nVITRINE_CURRENCY=USD\nOPENAI_BASE_URL=http://leaked/v1\n"


@pytest.fixture(scope="module", autouse=True)
def leaky_caller(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shell's variables and a `.env` in the directory the suite was started from."""
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / ".env").write_text(DOTENV, encoding="utf-8")
    with pytest.MonkeyPatch.context() as leak:
        for name, value in LEAKS.items():
            leak.setenv(name, value)
        # A suite knob, set to what it already is: the fixture must keep it.
        leak.setenv("VITRINE_REQUIRE_POSTGRES", os.environ.get("VITRINE_REQUIRE_POSTGRES", "0"))
        leak.chdir(checkout)
        yield checkout


def test_settings_see_neither_the_shell_nor_the_dotenv(leaky_caller: Path, tmp_path: Path) -> None:
    settings = Settings()
    assert settings.brand_name == "Vitrine Demo Shop"
    assert settings.currency == "EUR"
    assert settings.checkout_provider == "local"
    assert not settings.llm_enabled  # no OpenAI client would be wired
    assert Path.cwd() == tmp_path and not Path(".env").exists()
    assert not [name for name in LEAKS if name in os.environ]


def test_the_suites_own_knobs_are_kept() -> None:
    assert "VITRINE_REQUIRE_POSTGRES" in os.environ


def test_a_cli_the_test_starts_inherits_no_leak(tmp_path: Path) -> None:
    """What the e2e tests rely on: a `vitrine` started with the test's environment."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from vitrine.settings import Settings; s = Settings(); "
            "print(s.brand_name, s.currency, s.checkout_provider, s.llm_enabled)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Vitrine", "Demo", "Shop", "EUR", "local", "False"]
