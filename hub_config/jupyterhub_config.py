# JupyterHub configuration for shiplab.
#
# Everything you would change lives in hub_config/shiplab.yaml (checked against a schema; `shiplab settings show`
# lists every setting with its help). This file only loads it. For anything the settings do not cover, drop a
# Python file into hub_config/jupyterhub_config.d/: each is run after this one, in name order, with `c` in scope.
from pathlib import Path

from shiplab.hub.bootstrap import configure

c = get_config()  # noqa: F821 - provided by JupyterHub
configure(c)

for extra in sorted((Path(__file__).parent / "jupyterhub_config.d").glob("*.py")):
    exec(compile(extra.read_text(), str(extra), "exec"), {"c": c, "__file__": str(extra)})
