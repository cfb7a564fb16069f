"""A corpus of broken exports (fixtures/broken/), each with the message fragment a person must see."""

import pytest
import yaml
from datahelp import FIXTURES

from shiplab.data import ImportProblem, load_backlog
from shiplab.data.readers import DEFAULT_LIMIT

BROKEN = FIXTURES / "broken"
EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


def test_every_broken_file_has_an_expectation():
    """Is every file in the corpus listed in expected.yaml, and every listed file there?"""
    assert sorted(p.name for p in BROKEN.iterdir() if p.name != "expected.yaml") == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_says_what_where_and_how(name):
    """Does each broken export fail as a whole with its expected message, the file's name and a way to fix it?"""
    case = EXPECTED[name]
    with pytest.raises(ImportProblem) as err:
        load_backlog(BROKEN / name, case.get("format", "auto"), case.get("mapping"),
                     limit=case.get("limit", DEFAULT_LIMIT))
    text = str(err.value)
    assert case["fragment"] in text, text
    assert name in text and "How to fix:" in text, text
    assert "Traceback" not in text


def test_many_bad_rows_are_all_counted():
    """Are all 30 bad dates reported together: 20 shown, the other 10 counted?"""
    with pytest.raises(ImportProblem) as err:
        load_backlog(BROKEN / "many_bad_rows.csv")
    assert len(err.value.problems) == 30 and "… and 10 more problems" in str(err.value)
    assert "row 21, column 'Created'" in str(err.value) and "row 22, column" not in str(err.value)
