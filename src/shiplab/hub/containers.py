"""Beyond one machine: a container per participant with DockerSpawner, a pod per participant with KubeSpawner.

Both use the lab image from ``hub_config/docker/Dockerfile`` and the same role-specific Jupyter configuration as
the one-machine spawners (baked into the image under /opt/shiplab). Participant N runs as uid ``uid_base + N``:
files in the shared nbgrader exchange then belong to one participant each, as they do with Unix accounts, so
nobody can read another's submission. Imported only when spawner.mode is docker or kubernetes.
"""

from __future__ import annotations

from dockerspawner import DockerSpawner
from kubespawner import KubeSpawner
from traitlets import Integer

from shiplab.hub.spawner import RoleConfigMixin

class UidPerParticipant(RoleConfigMixin):
    uid_base = Integer(20000, config=True, help="Participant N runs as uid uid_base + N.")

    def participant_uid(self) -> int:
        return self.uid_base + int(self.user.id)


class ShiplabDockerSpawner(UidPerParticipant, DockerSpawner):
    """DockerSpawner; the container starts as root only to hand the home volume to NB_UID, then drops to it."""

    def get_env(self):
        env = super().get_env()
        env["NB_UID"] = str(self.participant_uid())
        env["NB_GID"] = "100"
        return env


class ShiplabKubeSpawner(UidPerParticipant, KubeSpawner):
    """KubeSpawner; the pod's uid is chosen per participant (``uid = container_config.pod_uid``)."""
