"""Mistakes in a lab folder or on the command line read as a sentence that says where and how to fix them."""

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from shiplab.course.cli import course as course_cli
from shiplab.course.labcheck import LabError, check_lab
from shiplab.course.paths import LABS_DIR


@pytest.fixture
def labs(tmp_path):
    """A labs folder holding a copy of the demo lab."""
    shutil.copytree(LABS_DIR / "demo", tmp_path / "labs" / "demo")
    return tmp_path / "labs"


def edit(nb_path, change):
    data = json.loads(nb_path.read_text())
    change(data)
    nb_path.write_text(json.dumps(data))


def cell(data, grade_id):
    return next(c for c in data["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def test_mistyped_lab_suggests_the_closest(labs):
    """Does a mistyped lab id say 'did you mean' and list the labs?"""
    with pytest.raises(LabError) as err:
        check_lab("dmeo", labs)
    assert "there is no lab 'dmeo'" in err.value.message and "did you mean 'demo'" in err.value.hint


def test_lab_folder_without_notebook(labs):
    """Does a lab folder without a notebook say which file to add?"""
    (labs / "empty").mkdir()
    with pytest.raises(LabError) as err:
        check_lab("empty", labs)
    assert "has no notebook" in err.value.message and "empty/empty.ipynb" in err.value.hint


def test_broken_notebook_json_names_line_and_column(labs):
    """Does a notebook that is not JSON give the line and column?"""
    nb = labs / "demo" / "demo.ipynb"
    nb.write_text(nb.read_text().replace('"cells": [', '"cells": [,', 1))
    with pytest.raises(LabError, match=r"demo.ipynb is not valid notebook JSON \(line 2, column"):
        check_lab("demo", labs)


@pytest.mark.parametrize("change, says, fix", [
    (lambda d: cell(d, "test_route_ticket")["metadata"]["nbgrader"].pop("points"),
     "cell 8 (code, grade id 'test_route_ticket', starts '# Visible tests: run me.'): invalid nbgrader metadata",
     "Create Assignment"),
    (lambda d: cell(d, "test_route_ticket")["metadata"]["nbgrader"].__setitem__("points", "three"),
     "'three' is not of type 'number'", "Create Assignment"),
    (lambda d: cell(d, "route_ticket")["metadata"]["nbgrader"].__setitem__("grade_id", "normalize_priority"),
     "grade id 'normalize_priority' is used again (first in cell 4)", "its own grade id"),
    (lambda d: cell(d, "test_route_ticket")["metadata"]["nbgrader"].update(grade=False, points=0),
     "has hidden tests but is not an autograded test cell", "Autograder tests"),
    (lambda d: cell(d, "route_ticket")["metadata"]["nbgrader"].__setitem__("solution", False),
     "has solution markers but is not a solution cell", "Autograded answer"),
    (lambda d: cell(d, "route_ticket").__setitem__("source", "### BEGIN SOLUTION\nx = 1\n"),
     "'### BEGIN SOLUTION' and '### END SOLUTION' do not pair up (1 begin, 0 end)", "close every"),
])
def test_invalid_nbgrader_metadata_names_the_cell_and_the_fix(labs, change, says, fix):
    """Does each metadata mistake name the notebook, the cell and what to do?"""
    edit(labs / "demo" / "demo.ipynb", change)
    with pytest.raises(LabError) as err:
        check_lab("demo", labs)
    assert err.value.message.startswith("demo.ipynb, cell ") and says in err.value.message, err.value.message
    assert fix in err.value.hint


def run_cli(args, tmp_path, monkeypatch):
    monkeypatch.setenv("SHIPLAB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("SHIPLAB_AS_GRADER", "1")  # already "the grader": never switch accounts in a test
    return CliRunner().invoke(course_cli, args)


def test_cli_mistyped_lab_exits_2_with_did_you_mean(tmp_path, monkeypatch):
    """Does `shiplab course build dmeo` print 'did you mean' and exit 2, with no traceback?"""
    result = run_cli(["build", "dmeo"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert "there is no lab 'dmeo'" in result.output and "did you mean 'demo'" in result.output
    assert "Traceback" not in result.output
    for step in (["collect", "dmeo"], ["autograde", "dmeo"], ["feedback", "dmeo"]):
        out = run_cli(step, tmp_path, monkeypatch)
        assert out.exit_code == 2 and "did you mean 'demo'" in out.output, step


def test_cli_help_and_status_on_a_fresh_course(tmp_path, monkeypatch):
    """Does every command have help, and does status list the demo lab as not built yet?"""
    for command in ["build", "release", "collect", "autograde", "feedback", "grade", "status", "scores"]:
        out = run_cli([command, "--help"], tmp_path, monkeypatch)
        assert out.exit_code == 0 and len(out.output.split("\n\n")[1].strip()) > 30, command
    out = run_cli(["status"], tmp_path, monkeypatch)
    assert out.exit_code == 0, out.output
    assert re.search(r"^demo\s+no\s+no\s+0\s+0\s+0\s+-$", out.output, re.M), out.output
    assert out.output.count("is missing") == 1, "only the missing exchange root is reported, not each child"
