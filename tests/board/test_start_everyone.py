"""Does an instructor's "start everyone" start exactly the participants without a running server, once at a time,
and refuse everyone else and requests another site could forge?"""

from __future__ import annotations

import threading
import time

from boardkit import T0, Course, hub_user
from fastapi.testclient import TestClient

from shiplab.web.hubrest import Started

ACTION = {"X-Shiplab-Action": "start-servers"}


def users():
    return [hub_user("ines", ["instructors"]), hub_user("marta", ["managers"]),
            hub_user("anna", ["participants", "team-claims"], running=True, started=T0, active=T0),
            hub_user("ben", ["participants", "team-claims"]), hub_user("chloe", ["participants", "team-portal"])]


def _client(tmp_path, starter):
    return TestClient(Course(tmp_path / "state").app(users=users(), now=T0, starter=starter))


def test_the_participants_without_a_server_are_started_in_the_background(tmp_path):
    asked, done = [], threading.Event()

    def starter(names):
        asked.append(names)
        done.set()
        return Started(ready={n: 1.0 for n in names})

    r = _client(tmp_path, starter).post("/api/start-servers", headers={"Authorization": "token t-ines", **ACTION})
    assert (r.status_code, r.json()) == (202, {"started": True, "servers": 2})
    assert done.wait(5)
    assert asked == [["ben", "chloe"]]  # not anna (running), not the instructor or the manager


def test_a_second_press_while_it_runs_is_told_and_starts_nothing(tmp_path):
    release = threading.Event()
    calls = []

    def starter(names):
        calls.append(names)
        release.wait(5)
        return Started()

    client = _client(tmp_path, starter)
    headers = {"Authorization": "token t-ines", **ACTION}
    assert client.post("/api/start-servers", headers=headers).status_code == 202
    second = client.post("/api/start-servers", headers=headers)
    assert (second.status_code, second.json()["detail"]) == (409, "already starting 2 servers")
    release.set()
    deadline = time.monotonic() + 5
    while client.app.state.start_run.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.post("/api/start-servers", headers=headers).status_code == 202
    assert len(calls) == 2


def test_not_an_instructor_or_without_the_header_nothing_starts(tmp_path):
    calls = []
    client = _client(tmp_path, lambda names: calls.append(names) or Started())
    assert client.post("/api/start-servers", headers={"Authorization": "token t-anna", **ACTION}).status_code == 403
    assert client.post("/api/start-servers", headers={"Authorization": "token t-marta", **ACTION}).status_code == 403
    assert client.post("/api/start-servers", headers=ACTION).status_code == 401
    forged = client.post("/api/start-servers", headers={"Authorization": "token t-ines"})
    assert (forged.status_code, forged.json()["error"]["code"]) == (403, "missing_action_header")
    time.sleep(0.2)
    assert calls == []


def test_the_board_page_has_the_button_and_its_script_sends_the_header(tmp_path):
    page = _client(tmp_path, lambda names: Started()).get("/", headers={"Authorization": "token t-ines"})
    assert 'id="start-servers"' in page.text
    assert '"X-Shiplab-Action": "start-servers"' in page.text
