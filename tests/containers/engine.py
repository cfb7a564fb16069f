"""The container engine for tests/containers: the Docker API that `make test-containers` starts (its own dockerd),
or SHIPLAB_DOCKER_HOST; every container, network and volume a test makes is named with one run's prefix and
removed at the end (the images stay: the engine's cache)."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field

import pytest

DOCKER_HOST = os.environ.get("SHIPLAB_DOCKER_HOST", "unix:///run/shiplab-containers/docker.sock")
LAB_IMAGE = os.environ.get("SHIPLAB_LAB_IMAGE", "shiplab-lab:latest")
POSTGRES_IMAGE = os.environ.get("SHIPLAB_POSTGRES_IMAGE", "shiplab-postgres:15")
#: set by `make test-containers`: a missing engine or image is then a failure, not a skip
REQUIRED = os.environ.get("SHIPLAB_REQUIRE_CONTAINERS") == "1"


def engine_or_skip():
    """A docker-py client of the engine, or a skip (a failure under `make test-containers`) that says why not."""
    import docker

    def unavailable(why: str):
        message = f"{why}: `make test-containers` starts an engine and builds the images (root, Debian)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)

    try:
        client = docker.DockerClient(base_url=DOCKER_HOST, timeout=120)
        client.ping()
    except Exception as exc:  # noqa: BLE001 -- any reason the engine does not answer is a reason to skip
        unavailable(f"no container engine answers at {DOCKER_HOST} ({type(exc).__name__})")
    for image in (LAB_IMAGE, POSTGRES_IMAGE):
        try:
            client.images.get(image)
        except docker.errors.ImageNotFound:
            unavailable(f"the engine has no image {image}")
    return client


@dataclass
class Made:
    """What one run made in the engine, to remove at the end."""

    client: object
    prefix: str = field(default_factory=lambda: f"shiplab-e2e-{uuid.uuid4().hex[:8]}")
    containers: list = field(default_factory=list)
    networks: list = field(default_factory=list)
    volumes: list = field(default_factory=list)

    def name(self, what: str) -> str:
        return f"{self.prefix}-{what}"

    def network(self, what: str):
        net = self.client.networks.create(self.name(what), driver="bridge")
        self.networks.append(net)
        return net

    def volume(self, what: str) -> str:
        vol = self.client.volumes.create(self.name(what))
        self.volumes.append(vol.name)
        return vol.name

    def run(self, what: str, image: str, **kwargs):
        c = self.client.containers.run(image, name=self.name(what), detach=True, **kwargs)
        self.containers.append(c)
        return c

    def remove_all(self, extra_volumes: tuple[str, ...] = ()) -> list[str]:
        """Stop and remove every container on the run's networks (the lab containers the hub made too), then the
        networks and volumes; return what is still there (nothing, if all went)."""
        import docker

        for net in self.networks:
            try:
                net.reload()
                for c in net.containers:
                    c.remove(force=True)
            except docker.errors.NotFound:
                pass
        for c in self.containers:
            try:
                c.remove(force=True, v=True)
            except docker.errors.NotFound:
                pass
        for net in self.networks:
            try:
                net.remove()
            except docker.errors.NotFound:
                pass
        for name in (*self.volumes, *extra_volumes):
            for _ in range(10):  # a container being removed may hold it a moment longer
                try:
                    self.client.volumes.get(name).remove(force=True)
                    break
                except docker.errors.NotFound:
                    break
                except docker.errors.APIError:
                    time.sleep(1)
        left = [c.name for c in self.client.containers.list(all=True) if c.name.startswith(self.prefix)]
        left += [n.name for n in self.client.networks.list() if n.name.startswith(self.prefix)]
        left += [v.name for v in self.client.volumes.list() if v.name in (*self.volumes, *extra_volumes)]
        return left


def wait_healthy(container, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container.reload()
        state = container.attrs["State"]
        if state.get("Health", {}).get("Status") == "healthy":
            return
        if state["Status"] == "exited":
            break
        time.sleep(1)
    raise AssertionError(f"{container.name} not healthy in {timeout:.0f} s:\n"
                         f"{container.logs(tail=40).decode(errors='replace')}")
