"""The board through a real hub: the demo roster, OAuth with PKCE through the hub's login, real submissions graded by
the grading engine (`shiplab grading regrade`), real servers and hub activity, and Debian's chromium for the live page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pwd
import secrets
import shutil
import time
from pathlib import Path

import httpx
import nbformat
import pytest

from shiplab.course.authoring import reference_answers as solutions
from hubharness import REPO, TEST_PREFIX, start_hub

from shiplab import settings
from shiplab.course.paths import LABS_DIR

pytestmark = pytest.mark.slow
DEMO_PASSWORD = "shiplab-demo"
COURSE, LAB = "workshop", "demo"
BOARD = "/services/progress"
PARTICIPANTS = ["anna", "ben", "chloe"]
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def demo_hub():
    """A hub with the demo roster and password, the board on (refreshing every second) and the demo lab released;
    grading is run explicitly with `shiplab grading regrade` so each step can be seen."""
    extra = {"auth": {"demo_password": DEMO_PASSWORD}, "progress": {"enabled": True, "refresh": 1},
             "grading": {"enabled": False}, "tracker": {"enabled": False}}
    extra = {section: known for section, values in extra.items()
             if (known := {k: v for k, v in values.items() if f"{section}.{k}" in settings.BY_KEY})}
    hub = start_hub((REPO / "hub_config" / "demo_roster.csv").read_text(encoding="utf-8"), extra_settings=extra)
    try:
        out = hub.cli("course", "release", LAB)
        assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
        yield hub
    finally:
        hub.stop()
        from shiplab.hub.unix import is_root, remove_unix_user

        if is_root():
            for name in ("ines", "marta", *PARTICIPANTS):
                remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


def login(hub, name):
    return hub.login(name, DEMO_PASSWORD)


def board_json(client) -> dict:
    r = client.get(f"{BOARD}/api/board", follow_redirects=True)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    return r.json()


def cell(body: dict, user: str) -> dict:
    return next(p for p in body["participants"] if p["username"] == user)["cells"][LAB]


def submit(hub, user: str, answers: dict[str, str]) -> Path:
    """A submission in the exchange as nbgrader's Submit leaves it (notebook, timestamp, then the secret)."""
    when = dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = hub.state / "exchange" / COURSE / "inbound" / f"{user}+{LAB}+{when}+{secrets.token_hex(4)}"
    folder.mkdir()
    nb = nbformat.read(str(hub.state / "courses" / COURSE / "release" / LAB / f"{LAB}.ipynb"), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers[gid]
    nbformat.write(nb, str(folder / f"{LAB}.ipynb"))
    (folder / "timestamp.txt").write_text(when)
    (folder / "submission_secret.txt").write_text(secrets.token_hex(16))
    if os.geteuid() == 0:  # written by the participant's own account, as her Submit does (the worker checks it)
        account = pwd.getpwnam(f"{TEST_PREFIX}{user}")
        for path in (folder, *folder.iterdir()):
            os.chown(path, account.pw_uid, account.pw_gid)
    return folder


@pytest.mark.parametrize("user", ["marta", "anna"])
def test_managers_and_participants_get_403_through_the_hub(demo_hub, user):
    """Does a manager or a participant, logged in to the hub, get 403 for the board, its JSON and its CSV?"""
    client = login(demo_hub, user)
    for path in ("/", "/export.csv", "/participants/ben"):  # a browser: the hub's OAuth page refuses them
        r = client.get(f"{BOARD}{path}", follow_redirects=True)
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        assert "Okafor" not in r.text
    token = demo_hub.user_token(client, user)  # a script with their own hub token: the board refuses it
    for path in ("/api/board", "/grid", "/export.csv"):
        r = httpx.get(f"{demo_hub.url}{BOARD}{path}", headers={"Authorization": f"token {token}"}, timeout=30)
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        assert "Okafor" not in r.text


def test_instructor_sees_the_room_then_a_new_graded_submission(demo_hub):
    """Does the instructor see every demo participant, then anna's new submission as submitted, then — once the
    grading engine graded it — failing with its score, the failing test's message, her detail page and the CSV?"""
    client = login(demo_hub, "ines")
    page = client.get(f"{BOARD}/", follow_redirects=True)
    assert page.status_code == 200, page.text[:300]
    for user in PARTICIPANTS:
        assert f'data-user="{user}"' in page.text
    assert 'data-user="ines"' not in page.text and 'data-user="marta"' not in page.text
    assert cell(board_json(client), "anna")["state"] == "not_started"  # nothing fetched yet

    right = solutions(LABS_DIR / LAB / f"{LAB}.ipynb")
    submit(demo_hub, "anna", {"normalize_priority": right["normalize_priority"]})  # route_ticket left undone
    assert cell(board_json(client), "anna")["state"] == "submitted"
    assert 'data-lab="demo" data-state="submitted"' in client.get(f"{BOARD}/grid").text

    out = demo_hub.cli("grading", "regrade", LAB, "--parallel", "1", check=False)
    assert out.returncode == 0 and "1 graded" in out.stdout, out.stdout + out.stderr
    body = board_json(client)
    anna = cell(body, "anna")
    assert (anna["state"], anna["score"], anna["max_score"]) == ("failing", 3.0, 6.0), anna
    exercises = {e["grade_id"]: e for e in body["exercises"]}
    assert (exercises["test_normalize_priority"]["passing"], exercises["test_normalize_priority"]["room"]) == (1, 3)
    assert exercises["test_route_ticket"]["passing"] == 0
    message = exercises["test_route_ticket"]["top_failure"]
    assert message and "route_ticket" in message and "NotImplementedError" in message, message  # the check's hint

    detail = client.get(f"{BOARD}/participants/anna")
    assert detail.status_code == 200 and "<td>done</td>" in detail.text and "failing 3/6" in detail.text
    assert f"{BOARD}/participants/anna/feedback/{LAB}/{LAB}.html" in detail.text
    feedback = client.get(f"{BOARD}/participants/anna/feedback/{LAB}/{LAB}.html")
    assert feedback.status_code == 200 and "BEGIN HIDDEN TESTS" not in feedback.text

    rows = list(csv.DictReader(io.StringIO(client.get(f"{BOARD}/export.csv").text)))
    assert [(r["username"], r["state"], r["score"], r["max_score"]) for r in rows if r["username"] == "anna"] == [
        ("anna", "failing", "3.0", "6.0")]
    assert sorted(r["username"] for r in rows) == PARTICIPANTS


def test_running_server_and_activity_come_from_the_hub_and_stuck_follows_the_clock(demo_hub):
    """Once anna's server runs, does the board (with its own least-privilege token) show it and her last activity;
    and with the clock moved 30 minutes on, without a new passing test, is she flagged stuck?"""
    client = login(demo_hub, "anna")
    demo_hub.spawn(client, "anna")
    ines = login(demo_hub, "ines")
    assert ines.get(f"{BOARD}/", follow_redirects=True).status_code == 200  # the board's OAuth login
    anna = next(p for p in board_json(ines)["participants"] if p["username"] == "anna")
    assert anna["server_running"] and anna["last_activity"], anna

    from fastapi.testclient import TestClient

    from shiplab.board.app import BoardConfig, create_app
    from shiplab.board.auth import TokenTable, Viewer
    from shiplab.board.hubapi import HubUsers
    from shiplab.board.model import Rules

    token = demo_hub.user_token(ines, "ines")
    now = dt.datetime.now(UTC)
    rules = Rules(stuck_after=dt.timedelta(minutes=20), active_within=dt.timedelta(minutes=60))

    def at(minutes):
        app = create_app(BoardConfig(state=demo_hub.state, course=COURSE, rules=rules),
                         clock=lambda: now + dt.timedelta(minutes=minutes),
                         identity=TokenTable({"t": Viewer("ines", frozenset({"instructors"}))}),
                         hub_users=HubUsers(demo_hub.api, token))
        body = TestClient(app).get("/api/board", headers={"Authorization": "token t"}).json()
        return next(p for p in body["participants"] if p["username"] == "anna")

    assert at(5)["active"] and not at(5)["stuck"]
    assert at(30)["stuck"]


@pytest.mark.browser
def test_browser_instructor_sees_demo_participants_and_live_updates(demo_hub, browser):
    """In Debian's chromium: does ines log in, open the board, see the demo participants, and see ben's new
    submission appear without reloading the page?"""
    from browser import screenshot

    page = browser.new_page()
    try:
        page.goto(f"{demo_hub.url}/hub/login?next={BOARD}/")
        page.fill("#username_input", "ines")
        page.fill("#password_input", DEMO_PASSWORD)
        page.click("#login_submit")
        page.wait_for_selector("#progress-grid", timeout=60_000)
        for user in PARTICIPANTS:
            assert page.locator(f'tr[data-user="{user}"]').count() == 1
        assert "Anna Berger" in page.inner_text("#progress-grid")
        page.wait_for_selector("#live:has-text('updated')", timeout=15_000)  # refreshed in place
        page.evaluate("window.__notReloaded = true")
        submit(demo_hub, "ben", {})
        page.wait_for_selector('tr[data-user="ben"] [data-state="submitted"]', timeout=15_000)
        assert page.evaluate("window.__notReloaded === true")
        time.sleep(0.2)
        screenshot(page, "progress-board")
        page.click('tr[data-user="anna"] a')  # her detail page: submissions, scores, feedback
        page.wait_for_selector("#submissions", timeout=15_000)
        assert "Anna Berger" in page.inner_text("h1")
        screenshot(page, "progress-participant")
    finally:
        page.close()


def shoot(page, name: str) -> None:
    """A screenshot for the README (docs/screenshots/NAME.png), only when SHIPLAB_SCREENSHOTS names the folder (so
    CI never rewrites the committed ones)."""
    folder = os.environ.get("SHIPLAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def fetch(hub, user: str, lab: str) -> None:
    """The participant presses Fetch: nbgrader's assignment list in their own server copies the lab home."""
    from hubharness import xsrf

    client = login(hub, user)
    hub.spawn(client, user)
    r = client.post(f"/user/{user}/assignments/fetch", data={"assignment_id": lab, "course_id": COURSE},
                    headers=xsrf(client, user))
    assert r.status_code == 200, r.text[:300]


@pytest.mark.browser
def test_browser_board_with_every_lab_fits_1280_and_working_means_fetched(demo_hub, browser):
    """With all seven labs released: is a lab anna never fetched shown as not started though her server runs, and
    working once she fetched it; are lab 1's exercises in the notebook's order; does the grid fit a 1280-pixel
    window (the last lab not cut off); and does the exercise table list only the lab someone has a grade in?"""
    import json

    from browser import screenshot

    labs = sorted(p.name for p in LABS_DIR.iterdir() if (p / f"{p.name}.ipynb").exists() and p.name != LAB)
    for lab in labs:
        out = demo_hub.cli("course", "release", lab)
        assert f"release {lab}: 1 ok" in out.stdout, out.stdout + out.stderr
    first = labs[0]
    client = login(demo_hub, "ines")
    assert client.get(f"{BOARD}/", follow_redirects=True).status_code == 200
    demo_hub.spawn(login(demo_hub, "anna"), "anna")  # her server runs; she has not fetched the lab
    body = board_json(client)
    anna = next(p for p in body["participants"] if p["username"] == "anna")
    assert anna["server_running"] and anna["cells"][first]["state"] == "not_started", anna["cells"][first]
    fetch(demo_hub, "anna", first)
    body = board_json(client)
    anna = next(p for p in body["participants"] if p["username"] == "anna")
    assert anna["cells"][first]["state"] == "working", anna["cells"][first]
    nb = json.loads((LABS_DIR / first / f"{first}.ipynb").read_text(encoding="utf-8"))
    order = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")]
    assert order != sorted(order)  # else this check could not fail
    lab_info = next(lab for lab in body["labs"] if lab["name"] == first)
    assert [e["grade_id"] for e in lab_info["exercises"]] == order

    page = browser.new_page(viewport={"width": 1280, "height": 860})
    try:
        page.goto(f"{demo_hub.url}/hub/login?next={BOARD}/")
        page.fill("#username_input", "ines")
        page.fill("#password_input", DEMO_PASSWORD)
        page.click("#login_submit")
        page.wait_for_selector("#progress-grid", timeout=60_000)
        assert page.locator("#progress-grid thead th.lab").count() == len(labs) + 1
        fits = page.evaluate("""() => { const t = document.getElementById('progress-grid');
            const s = t.closest('section'); const last = t.querySelector('thead th.lab:last-child');
            return {table: s.scrollWidth, section: s.clientWidth, right: last.getBoundingClientRect().right,
                    window: window.innerWidth}; }""")
        assert fits["table"] <= fits["section"] and fits["right"] <= fits["window"], fits
        rows = page.locator("#exercises tbody tr").count()
        assert rows == len(next(lab for lab in body["labs"] if lab["name"] == LAB)["exercises"])
        assert labs[-1] in page.inner_text("#ungraded-labs")
        assert page.locator(f'tr[data-user="anna"] [data-lab="{first}"]').get_attribute("data-state") == "working"
        screenshot(page, "progress-board-all-labs")
        shoot(page, "instructor-board")
    finally:
        page.close()
