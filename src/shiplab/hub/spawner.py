"""Spawners for one machine.

:class:`UnixUserSpawner` is JupyterHub's LocalProcessSpawner with one change: the hub user ``anna`` runs as the Unix
account ``jupyter-anna`` (see :mod:`shiplab.hub.unix`), whose home is private. The developer mode uses JupyterHub's
own SimpleLocalProcessSpawner unchanged.
"""

from __future__ import annotations

import pwd

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Unicode


class UnixUserSpawner(LocalProcessSpawner):
    """Run each participant's server as their own Unix account (``<prefix><hub name>``)."""

    unix_user_prefix = Unicode("jupyter-", config=True, help="Prefix of participants' Unix account names.")

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
