"""The course through the real hub: release → participant fetches and submits in JupyterLab's API → the instructor
grades → the participant fetches feedback. Real nbgrader, real kernels, real Unix accounts when root."""

import os
import pwd
import re
import subprocess

import pytest

from shiplab.course.authoring import reference_answers as solutions
from hubharness import TEST_PREFIX
from shiplab.course.paths import LABS_DIR

pytestmark = pytest.mark.slow
COURSE = "workshop"


def xsrf_headers(client, user):
    token = next((c.value for c in client.cookies.jar if c.name == "_xsrf" and c.path.startswith(f"/user/{user}")),
                 None)
    assert token, f"no _xsrf cookie for {user}"
    return {"X-XSRFToken": token}


def action(client, user, verb, lab="demo"):
    r = client.post(f"/user/{user}/assignments/{verb}", data={"course_id": COURSE, "assignment_id": lab},
                    headers=xsrf_headers(client, user))
    assert r.status_code == 200, (verb, r.status_code, r.text[:300])
    return r.json()


def validate(client, user) -> dict:
    """JupyterLab's Validate button: run the notebook's tests in the participant's own server."""
    r = client.post(f"/user/{user}/assignments/validate", data={"path": "demo/demo.ipynb"},
                    headers=xsrf_headers(client, user), timeout=180)
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["success"], body
    return body["value"]  # {} when every test passes, else e.g. {"failed": [...]}


@pytest.fixture(scope="module")
def released(hub):
    out = hub.cli("course", "release", "demo")
    assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
    return hub


def open_lab(hub, user):
    client = hub.login(user)
    hub.spawn(client, user)
    return client


def test_participant_fetches_fills_submits_and_gets_full_marks_and_feedback(released):
    """Does a participant fetch the lab over the hub, submit a correct solution, and see 6/6 with feedback that
    holds no hidden test?"""
    hub, user = released, "qa-anna"
    client = open_lab(hub, user)
    listing = client.get(f"/user/{user}/assignments", params={"course_id": COURSE}).json()
    assert any(a["assignment_id"] == "demo" and a["status"] == "released" for a in listing["value"]), listing
    action(client, user, "fetch")
    nb_path = f"/user/{user}/api/contents/demo/demo.ipynb"
    model = client.get(nb_path).json()
    answers = solutions(LABS_DIR / "demo" / "demo.ipynb")
    for cell in model["content"]["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    r = client.put(nb_path, json={"type": "notebook", "format": "json", "content": model["content"]},
                   headers=xsrf_headers(client, user))
    assert r.status_code == 200, r.text[:300]
    assert validate(client, user) == {}, "the Validate button reports no failure for a correct notebook"
    result = action(client, user, "submit")
    submitted = [(a["assignment_id"], a["status"]) for a in result["value"] if a.get("student_id") == user]
    assert result["success"] is True and submitted == [("demo", "submitted")], result  # nbgrader's listing after it

    out = hub.cli("course", "grade", "demo", check=False)
    assert re.search(rf"{user}\s+6 / 6", out.stdout), out.stdout + out.stderr

    action(client, user, "fetch_feedback")
    listing = client.get(f"/user/{user}/api/contents/demo/feedback").json()
    stamp = listing["content"][0]["name"]
    html = client.get(f"/user/{user}/files/demo/feedback/{stamp}/demo.html", follow_redirects=True)
    assert html.status_code == 200
    assert "(Score: 6.0 / 6.0)" in html.text  # nbgrader's feedback template
    assert "highish" not in html.text and "BEGIN HIDDEN TESTS" not in html.text  # "highish": a hidden input


def test_unmodified_stub_scores_zero_filed_under_own_id(released):
    """Does the untouched stub score 0, filed under the participant's own hub id?"""
    hub, user = released, "qa-ben"
    client = open_lab(hub, user)
    action(client, user, "fetch")
    problems = validate(client, user)
    assert problems.get("failed"), problems
    action(client, user, "submit")
    out = hub.cli("course", "grade", "demo", check=False)
    assert re.search(rf"{user}\s+0 / 6", out.stdout), out.stdout + out.stderr


@pytest.mark.root
def test_forged_submission_is_set_aside_and_inbound_is_unreadable(released):
    """Is a submission filed under someone else's id set aside, and can a participant not list others' work?"""
    if os.geteuid() != 0:
        pytest.skip("needs root for Unix accounts")
    hub = released
    ben = pwd.getpwnam(f"{TEST_PREFIX}qa-ben")
    inbound = hub.state / "exchange" / COURSE / "inbound"
    forged = inbound / "qa-chloe+demo+2026-11-24 09:00:00.000000 UTC+forged"
    script = (f"import os, shutil; os.makedirs({str(forged)!r}); "
              f"open(os.path.join({str(forged)!r}, 'demo.ipynb'), 'w').write('{{}}')")
    proc = subprocess.run(["python3", "-c", script], user=ben.pw_uid, group=ben.pw_gid, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    listing = subprocess.run(["ls", str(inbound)], user=ben.pw_uid, group=ben.pw_gid, capture_output=True, text=True)
    assert listing.returncode != 0, "participants must not list the inbound folder"
    out = hub.cli("course", "collect", "demo", check=False)
    assert "written by account" in out.stdout and "qa-chloe" in out.stdout
    assert not forged.exists()
    assert "qa-chloe" not in subprocess.run(["ls", str(hub.state / "courses" / COURSE / "submitted")],
                                            capture_output=True, text=True).stdout


@pytest.mark.root
def test_autograde_as_root_refuses_to_run_participants_code_as_the_grader(released):
    """As root on a hub with Unix accounts, does `course autograde` refuse (participants' code would run as the
    grader account, which reads the hidden tests) and point to the sandboxed `course grade`?"""
    if os.geteuid() != 0:
        pytest.skip("needs root for Unix accounts")
    out = released.cli("course", "autograde", "demo", check=False)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "shiplab course grade demo" in out.stdout + out.stderr
