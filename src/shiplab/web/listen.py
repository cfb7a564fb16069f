"""Where a hub-managed web service listens, from the URL the hub gives it (``JUPYTERHUB_SERVICE_URL``), and who
holds a port it needs (``/proc/net``): on a hub with Unix accounts a participant's process may."""

from __future__ import annotations

import ipaddress
from pathlib import Path


def bind_host(hostname: str | None) -> str:
    """Listen on the service URL's address; a name that is not an address (``hub`` under Kubernetes, where the
    proxy reaches the hub's pod through a Service of that name) means every interface of this container."""
    if not hostname or hostname == "localhost":
        return "127.0.0.1"
    try:
        ipaddress.ip_address(hostname)
        return hostname
    except ValueError:
        return "0.0.0.0"


def listeners(port: int) -> list[int]:
    """The accounts (uids) with a socket listening on TCP ``port``, any address, IPv4 or IPv6 (``/proc/net``)."""
    uids = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 7 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                uids.append(int(fields[7]))
    return uids


def holder_said(port: int) -> str:
    """Who holds ``port``, in words, where it is not root: '' when root (or nobody we can see) holds it."""
    import pwd

    others = sorted({uid for uid in listeners(port) if uid != 0})
    if not others:
        return ""
    names = []
    for uid in others:
        try:
            names.append(f"{pwd.getpwuid(uid).pw_name} (uid {uid})")
        except KeyError:
            names.append(f"uid {uid}")
    return ", ".join(names)
