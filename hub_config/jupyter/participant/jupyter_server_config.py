# Participants' servers (beside jupyter_server_config.json): JupyterLab also loads shiplab's Assignments tab, a
# prebuilt extension shipped inside the Python package (shiplab.labext), so nothing is built or copied at install.
# jupyter_lsp is off in the .json: it only relays to language servers, and the image installs none (the completer
# and the inspector come from the kernel); ~1.3 MB less in every participant's server (bench/memory.py).
from shiplab.labext import LABEXTENSION

c = get_config()  # noqa: F821
c.LabApp.extra_labextensions_path = [str(LABEXTENSION)]
