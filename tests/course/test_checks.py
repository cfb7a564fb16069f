"""graders/shiplab_checks.py: messages that teach, and hidden checks that do not give the inputs away."""

import importlib.util

import pytest

from shiplab.course.paths import CHECKS_MODULE

spec = importlib.util.spec_from_file_location("shiplab_checks", CHECKS_MODULE)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)


def upper(text):
    return text.upper()


def test_passing_checks_are_silent():
    """Do correct results pass without a word?"""
    checks.check_equal(3, 3)
    checks.check_returns(upper, "p1", expected="P1")
    err = checks.check_raises(int, "x", raises=ValueError, contains="'x'")
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("func, arg, expected, says", [
    (lambda t: None, "p1", "P1", "is a `return` statement missing"),
    (lambda t: "p1", "p1", "P1", "Only upper/lower case differs"),
    (lambda t: " P1", "p1", "P1", "try .strip()"),
    (lambda t: 1, "p1", "P1", "returned a int, a str was expected"),
])
def test_common_slips_are_named(func, arg, expected, says):
    """Does a wrong result name the call, both values and the likely slip?"""
    with pytest.raises(AssertionError) as failure:
        checks.check_returns(func, arg, expected=expected, hint="see the table")
    message = str(failure.value)
    assert says in message and "('p1')" in message and repr(expected) in message and "Hint: see the table" in message


def test_stub_says_what_to_do():
    """Does a function that still raises NotImplementedError say to replace the stub?"""
    def stub(text):
        raise NotImplementedError()

    for call in (lambda: checks.check_returns(stub, "x", expected=1), lambda: checks.check_raises(stub, "x")):
        with pytest.raises(checks.NotDoneYet, match="stub still raises NotImplementedError: replace"):
            call()


def test_raises_checks_type_and_message():
    """Does check_raises fail for no exception, the wrong exception, and a message missing the bad value?"""
    with pytest.raises(AssertionError, match=r"upper\('x'\) returned 'X' instead: it should raise ValueError"):
        checks.check_raises(upper, "x")
    with pytest.raises(AssertionError, match=r"upper\(5\) raised AttributeError: .* expected ValueError"):
        checks.check_raises(upper, 5)

    def vague(text):
        raise ValueError("bad priority")

    with pytest.raises(AssertionError, match="does not mention 'soonish', so a person cannot tell"):
        checks.check_raises(vague, "soonish", contains="soonish")


def test_secret_checks_keep_inputs_and_values_out():
    """Does a hidden (secret) check fail with its hint but without the input or the values?"""
    for call in (lambda: checks.check_returns(upper, "BLOCKER-7", expected="P1", secret=True, hint="use the table"),
                 lambda: checks.check_raises(upper, "BLOCKER-7", secret=True, hint="use the table"),
                 lambda: checks.check_returns(lambda t: 1 / 0, "BLOCKER-7", expected=1, secret=True)):
        with pytest.raises(AssertionError) as failure:
            call()
        assert "BLOCKER-7" not in str(failure.value) and "P1" not in str(failure.value)
        assert "hidden test" in str(failure.value)
