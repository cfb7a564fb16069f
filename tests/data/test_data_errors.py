"""The shape of an import error: what was wrong, where, how to fix it — and every problem, not just the first."""

import pytest

from shiplab.data.errors import MAX_SHOWN, ImportProblem, ProblemList
from shiplab.errors import ShiplabError


def test_one_problem_names_file_row_line_column_and_fix():
    """Does one problem read as 'file, row (line), column: what. Nothing was imported.' plus how to fix it?"""
    exc = ImportProblem("cannot read the date 'x'.", file="team.csv", row=7, line=9, column="Created",
                        hint="correct the value and import again.")
    assert str(exc) == ("team.csv, row 7 (line 9), column 'Created': cannot read the date 'x'. Nothing was imported."
                        "\n  How to fix: correct the value and import again.")
    assert isinstance(exc, ShiplabError) and exc.reason == "cannot read the date 'x'."
    assert (exc.file, exc.row, exc.line, exc.column) == ("team.csv", 7, 9, "Created")


def test_row_and_line_shown_once_when_equal():
    """Is the line left out when it is the same as the row?"""
    assert "row 2, column" in str(ImportProblem("bad.", file="f.csv", row=2, line=2, column="ID"))


def test_many_problems_listed_with_a_count_of_the_rest():
    """Are the first problems listed and the rest counted, in one error?"""
    problems = ProblemList("big.csv")
    for n in range(MAX_SHOWN + 7):
        problems.add(f"problem {n}.", row=n + 2, column="Created")
    with pytest.raises(ImportProblem) as err:
        problems.raise_if_any(hint="fix them.")
    text = str(err.value)
    assert text.startswith(f"big.csv: {MAX_SHOWN + 7} problems; nothing was imported:")
    assert "- row 2, column 'Created': problem 0." in text and f"problem {MAX_SHOWN - 1}." in text
    assert f"problem {MAX_SHOWN}." not in text and "… and 7 more problems" in text
    assert len(err.value.problems) == MAX_SHOWN + 7 and text.endswith("How to fix: fix them.")


def test_no_problems_raise_nothing():
    """Does an empty problem list let the import go on?"""
    ProblemList("ok.csv").raise_if_any()
