"""What one participant's own server could do to everyone else on a root-mode hub (real hub, real spawner, real
Unix accounts): every process's command line and owner was listable before each server got a /proc of its own;
one participant could take all the machine's memory or tasks before each server got a control group of its own."""

from __future__ import annotations

import os
import pwd
import sys
import tempfile
from pathlib import Path

import pytest

from hubharness import TEST_PREFIX, hub_of

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the attacks are between Unix accounts")]
ROSTER = """username,full_name,email,role,team,manager
qa-eve,Eve Test,eve@test.example,participant,claims,
qa-fay,Fay Test,fay@test.example,participant,claims,
"""
LIST_PROCESSES = """
import os
seen = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        seen[pid] = (os.stat(f"/proc/{pid}").st_uid, open(f"/proc/{pid}/cmdline", "rb").read()[:200])
    except OSError:
        pass
print(sorted({uid for uid, _ in seen.values()}))
print(any(b"jupyterhub" in cmd and b"singleuser" not in cmd for _, cmd in seen.values()))
"""


@pytest.fixture(scope="module")
def hub():
    with hub_of(ROSTER, extra_settings={"spawner": {"mem_limit": "900M", "max_tasks": 300}}) as running:
        yield running


def test_a_participants_server_sees_no_process_but_its_own(hub):
    """Is the hub (root), the proxy, fay's server — or anyone's command line — visible from eve's kernel?"""
    fay = hub.login("qa-fay")
    hub.spawn(fay, "qa-fay")
    eve = hub.login("qa-eve")
    hub.spawn(eve, "qa-eve")
    out, error = hub.run_in_kernel(eve, "qa-eve", LIST_PROCESSES)
    assert error is None, error
    uids, sees_hub = out.split("\n")[:2]
    assert uids == str([pwd.getpwnam(f"{TEST_PREFIX}qa-eve").pw_uid])
    assert sees_hub == "False"
    # the host's /proc is untouched: root (this test) still sees fay's server
    fay_uid = pwd.getpwnam(f"{TEST_PREFIX}qa-fay").pw_uid
    assert any(os.stat(f"/proc/{p}").st_uid == fay_uid for p in os.listdir("/proc") if p.isdigit())
    assert "hidepid" not in next(line for line in open("/proc/mounts") if line.split()[1] == "/proc")


TEMPORARY = """
import os
print(sorted(os.listdir("/tmp")), sorted(os.listdir("/dev/shm")))
print(sorted(os.listdir(STATE)) if os.path.isdir(STATE) else None)
open("/tmp/eve-was-here", "w").write("x")
print(os.path.exists(CANARY))
"""


def test_a_participants_server_has_temporary_folders_of_its_own(hub):
    """attack-15b: ben listed and read root's world-readable files in the host's /tmp. Does eve's kernel see an
    empty /tmp and /dev/shm (not root's canary file), and does what she writes there stay out of the host's /tmp?"""
    canary = tempfile.NamedTemporaryFile(prefix="shiplab-canary-", dir="/tmp", delete=False)
    canary.write(b"root's build log")
    canary.close()
    os.chmod(canary.name, 0o644)  # world-readable, as a redirected `make up` log would be
    try:
        eve = hub.login("qa-eve")
        hub.spawn(eve, "qa-eve")
        code = TEMPORARY.replace("CANARY", repr(canary.name)).replace("STATE", repr(str(hub.state)))
        out, error = hub.run_in_kernel(eve, "qa-eve", code)
        assert error is None, error
        listing, in_state, sees_canary = out.strip().split("\n")
        # Only the folders a server needs come back into its /tmp (this test hub keeps its state, and with it the
        # nbgrader exchange, under /tmp): the path to them, and of the hub's state the exchange alone.
        needed = [hub.state / "exchange", Path(__file__).resolve().parents[2], Path(sys.prefix)]
        tops = {p.resolve().relative_to("/tmp").parts[0] for p in needed if p.resolve().is_relative_to("/tmp")}
        # and the server's own runtime folder (its kernels' Unix sockets), made in its private /tmp
        assert listing == f"{sorted(tops | {'jupyter-runtime'})} []", listing
        assert in_state == "['exchange']", in_state
        assert sees_canary == "False"
        assert not os.path.exists("/tmp/eve-was-here")  # hers stayed in her own tmpfs
    finally:
        os.unlink(canary.name)


THREADS = """
import threading, time
n = 0
try:
    for _ in range(1000):
        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
        n += 1
except RuntimeError:
    pass
print(n)
"""
HOG = f"""
import subprocess, sys
memory = subprocess.run([sys.executable, "-c", "b = bytearray(1500 << 20); print('allocated')"],
                        capture_output=True, text=True)
threads = subprocess.run([sys.executable, "-c", {THREADS!r}], capture_output=True, text=True)
print(memory.returncode, memory.stdout.strip() or "-", threads.stdout.strip())
"""


def test_one_participant_cannot_take_all_memory_or_tasks(hub):
    """Does a 1.5 GB allocation in eve's server (limit 900M for all her processes) end only her process, and a
    thread loop stop at her task limit (300) — with the hub still answering?"""
    eve = hub.login("qa-eve")
    hub.spawn(eve, "qa-eve")
    out, error = hub.run_in_kernel(eve, "qa-eve", HOG)
    assert error is None, error
    code, allocated, threads = out.split()
    assert (code, allocated) == ("-9", "-")  # killed by the kernel's OOM killer inside her group
    assert 100 < int(threads) < 300
    assert eve.get("/hub/api").status_code == 200
