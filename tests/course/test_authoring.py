"""A lab's notebook written as a percent-format Python file (shiplab.course.authoring): the cell headers give the
nbgrader metadata the helpers make, a source reads back as the cells it was written from, mistakes name the line,
and `shiplab course render` writes or checks the notebook."""

import pytest
from click.testing import CliRunner

from shiplab.course import authoring, paths
from shiplab.course.authoring import SourceError, code, free, parse_source, solution, text, write_source
from shiplab.course.cli import course
from shiplab.errors import Exit

SOURCE = '''"""A lab's docstring: not a cell."""
# shiplab: judge=false

# %% [markdown] intro
# # A title
#
# A paragraph with `code`.

# %% code setup
import math

# %% free look
print(math.pi)

# %% solution area
def area(r):
    ### BEGIN SOLUTION
    return math.pi * r * r
    ### END SOLUTION

# %% tests test_area points=2
assert area(1) == math.pi
### BEGIN HIDDEN TESTS
assert area(0) == 0
### END HIDDEN TESTS
'''


def nbgrader(cell) -> dict:
    return cell.metadata["nbgrader"]


def test_each_header_gives_the_metadata_of_its_helper():
    """Does each kind of header make the cell its helper makes — locked markdown, locked code, unlocked code, a
    solution cell, an autograded test cell with its points — and leave the docstring out of the notebook?"""
    cells, judge = parse_source(SOURCE)
    assert judge is False
    assert [c.cell_type for c in cells] == ["markdown", "code", "code", "code", "code"]
    assert [c.id for c in cells] == ["intro", "setup", "look", "area", "test-area"]
    assert cells[0].source == "# A title\n\nA paragraph with `code`."
    assert cells[3].source.startswith("def area(r):\n    ### BEGIN SOLUTION")
    flags = [(m["grade"], m["solution"], m["locked"], m.get("points")) for m in map(nbgrader, cells)]
    assert flags == [(False, False, True, None), (False, False, True, None), (False, False, False, None),
                     (False, True, False, None), (True, False, True, 2)]
    assert [m["grade_id"] for m in map(nbgrader, cells)] == ["intro", "setup", "look", "area", "test_area"]
    assert '"judge": false' in authoring.render(cells, judge)


def test_a_source_reads_back_as_the_cells_it_was_written_from():
    """Does write_source then parse_source give the very cells — indentation, empty markdown lines, trailing
    spaces, a fractional score — so the notebook renders byte for byte the same?"""
    cells = [text("intro", "# T\n\n  indented  \n\nend"), code("setup", "x = 1\n\n\ndef f():\n    return x  "),
             free("look", "print(f())"), solution("s", "def g():\n    ### BEGIN SOLUTION\n    return 2\n"
                                                         "    ### END SOLUTION"),
             authoring.tests("t", "assert g() == 2", points=1.5), authoring.tests("u", "assert g()", points=3)]
    source = write_source(cells, True, '"""Doc."""')
    again, judge = parse_source(source)
    assert judge is True and source.startswith('"""Doc."""\n\n# %% [markdown] intro\n# # T\n#\n#   indented  \n')
    assert authoring.render(again) == authoring.render(cells)
    assert "# %% tests t points=1.5\n" in source and "# %% tests u points=3\n" in source


@pytest.mark.parametrize("header, says", [
    ("# %% sollution area", "names no cell kind"),
    ("# %% text intro", "names no cell kind"),
    ("# %% [markdown]", "needs a grade id"),
    ("# %% code my-id", "needs a grade id"),
    ("# %% tests test_area", "points=<n>"),
    ("# %% tests test_area points=two", "not a number"),
    ("# %% code setup points=1", "no options"),
])
def test_a_wrong_header_is_refused_naming_its_line(header, says):
    """Is a misspelt kind, a missing or malformed grade id, a test cell without points (or with a word for them)
    and an option on a cell that takes none refused with the line it is on?"""
    source = "# %% code first\nx = 1\n\n" + header + "\nassert True\n"
    with pytest.raises(SourceError) as caught:
        parse_source(source, "lab.pct.py")
    assert says in caught.value.message and "lab.pct.py, line 4" in caught.value.message


def test_cell_mistakes_are_refused_naming_the_cell():
    """Are a grade id used twice, a markdown line that is not a comment, a solution cell without its markers and
    a source without cells refused with where they are?"""
    with pytest.raises(SourceError, match="line 3: grade id 'a' is used twice"):
        parse_source("# %% code a\nx = 1\n# %% free a\ny = 2\n", "s")
    with pytest.raises(SourceError, match="s, line 3: a markdown cell's lines are comments"):
        parse_source("# %% [markdown] a\n# fine\nnot a comment\n", "s")
    with pytest.raises(SourceError, match="needs ### BEGIN SOLUTION"):
        parse_source("# %% solution a\ndef f():\n    return 1\n", "s")
    with pytest.raises(SourceError, match="has no cells"):
        parse_source('"""Only a docstring."""\n', "s")


def test_a_cell_line_that_would_open_a_cell_is_not_written():
    """Is a cell whose text has a line the source would read as a new cell's header refused by write_source, so a
    source never reads back as other cells?"""
    with pytest.raises(SourceError, match="reads as a new cell"):
        write_source([code("a", "x = 1\n# %% not a cell\ny = 2")])
    with pytest.raises(SourceError, match="reads as a new cell"):
        write_source([text("b", "%% in markdown")])


def test_render_writes_the_notebook_and_check_reports_a_stale_one(tmp_path, monkeypatch):
    """Does `shiplab course render LAB` write labs/LAB/LAB.ipynb from labs/LAB/LAB.pct.py, `--check` pass on it
    then, and `--check` exit 3 naming the lab once the source changes (writing nothing)?"""
    lab = tmp_path / "labs" / "mini"
    lab.mkdir(parents=True)
    (lab / "mini.pct.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.setattr(paths, "LABS_DIR", tmp_path / "labs")
    runner = CliRunner()
    wrote = runner.invoke(course, ["render", "mini"])
    assert wrote.exit_code == 0 and "wrote labs/mini/mini.ipynb" in wrote.output, wrote.output
    assert (lab / "mini.ipynb").read_text(encoding="utf-8") == authoring.render_source(lab / "mini.pct.py")
    assert runner.invoke(course, ["render", "--check"]).exit_code == 0
    (lab / "mini.pct.py").write_text(SOURCE.replace("points=2", "points=3"), encoding="utf-8")
    before = (lab / "mini.ipynb").read_text(encoding="utf-8")
    stale = runner.invoke(course, ["render", "--check", "mini"])
    assert stale.exit_code == Exit.SOME_FAILED and "mini" in stale.output and "differs" in stale.output
    assert (lab / "mini.ipynb").read_text(encoding="utf-8") == before


def test_render_refuses_a_lab_without_a_source(tmp_path, monkeypatch):
    """Does `shiplab course render LAB` for a lab folder without LAB.pct.py exit 2 saying which file is missing?"""
    (tmp_path / "labs" / "bare").mkdir(parents=True)
    monkeypatch.setattr(paths, "LABS_DIR", tmp_path / "labs")
    result = CliRunner().invoke(course, ["render", "bare"])
    assert result.exit_code == Exit.REFUSED and "bare.pct.py" in result.output, result.output
