"""The database rooms' fixtures: the session's PostgreSQL (tests/conftest.py), reached the way a deployment reaches
it — a URL without the password, which the driver reads from ``PGPASSWORD``."""

from __future__ import annotations

import pytest


@pytest.fixture
def pg(postgres, monkeypatch):
    """The session's PostgreSQL, with its application role's password in ``PGPASSWORD`` for this test."""
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    return postgres
