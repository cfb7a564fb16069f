"""The board in the hub's configuration (apply_config on an in-memory Config, no hub): a managed service, reachable
by instructors only, whose own role reads activity and nothing more."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from shiplab import settings
from shiplab.errors import SettingsError
from shiplab import roster
from shiplab.hub.config import HubContext, apply_config

PEOPLE = roster.parse("""username,full_name,email,role,team,manager
ines,Ines,i@x.example,instructor,,
marta,Marta,m@x.example,manager,,
anna,Anna,a@x.example,participant,claims,marta
""")
BOARD_SCOPES = {"list:users", "read:users:name", "read:users:groups", "read:users:activity", "read:servers"}


def configured(raw=None):
    c = Config()
    ctx = HubContext(state=Path("/srv/state"), repo_root=Path("/repo"), is_root=True, python="/repo/.venv/bin/python",
                     secrets={"demo-admin-password": "x" * 64})
    apply_config(settings.validate(raw or {}), c, ctx, PEOPLE)
    return c


def test_board_is_a_managed_service_with_a_least_privilege_role():
    """Is the board a hub-managed service whose role holds exactly the five read scopes it needs, and may start
    only participants' servers ("start everyone")?"""
    c = configured({"progress": {"url": "http://127.0.0.1:9123", "stuck_after": 15}})
    service = next(s for s in c.JupyterHub.services if s["name"] == "progress")
    assert service["url"] == "http://127.0.0.1:9123"
    assert service["command"] == ["/repo/.venv/bin/python", "-m", "shiplab.board"]
    assert service["environment"]["SHIPLAB_STATE"] == "/srv/state"
    role = next(r for r in c.JupyterHub.load_roles if r.get("services") == ["progress"])
    assert set(role["scopes"]) == BOARD_SCOPES | {"servers!group=participants"}


def test_only_instructors_may_reach_the_board():
    """Do only the instructors' role carry access to the board's service (managers and participants none)?"""
    roles = {r["name"]: r["scopes"] for r in configured().JupyterHub.load_roles}
    assert "access:services!service=progress" in roles["shiplab-instructor"]
    assert not any("service=progress" in s for s in roles["shiplab-participant"] + roles["shiplab-manager"])


def test_board_can_be_turned_off():
    """With progress.enabled false, is there neither the service nor its role nor the instructors' access?"""
    c = configured({"progress": {"enabled": False}})
    assert "progress" not in [s["name"] for s in c.JupyterHub.services]
    assert not any("progress" in (r.get("services") or []) for r in c.JupyterHub.load_roles)
    assert not any("service=progress" in s for r in c.JupyterHub.load_roles for s in r["scopes"])


def test_bad_board_settings_are_reported_by_key():
    """Is a stuck time of zero minutes refused with its key and what is allowed?"""
    with pytest.raises(SettingsError) as err:
        settings.validate({"progress": {"stuck_after": 0}})
    assert "progress.stuck_after" in str(err.value) and "at least 1" in str(err.value)
