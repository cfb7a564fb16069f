"""What one participant's code could do on the machine's loopback (real hub, real spawner, real Unix accounts, a real
browser), from attack-44: every kernel listened on loopback TCP, so anyone could subscribe to another's IOPub and
read the code and outputs of their cells — the formgrader's kernels, hidden tests included; a participant's process
could listen on the hub's fixed ports while a service restarted (and on ``[::1]`` at the proxy's port at any time,
where browsers try ``localhost`` first) and be sent hub tokens and passwords; ``/run/lock`` was one folder for all."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import sys
import textwrap
import time
from urllib.parse import urlparse

import httpx
import pytest

from hubharness import TEST_PREFIX, hub_of

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the attacks are between Unix accounts")]
ROSTER = """username,full_name,email,role,team,manager
qa-ivy,Ivy Test,ivy@test.example,participant,claims,
qa-jon,Jon Test,jon@test.example,participant,claims,
"""
# what the kernel's own account listens on, on loopback TCP (first line of the cell's output)
LISTENERS = """
import os
mine = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    for line in open(table).read().splitlines()[1:]:
        f = line.split()
        if f[3] == "0A" and int(f[7]) == os.getuid():
            mine.add(f[1])
print(len(mine))
"""
# a squatter, detached from the kernel (as an attacker's would be), answering on every port given to it
SQUATTER = """
import socket, subprocess, sys, textwrap
code = textwrap.dedent('''
    import socket, sys, threading, time
    def serve(family, host, port):
        s = socket.socket(family); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host, port)); s.listen(16)
        while True:
            c, _ = s.accept()
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\\\\r\\\\nContent-Length: 9\\\\r\\\\nConnection: close\\\\r\\\\n\\\\r\\\\nSQUATTED!")
            c.close()
    for spec in sys.argv[1:]:
        host, port = spec.rsplit(":", 1)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        threading.Thread(target=serve, args=(family, host.strip("[]"), int(port)), daemon=True).start()
    time.sleep(120)
''')
p = subprocess.Popen([sys.executable, "-c", code, *SPECS], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(p.pid)
"""


@pytest.fixture(scope="module")
def hub():
    with hub_of(ROSTER) as running:
        yield running


def _packet_filter_usable() -> str:
    """'' when this machine's hub can write its port guard (iptables and ip6tables, allowed to change the filter)."""
    from shiplab.hub import portguard

    if not portguard.available():
        return "iptables/ip6tables are not installed (make test installs them as root)"
    probe = subprocess.run(["iptables", "-w", "5", "-S", "OUTPUT"], capture_output=True, text=True)
    return "" if probe.returncode == 0 else f"the packet filter may not be changed here: {probe.stderr.strip()[:200]}"


needs_packet_filter = pytest.mark.skipif(bool(_packet_filter_usable()), reason=_packet_filter_usable() or "-")


def _settings(hub) -> dict:
    import yaml

    return yaml.safe_load(hub.settings_file.read_text())


def _port(url: str) -> int:
    return urlparse(url).port


def _listening_ports(uid: int) -> list[int]:
    from shiplab.web.listen import listeners

    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            f = line.split()
            if f[3] == "0A" and int(f[7]) == uid:
                ports.add(int(f[1].rsplit(":", 1)[1], 16))
    assert all(uid in listeners(p) for p in ports)
    return sorted(ports)


def test_another_account_cannot_subscribe_to_a_participants_kernel(hub):
    """attack-44: jon subscribed (ZeroMQ SUB) to the IOPub port of ivy's kernel on loopback and read the code and
    output of her cells. Subscribed to every TCP port her account listens on, does anyone now see a cell of hers?"""
    import zmq

    ivy = hub.login("qa-ivy")
    hub.spawn(ivy, "qa-ivy")
    uid = pwd.getpwnam(f"{TEST_PREFIX}qa-ivy").pw_uid
    context = zmq.Context()
    subscribers = []
    try:
        # a kernel is started for the cell below: subscribe to every port of hers as soon as it listens
        import threading

        seen: list[bytes] = []
        known: set[int] = set()
        stop = threading.Event()

        def sniff():
            while not stop.is_set():
                for port in set(_listening_ports(uid)) - known:
                    known.add(port)
                    sub = context.socket(zmq.SUB)
                    sub.setsockopt(zmq.SUBSCRIBE, b"")
                    sub.setsockopt(zmq.LINGER, 0)
                    sub.connect(f"tcp://127.0.0.1:{port}")
                    subscribers.append(sub)
                for sub in list(subscribers):
                    try:
                        while True:
                            seen.extend(sub.recv_multipart(zmq.NOBLOCK))
                    except zmq.Again:
                        pass
                time.sleep(0.05)

        sniffer = threading.Thread(target=sniff, daemon=True)
        sniffer.start()
        code = (LISTENERS + "import time, multiprocessing\ntime.sleep(3)\nprint('IVY-' + 'SECRET-OUTPUT')\n"
                "child = multiprocessing.get_context('fork').Process(target=print, args=('FROM-' + 'CHILD',))\n"
                "child.start(); child.join(); time.sleep(2)\n")
        out, error = hub.run_in_kernel(ivy, "qa-ivy", code)
        assert error is None and "IVY-SECRET-OUTPUT" in out and "FROM-CHILD" in out, (out, error)
        time.sleep(1)
        stop.set()
        sniffer.join(10)
        assert subscribers, "no listening port of hers was found: the sniffer saw nothing to try"
        assert not any(b"SECRET-OUTPUT" in frame for frame in seen)
        # her server's port alone: no channel of her kernel, nor ipykernel's pipe for forked children's output (which
        # read any message whole: attack-46 had a kernel killed for memory with one), is on loopback TCP
        assert out.splitlines()[0] == "1", out
        out, error = hub.run_in_kernel(ivy, "qa-ivy", "import ipykernel.connect, json\n"
                                       "print(json.loads(ipykernel.connect.get_connection_info())['transport'])")
        assert (out.strip(), error) == ("ipc", None)
    finally:
        for sub in subscribers:
            sub.close()
        context.term()


def test_the_formgrader_runs_its_kernels_on_unix_sockets():
    """The formgrader's kernels run the instructor's cells, hidden tests among them: is its transport ipc?"""
    from traitlets.config import PyFileConfigLoader

    from shiplab.course.paths import REPO_ROOT

    folder = REPO_ROOT / "hub_config" / "jupyter" / "grader"
    loader = PyFileConfigLoader("jupyter_server_config.py", path=str(folder))
    assert loader.load_config().KernelManager.transport == "ipc"


def _squat(hub, client, user: str, specs: list[str]) -> int:
    code = SQUATTER.replace("SPECS", repr(specs))
    out, error = hub.run_in_kernel(client, user, code)
    assert error is None, error
    return int(out.strip())


def _handshake(host: str, port: int, timeout: float = 3.0) -> str:
    """What a client gets from ``host:port``: 'answered: <first bytes>', 'refused' or 'no handshake'."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.settimeout(timeout)
        try:
            s.connect((host, port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: token secret\r\n\r\n")
            return "answered: " + s.recv(200).decode(errors="replace")[-9:]
        except ConnectionRefusedError:
            return "refused"
        except (TimeoutError, socket.timeout):
            return "no handshake"


@needs_packet_filter
def test_a_participant_cannot_answer_on_a_port_of_the_hubs_that_nobody_holds(hub):
    """attack-44: while the tracker (or any service) restarted, ivy's process took its port and was sent hub tokens.
    With the tracker's port free (as during a restart), does her listener there never complete a handshake — the
    token is never sent — while the hub's own ports still answer?"""
    ivy = hub.login("qa-ivy")
    hub.spawn(ivy, "qa-ivy")
    tracker = _port(_settings(hub)["tracker"]["url"])  # the tracker is off in this hub: its port is free
    pid = _squat(hub, ivy, "qa-ivy", [f"127.0.0.1:{tracker}"])
    try:
        time.sleep(1)
        assert _handshake("127.0.0.1", tracker) == "no handshake"
        hub_port = _port(_settings(hub)["hub"]["hub_bind_url"])
        assert _handshake("127.0.0.1", hub_port).startswith("answered: ")  # root's hub answers as before
    finally:
        os.kill(pid, signal.SIGKILL)


@needs_packet_filter
def test_a_participant_on_the_proxys_port_at_ipv6_loopback_gets_no_browser(hub):
    """attack-44 (found on review): with the hub running, a listener of ivy's on [::1] at the proxy's port got the
    browser's requests for localhost — the login form, its password. Does the browser now reach the real hub, and a
    client of [::1] at that port get refused at once?"""
    from playwright.sync_api import sync_playwright

    ivy = hub.login("qa-ivy")
    hub.spawn(ivy, "qa-ivy")
    port = _port(hub.url)
    pid = _squat(hub, ivy, "qa-ivy", [f"[::1]:{port}"])
    try:
        time.sleep(1)
        assert _handshake("::1", port) == "refused"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            try:
                page = browser.new_page()
                page.goto(f"http://localhost:{port}/hub/login", timeout=30_000)  # as the README says to open it
                body = page.content()
            finally:
                browser.close()
        assert "SQUATTED!" not in body
        assert 'name="password"' in body  # the hub's own login form
    finally:
        os.kill(pid, signal.SIGKILL)


def test_a_squatter_on_a_port_the_hub_needs_is_named_at_start():
    """attack-44: a participant who kept a port the hub needs made `shiplab up` say only "another hub may be running".
    Does the start now name the account holding it?"""
    from shiplab.errors import ShiplabError
    from shiplab.hub.launch import check_ports

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    holder = subprocess.Popen(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", textwrap.dedent(f"""
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.1", {port})); s.listen(); time.sleep(60)""")])
    try:
        deadline = time.monotonic() + 20
        from shiplab.web.listen import listeners

        while not listeners(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        with pytest.raises(ShiplabError, match=rf"port {port} \(setting `hub.bind_url`\) is held by the account "
                                               rf"nobody \(uid {pwd.getpwnam('nobody').pw_uid}\)"):
            check_ports({"hub.bind_url": f"http://127.0.0.1:{port}"})
    finally:
        holder.kill()
        holder.wait()


def test_run_lock_is_a_participants_own(hub):
    """attack-44: ivy wrote /run/lock/ivy-note and jon read it: one folder for every account. Is /run/lock her
    server's own (empty, and what she writes stays out of the host's)?"""
    ivy = hub.login("qa-ivy")
    hub.spawn(ivy, "qa-ivy")
    out, error = hub.run_in_kernel(ivy, "qa-ivy", "import os\nprint(os.listdir('/run/lock'))\n"
                                                  "open('/run/lock/ivy-note', 'w').write('ivy was here')\n")
    assert error is None, error
    assert out.strip() == "[]"
    assert not os.path.exists("/run/lock/ivy-note")


def _listen_as(account: str, port: int) -> subprocess.Popen:
    """A listener of ``account`` on 127.0.0.1:``port`` that answers every connection with SQUATTED!."""
    code = textwrap.dedent(f"""
        import socket
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", {port})); s.listen(8)
        while True:
            c, _ = s.accept(); c.recv(65536); c.sendall(b"SQUATTED!"); c.close()""")
    group = "nogroup" if account == "nobody" else account
    proc = subprocess.Popen(["setpriv", f"--reuid={account}", f"--regid={group}", "--clear-groups",
                             sys.executable, "-c", code])
    from shiplab.web.listen import listeners

    deadline = time.monotonic() + 20
    while pwd.getpwnam(account).pw_uid not in listeners(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc


@needs_packet_filter
def test_nobody_else_answers_on_a_participants_server_port(hub):
    """attack-44's residual: a participant's server listens on a random port of her account; if it dies, until the
    hub notices, another account's listener there would be sent what the proxy forwards to her. Is ivy's server's
    port guarded for her account while it runs — a listener of jon's on such a port never completes a handshake,
    hers does — and anyone's again once her server is stopped?"""
    from shiplab.hub import portguard
    from shiplab.web.listen import listeners

    ivy = hub.login("qa-ivy")
    hub.spawn(ivy, "qa-ivy")
    hub.spawn(hub.login("qa-jon"), "qa-jon")
    ivy_account, jon_account = f"{TEST_PREFIX}qa-ivy", f"{TEST_PREFIX}qa-jon"
    rules = portguard._tagged("iptables").get(portguard.SERVER_TAG + ivy_account, [])
    ports = {int(w[i + 1]) for w in (r.split() for r in rules) for i in range(len(w) - 1) if w[i] == "--sport"}
    assert len(ports) == 1, rules
    server_port = ports.pop()
    assert pwd.getpwnam(ivy_account).pw_uid in listeners(server_port)  # the port her server holds

    # what the rule does on a port her server has just left (a free port, guarded for her the same way)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert portguard.guard_server(f"{ivy_account}-probe", free, pwd.getpwnam(ivy_account).pw_uid)
    try:
        for account, expected in ((jon_account, "no handshake"), (ivy_account, "answered: SQUATTED!")):
            listener = _listen_as(account, free)
            try:
                assert _handshake("127.0.0.1", free) == expected, account
            finally:
                listener.kill()
                listener.wait()
    finally:
        portguard.release_server(f"{ivy_account}-probe")

    # attack-47: the rule went with the route, and a SYN the proxy resent ~1 s later reached chloe's listener. Does
    # the guard outlive her stopped server's route (portguard.SERVER_GRACE_S), then leave that port alone?
    token = hub.user_token(ivy, "qa-ivy")
    stopped = httpx.delete(f"{hub.api}/users/qa-ivy/server", headers={"Authorization": f"token {token}"}, timeout=60)
    assert stopped.is_success, stopped.text[:200]  # stopping: the end state asserted next
    deadline = time.monotonic() + 60
    while hub.api_get("/users/qa-ivy", token).json().get("servers") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert hub.api_get("/users/qa-ivy", token).json().get("servers") == {}
    time.sleep(5)
    kept = portguard._tagged("iptables").get(portguard.SERVER_TAG + ivy_account, [])
    assert kept == rules, kept  # still there, for the grace period
    portguard.release_server(ivy_account, port=server_port + 1 if server_port < 65535 else server_port - 1)
    assert portguard._tagged("iptables").get(portguard.SERVER_TAG + ivy_account, []) == rules  # another port: kept
    portguard.release_server(ivy_account, port=server_port)
    assert not portguard._tagged("iptables").get(portguard.SERVER_TAG + ivy_account)


def test_a_service_whose_port_a_participant_holds_names_the_account():
    """attack-46: a participant held the tracker's port while the hub restarted it after a crash; each try failed
    with only "address already in use". Does the service now say, on each try, which account holds it?"""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    holder = _listen_as("nobody", port)
    try:
        env = {**os.environ, "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}"}
        env.pop("SHIPLAB_SETTINGS", None)
        started = subprocess.run([sys.executable, "-m", "shiplab.tracker"], env=env, capture_output=True, text=True,
                                 timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert started.returncode == 2, started.stderr[-500:]
    assert f"port {port} is held by the account nobody (uid {pwd.getpwnam('nobody').pw_uid})" in started.stderr
