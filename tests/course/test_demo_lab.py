"""The demo lab as content: valid nbgrader metadata, no outputs, a reference solution that passes every test and a
stub that fails them (checked in-process, no kernel)."""

import importlib.util
import sys

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from shiplab.course import authoring
from shiplab.course.hidden import BEGIN, END, HIDDEN_RE
from shiplab.course.labcheck import check_lab
from shiplab.course.paths import CHECKS_MODULE, LABS_DIR

NOTEBOOK = LABS_DIR / "demo" / "demo.ipynb"
SOURCE = LABS_DIR / "demo" / "demo.pct.py"

STUB = "raise NotImplementedError()"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(str(NOTEBOOK), as_version=4)


@pytest.fixture(autouse=True, scope="module")
def checks_importable():
    """The lab's set-up cell imports ``shiplab_checks``, which a kernel finds beside the released notebook: here the
    instructor's file (graders/ is data, not a package), for this module only."""
    spec = importlib.util.spec_from_file_location("shiplab_checks", CHECKS_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "shiplab_checks", module)
        yield


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def run(cells, answers=None):
    """Execute code cells in one namespace; solution cells replaced by ``answers[grade_id]`` when given."""
    ns: dict = {}
    for cell in cells:
        if cell.cell_type == "code":
            source = (answers or {}).get(meta(cell).get("grade_id"), cell.source)
            exec(compile(source, meta(cell).get("grade_id", "cell"), "exec"), ns)
    return ns


def test_notebook_passes_nbformat_and_nbgrader_validation(nb):
    """Is the committed notebook valid nbformat, with nbgrader metadata its own validator accepts?"""
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    assert check_lab("demo") == [NOTEBOOK]


def test_committed_without_outputs_and_as_its_source_renders_it(nb):
    """Is the notebook committed without outputs, byte for byte what its source labs/demo/demo.pct.py renders?"""
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, meta(cell).get("grade_id")
    assert NOTEBOOK.read_text(encoding="utf-8") == authoring.render_source(SOURCE), \
        "labs/demo/demo.ipynb differs from labs/demo/demo.pct.py: run `shiplab course render demo`"


def test_every_exercise_has_visible_and_hidden_tests_worth_six_points(nb):
    """Does each test cell have visible tests, hidden tests, and points (6 in all) after a solution cell?"""
    tests = [c for c in nb.cells if meta(c).get("grade")]
    assert [meta(c)["grade_id"] for c in tests] == ["test_normalize_priority", "test_route_ticket"]
    assert sum(meta(c)["points"] for c in tests) == 6
    for cell in tests:
        assert cell.source.count(BEGIN) == 1 and cell.source.count(END) == 1
        assert "check_" in HIDDEN_RE.sub("", cell.source), "visible tests remain outside the hidden block"
        assert meta(cell)["locked"]
    solutions = [c for c in nb.cells if meta(c).get("solution")]
    assert [meta(c)["grade_id"] for c in solutions] == ["normalize_priority", "route_ticket"]


def test_reference_solution_passes_visible_and_hidden_tests(nb):
    """Does the instructor's own solution pass every visible and hidden test?"""
    ns = run(nb.cells)
    assert ns["normalize_priority"](" lowest ") == "P4"
    assert ns["route_ticket"]("premium invoice") == "Billing"


def test_stub_fails_with_a_message_saying_what_to_do(nb):
    """Does the participant's starting point fail the first test, saying to replace the stub?"""
    stubbed = {meta(c)["grade_id"]: "def normalize_priority(text):\n    " + STUB
               for c in nb.cells if meta(c).get("grade_id") == "normalize_priority"}
    with pytest.raises(AssertionError, match="replace `raise NotImplementedError\\(\\)`"):
        run(nb.cells, stubbed)


def test_hidden_tests_catch_what_visible_tests_miss(nb):
    """Does an answer tuned to the visible examples pass them but fail the hidden tests, without revealing the
    hidden inputs?"""
    tuned = {"normalize_priority": (
        "def normalize_priority(text):\n"
        "    table = {'critical': 'P1', 'high': 'P2', 'normal': 'P3', 'trivial': 'P4'}\n"
        "    key = text.strip().lower()\n"
        "    if key not in table:\n"
        "        raise ValueError(f'unknown priority {text!r}')\n"
        "    return table[key]\n")}
    visible_only = [c if not meta(c).get("grade") else nbformat.v4.new_code_cell(HIDDEN_RE.sub("", c.source))
                    for c in nb.cells[:5]]
    run(visible_only, tuned)  # passes what the participant can see
    with pytest.raises(AssertionError) as failure:
        run(nb.cells[:5], tuned)
    assert "hidden test" in str(failure.value) and "BLOCKER" not in str(failure.value)


def test_readme_has_time_box_and_goals():
    """Does the lab README state its time-box, goals and what to bring?"""
    text = (LABS_DIR / "demo" / "README.md").read_text()
    assert "**Time-box:** 20 minutes" in text and "**Goals**" in text and "**What to bring:**" in text
