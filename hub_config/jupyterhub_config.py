# JupyterHub configuration for shiplab.
#
# Everything you would change lives in hub_config/shiplab.yaml (checked against a schema; `shiplab settings show`
# lists every setting with its help). This file only loads it. For anything the settings do not cover, drop a
# Python file into hub_config/jupyterhub_config.d/: each is loaded after this one, in name order, with JupyterHub's
# own load_subconfig (as TLJH loads its jupyterhub_config.d): it gets a `c` of its own, merged over this one.
from pathlib import Path

from shiplab.hub.bootstrap import configure

c = get_config()  # noqa: F821 - provided by JupyterHub
configure(c)

for extra in sorted((Path(__file__).parent / "jupyterhub_config.d").glob("*.py")):
    load_subconfig(str(extra))  # noqa: F821 - provided by JupyterHub, as get_config
