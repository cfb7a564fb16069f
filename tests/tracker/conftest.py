"""The real tracker app on a real SQLite file, with a fake hub identity (the edge) and a clock the test moves."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from fastapi.testclient import TestClient

from shiplab.tracker.settings import TrackerSettings
from trackerkit import UTC, Clock, tracker_app


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path) -> TrackerSettings:
    return TrackerSettings(database_url=f"sqlite:///{tmp_path / 'tracker.sqlite'}", reminder_interval_s=0,
                           cookie_secret=secrets.token_hex(32))


@pytest.fixture
def app(settings, clock):
    return tracker_app(settings, clock)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c




# ---- a real hub with the tracker as its managed service (slow tests)

HUB_ROSTER = """username,full_name,email,role,team,manager
qa-ines,Ines Test,ines@test.example,instructor,,
qa-marta,Marta Test,marta@test.example,manager,,
qa-anna,Anna Test,anna@test.example,participant,claims,qa-marta
qa-ben,Ben Test,ben@test.example,participant,claims,qa-marta
qa-dave,Dave Test,dave@test.example,participant,ops,
"""


@pytest.fixture(scope="session")
def tracker_hub():
    """A real JupyterHub (demo auth) whose roster has a participant outside the manager's team, with the tracker
    enabled on a free port and the demo cohort on (its default). Yields once the tracker answers through the proxy."""
    import shutil


    from hubharness import TEST_PREFIX, free_port, start_hub

    hub = start_hub(HUB_ROSTER, extra_settings={"tracker": {"enabled": True,
                                                            "url": f"http://127.0.0.1:{free_port()}"}})
    try:
        hub.wait_until_answers("/services/tracker/api/openapi.json", "the tracker")
        yield hub
    finally:
        hub.stop()
        from shiplab.hub.unix import is_root, remove_unix_user

        if is_root():
            for line in HUB_ROSTER.strip().splitlines()[1:]:
                remove_unix_user(line.split(",")[0], prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)
