"""A participant's kernel listens on no TCP port: ipykernel's pipe for forked children's output moves to a Unix socket.

With ``--KernelManager.transport=ipc`` (the spawner's, on a hub with Unix accounts) every channel of a kernel is a
Unix socket in the server's own runtime folder. One listener is left on loopback TCP: ipykernel's *pipe* for the
output of forked child processes (``IOPubThread._setup_pipe_in``: a ZeroMQ PULL socket on ``127.0.0.1``, random
port), which any account on the machine can reach. Its messages need a random key to be shown, but any account
can send it one large message, which the kernel reads whole into memory — attack-46 had another participant's kernel
killed for memory with one 300 MB message.

Loaded in participants' kernels (``--ext=shiplab.labext.kernelguard`` in shiplab's python3 kernel spec), this binds
the pipe again on a Unix socket in the kernel's runtime folder (0700, the participant's own), closes the TCP one,
and points forked children at the new socket. Children's output still reaches the notebook.
"""

from __future__ import annotations

import os
import threading


def _runtime_folder() -> str:
    folder = os.environ.get("JUPYTER_RUNTIME_DIR")
    if not folder:
        from jupyter_core.paths import jupyter_runtime_dir

        folder = jupyter_runtime_dir()
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def move_pipe_to_unix_socket(thread) -> str | None:
    """Rebind ``thread``'s (an ipykernel ``IOPubThread``) pipe on a Unix socket; its path, or None where the kernel
    has no pipe or the new socket could not be made (the TCP pipe then stays, as ipykernel made it)."""
    import zmq
    from zmq.eventloop.zmqstream import ZMQStream

    if getattr(thread, "_pipe_in", None) is None or not getattr(thread, "_pipe_flag", False):
        return None
    path = os.path.join(_runtime_folder(), f"kernel-pipe-{os.getpid()}")
    moved: list[str] = []
    done = threading.Event()

    def rebuild():  # in the IOPub thread, which owns the pipe's stream
        try:
            socket = thread.socket.context.socket(zmq.PULL)
            socket.linger = 0
            if os.path.exists(path):
                os.unlink(path)
            socket.bind(f"ipc://{path}")
            os.chmod(path, 0o600)
            old, thread._pipe_in = thread._pipe_in, ZMQStream(socket, thread.io_loop)
            thread._pipe_in.on_recv(thread._handle_pipe_msg)
            old.close()
            moved.append(path)
        except (OSError, zmq.ZMQError):
            pass
        finally:
            done.set()

    thread.io_loop.add_callback(rebuild)
    if not done.wait(10) or not moved:
        return None

    def setup_pipe_out():  # in a forked child: ipykernel's own, but to the Unix socket
        context = zmq.Context()
        pipe_out = context.socket(zmq.PUSH)
        pipe_out.linger = 3000
        pipe_out.connect(f"ipc://{path}")
        return context, pipe_out

    thread._setup_pipe_out = setup_pipe_out
    return path


def load_ipython_extension(ipython) -> None:
    from ipykernel.kernelapp import IPKernelApp

    if IPKernelApp.initialized():
        move_pipe_to_unix_socket(IPKernelApp.instance().iopub_thread)
