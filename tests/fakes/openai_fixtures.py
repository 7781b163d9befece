"""Pytest fixtures for the local OpenAI-compatible server and real clients pointed at it.

Use from a test module with `from tests.fakes.openai_fixtures import openai_server`
(and `openai_client` / `async_openai_client` as needed), or list this module in a
conftest's `pytest_plugins`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from openai import AsyncOpenAI, OpenAI

from tests.fakes.openai_server import FakeOpenAI

TEST_API_KEY = "sk-test-never-sent-anywhere-else"


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    """A fresh fake OpenAI server on 127.0.0.1 and a free port, for one test."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def openai_client(openai_server: FakeOpenAI) -> Iterator[OpenAI]:
    """The real sync client on the fake server; no retries so failures show at once."""
    client = OpenAI(api_key=TEST_API_KEY, base_url=openai_server.base_url, max_retries=0)
    yield client
    client.close()


@pytest.fixture
async def async_openai_client(openai_server: FakeOpenAI) -> AsyncIterator[AsyncOpenAI]:
    """The real async client on the fake server; no retries so failures show at once."""
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=openai_server.base_url, max_retries=0)
    yield client
    await client.close()
