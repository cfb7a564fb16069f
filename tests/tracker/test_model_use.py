"""Instructors see each participant's model use on the cohort page, read from the gateway's usage log.

A real gateway app (its instructors' usage view, the real SQLite usage log, the real governance policy) is served
over HTTP on a free port; the tracker reads it with :class:`shiplab.tracker.modeluse.ModelUse` as it does under the
hub. Who a token belongs to is a table (the hub is the edge here; tests/gateway/test_gateway_through_hub.py runs
the same path through a real hub)."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone

import pytest
import uvicorn
from fastapi.testclient import TestClient

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, GatewayError, create_app as create_gateway
from shiplab.gateway.instructors import Viewer
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.hub.roles import service_roles
from shiplab.settings import REPO_ROOT
from shiplab.tracker.modeluse import ModelUse
from trackerkit import BASELINE, token

VIEWERS = {"tracker-token": Viewer("tracker", frozenset(), kind="service"),
           "board-token": Viewer("progress", frozenset(), kind="service")}


class TableViewers:
    async def viewer(self, request):
        tok = request.headers.get("authorization", "").partition(" ")[2]
        if tok not in VIEWERS:
            raise GatewayError(401, "bad_token", "unknown token")
        return VIEWERS[tok]

    def login(self, request, next_url):  # pragma: no cover - not used by the tracker
        raise AssertionError("the tracker never logs in with a browser")

    async def callback(self, request):  # pragma: no cover
        raise AssertionError


class Served:
    """A FastAPI app served by uvicorn on a free port in a thread."""

    def __init__(self, app):
        from hubharness import free_port

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def gateway(tmp_path):
    """The gateway with a usage log: anna two answered requests (120 tokens) and one refusal; ben nothing."""
    log = UsageLog(tmp_path / "usage.sqlite", clock=lambda: datetime(2026, 4, 1, 9, tzinfo=timezone.utc))
    log.record("anna", "local", "all-MiniLM-L6-v2", "embeddings", 20, "allow", "")
    log.record("anna", "local", "gemma-3-270m", "chat", 100, "allow", "")
    log.record("anna", "openai", "gpt-test", "chat", 0, "refuse", "providers.openai.max_class=internal")
    log.record("dave", "local", "gemma-3-270m", "chat", 1234, "allow", "")
    app = create_gateway(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), log, Backends(),
                         Budget(100_000, 100), lambda request: "nobody", viewers=TableViewers())
    served = Served(app)
    served.log = log
    yield served
    served.stop()


def cohort_page(app, model_use) -> str:
    """Cohort 1's page as ines sees it with ``model_use``; anna's and ben's plans made on the first call."""
    app.state.model_use = model_use
    with TestClient(app) as client:
        if not getattr(app.state, "plans_made", False):
            for name in ("anna", "ben"):
                r = client.post("/api/plans", json={**BASELINE, "use_case": "Summaries", "backlog_ref": "NVA-1",
                                                    "metric_name": "m", "unit": "min", "baseline_value": 3,
                                                    "target_value": 2, "planned_ship_date": "2026-05-15"},
                                headers=token(name))
                assert r.status_code == 201, r.text
            app.state.plans_made = True
        page = client.get("/cohorts/1", headers=token("ines"))
        assert page.status_code == 200, page.text
        return page.text


def cell(html: str, user: str) -> str:
    m = re.search(rf'<td class="num model-use" data-user="{user}">(.*?)</td>', html)
    assert m, f"no model-use cell for {user}"
    return re.sub(r"<[^>]+>", "", m.group(1))


def test_instructor_sees_model_use_per_participant(app, gateway):
    """Does the cohort page show each plan owner's answered requests, tokens and refusals from the gateway's log,
    and the total over the cohort's plans (dave, who has no plan here, not counted)?"""
    html = cohort_page(app, ModelUse(gateway.url, "tracker-token"))
    assert cell(html, "anna") == "2 req · 120 tok · 1 refused"
    assert cell(html, "ben") == "0 req · 0 tok"
    assert "providers.openai.max_class=internal" in html  # the refusal's rule, on hover
    assert "The people with a plan here: 2 requests, 120 tokens, 1 refused." in html


def test_gateway_down_or_refusing_costs_a_sentence_not_the_page(app, gateway):
    """Is the page still served, with the reason, when the gateway is unreachable or refuses the tracker?"""
    from hubharness import free_port

    html = cohort_page(app, ModelUse(f"http://127.0.0.1:{free_port()}", "tracker-token", timeout=1))
    assert "Model use not shown: the model gateway did not answer" in html and "model-use" not in html.replace(
        'id="model-use-note"', "")
    html = cohort_page(app, ModelUse(gateway.url, "board-token"))
    assert "Model use not shown: the model gateway refused to show its usage log (HTTP 403)" in html
    assert "role shiplab-tracker" in html


def test_report_is_read_once_a_minute(gateway):
    """Does the tracker keep the report for a minute instead of asking the gateway on every page view?"""
    now = [1000.0]
    use = ModelUse(gateway.url, "tracker-token", clock=lambda: now[0])
    assert use.snapshot().of("anna").requests == 2
    gateway.log.record("anna", "local", "gemma-3-270m", "chat", 5, "allow", "")
    now[0] += 59
    assert use.snapshot().of("anna").requests == 2  # still the cached report
    now[0] += 2
    assert use.snapshot().of("anna").requests == 3


def test_the_hub_gives_the_tracker_only_the_gateway_scope():
    """Least privilege: with the gateway on, is the tracker's one role access to the gateway — and without the
    gateway, no role at all (JupyterHub refuses a scope naming an undefined service)?"""
    roles = [r for r in service_roles(["tracker", "gateway"]) if "tracker" in r["services"]]
    assert [(r["name"], r["scopes"]) for r in roles] == [("shiplab-tracker", ["access:services!service=gateway"])]
    assert not [r for r in service_roles(["tracker"]) if "tracker" in r["services"]]
