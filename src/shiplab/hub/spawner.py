"""Spawners for one machine.

:class:`UnixUserSpawner` is JupyterHub's LocalProcessSpawner with one change: the hub user ``anna`` runs as the Unix
account ``jupyter-anna`` (see :mod:`shiplab.hub.unix`), whose home is private. :class:`DeveloperSpawner` is
JupyterHub's SimpleLocalProcessSpawner (everyone runs as the hub's account: no isolation).

Both add the role-specific Jupyter configuration at spawn: instructors get nbgrader's formgrader, create-assignment
and course-list extensions; everyone else gets only the assignment list and validation. The configuration lives in
``hub_config/jupyter/{common,participant,instructor}`` and reaches the server through ``JUPYTER_CONFIG_PATH``.
"""

from __future__ import annotations

import pwd

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, set_user_setuid
from traitlets import HasTraits, Unicode

from shiplab.hub.unix import ensure_unix_user

INSTRUCTOR_GROUP = "instructors"


class RoleConfigMixin(HasTraits):
    """Point the server at the Jupyter configuration for the user's role."""

    jupyter_config_root = Unicode("", config=True, help="Folder holding common/, participant/ and instructor/.")

    def role(self) -> str:
        groups = {g.name for g in getattr(self.user, "groups", [])}
        return "instructor" if INSTRUCTOR_GROUP in groups else "participant"

    def get_env(self):
        env = super().get_env()
        if self.jupyter_config_root:
            root = self.jupyter_config_root.rstrip("/")
            env["JUPYTER_CONFIG_PATH"] = f"{root}/{self.role()}:{root}/common"
        env["SHIPLAB_ROLE"] = self.role()
        if env.get("SHIPLAB_GATEWAY_URL") and env.get("JUPYTERHUB_API_TOKEN"):
            # the participant's own hub token is their key to the model gateway; no provider key reaches a server
            env["SHIPLAB_GATEWAY_TOKEN"] = env["JUPYTERHUB_API_TOKEN"]
        return env


class UnixUserSpawner(RoleConfigMixin, LocalProcessSpawner):
    """Run each participant's server as their own Unix account (``<prefix><hub name>``)."""

    unix_user_prefix = Unicode("jupyter-", config=True, help="Prefix of participants' Unix account names.")
    homes_dir = Unicode("/home", config=True, help="Parent folder of participants' home folders.")

    async def start(self):
        # Roster import creates accounts ahead of time; someone approved later (native sign-up) gets one here.
        ensure_unix_user(self.user.name, prefix=self.unix_user_prefix, homes_dir=self.homes_dir)
        return await super().start()

    @property
    def unix_name(self) -> str:
        return f"{self.unix_user_prefix}{self.user.name}"

    def make_preexec_fn(self, name):
        return set_user_setuid(self.unix_name)

    def user_env(self, env):
        entry = pwd.getpwnam(self.unix_name)
        env["USER"] = self.unix_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env


class DeveloperSpawner(RoleConfigMixin, SimpleLocalProcessSpawner):
    """Developer mode: every server runs as the hub's own account, home folders under the state folder."""
