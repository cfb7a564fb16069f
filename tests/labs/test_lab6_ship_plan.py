"""Lab 6's 'file your ship plan' cell against the real tracker app: it files a plan only when there is none, and
never replaces one filed by hand unless REPLACE_MY_PLAN says so. The tracker runs in-process on a free loopback
port; only the hub's identity is a fixed table (the edge)."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]

NOTEBOOK = REPO / "labs" / "lab6-production" / "lab6-production.ipynb"
MINE = {"use_case": "Underwriters find the right clause in the policy wording", "backlog_ref": "NVA-7",
        "metric_name": "minutes to find a clause", "unit": "min", "baseline_value": 12, "target_value": 4,
        "planned_ship_date": "2026-06-01"}


def _cell(grade_id: str) -> str:
    nb = json.loads(NOTEBOOK.read_text())
    return next("".join(c["source"]) for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture
def tracker(tmp_path):
    import uvicorn

    from shiplab.tracker.settings import TrackerSettings
    from trackerkit import UTC, Clock, tracker_app

    settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / 'tracker.sqlite'}", reminder_interval_s=0,
                               cookie_secret=secrets.token_hex(32))
    app = tracker_app(settings, Clock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url + "/api/me", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(10)


def _run_cell(tracker_url: str, ship_plan: dict, replace: bool | None = None, capsys=None) -> str:
    source = _cell("file_plan")
    if replace is not None:
        assert "REPLACE_MY_PLAN = False" in source
        source = source.replace("REPLACE_MY_PLAN = False", f"REPLACE_MY_PLAN = {replace}")
    env = {"SHIPLAB_TRACKER_URL": tracker_url, "JUPYTERHUB_API_TOKEN": "anna"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        exec(compile(source, "file_plan", "exec"), {"os": os, "json": json, "SHIP_PLAN": ship_plan, "CHECKLIST": {},
                                                    "release_decision": lambda checklist: ("ship", [])})
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    return capsys.readouterr().out


def _anna_plans(url):
    me = httpx.get(url + "/api/me", headers={"Authorization": "token anna"}).json()
    return [httpx.get(f"{url}/api/plans/{p}", headers={"Authorization": "token anna"}).json() for p in me["plans"]]


def test_a_plan_filed_by_hand_is_never_replaced_by_running_the_notebook(tracker, capsys):
    """With a plan anna filed by hand, does running the cell change nothing and say how to replace it?"""
    r = httpx.post(tracker + "/api/plans", json=MINE, headers={"Authorization": "token anna"})
    assert r.status_code == 201, r.text
    other = {**MINE, "use_case": "Something else from the notebook"}
    said = _run_cell(tracker, other, capsys=capsys)
    assert "nothing was changed" in said and "REPLACE_MY_PLAN = True" in said, said
    plans = _anna_plans(tracker)
    assert len(plans) == 1 and plans[0]["use_case"] == MINE["use_case"]


def test_replacing_happens_only_when_asked(tracker, capsys):
    """With REPLACE_MY_PLAN = True, is the first plan replaced by SHIP_PLAN (and only then)?"""
    httpx.post(tracker + "/api/plans", json=MINE, headers={"Authorization": "token anna"})
    said = _run_cell(tracker, {**MINE, "use_case": "Replaced on purpose"}, replace=True, capsys=capsys)
    assert "Replaced your ship plan" in said, said
    assert [p["use_case"] for p in _anna_plans(tracker)] == ["Replaced on purpose"]


def test_without_a_plan_the_cell_files_one_but_never_the_example(tracker, capsys):
    """Is the sample company's example refused (nothing filed), and the participant's own plan filed once?"""
    ns_example = {**MINE, "use_case": "Claims handlers ask the handbook assistant instead of searching the "
                                      "guideline PDFs."}
    said = _run_cell(tracker, ns_example, capsys=capsys)
    assert "still holds the example" in said and _anna_plans(tracker) == []
    said = _run_cell(tracker, MINE, capsys=capsys)
    assert "Filed your ship plan: HTTP 201" in said, said
    said = _run_cell(tracker, MINE, capsys=capsys)  # top to bottom again: still one plan
    assert "nothing was changed" in said and len(_anna_plans(tracker)) == 1
