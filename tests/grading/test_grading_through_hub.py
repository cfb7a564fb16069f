"""Grading on submit, through the real hub: the hub starts the grading worker as a managed service; a participant
submits from JupyterLab's assignment API and — with no instructor action — fetches feedback with the score seconds
later. Real hub, real nbgrader, real kernels in the sandbox (root)."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from hubharness import TEST_PREFIX, start_hub
from shiplab.course.authoring import reference_answers
from shiplab.course.paths import LABS_DIR

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the sandbox drops to its own accounts")]
COURSE = "workshop"
# users of their own, so this hub never shares a Unix account or home with the session's hub
ROSTER = """username,full_name,email,role,team,manager
qa-gina,Gina Test,gina@test.example,participant,claims,
qa-hugo,Hugo Test,hugo@test.example,participant,portal,
qa-iris,Iris Test,iris@test.example,instructor,,
"""


@pytest.fixture(scope="module")
def grading_hub():
    hub = start_hub(ROSTER, extra_settings={"grading": {"enabled": True, "poll": 0.5}})
    try:
        out = hub.cli("course", "release", "demo")
        assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
        yield hub
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        for name in ("qa-gina", "qa-hugo", "qa-iris"):
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


def _xsrf(client, user):
    token = next(c.value for c in client.cookies.jar if c.name == "_xsrf" and c.path.startswith(f"/user/{user}"))
    return {"X-XSRFToken": token}


def _action(client, user, verb):
    r = client.post(f"/user/{user}/assignments/{verb}", data={"course_id": COURSE, "assignment_id": "demo"},
                    headers=_xsrf(client, user))
    assert r.status_code == 200, (verb, r.status_code, r.text[:300])
    return r.json()


def _submit(hub, user, answers: dict[str, str] | None):
    client = hub.login(user)
    hub.spawn(client, user)
    _action(client, user, "fetch")
    if answers:
        path = f"/user/{user}/api/contents/demo/demo.ipynb"
        model = client.get(path).json()
        for cell in model["content"]["cells"]:
            gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell["source"] = answers[gid]
        r = client.put(path, json={"type": "notebook", "format": "json", "content": model["content"]},
                       headers=_xsrf(client, user))
        assert r.status_code == 200, r.text[:300]
    _action(client, user, "submit")
    return client


def _feedback_html(hub, client, user, deadline_s: float) -> tuple[str, float]:
    """Press 'Fetch feedback' until feedback arrives; return its HTML and the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        _action(client, user, "fetch_feedback")
        listing = client.get(f"/user/{user}/api/contents/demo/feedback")
        if listing.status_code == 200 and listing.json()["content"]:
            stamp = listing.json()["content"][0]["name"]
            html = client.get(f"/user/{user}/files/demo/feedback/{stamp}/demo.html", follow_redirects=True)
            assert html.status_code == 200
            return html.text, time.monotonic() - started
        time.sleep(1.0)
    raise AssertionError(f"no feedback for {user} within {deadline_s} s\n{hub.tail_log(80)}\n"
                         f"{hub.cli('grading', 'status', check=False).stdout}")


def test_hub_runs_the_grading_worker_and_submissions_are_graded_without_an_instructor(grading_hub):
    """Does a correct submission come back as 6/6 feedback, and an untouched stub as 0/6, with nobody running
    nbgrader — and does the queue record both as done?"""
    hub = grading_hub
    good = _submit(hub, "qa-gina", reference_answers(LABS_DIR / "demo" / "demo.ipynb"))
    stub = _submit(hub, "qa-hugo", None)
    html, waited = _feedback_html(hub, good, "qa-gina", 180)
    assert "(Score: 6.0 / 6.0)" in html, html[:2000]  # nbgrader's feedback template
    assert "BEGIN HIDDEN TESTS" not in html
    html0, _ = _feedback_html(hub, stub, "qa-hugo", 180)
    assert "(Score: 0.0 / 6.0)" in html0, html0[:2000]
    out = hub.cli("grading", "status", "demo")
    assert "qa-gina" in out.stdout and "6/6" in out.stdout and "0/6" in out.stdout, out.stdout
    print(f"submit → feedback visible: {waited:.1f} s")
    # the participant's own server never had the grader's rights: the queue and gradebook stay out of reach
    assert oct(os.stat(hub.state / "grading" / COURSE).st_mode)[-3:] == "700"
