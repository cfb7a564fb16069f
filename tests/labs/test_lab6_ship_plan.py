"""Lab 6's ship plan: the checks that keep the example, an empty baseline, a missing owner or approver, a refused
provider or a late date from being filed (shipkit.plan_problems), and the 'file your ship plan' cell against the
real tracker app: it files a plan only when the checks pass and there is none, and never replaces one filed by hand
unless REPLACE_MY_PLAN says so. The tracker runs in-process on a free loopback port; only the hub's identity is a
fixed table (the edge)."""

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

from lab6kit import shipkit  # noqa: E402  (lab 6's given module, loaded from its lab folder)

from shiplab.gateway.policy import load as load_policy  # noqa: E402

NOTEBOOK = REPO / "labs" / "lab6-production" / "lab6-production.ipynb"
WORKSHOP_END = dt.date(2026, 4, 2)
MINE = {"use_case": "Underwriters find the right clause in the policy wording", "backlog_ref": "NVA-7",
        "metric_name": "minutes to find a clause", "unit": "min", "baseline_value": 12,
        "baseline_method": "median of 30 clause look-ups timed by two underwriters in March",
        "target_value": 4, "planned_ship_date": "2026-05-20", "business_owner": "Head of Underwriting (R. Sato)",
        "approver": "Data protection officer (L. Meyer)", "data_class": "internal", "provider": "local",
        "first_step_monday": "Book 30 minutes with R. Sato to agree the metric and the pilot team"}
POLICY = load_policy(REPO / "hub_config" / "governance.yaml")


def problems(plan, **kw):
    return shipkit.plan_problems(plan, workshop_end=WORKSHOP_END, policy=POLICY, today=dt.date(2026, 4, 2), **kw)


def test_a_plan_of_ones_own_passes_every_check():
    """Does a complete plan of the participant's own pass, with its owner, approver, data and Monday's step in
    what the tracker stores?"""
    assert problems(MINE) == []
    payload = shipkit.tracker_payload(MINE, "allow")
    assert set(payload) == set(shipkit.TRACKER_FIELDS)
    for words in ("R. Sato", "L. Meyer", "internal", "local", "Monday"):
        assert words in payload["use_case"]


@pytest.mark.parametrize("change,expected", [
    ({"use_case": shipkit.EXAMPLE_PLAN["use_case"], "backlog_ref": "NVA-123"}, "still the example's"),
    ({"baseline_value": None}, "baseline_value: still empty"),
    ({"baseline_method": ""}, "baseline_method: still empty"),
    ({"baseline_method": "measured it"}, "how the baseline was measured"),
    ({"business_owner": ""}, "business_owner: still empty"),
    ({"approver": "  "}, "approver: still empty"),
    ({"approver": "Head of Underwriting (R. Sato)"}, "someone other than the business owner"),
    ({"planned_ship_date": "2026-06-02"}, "after the workshop's end + 60 days (2026-06-01)"),
    ({"planned_ship_date": "2026-03-01"}, "in the past"),
    ({"first_step_monday": ""}, "first_step_monday: still empty"),
    ({"data_class": "secret"}, "data_class: one of"),
    ({"baseline_value": "twelve"}, "a number"),
])
def test_a_plan_that_cannot_be_filed_says_why(change, expected):
    """Is each reason a plan cannot be filed named, in a sentence that says what to write?"""
    said = problems({**MINE, **change})
    assert any(expected in p for p in said), said


def test_the_last_allowed_day_is_the_workshops_end_plus_60():
    """Is the 60th day after the workshop's end still allowed (and the 61st not)?"""
    assert problems({**MINE, "planned_ship_date": "2026-06-01"}) == []


def test_a_provider_the_policy_refuses_for_the_data_class_is_refused():
    """With a provider the governance policy refuses for the plan's data class, is the plan refused, naming it?"""
    refusing = [(name, cls) for name in POLICY.providers for cls in shipkit.CLASSES
                if POLICY.decide(name, cls).action == "refuse"]
    assert refusing, "the hub's policy refuses nothing: pick a policy with an external provider"
    name, cls = refusing[0]
    said = problems({**MINE, "provider": name, "data_class": cls})
    assert any("governance policy refuses" in p and name in p for p in said), said


def test_the_plan_starts_from_lab_1s_case():
    """Does the plan take the use case, backlog key, metric and baseline method from ~/shiplab-case.json?"""
    case = {"use_case": "Route claims mail", "group": "claims", "example_key": "NVA-9",
            "baseline_metric": "hours to first reply", "baseline_method": "median over March from the mailbox",
            "why": "asked by the head of claims"}
    plan = shipkit.plan_from_case(case)
    assert (plan["use_case"], plan["backlog_ref"], plan["metric_name"], plan["baseline_method"]) == (
        "Route claims mail", "NVA-9", "hours to first reply", "median over March from the mailbox")
    assert plan["business_owner"] == "" and plan["baseline_value"] is None


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
        exec(compile(source, "file_plan", "exec"), {"os": os, "json": json, "SHIP_PLAN": ship_plan,
                                                    "PLAN_PROBLEMS": problems(ship_plan), "decision": "allow",
                                                    "shipkit": shipkit})
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    return capsys.readouterr().out


def _anna_plans(url):
    me = httpx.get(url + "/api/me", headers={"Authorization": "token anna"}).json()
    return [httpx.get(f"{url}/api/plans/{p}", headers={"Authorization": "token anna"}).json() for p in me["plans"]]


def test_a_plan_filed_by_hand_is_never_replaced_by_running_the_notebook(tracker, capsys):
    """With a plan anna filed by hand, does running the cell change nothing and say how to replace it?"""
    r = httpx.post(tracker + "/api/plans", json=shipkit.tracker_payload(MINE), headers={"Authorization": "token anna"})
    assert r.status_code == 201, r.text
    other = {**MINE, "use_case": "Something else from the notebook"}
    said = _run_cell(tracker, other, capsys=capsys)
    assert "nothing was changed" in said and "REPLACE_MY_PLAN = True" in said, said
    plans = _anna_plans(tracker)
    assert len(plans) == 1 and plans[0]["use_case"].startswith(MINE["use_case"])


def test_replacing_happens_only_when_asked(tracker, capsys):
    """With REPLACE_MY_PLAN = True, is the first plan replaced by SHIP_PLAN (and only then)?"""
    httpx.post(tracker + "/api/plans", json=shipkit.tracker_payload(MINE), headers={"Authorization": "token anna"})
    said = _run_cell(tracker, {**MINE, "use_case": "Replaced on purpose"}, replace=True, capsys=capsys)
    assert "Replaced your ship plan" in said, said
    assert [p["use_case"].split("\n")[0] for p in _anna_plans(tracker)] == ["Replaced on purpose"]


def test_without_a_plan_the_cell_files_one_but_never_the_example(tracker, capsys):
    """Are the example and a plan without a baseline refused (nothing filed), and the participant's own plan filed
    once, with its owner and approver?"""
    for refused in (dict(shipkit.EXAMPLE_PLAN), {**MINE, "baseline_value": None}):
        said = _run_cell(tracker, refused, capsys=capsys)
        assert "Nothing was filed" in said and _anna_plans(tracker) == [], said
    said = _run_cell(tracker, MINE, capsys=capsys)
    assert "Filed your ship plan: HTTP 201" in said, said
    (filed,) = _anna_plans(tracker)
    assert filed["baseline_method"] == MINE["baseline_method"] and "L. Meyer" in filed["use_case"]
    said = _run_cell(tracker, MINE, capsys=capsys)  # top to bottom again: still one plan
    assert "nothing was changed" in said and len(_anna_plans(tracker)) == 1
