"""The hub's fixed ports answer only as root: no participant can stand in for the hub, the proxy or a service.

On a hub with Unix accounts every participant's code runs on this machine's network. The hub, the proxy, the proxy's
API and the services listen on fixed loopback ports (``hub.bind_url``, ``hub.hub_bind_url``, ``hub.proxy_api_url``,
``gateway.url``, ``tracker.url``, ``progress.url``, ``grading.status_url``, ``course.formgrader_url``), and a port
nobody holds — while the hub restarts, or a service the hub is restarting after a crash — could be bound by a
participant's process, which would then be sent what clients send there: the servers' hub tokens (every open
Assignments tab polls with one), instructors' passwords at the login form. Two ports are open to that at any time:
the same port numbers on ``::1``, where browsers try ``localhost`` first.

The guard is a chain of packet-filter rules for each hub (iptables and ip6tables, ``OUTPUT``): the answer to a
connection (SYN-ACK) may leave one of these ports only from a listener of root (or, for the formgrader's port, the
grader account). A listener of anyone else never completes a handshake, so no client sends it a byte. On ``::1`` a connection to these ports is refused at once where the hub listens on IPv4
only, so browsers fall back to 127.0.0.1 without waiting. The rules stay when the hub stops (the restart is the
window they close) and are replaced at its next start; :func:`release` takes them away (the tests' hubs).

Each hub's rules carry its state folder in their comment; a start removes the rules of state folders that no
longer exist (test hubs').
"""

from __future__ import annotations

import ipaddress
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from shiplab.web.listen import holder_said, listeners  # noqa: F401 -- who holds a port: the guard's vocabulary

log = logging.getLogger("shiplab.hub.portguard")
CHAIN = "SHIPLAB-PORTS"
TAG = "shiplab-hub:"  # + the hub's state folder
SERVER_TAG = "shiplab-server:"  # + the participant's Unix account
SERVER_GRACE_S = 180  # a server's guard outlives its route: the proxy's SYN is resent for ~127 s (tcp_syn_retries 6)
PORT_SETTINGS = ("hub.bind_url", "hub.hub_bind_url", "hub.proxy_api_url", "gateway.url", "tracker.url",
                 "progress.url", "grading.status_url", "course.formgrader_url")


@dataclass(frozen=True)
class Guarded:
    port: int
    ipv6_listener: bool  # the hub listens on an IPv6 address there (else ::1 is refused outright)
    owners: tuple[int, ...]  # the accounts that may answer on it
    setting: str


def guarded_ports(settings: dict, grader_uid: int | None) -> list[Guarded]:
    """The hub's fixed ports on this machine, from the settings (enabled or not: a disabled service's port is no
    one else's to answer on either). A host name that is not an address (``hub`` under Kubernetes) is not here."""
    out: dict[int, Guarded] = {}
    for key in PORT_SETTINGS:
        url = urlparse(settings.get(key) or "")
        if not url.hostname:
            continue
        try:
            address = ipaddress.ip_address(url.hostname)
        except ValueError:
            if url.hostname != "localhost":
                continue
            address = ipaddress.ip_address("127.0.0.1")
        port = url.port or (443 if url.scheme == "https" else 80)
        owners = (0, grader_uid) if key == "course.formgrader_url" and grader_uid is not None else (0,)
        previous = out.get(port)
        if previous:
            owners = tuple(sorted(set(owners) | set(previous.owners)))
        out[port] = Guarded(port, address.version == 6 or bool(previous and previous.ipv6_listener), owners, key)
    return sorted(out.values(), key=lambda g: g.port)


def available() -> bool:
    return shutil.which("iptables") is not None and shutil.which("ip6tables") is not None


def _run(tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([tool, "-w", "5", *args], capture_output=True, text=True, check=check)


def _ensure_chain(tool: str) -> None:
    if _run(tool, "-n", "-L", CHAIN, check=False).returncode != 0:
        _run(tool, "-N", CHAIN)
    if _run(tool, "-C", "OUTPUT", "-p", "tcp", "-j", CHAIN, check=False).returncode != 0:
        _run(tool, "-I", "OUTPUT", "1", "-p", "tcp", "-j", CHAIN)


def _rules(guard: Guarded, tag: str, ipv6: bool) -> list[list[str]]:
    """The rules of one port, in order. Only the handshake's answer (SYN-ACK) is filtered: a listener that cannot
    send it never has a connection, while the port as an ordinary client's source port (test hubs pick theirs from
    the ephemeral range) is left alone."""
    comment = ["-m", "comment", "--comment", tag]
    port = str(guard.port)
    syn_ack = ["-p", "tcp", "--sport", port, "--tcp-flags", "SYN,ACK", "SYN,ACK"]
    if ipv6 and not guard.ipv6_listener:  # nothing of the hub's listens on ::1 here: refuse, so browsers fall back
        return [["-p", "tcp", "--dport", port, "--tcp-flags", "SYN,ACK,RST", "SYN", "-o", "lo", *comment,
                 "-j", "REJECT", "--reject-with", "tcp-reset"],
                [*syn_ack, *comment, "-j", "DROP"]]
    rules = [[*syn_ack, "-m", "owner", "--uid-owner", str(uid), *comment, "-j", "RETURN"] for uid in guard.owners]
    rules.append([*syn_ack, *comment, "-j", "DROP"])
    return rules


def _tagged(tool: str) -> dict[str, list[str]]:
    """tag -> this tool's rules in the chain carrying it (as ``-S`` prints them)."""
    listing = _run(tool, "-S", CHAIN, check=False).stdout.splitlines()
    found: dict[str, list[str]] = {}
    for line in listing:
        if any(f'--comment "{t}' in line or f"--comment {t}" in line for t in (TAG, SERVER_TAG)):
            tag = line.split("--comment ", 1)[1].split(" -j ", 1)[0].strip('"')
            found.setdefault(tag, []).append(line)
    return found


def _delete(tool: str, line: str) -> None:
    import shlex

    parts = shlex.split(line)
    if parts[:1] == ["-A"]:
        _run(tool, "-D", *parts[1:], check=False)


def _on_ports(line: str, ports: set[int]) -> bool:
    words = line.split()
    return any(words[i] in ("--sport", "--dport") and int(words[i + 1]) in ports for i in range(len(words) - 1))


def _replace(tag: str, guards: list[Guarded], prune_gone_hubs: bool = False) -> None:
    """This tag's rules replaced by those of ``guards`` in both families (OSError when the filter cannot be
    changed); ``prune_gone_hubs``: also drop the rules of hubs whose state folder is gone (test hubs'). A server's
    rules also take the place of another server's on the same port: that server is gone (the port was free)."""
    ports = {g.port for g in guards}
    for tool, ipv6 in (("iptables", False), ("ip6tables", True)):
        try:
            _ensure_chain(tool)
            for other, lines in _tagged(tool).items():
                gone = prune_gone_hubs and other.startswith(TAG) and not Path(other[len(TAG):]).exists()
                for line in lines:
                    stale_server = tag.startswith(SERVER_TAG) and other.startswith(SERVER_TAG) and \
                        _on_ports(line, ports)
                    if other == tag or gone or stale_server:
                        _delete(tool, line)
            for guard in guards:
                for rule in _rules(guard, tag, ipv6):
                    _run(tool, "-A", CHAIN, *rule)
        except (subprocess.CalledProcessError, OSError) as exc:
            said = getattr(exc, "stderr", "") or str(exc)
            raise OSError(f"{tool}: {said.strip()[:300]}") from None


def install(settings: dict, state: Path, grader_uid: int | None) -> list[Guarded]:
    """Replace this hub's rules (tagged with ``state``) by those of ``settings``; drop the rules of hubs whose
    state folder is gone. Returns what is guarded. Raises OSError when the packet filter cannot be changed."""
    guards = guarded_ports(settings, grader_uid)
    _replace(TAG + str(Path(state).resolve()), guards, prune_gone_hubs=True)
    return guards


def _release_tag(tag: str) -> None:
    for tool in ("iptables", "ip6tables"):
        if shutil.which(tool):
            for line in _tagged(tool).get(tag, []):
                _delete(tool, line)


def release(state: Path) -> None:
    """Take this hub's rules away (a test hub that is gone for good)."""
    _release_tag(TAG + str(Path(state).resolve()))


def guard_server(account: str, port: int, uid: int) -> bool:
    """A participant's server listens on ``port`` as ``uid``: only that account may answer there, so if the server
    dies no one else's listener is sent what the proxy forwards to it until the hub notices. False (logged) when
    the packet filter cannot be changed."""
    if not available():
        return False
    try:
        _replace(SERVER_TAG + account, [Guarded(port, False, (uid,), "server")])
    except OSError as exc:
        log.warning("the port of %s's server is not guarded: %s", account, exc)
        return False
    return True


def release_server(account: str, port: int | None = None) -> None:
    """The server of ``account`` has stopped (or died and the hub noticed) a while ago: its port (``port`` only, when
    given: a new start of hers may guard another) is anyone's again."""
    try:
        tag = SERVER_TAG + account
        for tool in ("iptables", "ip6tables"):
            if shutil.which(tool):
                for line in _tagged(tool).get(tag, []):
                    if port is None or _on_ports(line, {port}):
                        _delete(tool, line)
    except OSError as exc:
        log.warning("the guard of %s's server port stays: %s", account, exc)


def guard(settings: dict, state: Path, grader_uid: int | None) -> None:
    """:func:`install` for the hub's start, saying in the hub's log what is guarded — or, loudly, that it is not."""
    if not available():
        log.error("iptables/ip6tables not found: the hub's ports are NOT guarded — a participant's process could "
                  "answer on them while the hub restarts (README, threat model). Install iptables.")
        return
    try:
        guards = install(settings, state, grader_uid)
    except OSError as exc:
        log.error("the hub's ports are NOT guarded (%s): a participant's process could answer on them while the "
                  "hub restarts (README, threat model).", exc)
        return
    log.info("ports %s answer only as root (the formgrader's as the grader account)",
             ", ".join(str(g.port) for g in guards))
