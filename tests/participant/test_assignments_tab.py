"""The Assignments tab, through a real hub and the real grading worker, in Debian's chromium.

A participant logs in (the tab is in view), fetches the demo lab, submits it, and — without pressing anything —
sees it queued behind another participant's submission, then graded, then its score, with a notification; one
click opens the feedback as a page. Asking for feedback before the grade says why nothing came. The status API
answers each participant about their own submissions only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from browser import log_in, screenshot
from hubharness import PASSWORD, xsrf
from shiplab.course.authoring import reference_answers
from shiplab.course.paths import LABS_DIR

pytestmark = [pytest.mark.slow]
COURSE = "workshop"


def solutions(source_nb, extra: str = "") -> dict[str, str]:
    """The instructor's answers, each followed by ``extra`` (a pause, so the browser sees the grading happen)."""
    return {grade_id: answer + extra for grade_id, answer in reference_answers(source_nb).items()}


def _action(client, user, verb):
    r = client.post(f"/user/{user}/assignments/{verb}", data={"course_id": COURSE, "assignment_id": "demo"},
                    headers=xsrf(client, user))
    assert r.status_code == 200, (verb, r.status_code, r.text[:300])
    return r.json()


def _answer(client, user, answers):
    path = f"/user/{user}/api/contents/demo/demo.ipynb"
    model = client.get(path).json()
    for cell in model["content"]["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    r = client.put(path, json={"type": "notebook", "format": "json", "content": model["content"]},
                   headers=xsrf(client, user))
    assert r.status_code == 200, r.text[:300]


def _status(client, user) -> dict:
    r = client.get(f"/user/{user}/shiplab/assignments/status")
    assert r.status_code == 200, r.text[:300]
    return r.json()


def _wait_state(client, user, states, timeout=120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = _status(client, user)["labs"].get("demo")
        if sub and sub["state"] in states:
            return sub
        time.sleep(0.3)
    raise AssertionError(f"{user}'s demo never reached {states}: {_status(client, user)}")


@pytest.fixture(scope="module")
def slow_vic(grading_hub):
    """Vic's submission takes ~12 s to grade (a sleep in a solution cell): with one job at a time, whoever submits
    next waits in the queue behind it."""
    hub = grading_hub
    vic = hub.login("qa-vic")
    hub.spawn(vic, "qa-vic")
    _action(vic, "qa-vic", "fetch")
    _answer(vic, "qa-vic", solutions(LABS_DIR / "demo" / "demo.ipynb", "\nimport time\ntime.sleep(6)"))
    return vic


def test_the_status_api_answers_about_the_callers_own_submissions_only(grading_hub, slow_vic):
    """Once vic has submitted, does ulla's status still hold nothing, vic's hold his job, and the service refuse a
    call without a token — with no way to name another user?"""
    hub = grading_hub
    _action(slow_vic, "qa-vic", "submit")
    _wait_state(slow_vic, "qa-vic", ("queued", "grading", "graded"))  # his job exists, in whatever state
    ulla = hub.login("qa-ulla")
    hub.spawn(ulla, "qa-ulla")
    mine = _status(ulla, "qa-ulla")
    assert mine["available"] is True and mine["course"] == COURSE
    assert mine["labs"] == {}, mine  # vic's job exists; ulla sees none of it
    # the service itself: no token, no answer; a query naming vic changes nothing about whom it answers for
    direct = f"{hub.url}/services/assignments/api/submissions"
    r = httpx.get(direct, timeout=10)
    assert r.status_code == 401 and r.json()["error"] == "no_token", r.text
    token = hub.user_token(ulla, "qa-ulla")
    r = httpx.get(direct + "?user=qa-vic&student=qa-vic", headers={"Authorization": f"token {token}"}, timeout=10)
    assert r.status_code == 200 and r.json() == {"user": "qa-ulla", "labs": {}}, r.text
    # and another participant's server is not ulla's to ask
    # an API handler of vic's server: jupyter-server answers a caller it does not know 403 (never a redirect)
    assert ulla.get("/user/qa-vic/shiplab/assignments/status").status_code == 403
    _wait_state(slow_vic, "qa-vic", ("graded",), timeout=180)


@pytest.mark.browser
def test_submit_in_the_browser_then_queued_grading_and_the_score_appear_by_themselves(grading_hub, slow_vic, browser):
    """After Submit, does the tab show queued → grading → 6/6 without a press, a notification when the grade
    arrives, and open the feedback as a page in one click; and does Feedback before the grade say why?"""
    hub = grading_hub
    shots = os.environ.get("SHIPLAB_SCREENSHOTS")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        log_in(page, hub.url, "qa-ulla", PASSWORD)
        panel = page.locator("#shiplab-assignments")
        panel.wait_for(state="visible", timeout=120_000)  # the first visit opens with the assignments in view
        lab = panel.locator(".shiplab-lab[data-lab=demo]")
        lab.wait_for(timeout=60_000)
        if lab.locator("button", has_text="Fetch").count():
            lab.locator("button", has_text="Fetch").click()
        lab.locator("button[data-action=submit]").wait_for(timeout=60_000)
        ulla = hub.login("qa-ulla")
        hub.spawn(ulla, "qa-ulla")  # running already: this only logs the client in to her server
        # a few seconds of grading (a sleep in a solution cell), so the tab's poll meets the grading state however
        # fast the worker is that day (a run once went from queued to graded between two polls)
        _answer(ulla, "qa-ulla", solutions(LABS_DIR / "demo" / "demo.ipynb", "\nimport time\ntime.sleep(4)"))
        # record every state the tab shows, as it shows it
        page.evaluate("""() => { window.seen = [];
            new MutationObserver(() => { for (const n of document.querySelectorAll(
                '.shiplab-lab[data-lab=demo] .shiplab-state[data-state]')) {
              const s = n.getAttribute('data-state'); if (window.seen.at(-1) !== s) window.seen.push(s); } })
            .observe(document.getElementById('shiplab-assignments'), {subtree: true, childList: true}); }""")
        _action(slow_vic, "qa-vic", "submit")  # vic's slow one runs first; ulla's waits behind it
        _wait_state(slow_vic, "qa-vic", ("grading",))
        lab.locator("button[data-action=submit]").click()
        lab.locator(".shiplab-state[data-state=queued]").wait_for(timeout=30_000)
        assert "queued (0 ahead)" in lab.locator(".shiplab-state").inner_text()
        lab.locator("button[data-action=feedback]").click()  # too early: it says why
        assert "queued" in lab.locator(".shiplab-why").inner_text()
        lab.locator(".shiplab-state[data-state=graded]").wait_for(timeout=180_000)
        assert lab.locator(".shiplab-state").inner_text().startswith("6/6")
        seen = page.evaluate("window.seen")
        assert seen.index("queued") < seen.index("grading") < seen.index("graded"), seen
        toast = page.locator(".Toastify__toast", has_text="demo graded: 6/6")
        toast.wait_for(timeout=10_000)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / "participant.png"))
        screenshot(page, "participant-assignments")
        with page.expect_popup() as popup:
            lab.locator("a.shiplab-feedback-link").click()
        feedback = popup.value
        feedback.wait_for_load_state()
        assert "/shiplab/assignments/feedback/demo" in feedback.url
        body = feedback.locator("body").inner_text()
        assert "6" in body and "normalize_priority" in body, body[:500]
        assert "BEGIN HIDDEN TESTS" not in feedback.content()
        assert feedback.locator("#shiplab-feedback-style").count() == 1  # tables styled
        feedback.close()
        # `dd` on a locked cell: JupyterLab keeps the cell and, with the tab's help, says why
        lab.locator("a.shiplab-nb").click()
        cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
        locked = cells.first  # the lab's set-up cell (locked)
        locked.wait_for(timeout=60_000)
        model = ulla.get("/user/qa-ulla/api/contents/demo/demo.ipynb").json()["content"]
        code_cells = sum(c["cell_type"] == "code" for c in model["cells"])
        selector = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell"
        # JupyterLab renders a notebook's cells progressively: count only once all of them are there
        page.wait_for_function(f"document.querySelectorAll({selector!r}).length >= {code_cells}", timeout=60_000)
        locked.click(position={"x": 5, "y": 5})
        page.keyboard.press("Escape")
        page.keyboard.press("d")
        page.keyboard.press("d")
        page.locator(".Toastify__toast", has_text="locked by the lab").wait_for(timeout=10_000)
        assert cells.count() == code_cells  # nothing was deleted
    finally:
        page.close()
