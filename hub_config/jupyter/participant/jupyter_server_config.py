# Participants' servers (beside jupyter_server_config.json): JupyterLab also loads shiplab's Assignments tab, a
# prebuilt extension shipped inside the Python package (shiplab.labext), so nothing is built or copied at install.
from shiplab.labext import LABEXTENSION

c = get_config()  # noqa: F821
c.LabApp.extra_labextensions_path = [str(LABEXTENSION)]
