"""Ctrl-C on `make up`: what keeps running is said, with how to stop it — read from a real hub database."""

from __future__ import annotations

import subprocess

from shiplab import settings
from shiplab.hub.launch import banner
from shiplab.hub.leftover import leftover_message, leftover_servers


def _hub_db(path, servers: dict[str, dict | None]):
    """A JupyterHub database made by JupyterHub's own ORM: each user with a server whose spawner state is given."""
    from jupyterhub import orm

    session = orm.new_session_factory(f"sqlite:///{path}")()
    for name, state in servers.items():
        user = orm.User(name=name)
        session.add(user)
        session.commit()
        spawner = orm.Spawner(user_id=user.id, name="")
        if state is not None:
            server = orm.Server()
            session.add(server)
            session.commit()
            spawner.server_id, spawner.state = server.id, state
        session.add(spawner)
    session.commit()
    session.close()


def test_running_servers_are_named_with_the_command_that_stops_them(tmp_path):
    """Are anna's live server (a real process) and a container without a pid listed, ben's dead one and chloe
    without a server not — with `kill <pid>` and the cleanup_servers setting in the words?"""
    alive = subprocess.Popen(["sleep", "60"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        _hub_db(tmp_path / "jupyterhub.sqlite", {"anna": {"pid": alive.pid}, "ben": {"pid": dead.pid},
                                                 "chloe": None, "dora": {"container_id": "abc"}})
        left = leftover_servers(tmp_path / "jupyterhub.sqlite")
        assert [(s.user, s.pid) for s in left] == [("anna", alive.pid), ("dora", None)]
        said = leftover_message(left, "hub_config/shiplab.yaml")
        assert "2 participant server(s) keep running" in said and "anna, dora" in said
        assert f"kill {alive.pid}" in said and "cleanup_servers: true" in said
    finally:
        alive.kill()
        alive.wait()
    assert leftover_message([], "x") == ""
    assert leftover_servers(tmp_path / "absent.sqlite") == []


def test_the_banner_says_servers_outlive_the_hub_unless_cleanup_is_on():
    """Does the banner say servers keep running when the hub stops — and not when cleanup_servers is on?"""
    assert "keep running when the hub stops" in banner(settings.validate({}), [])
    on = settings.validate({"hub": {"cleanup_servers": True}})
    assert "keep running" not in banner(on, [])
