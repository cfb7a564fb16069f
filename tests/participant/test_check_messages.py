"""What a failing check says when a function returned None: a missing `return`, an explicit `return None`, or a
path that ends without a value — each told apart, in a kernel (IPython cells) as in a file."""

import importlib.util
import textwrap

import pytest

from shiplab.course.paths import CHECKS_MODULE

spec = importlib.util.spec_from_file_location("shiplab_checks", CHECKS_MODULE)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)


def no_return(text):
    text.upper()


def explicit_none(text):
    if text:
        return None
    return


def one_branch(text):
    if text == "p2":
        return "P2"


def _message(func) -> str:
    with pytest.raises(AssertionError) as err:
        checks.check_returns(func, "p1", expected="P1")
    return str(err.value)


def test_no_return_at_all_asks_for_one():
    """Does a function without any `return` get asked whether one is missing?"""
    assert "is a `return` statement missing?" in _message(no_return)


def test_an_explicit_return_none_is_not_called_missing():
    """Does `return None` (or a bare `return`) get told that its return gives back None — not 'missing'?"""
    said = _message(explicit_none)
    assert "missing" not in said and "its `return` gives back None" in said


def test_a_branch_without_a_return_is_named():
    """Does a function that returns a value on one path only get told a path ended without a value?"""
    said = _message(one_branch)
    assert "missing" not in said and "path that ends without `return <value>`" in said


def test_the_same_in_a_kernel_cell(tmp_path):
    """Does it work for a function defined in an IPython cell (source from IPython's cell cache)?"""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["checks"] = checks
    result = shell.run_cell(textwrap.dedent("""
        def f(text):
            return None
        try:
            checks.check_returns(f, "p1", expected="P1")
        except AssertionError as e:
            said = str(e)
    """))
    assert result.success
    assert "its `return` gives back None" in shell.user_ns["said"]
