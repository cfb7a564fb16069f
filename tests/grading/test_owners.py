"""Whose must a submission be? With containers, participant N's container runs as ``containers.uid_base + N``
(N: their id in the hub's database), so that uid — read from the hub's own database — must own what is filed
under their name; a name the hub does not know owns nothing."""

from __future__ import annotations

import os

import pytest
from jupyterhub import orm

from shiplab.grading import intake
from shiplab.grading.cli import submission_owners
from shiplab.hub.containers import ShiplabDockerSpawner

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the worker checks owners only as root")


def _hub_db(path, names):
    db = orm.new_session_factory(f"sqlite:///{path}")()
    users = {}
    for name in names:
        user = orm.User(name=name)
        db.add(user)
        db.commit()
        users[name] = user.id
    return users


@needs_root
def test_a_container_participants_uid_comes_from_the_hubs_database(tmp_path, monkeypatch):
    ids = _hub_db(tmp_path / "jupyterhub.sqlite", ["anna", "ben", "chloe"])
    settings = tmp_path / "shiplab.yaml"
    settings.write_text(f"hub:\n  state_dir: {tmp_path}\nspawner:\n  mode: docker\ncontainers:\n  uid_base: 30000\n")
    monkeypatch.setenv("SHIPLAB_SETTINGS", str(settings))
    monkeypatch.delenv("SHIPLAB_STATE", raising=False)
    owner_of = submission_owners()
    assert [owner_of(n) for n in ("anna", "ben", "chloe", "mallory")] == [
        30000 + ids["anna"], 30000 + ids["ben"], 30000 + ids["chloe"], None]
    # the spawner gives the same uid
    spawner = ShiplabDockerSpawner.__new__(ShiplabDockerSpawner)
    spawner.uid_base = 30000
    spawner.user = type("U", (), {"id": ids["ben"]})()
    assert spawner.participant_uid() == owner_of("ben")


@needs_root
def test_a_folder_under_chloes_name_written_by_bens_container_is_refused(tmp_path, monkeypatch):
    ids = _hub_db(tmp_path / "jupyterhub.sqlite", ["ben", "chloe"])
    settings = tmp_path / "shiplab.yaml"
    settings.write_text(f"hub:\n  state_dir: {tmp_path}\nspawner:\n  mode: docker\n")
    monkeypatch.setenv("SHIPLAB_SETTINGS", str(settings))
    owner_of = submission_owners()
    folder = tmp_path / "inbound" / "chloe+demo+2026-12-02 10:00:00.000000 UTC"
    folder.mkdir(parents=True)
    os.chown(folder, 20000 + ids["ben"], 20000 + ids["ben"])
    problem = intake.owner_problem(folder, owner_of("chloe"))
    assert problem == f"it belongs to uid {20000 + ids['ben']}, not to uid {20000 + ids['chloe']}"
    os.chown(folder, 20000 + ids["chloe"], 20000 + ids["chloe"])
    assert intake.owner_problem(folder, owner_of("chloe")) is None
