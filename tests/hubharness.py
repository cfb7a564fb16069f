"""A real JupyterHub for tests: real configurable-http-proxy, real spawner, real login form.

Modelled on jupyterhub-idle-culler's conftest: write a settings file with free loopback ports, import a roster with
the real CLI, start ``jupyterhub`` as its own process group, poll ``/hub/api`` until it answers, tear it down.
Other rooms' tests build on :class:`RunningHub` (log in, spawn, call services).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from websockets.sync.client import connect

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "test-password-123"
TEST_PREFIX = "shiptest-"  # Unix accounts made by tests, distinct from the demo's jupyter-*

TEST_ROSTER = """username,full_name,email,role,team,manager
qa-ines,Ines Test,ines@test.example,instructor,,
qa-marta,Marta Test,marta@test.example,manager,,
qa-anna,Anna Test,anna@test.example,participant,claims,qa-marta
qa-ben,Ben Test,ben@test.example,participant,claims,qa-marta
qa-chloe,Chloe Test,chloe@test.example,participant,portal,qa-marta
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_state_dir() -> Path:
    # Not under pytest's 0700 tmp root: participants' Unix accounts must be able to reach the exchange inside it.
    d = Path(tempfile.mkdtemp(prefix="shiplab-test-", dir="/tmp"))
    os.chmod(d, 0o711)
    return d


@dataclass
class RunningHub:
    url: str
    state: Path
    settings_file: Path
    env: dict
    proc: subprocess.Popen | None = None
    log_file: Path | None = None
    clients: list = field(default_factory=list)
    browser_url: str = ""  # where a browser opens the hub: hub.subdomain_host when set (start_hub(subdomains=True))

    @property
    def api(self) -> str:
        return f"{self.url}/hub/api"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "shiplab.cli", *args], env=self.env, capture_output=True,
                              text=True, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"shiplab {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def login(self, username: str, password: str = PASSWORD) -> httpx.Client:
        """Log in through the real login form; return a client holding the session cookies."""
        client = httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)
        self.clients.append(client)
        page = client.get("/hub/login")
        page.raise_for_status()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        r = client.post("/hub/login?next=", data={"username": username, "password": password, "_xsrf": xsrf})
        if r.status_code != 302:
            raise AssertionError(f"login of {username} failed: {r.status_code}\n{r.text[:500]}")
        return client

    def spawn(self, client: httpx.Client, username: str, timeout: float = 120) -> httpx.Response:
        """Start the user's server the way the browser does (GET /hub/spawn), wait until /user/NAME/lab is 200."""
        client.get("/hub/spawn", follow_redirects=False)
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = client.get(f"/user/{username}/lab", follow_redirects=True)
            if last.status_code == 200 and "JupyterLab" in last.text:
                return last
            time.sleep(1)
        raise AssertionError(f"server of {username} not ready in {timeout}s: {last and last.status_code}\n"
                             f"{self.tail_log()}")

    def run_in_kernel(self, client: httpx.Client, user: str, code: str, timeout: float = 120):
        """Execute ``code`` in a new kernel of ``user``'s running server; (stdout, error name or None)."""
        return run_in_kernel(self, client, user, code, timeout)

    def wait_until_answers(self, path: str, what: str, timeout: float = 120) -> None:
        """Wait until ``GET path`` through the hub's proxy is 200 (a managed service that is still starting)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}{path}", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not answer through the hub in {timeout:.0f} s:\n{self.tail_log(80)}")
            time.sleep(0.5)

    def user_token(self, client: httpx.Client, username: str, note: str = "shiplab test") -> str:
        """A hub API token of ``username``, made with their logged-in ``client`` as the hub's token page does."""
        xsrf = next(c.value for c in client.cookies.jar if c.name == "_xsrf")
        r = client.post(f"/hub/api/users/{username}/tokens", json={"note": note, "expires_in": 900},
                        headers={"X-XSRFToken": xsrf})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def api_get(self, path: str, token: str) -> httpx.Response:
        return httpx.get(f"{self.api}{path}", headers={"Authorization": f"token {token}"}, timeout=30)

    def tail_log(self, n: int = 60) -> str:
        if self.log_file and self.log_file.exists():
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-n:])
        return ""

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if os.geteuid() == 0:  # the hub's port guard outlives a hub on purpose; a test hub's goes with it
            from shiplab.hub.portguard import release

            release(self.state)


def write_settings(state: Path, *, extra: dict | None = None, subdomains: bool = False) -> tuple[Path, dict]:
    port, hub_port, api_port = free_port(), free_port(), free_port()
    settings = {
        "hub": {"bind_url": f"http://127.0.0.1:{port}", "hub_bind_url": f"http://127.0.0.1:{hub_port}",
                "proxy_api_url": f"http://127.0.0.1:{api_port}", "cleanup_servers": True},
        "auth": {"mode": "demo", "demo_password": PASSWORD},
        "spawner": {"unix_user_prefix": TEST_PREFIX},
        "culler": {"enabled": False},
        "gateway": {"enabled": False},  # tests that need the model gateway turn it on
        # tests that need the shipping tracker turn it on; a free port, so a running demo hub's tracker is not taken
        "tracker": {"enabled": False, "url": f"http://127.0.0.1:{free_port()}"},
        # tests of grading on submit turn it on (others grade explicitly); the Assignments tab's status service
        # comes with it, on a free port
        "grading": {"enabled": False, "status_url": f"http://127.0.0.1:{free_port()}"},
        "course": {"formgrader_url": f"http://127.0.0.1:{free_port()}"},
        # tests that need the progress board turn it on; its port is free, so two test hubs never share one board
        "progress": {"enabled": False, "url": f"http://127.0.0.1:{free_port()}"},
    }
    if subdomains:  # an origin per user and per service on this machine (see LoopbackSubdomains)
        settings["hub"]["subdomain_host"] = f"http://localhost:{port}"
    for section, values in (extra or {}).items():
        settings.setdefault(section, {}).update(values)
    path = state / "shiplab-test.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path, settings


def start_hub(roster_csv: str = TEST_ROSTER, *, extra_settings: dict | None = None,
              subdomains: bool = False) -> RunningHub:
    """``subdomains``: hub.subdomain_host = http://localhost:<port>; ``url`` stays 127.0.0.1 (the hub answers the
    API on any host name), ``browser_url`` is where a person logs in."""
    state = make_state_dir()
    settings_file, settings = write_settings(state, extra=extra_settings, subdomains=subdomains)
    env = {**os.environ, "SHIPLAB_STATE": str(state), "SHIPLAB_SETTINGS": str(settings_file)}
    hub = RunningHub(url=settings["hub"]["bind_url"], state=state, settings_file=settings_file, env=env,
                     browser_url=settings["hub"].get("subdomain_host") or settings["hub"]["bind_url"])
    roster_file = state / "roster.csv"
    roster_file.write_text(roster_csv)
    hub.cli("roster", "import", str(roster_file))
    hub.log_file = state / "hub.log"
    log = open(hub.log_file, "w")
    hub.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(REPO / "hub_config" /
                                 "jupyterhub_config.py")], cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise AssertionError(f"hub exited with {hub.proc.returncode}:\n{hub.tail_log()}")
        try:
            if httpx.get(hub.api, timeout=2).status_code == 200:
                return hub
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    hub.stop()
    raise AssertionError(f"hub did not answer in 90 s:\n{hub.tail_log()}")


@contextlib.contextmanager
def hub_of(roster_csv: str, **options):
    """:func:`start_hub` for a test module: yields the running hub, then stops it and removes the roster's Unix
    accounts and the hub's state folder."""
    running = start_hub(roster_csv, **options)
    try:
        yield running
    finally:
        running.stop()
        from shiplab.hub.unix import remove_unix_user

        for row in roster_csv.strip().splitlines()[1:]:
            remove_unix_user(row.split(",", 1)[0], prefix=TEST_PREFIX)
        shutil.rmtree(running.state, ignore_errors=True)


class LoopbackSubdomains(httpx.HTTPTransport):
    """An httpx transport that sends ``localhost`` and ``*.localhost`` to 127.0.0.1 and keeps the Host header, as
    Chromium does (Python's resolver here does not resolve ``ben.localhost``): ``httpx.Client(transport=...)``."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host != "localhost" and not host.endswith(".localhost"):
            return super().handle_request(request)
        routed = httpx.Request(request.method, request.url.copy_with(host="127.0.0.1"), headers=request.headers,
                               stream=request.stream, extensions=request.extensions)
        return super().handle_request(routed)  # the client then sets response.request to the request it sent


def xsrf(client, user):
    """The header a Jupyter server wants on a POST/PUT/DELETE from this client."""
    return {"X-XSRFToken": next(c.value for c in client.cookies.jar
                                if c.name == "_xsrf" and c.path.startswith(f"/user/{user}"))}


def run_in_kernel(hub: "RunningHub", client: httpx.Client, user: str, code: str,
                  timeout: float = 120) -> tuple[str, str | None]:
    """Execute ``code`` in a new kernel of ``user``'s server over the kernel websocket; (stdout, error name)."""
    r = client.post(f"/user/{user}/api/kernels", json={"name": "python3"}, headers=xsrf(client, user))
    assert r.status_code == 201, r.text[:300]
    kernel = r.json()["id"]
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
    url = hub.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{kernel}/channels"
    msg_id = uuid.uuid4().hex
    request = {"header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex, "msg_type":
                          "execute_request", "version": "5.3"},
               "parent_header": {}, "metadata": {}, "channel": "shell",
               "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                           "allow_stdin": False, "stop_on_error": True}}
    out, error = [], None
    try:
        with connect(url, additional_headers={"Cookie": cookies, "Origin": hub.url}, open_timeout=30) as ws:
            ws.send(json.dumps(request))
            while True:
                msg = json.loads(ws.recv(timeout=timeout))
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["header"]["msg_type"], msg["content"]
                if kind == "stream":
                    out.append(content["text"])
                elif kind == "error":
                    error = f"{content['ename']}: {content['evalue']}"
                elif kind == "status" and content["execution_state"] == "idle":
                    break
    finally:
        client.delete(f"/user/{user}/api/kernels/{kernel}", headers=xsrf(client, user))
    return "".join(out), error
