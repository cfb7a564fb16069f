"""Fixtures of the participant's tests: a hub of their own with the grading worker on, and the demo lab released."""

from __future__ import annotations

import os
import shutil

import pytest

from hubharness import TEST_PREFIX, start_hub

# users of their own, so this hub never shares a Unix account or a home with another test hub
ROSTER = """username,full_name,email,role,team,manager
qa-ulla,Ulla Test,ulla@test.example,participant,claims,
qa-vic,Vic Test,vic@test.example,participant,portal,
qa-wen,Wen Test,wen@test.example,instructor,,
"""
USERS = ("qa-ulla", "qa-vic", "qa-wen")


@pytest.fixture(scope="module")
def grading_hub():
    """One job at a time, so a second participant's submission waits visibly behind the first."""
    if os.geteuid() != 0:
        pytest.skip("needs root: the grading sandbox drops to its own accounts")
    hub = start_hub(ROSTER, extra_settings={"grading": {"enabled": True, "poll": 0.5, "parallel": 1}})
    try:
        out = hub.cli("course", "release", "demo")
        assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
        yield hub
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        for name in USERS:
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)
