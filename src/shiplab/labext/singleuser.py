"""A participant's Jupyter server: ``jupyterhub-singleuser``, started after :mod:`shiplab.footprint`'s deferrals.

``python -m shiplab.labext.singleuser [options]`` is ``jupyterhub-singleuser [options]`` with shiplab imported
first, so that jupyter_server's import of jsonschema (through jupyter_events) finds the IRI grammar deferred: ~16 MB
less heap in every participant's server and ~1 s less to start (``bench/memory.py``); the server, its extensions and
its options are the same. It is what the hub starts for every participant: ``c.Spawner.cmd`` (``hub/config.py``) on
one machine, ``hub_config/docker/start-lab.sh`` in a lab container.
"""

from __future__ import annotations

import sys

import shiplab  # noqa: F401 -- defers the IRI grammar (shiplab.footprint) before jupyter_server imports jsonschema


def main() -> int | None:
    from jupyterhub.singleuser import main as singleuser

    return singleuser()


if __name__ == "__main__":
    sys.exit(main())
