"""The roster's names and e-mails reach nbgrader's gradebook (the formgrader's Manage Students), and a re-import
keeps them in line: through the real `shiplab roster import` and nbgrader's own Gradebook."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from nbgrader.api import Gradebook

from shiplab.course import students
from shiplab.grading.engine import ensure_venv_tools_on_path

COURSE = "workshop"
ROSTER = """username,full_name,email,role,team,manager
ines,Ines Wagner,ines@x.example,instructor,,
anna,Anna Berger,anna@x.example,participant,claims,
chloe,Chloé  Martin,chloe@x.example,participant,portal,
"""


@pytest.fixture
def env(tmp_path):
    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"spawner": {"mode": "developer"}, "course": {"id": COURSE}}))
    return {**os.environ, "SHIPLAB_STATE": str(tmp_path / "state"), "SHIPLAB_SETTINGS": str(settings)}


def import_roster(tmp_path, env, text: str) -> None:
    f = tmp_path / "roster.csv"
    f.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "shiplab.cli", "roster", "import", str(f)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def in_gradebook(url: str) -> dict[str, tuple]:
    with Gradebook(url, COURSE) as gb:
        return {s.id: (s.last_name, s.first_name, s.email) for s in gb.students}


def test_roster_names_and_emails_reach_the_gradebook_and_follow_a_reimport(tmp_path, env):
    """With a gradebook where autograde left anna as a bare id, does a roster import give every participant their
    last name, first name and e-mail (no instructor), and does a re-import with a changed e-mail and name update
    them while someone who left the roster keeps their entry?"""
    ensure_venv_tools_on_path()
    course = tmp_path / "state" / "courses" / COURSE
    course.mkdir(parents=True)
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, COURSE) as gb:
        gb.update_or_create_student("anna")  # as autograde does: the id only
    assert in_gradebook(url) == {"anna": (None, None, None)}

    import_roster(tmp_path, env, ROSTER)
    assert in_gradebook(url) == {"anna": ("Berger", "Anna", "anna@x.example"),
                                 "chloe": ("Martin", "Chloé", "chloe@x.example")}

    import_roster(tmp_path, env, ROSTER.replace("anna@x.example", "anna.berger@x.example")
                  .replace("Anna Berger", "Anna Maria Berger").replace("chloe,Chloé  Martin,chloe@x.example,participant,"
                                                                       "portal,\n", ""))
    assert in_gradebook(url) == {"anna": ("Maria Berger", "Anna", "anna.berger@x.example"),
                                 "chloe": ("Martin", "Chloé", "chloe@x.example")}

    assert students.sync_roster(tmp_path / "state", COURSE) == []  # nothing changed: nothing written


def test_without_a_gradebook_the_import_writes_none(tmp_path, env):
    """Before any lab is built (no gradebook), does the import leave the course folder alone (the build syncs)?"""
    import_roster(tmp_path, env, ROSTER)
    assert not (tmp_path / "state" / "courses" / COURSE / "gradebook.db").exists()
    assert students.sync_roster(tmp_path / "state", COURSE) is None
    assert students.split_name("  Chloé   Martin ") == ("Chloé", "Martin")
