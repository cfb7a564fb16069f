"""Spawners for one machine.

:class:`UnixUserSpawner` is JupyterHub's LocalProcessSpawner with one change: the hub user ``anna`` runs as the Unix
account ``jupyter-anna`` (see :mod:`shiplab.hub.unix`), whose home is private. :class:`DeveloperSpawner` is
JupyterHub's SimpleLocalProcessSpawner (everyone runs as the hub's account: no isolation).

A participant's server sees only its own processes: it starts in a mount namespace of its own with a fresh
``/proc`` mounted ``hidepid=invisible`` (:func:`private_proc`; ``spawner.hide_processes``), so nobody lists another's
processes, command lines or open files. The rest of the machine's mounts are the same; the host's ``/proc`` is
untouched (a fresh proc instance has options of its own since Linux 5.8; on older kernels nothing is changed).

Both add the role-specific Jupyter configuration at spawn: instructors get nbgrader's formgrader, create-assignment
and course-list extensions; everyone else gets only the assignment list and validation. The configuration lives in
``hub_config/jupyter/{common,participant,instructor}`` and reaches the server through ``JUPYTER_CONFIG_PATH``.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import subprocess

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, set_user_setuid
from jupyterhub.utils import maybe_future
from traitlets import Bool, HasTraits, Integer, List, Unicode

from shiplab.hub import limits, portguard
from shiplab.namespaces import kernel_at_least, private_proc, private_temporary_folders

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

    guard_port = Bool(True, config=True, help="Let only the participant's account answer on their server's port "
                                              "(shiplab.hub.portguard), so a server that dies cannot be stood in "
                                              "for by another account's listener until the hub notices.")

    async def start(self):
        # Roster import creates accounts ahead of time; someone approved later (native sign-up) gets one here.
        ensure_unix_user(self.user.name, prefix=self.unix_user_prefix, homes_dir=self.homes_dir)
        started = await super().start()
        if self.guard_port and self.port:
            uid = pwd.getpwnam(self.unix_name).pw_uid
            await asyncio.get_running_loop().run_in_executor(None, portguard.guard_server, self.unix_name,
                                                             self.port, uid)
        return started

    async def run_post_stop_hook(self):
        # stopped, or found dead: JupyterHub has taken the proxy's route away — but a connection the proxy began
        # before that keeps resending its SYN for up to ~2 minutes (attack-47 was answered ~1 s after the rule went),
        # so the guard stays a while longer, for this port only (a new start may already have another)
        if self.guard_port and self.port:
            loop = asyncio.get_running_loop()
            account, port = self.unix_name, self.port
            loop.call_later(portguard.SERVER_GRACE_S, lambda: loop.run_in_executor(
                None, portguard.release_server, account, port))
        return await maybe_future(super().run_post_stop_hook())

    @property
    def unix_name(self) -> str:
        return f"{self.unix_user_prefix}{self.user.name}"

    hide_processes = Bool(True, config=True, help="Start each server with a /proc of its own (hidepid=invisible).")
    private_tmp = Bool(True, config=True, help="Start each server with /tmp, /var/tmp, /dev/shm and /run/lock of its own "
                                               "(tmpfs, in the same mount namespace as its /proc).")
    keep_in_tmp = List(Unicode(), config=True, help="Folders a server needs that may lie under /tmp (the exchange, "
                                                    "the installation): bound back into its private /tmp.")
    mem_limit_bytes = Integer(0, config=True, help="Memory of all the participant's processes together (0: none).")
    max_tasks = Integer(0, config=True, help="Processes and threads of the participant's server (0: no limit).")

    def _limit_groups(self) -> list:
        """The participant's control group, made with its limits (:mod:`shiplab.hub.limits`); [] when none."""
        if not (self.mem_limit_bytes or self.max_tasks) or not limits.available():
            return []
        try:
            return limits.prepare(self.unix_name, self.mem_limit_bytes or None, self.max_tasks or None)
        except OSError as exc:
            self.log.warning("no memory/task limits for %s: %s", self.unix_name, exc)
            return []

    def make_preexec_fn(self, name):
        drop = set_user_setuid(self.unix_name)
        hide = self.hide_processes and private_proc_available()
        tmp = self.private_tmp and private_proc_available()
        groups = self._limit_groups()
        if not hide and not tmp and not groups:
            return drop

        def preexec():  # as root, in the child, before dropping to the participant's account
            limits.enter(groups)
            if hide or tmp:
                private_proc() if hide else _own_mount_namespace()
            if tmp:
                private_temporary_folders(keep=self.keep_in_tmp)
            drop()

        return preexec

    def user_env(self, env):
        entry = pwd.getpwnam(self.unix_name)
        env["USER"] = self.unix_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        # the kernels' Unix sockets and the server's own files: in its private /tmp where it has one, else in the
        # home (0700) — short paths either way (a socket's path has at most 107 bytes)
        private = self.private_tmp and private_proc_available()
        env["JUPYTER_RUNTIME_DIR"] = "/tmp/jupyter-runtime" if private else f"{entry.pw_dir}/.jupyter-runtime"
        return env


_available: bool | None = None


def _own_mount_namespace() -> None:
    from shiplab.namespaces import CLONE_NEWNS, MS_PRIVATE, MS_REC, libc, mount

    if libc().unshare(CLONE_NEWNS) != 0:
        raise OSError("unshare(CLONE_NEWNS) refused")
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def private_proc_available() -> bool:
    """Can servers get a /proc of their own here without touching the host's? Root, Linux >= 5.8 (older kernels
    share one set of proc options machine-wide), and a kernel or container that allows mount namespaces — tried
    once, in a child."""
    global _available
    if _available is None:
        try:
            _available = (os.geteuid() == 0 and kernel_at_least(5, 8) and subprocess.run(
                ["/bin/true"], preexec_fn=private_proc, capture_output=True).returncode == 0)
        except (OSError, subprocess.SubprocessError):
            _available = False
    return _available


class DeveloperSpawner(RoleConfigMixin, SimpleLocalProcessSpawner):
    """Developer mode: every server runs as the hub's own account, home folders under the state folder."""
