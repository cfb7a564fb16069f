"""The gateway as a hub service: a participant's server reaches it with the hub token it was spawned with; the
provider-free local models answer; nobody without a token gets in; no key shows in the server's environment."""

import re
import time

import httpx
import pytest

from hubharness import TEST_PREFIX, TEST_ROSTER, start_hub

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gw_hub():
    hub = start_hub(extra_settings={"gateway": {"enabled": True, "url": f"http://127.0.0.1:{_free()}",
                                                "daily_requests": 50}})
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

    out = subprocess.run(["pgrep", "-f", "jupyterhub-singleuser"], capture_output=True, text=True).stdout.split()
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
    """Is the gateway closed to requests without a valid hub token?"""
    url = f"{gw_hub.url}/services/gateway/v1"
    assert httpx.post(f"{url}/embeddings", json={"input": "x"}, timeout=30).status_code in (401, 403)
    r = httpx.post(f"{url}/embeddings", json={"input": "x"}, headers={"Authorization": "Bearer not-a-token"},
                   timeout=30)
    assert r.status_code in (401, 403)
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
    page = ben.get(f"{url}/instructor/usage", follow_redirects=True)
    assert page.status_code == 403 and "not in the &#x27;instructors&#x27; group" in page.text and "qa-anna" not in page.text
    r = ben.get(f"{url}/instructor/usage.json")
    assert r.status_code == 403 and "participants" not in r.json()
    assert httpx.get(f"{url}/instructor/usage.json", timeout=30).status_code == 401
