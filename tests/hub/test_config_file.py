"""hub_config/jupyterhub_config.py as JupyterHub reads it: through traitlets' own file loader, with the files of
jupyterhub_config.d loaded after it by JupyterHub's load_subconfig (no exec of our own).

The file itself is copied next to an escape-hatch folder of the test's; only ``configure`` (the settings, tested
in test_config.py, and the real hub in test_hub_integration.py) is a stand-in here."""

import shutil

from traitlets.config.loader import PyFileConfigLoader

from shiplab.hub import bootstrap
from shiplab.settings import REPO_ROOT


def test_the_escape_hatch_is_loaded_in_name_order_and_merged_over_shiplabs_config(tmp_path, monkeypatch):
    """Do the files of jupyterhub_config.d run after shiplab's configuration, in name order, each value they set
    replacing shiplab's and each append adding to shiplab's list (its services kept)?"""
    def configure(c):
        c.JupyterHub.services = [{"name": "tracker"}]
        c.JupyterHub.template_vars = {"announcement": "from shiplab"}
        c.JupyterHub.shutdown_on_logout = False

    monkeypatch.setattr(bootstrap, "configure", configure)
    shutil.copy(REPO_ROOT / "hub_config" / "jupyterhub_config.py", tmp_path / "jupyterhub_config.py")
    hatch = tmp_path / "jupyterhub_config.d"
    hatch.mkdir()
    (hatch / "50-announcement.py").write_text('c.JupyterHub.template_vars = {"announcement": "Lunch at 12:30"}\n'
                                              'c.JupyterHub.services.append({"name": "extra"})\n')
    (hatch / "90-later.py").write_text('c.JupyterHub.template_vars = {"announcement": "Lunch moved to 13:00"}\n')
    (hatch / "notes.txt").write_text("c.JupyterHub.shutdown_on_logout = True\n")  # not a .py: not loaded

    config = PyFileConfigLoader("jupyterhub_config.py", str(tmp_path)).load_config()

    assert config.JupyterHub.template_vars == {"announcement": "Lunch moved to 13:00"}
    assert config.JupyterHub.services == [{"name": "tracker"}, {"name": "extra"}]
    assert config.JupyterHub.shutdown_on_logout is False
