"""The gateway as a hub service: a participant's server reaches it with the hub token it was spawned with; the
provider-free local models answer; nobody without a token gets in; no key shows in the server's environment."""

import re
import time

import httpx
import pytest

from errorshape import assert_error, assert_error_page
from hubharness import TEST_PREFIX, TEST_ROSTER, start_hub

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gw_hub():
    hub = start_hub(extra_settings={"gateway": {"enabled": True, "url": f"http://127.0.0.1:{_free()}",
                                                "daily_requests": 50},
                                    # the tracker shows instructors the usage log (its demo cohort holds the roster)
                                    "tracker": {"enabled": True}})
    yield hub
    hub.stop()
    from shiplab.hub.unix import is_root, remove_unix_user

    if is_root():
        for name in [line.split(",")[0] for line in TEST_ROSTER.strip().splitlines()[1:]]:
            remove_unix_user(name, prefix=TEST_PREFIX)


def _free():
    from hubharness import free_port

    return free_port()


def server_env(hub, user) -> dict:
    """The environment the participant's server was spawned with (read from /proc, as root or as its owner)."""
    import subprocess

    out = subprocess.run(["pgrep", "-f", "shiplab.labext.singleuser"], capture_output=True, text=True).stdout.split()
    for pid in out:
        try:
            raw = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        env = dict(e.decode(errors="replace").split("=", 1) for e in raw if b"=" in e)
        if env.get("JUPYTERHUB_USER") == user and env.get("SHIPLAB_GATEWAY_URL", "").startswith(hub.url):
            return env
    raise AssertionError(f"no server of {user} found")


def wait_ready(url, token, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            if r.status_code == 200:
                return r
        except httpx.HTTPError:
            pass
        time.sleep(2)
    raise AssertionError("gateway not ready")


def test_participant_uses_local_models_with_its_hub_token(gw_hub):
    """Does a participant's server get the gateway URL and token at spawn, and get embeddings and a chat answer?"""
    client = gw_hub.login("qa-anna")
    gw_hub.spawn(client, "qa-anna")
    env = server_env(gw_hub, "qa-anna")
    url, token = env["SHIPLAB_GATEWAY_URL"], env["SHIPLAB_GATEWAY_TOKEN"]
    models = wait_ready(url, token).json()
    assert {"all-MiniLM-L6-v2", "gemma-3-270m"} <= {m["id"] for m in models["data"]}
    r = httpx.post(f"{url}/embeddings", json={"input": ["hail damage"]}, headers={"Authorization": f"Bearer {token}"},
                   timeout=60)
    assert r.status_code == 200 and len(r.json()["data"][0]["embedding"]) == 384
    r = httpx.post(f"{url}/chat/completions", timeout=120, headers={"Authorization": f"Bearer {token}"},
                   json={"messages": [{"role": "system", "content": "Context: The excess for glass damage is EUR 150."},
                                      {"role": "user", "content": "What is the excess for glass damage?"}],
                         "max_tokens": 16})
    assert r.status_code == 200, r.text
    answer = r.json()["choices"][0]["message"]["content"]
    assert answer and r.json()["usage"]["completion_tokens"] > 0
    assert not any(re.match(r"(OPENAI|AZURE).*KEY", k) for k in env), "no provider key in a participant's server"


def test_no_or_bad_token_is_refused(gw_hub):
    """Is the gateway closed to requests without a hub token (401 no_token) and with one the hub does not know
    (401 bad_token), in OpenAI's error shape?"""
    url = f"{gw_hub.url}/services/gateway/v1"
    assert_error(httpx.post(f"{url}/embeddings", json={"input": "x"}, timeout=30), 401, "no_token", shape="openai")
    r = httpx.post(f"{url}/embeddings", json={"input": "x"}, headers={"Authorization": "Bearer not-a-token"},
                   timeout=30)
    assert_error(r, 401, "bad_token", shape="openai")
    assert "not-a-token" not in r.text


def test_instructors_see_everyones_usage_participants_get_403(gw_hub):
    """Does an instructor, logged in to the hub in a browser, get the usage page and its JSON through the
    gateway's own OAuth login, while a participant gets 403 and learns nothing about others?"""
    url = f"{gw_hub.url}/services/gateway"
    deadline = time.monotonic() + 240  # the gateway may still be loading its models
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(2)
    ines = gw_hub.login("qa-ines")
    page = ines.get(f"{url}/instructor/usage", follow_redirects=True)
    assert page.status_code == 200, page.text[:500]
    assert "Model gateway usage" in page.text and "signed in as qa-ines" in page.text
    report = ines.get(f"{url}/instructor/usage.json").json()
    assert set(report) == {"day", "generated_at", "budget", "participants", "providers", "refusals"}
    assert report["budget"]["requests_per_day"] == 50

    ben = gw_hub.login("qa-ben")
    page = ben.get(f"{url}/instructor/usage", headers={"Accept": "text/html"}, follow_redirects=True)
    assert_error_page(page, 403, "not_an_instructor", says="not in the &#39;instructors&#39; group")
    assert "qa-anna" not in page.text
    assert_error(ben.get(f"{url}/instructor/usage.json"), 403, "not_an_instructor")
    assert_error(httpx.get(f"{url}/instructor/usage.json", timeout=30), 401, "no_token")


def test_the_tracker_shows_instructors_each_participants_model_use(gw_hub):
    """Does the tracker — a hub service with only access to the gateway — read the gateway's usage log with its own
    hub token, so an instructor sees on the cohort page what a participant used (here: three embeddings calls made
    with a token from the hub's token page)?"""
    from urllib.parse import urljoin

    token = gw_hub.user_token(gw_hub.login("qa-ben"), "qa-ben")
    gateway = f"{gw_hub.url}/services/gateway/v1"
    wait_ready(gateway, token)
    for text in ("glass damage", "hail", "storm"):
        r = httpx.post(f"{gateway}/embeddings", json={"input": text}, headers={"Authorization": f"Bearer {token}"},
                       timeout=60)
        assert r.status_code == 200, r.text
    tracker = httpx.Client(base_url=f"{gw_hub.url}/services/tracker", timeout=30,
                           headers={"Authorization": f"token {token}"})
    r = tracker.post("/api/plans", json={"use_case": "Find similar claims", "backlog_ref": "CLM-7",
                                         "metric_name": "minutes", "unit": "min", "baseline_value": 9,
                                         "target_value": 5, "planned_ship_date": "2030-01-31",
                                         "baseline_method": "median of 40 searches timed in March"})
    assert r.status_code == 201, r.text  # a fresh hub: qa-ben has no plan yet
    ines = gw_hub.login("qa-ines")
    cohorts = ines.get("/services/tracker/cohorts", follow_redirects=True)
    assert cohorts.status_code == 200, cohorts.text[:300]
    link = re.search(r'href="([^"]*/cohorts/\d+)"', cohorts.text).group(1)
    deadline = time.monotonic() + 90  # the tracker keeps the report for a minute; a failed read is retried sooner
    while True:
        page = ines.get(urljoin(str(cohorts.url), link), follow_redirects=True)
        assert page.status_code == 200, page.text[:300]
        m = re.search(r'data-user="qa-ben">([\d,]+) req', page.text)
        if m and int(m.group(1).replace(",", "")) == 3:  # ben uses the gateway only here
            break
        assert time.monotonic() < deadline, re.sub(r"<[^>]+>", " ", page.text)[-1500:]
        time.sleep(3)
    assert "Model use not shown" not in page.text


def test_a_participant_in_a_browser_finds_the_gateways_page_their_usage_and_no_dead_ends(gw_hub, browser):
    """In chromium, logged in to the hub as a participant: does Hub -> Services -> gateway open a page saying what
    the gateway is, their usage and the policy (not {"detail":"Not Found"}); does /services/gateway/usage show
    their usage after the hub's login (not a 401 JSON); and do the links of the instructors' 403 page lead to pages
    that exist (not /usage, a 404)?"""
    from browser import log_in, screenshot
    from hubharness import PASSWORD

    token = gw_hub.user_token(gw_hub.login("qa-ben"), "qa-ben")
    wait_ready(f"{gw_hub.url}/services/gateway/v1", token)
    httpx.post(f"{gw_hub.url}/services/gateway/v1/embeddings", json={"input": "hail"}, timeout=60,
               headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    page = browser.new_page()
    try:
        log_in(page, gw_hub.url, "qa-ben", PASSWORD)
        page.goto(f"{gw_hub.url}/hub/home")
        page.click("text=Services")
        page.click("a.dropdown-item:has-text('gateway')")
        page.wait_for_selector("h1:has-text('Model gateway')", timeout=60_000)
        body = page.inner_text("body")
        assert "Not Found" not in body and "Signed in as qa-ben" in body, body[:800]
        assert "The governance policy" in body and "Head of Data Protection" in body, body[:800]
        screenshot(page, "gateway-home")

        page.goto(f"{gw_hub.url}/services/gateway/usage")
        page.wait_for_selector("h1:has-text('Your model gateway usage')", timeout=60_000)
        body = page.inner_text("body")
        assert "Signed in as qa-ben" in body and "local" in body and "qa-anna" not in body, body[:800]

        answer = page.goto(f"{gw_hub.url}/services/gateway/instructor/usage")
        body = page.inner_text("body")
        assert answer.status == 403 and "403 · not_an_instructor" in body, body[:800]
        assert "qa-ben is not in the 'instructors' group" in body, body[:800]
        for name in ("Your own usage", "the gateway and its policy"):
            page.goto(f"{gw_hub.url}/services/gateway/instructor/usage")
            with page.expect_navigation():
                page.click(f"a:has-text('{name}')")
            assert page.url.startswith(f"{gw_hub.url}/services/gateway/"), page.url
            assert "Not Found" not in page.inner_text("body") and page.locator("h1").count() == 1, page.url
    finally:
        page.close()


def test_requests_abandoned_behind_the_hubs_proxy_are_dropped(gw_hub):
    """Through the hub's proxy (configurable-http-proxy), do chat requests whose clients give up after 0.3 s reach
    the gateway as gone — its /health counts them dropped — so that they no longer hold up the next participant?"""
    token = gw_hub.user_token(gw_hub.login("qa-anna"), "qa-anna")
    url = f"{gw_hub.url}/services/gateway"
    wait_ready(f"{url}/v1", token)
    before = httpx.get(f"{url}/health", timeout=10).json()["chat_queue"]["dropped"]
    ticket = ("Summarize this ticket in one sentence:\nClaim status tracker\nShow customers where their claim is, "
              "in plain language.")

    def give_up(i):
        try:
            httpx.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"}, timeout=0.3,
                       json={"messages": [{"role": "user", "content": f"{ticket} ({i})"}], "max_tokens": 256})
        except httpx.TimeoutException:
            return "gone"
        return "answered"

    # threads, not asyncio.run: the browser test's Playwright keeps an event loop in this thread
    from concurrent.futures import ThreadPoolExecutor

    # six at once to one model: whatever one answer takes, those queued behind it give up first
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(give_up, range(6)))
    assert "gone" in outcomes, outcomes
    deadline = time.monotonic() + 30
    while True:
        dropped = httpx.get(f"{url}/health", timeout=10).json()["chat_queue"]["dropped"]
        if dropped - before >= outcomes.count("gone") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    # each request that gave up is dropped (one whose answer was being sent as it gave up may count as answered)
    assert 1 <= dropped - before <= outcomes.count("gone"), (before, dropped, outcomes)
