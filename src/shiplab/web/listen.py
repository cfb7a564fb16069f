"""Where a hub-managed web service listens, from the URL the hub gives it (``JUPYTERHUB_SERVICE_URL``)."""

from __future__ import annotations

import ipaddress


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
