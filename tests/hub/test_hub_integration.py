"""The real hub: real proxy, real login form, real spawner, real Unix accounts when root."""

import os
import pwd
import subprocess
import time

import pytest

from hubharness import TEST_PREFIX

pytestmark = pytest.mark.slow


def test_participant_logs_in_and_gets_jupyterlab(hub):
    """Does a participant log in through the form, spawn a server and get JupyterLab (200)?"""
    anna = hub.login("qa-anna")
    r = hub.spawn(anna, "qa-anna")
    assert r.status_code == 200
    assert "/user/qa-anna/lab" in str(r.url)


def test_other_participant_gets_403_on_that_server(hub):
    """Does a second participant get 403 on the first one's server?"""
    anna = hub.login("qa-anna")
    hub.spawn(anna, "qa-anna")
    ben = hub.login("qa-ben")
    r = ben.get("/user/qa-anna/api/contents", follow_redirects=True)
    assert r.status_code == 403, (r.status_code, r.url)
    r = ben.get("/user/qa-anna/lab", follow_redirects=True)
    assert r.status_code == 403


def test_wrong_password_is_refused(hub):
    """Is a wrong password refused (no shared master key)?"""
    import re

    import httpx

    with httpx.Client(base_url=hub.url) as c:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', c.get("/hub/login").text).group(1)
        r = c.post("/hub/login", data={"username": "qa-anna", "password": "wrong-password", "_xsrf": xsrf})
        assert r.status_code == 403
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', c.get("/hub/login").text).group(1)
        r = c.post("/hub/login", data={"username": "stranger", "password": "test-password-123", "_xsrf": xsrf})
        assert r.status_code == 403


@pytest.mark.root
def test_participants_cannot_read_each_others_home(hub):
    """Can one participant's Unix account read another's home folder on disk? (It must not.)"""
    if os.geteuid() != 0:
        pytest.skip("needs root to create Unix accounts (developer mode has no isolation)")
    anna = pwd.getpwnam(f"{TEST_PREFIX}qa-anna")
    ben = pwd.getpwnam(f"{TEST_PREFIX}qa-ben")
    secret = os.path.join(anna.pw_dir, "notes.txt")
    with open(secret, "w") as f:
        f.write("anna's draft")
    os.chown(secret, anna.pw_uid, anna.pw_gid)
    assert oct(os.stat(anna.pw_dir).st_mode & 0o777) == "0o700"
    proc = subprocess.run(["cat", secret], user=ben.pw_uid, group=ben.pw_gid, capture_output=True, text=True)
    assert proc.returncode != 0 and "Permission denied" in proc.stderr
    proc = subprocess.run(["ls", anna.pw_dir], user=ben.pw_uid, group=ben.pw_gid, capture_output=True, text=True)
    assert proc.returncode != 0


@pytest.mark.root
def test_server_runs_as_the_participants_account(hub):
    """Does the participant's server process run as their own Unix account?"""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    anna = hub.login("qa-anna")
    hub.spawn(anna, "qa-anna")
    r = anna.get("/user/qa-anna/api/contents", follow_redirects=True)
    assert r.status_code == 200
    uid = pwd.getpwnam(f"{TEST_PREFIX}qa-anna").pw_uid
    procs = subprocess.run(["pgrep", "-u", str(uid), "-f", "shiplab.labext.singleuser"], capture_output=True, text=True)
    assert procs.stdout.strip(), "no singleuser process runs as the participant's account"


def test_groups_and_roles_match_the_roster(hub):
    """Do the hub's groups and role assignments match the imported roster?"""
    token = _admin_token(hub)
    groups = {g["name"]: sorted(g["users"]) for g in hub.api_get("/groups", token).json()}
    assert groups["participants"] == ["qa-anna", "qa-ben", "qa-chloe"]
    assert groups["instructors"] == ["qa-ines"]
    assert groups["managers"] == ["qa-marta"]
    assert groups["team-claims"] == ["qa-anna", "qa-ben"]
    assert groups["team-portal"] == ["qa-chloe"]
    ines = hub.api_get("/users/qa-ines", token).json()
    assert "shiplab-instructor" in _roles_of_groups(hub, token, ines["groups"])


def test_reimport_updates_running_hub_without_duplicates(hub):
    """Does a re-import with a changed team reach the running hub within seconds, and never duplicate users?"""
    token = _admin_token(hub)
    changed = (hub.state / "roster.csv").read_text().replace(
        "qa-chloe,Chloe Test,chloe@test.example,participant,portal", "qa-chloe,Chloe Test,chloe@test.example,participant,claims")
    f = hub.state / "roster2.csv"
    f.write_text(changed)
    out = hub.cli("roster", "import", str(f))
    assert "1 updated" in out.stdout
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        groups = {g["name"]: sorted(g["users"]) for g in hub.api_get("/groups", token).json()}
        if groups.get("team-claims") == ["qa-anna", "qa-ben", "qa-chloe"] and groups.get("team-portal") == []:
            break
        time.sleep(1)
    else:
        raise AssertionError(f"groups not synced: {groups}")
    users = [u["name"] for u in hub.api_get("/users", token).json()]
    assert len(users) == len(set(users))
    hub.cli("roster", "import", str(hub.state / "roster.csv"))  # put the team back for other tests


def _admin_token(hub) -> str:
    """The roster-sync service's token is the test's key to read groups (it holds exactly those scopes)."""
    import json

    proc = subprocess.run(["pgrep", "-f", "shiplab.hub.sync"], capture_output=True, text=True)
    for pid in proc.stdout.split():
        try:
            env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        values = dict(e.decode().split("=", 1) for e in env if b"=" in e)
        if values.get("SHIPLAB_STATE") == str(hub.state):
            return values["JUPYTERHUB_API_TOKEN"]
    raise AssertionError("roster-sync service not running: " + json.dumps(hub.tail_log()))


def _roles_of_groups(hub, token, group_names):
    roles = set()
    for g in group_names:
        r = hub.api_get(f"/groups/{g}", token)
        roles.update(r.json().get("roles", []))
    return roles


def _lab_page_config(hub, client, name) -> dict:
    import json
    import re

    page = hub.spawn(client, name)
    data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S)
    return json.loads(data.group(1))


def test_participants_get_no_instructor_extensions(hub):
    """Do participants run without formgrader, create-assignment and course-list, while instructors have the
    course list and create-assignment?"""
    anna = hub.login("qa-anna")
    config = _lab_page_config(hub, anna, "qa-anna")
    disabled = set(config.get("disabledExtensions", []))
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list"} <= disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled
    assert anna.get("/user/qa-anna/formgrader", follow_redirects=True).status_code == 404
    ines = hub.login("qa-ines")
    config = _lab_page_config(hub, ines, "qa-ines")
    disabled = set(config.get("disabledExtensions", []))
    # instructors reach the course's formgrader service through the course list, not a formgrader of their own
    assert "@jupyter/nbgrader:course-list" not in disabled and "@jupyter/nbgrader:create-assignment" not in disabled
