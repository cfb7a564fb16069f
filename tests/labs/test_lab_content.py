"""Every full-day lab as content, checked without running it: valid nbgrader metadata, committed as its source
renders it and without outputs, a README with time-box, goals, what to bring and expected times, and exercises
that each have visible tests, hidden tests, points and a set of plausible wrong answers.

Parameterized over ``labs/lab*``, so a new lab is checked as soon as its folder appears."""

import re

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from labkit import exercises, lab_ids, meta, notebook_path, read, source_path
from shiplab.course import authoring
from shiplab.course.hidden import BEGIN, END, HIDDEN_RE
from shiplab.course.labcheck import check_lab
from shiplab.course.paths import LABS_DIR
from shiplab.course.wronganswers import answers_dir, load_wrong_answers

LABS = lab_ids()
MIN_EXERCISES = 4
MIN_WRONG_ANSWERS = 8


def test_there_are_full_day_labs():
    """Are the day-1 labs there (lab1-…, lab2-…, lab3-…), in day order?"""
    assert [lab.split("-")[0] for lab in LABS[:3]] == ["lab1", "lab2", "lab3"], LABS


@pytest.mark.parametrize("lab", LABS)
def test_notebook_passes_nbformat_nbgrader_and_lab_checks(lab):
    """Is the lab's one notebook valid nbformat, with metadata nbgrader's validator and shiplab's lab check accept?"""
    nb = read(lab)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    assert check_lab(lab) == [notebook_path(lab)]


@pytest.mark.parametrize("lab", LABS)
def test_committed_without_outputs_and_as_its_source_renders_it(lab):
    """Is the notebook committed without outputs, byte for byte what its source labs/<lab>/<lab>.pct.py renders?"""
    for cell in read(lab).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, meta(cell).get("grade_id")
    rendered = authoring.render_source(source_path(lab))
    assert notebook_path(lab).read_text(encoding="utf-8") == rendered, \
        f"labs/{lab}/{lab}.ipynb differs from labs/{lab}/{lab}.pct.py: run `shiplab course render {lab}`"


@pytest.mark.parametrize("lab", LABS)
def test_readme_states_time_box_goals_what_to_bring_and_expected_times(lab):
    """Does the README give the time-box (60-90 minutes), goals, what to bring, and an expected time per
    exercise?"""
    readme = LABS_DIR / lab / "README.md"
    assert readme.is_file(), f"labs/{lab}/README.md is missing (see tests/labs/README.md for what it holds)"
    text = readme.read_text(encoding="utf-8")
    for part in ("**Time-box:**", "**Goals**", "**What to bring:**", "**Expected times**"):
        assert part in text, f"labs/{lab}/README.md lacks {part}"
    minutes = int(re.search(r"\*\*Time-box:\*\*\s*(\d+)\s*minutes", text).group(1))
    assert 60 <= minutes <= 90, f"a full-day lab is time-boxed at 60-90 minutes, not {minutes}"
    times = text.split("**Expected times**", 1)[1]
    per_exercise = re.findall(r"^\s*[-|].*?(\d+)\s*min", times, re.M)
    assert len(per_exercise) >= len(exercises(read(lab))), "give an expected time for every graded exercise"


@pytest.mark.parametrize("lab", LABS)
def test_every_exercise_has_visible_and_hidden_tests_with_points(lab):
    """Does every solution cell have at least one locked test cell after it, each with points, visible checks and
    one hidden-test block; and are there enough exercises for a full-day lab?"""
    found = exercises(read(lab))
    assert len(found) >= MIN_EXERCISES, f"{lab} has {len(found)} graded exercises, a full-day lab has >= 4"
    for solution, tests in found:
        gid = meta(solution)["grade_id"]
        assert tests, f"solution cell {gid} has no test cell after it"
        assert solution.source.count("### BEGIN SOLUTION") == 1, gid
        hidden_blocks = 0
        for cell in tests:
            m = meta(cell)
            assert m["locked"] and m.get("points", 0) > 0, f"test cell {m['grade_id']} needs points and a lock"
            assert cell.source.count(BEGIN) == cell.source.count(END) <= 1, m["grade_id"]
            hidden_blocks += cell.source.count(BEGIN)
            assert "check_" in HIDDEN_RE.sub("", cell.source), f"{m['grade_id']}: no visible checks"
        assert hidden_blocks >= 1, f"exercise {gid} has no hidden tests"


@pytest.mark.parametrize("lab", LABS)
def test_wrong_answer_set_is_there_and_usable(lab):
    """Does the lab keep at least 8 plausible wrong answers, each naming one of its solution cells, differing from
    the solution and compiling?"""
    answers = load_wrong_answers(lab)
    assert len(answers) >= MIN_WRONG_ANSWERS, f"{answers_dir(lab)} holds {len(answers)} wrong answers, need >= 8"
    for answer in answers:
        compile(answer.source, answer.path, "exec")
