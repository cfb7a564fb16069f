"""Validate on an infinite loop: the cell is stopped at the limit and the message says so — no KeyboardInterrupt."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from shiplab.labext.validate import configure_validation


def _notebook(path):
    meta = {"nbgrader": {"grade": True, "grade_id": "loop", "locked": False, "points": 1, "schema_version": 3,
                         "solution": False, "task": False}}
    nb = new_notebook(cells=[new_code_cell("n = 0\nwhile n < 10:\n    pass\n", metadata=meta)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def test_a_loop_past_the_limit_says_so_and_no_keyboardinterrupt(tmp_path):
    """Does nbgrader's Validate, with our settings, report 'ran longer than the limit (3 s) … loops' and no
    KeyboardInterrupt nor 'No reply from kernel'?"""
    from nbgrader.validator import Validator

    path = tmp_path / "loop.ipynb"
    _notebook(path)
    c = Config()
    configure_validation(c, timeout=3)
    c.Validator.ignore_checksums = True
    result = Validator(config=c).validate(str(path))
    error = result["failed"][0]["raw_error"]
    assert "ran longer than the limit (3 s)" in error and "loops forever" in error, error
    assert "KeyboardInterrupt" not in error and "No reply from kernel" not in error, error


def test_without_our_settings_nbgrader_says_keyboardinterrupt(tmp_path):
    """Is the message we replace really nbgrader's own (so the test above can fail)?"""
    from nbgrader.validator import Validator

    path = tmp_path / "loop.ipynb"
    _notebook(path)
    c = Config()
    c.Execute.timeout = 3
    c.Validator.ignore_checksums = True
    error = Validator(config=c).validate(str(path))["failed"][0]["raw_error"]
    assert "KeyboardInterrupt" in error
