"""`shiplab up` checks every port the hub and its services will listen on before it starts anything."""

import socket

import pytest

from shiplab import settings
from shiplab.errors import ShiplabError
from shiplab.hub.launch import check_ports, ports_to_check


def _settings(**sections) -> dict:
    return settings.validate(sections, "test")


def test_a_taken_service_port_is_named_before_the_hub_starts():
    """Is a port taken by another program, where the tracker would listen, reported with the setting's name?"""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        conf = _settings(tracker={"url": f"http://127.0.0.1:{port}"})
        conf = {**conf, "hub.bind_url": "http://127.0.0.1:0", "hub.hub_bind_url": "http://127.0.0.1:0",
                "hub.proxy_api_url": "http://127.0.0.1:0", "course.formgrader_url": "http://127.0.0.1:0",
                "gateway.url": "http://127.0.0.1:0", "progress.url": "http://127.0.0.1:0"}
        with pytest.raises(ShiplabError, match=f"port {port} .*`tracker.url`"):
            check_ports(conf)


def test_only_enabled_services_and_local_addresses_are_checked():
    """Are disabled services skipped, and a host name such as `hub` (Kubernetes) not probed?"""
    conf = _settings(gateway={"enabled": False}, progress={"enabled": False})
    keys = ports_to_check(conf)
    assert "tracker.url" in keys and "gateway.url" not in keys and "progress.url" not in keys
    check_ports({k: "http://hub:1" for k in keys})  # names are not this machine's to test: no error
