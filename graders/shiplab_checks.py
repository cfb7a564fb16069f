"""Checks for lab test cells, with failure messages that teach.

A bare ``assert f(x) == y`` fails with an empty ``AssertionError``. These checks say what was called, what came
back, what was expected and a hint, and recognise the usual beginner slips (``None`` from a missing ``return``,
``"p1"`` where ``"P1"`` was meant, a stub that still raises ``NotImplementedError``)::

    from shiplab_checks import check_returns, check_raises
    check_returns(normalize_priority, "  high ", expected="P2", hint="spaces and case must not matter")
    check_raises(normalize_priority, "soonish", raises=ValueError, contains="soonish")

In hidden tests pass ``secret=True``: the message then keeps the hint but not the inputs or values, so feedback
teaches without handing out the hidden test cases.

This file is shared by every lab: shiplab copies it next to each lab's notebooks when it builds the course, so
``import shiplab_checks`` works in participants' kernels and when grading (where nbgrader puts the instructor's
copy back, so editing it cannot change a grade). It uses the standard library only.
"""

from __future__ import annotations

__all__ = ["check_call", "check_close", "check_equal", "check_returns", "check_raises", "check_that", "NotDoneYet"]


class NotDoneYet(AssertionError):
    """The function under test is still the stub."""


def _call_text(func, args, kwargs) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{getattr(func, '__name__', 'function')}({', '.join(parts)})"


def _slip(actual, expected) -> str:
    """A sentence naming a common mistake, or ''."""
    if actual is None and expected is not None:
        return " It returned None: is a `return` statement missing?"
    if isinstance(actual, str) and isinstance(expected, str):
        if actual.strip() == expected.strip():
            return " Only the surrounding spaces differ: try .strip()."
        if actual.lower() == expected.lower():
            return " Only upper/lower case differs."
    if type(actual) is not type(expected) and actual is not None and expected is not None:
        return f" It returned a {type(actual).__name__}, a {type(expected).__name__} was expected."
    return ""


def _fail(message: str, hint: str) -> AssertionError:
    return AssertionError(message + (f" Hint: {hint}" if hint else ""))


def check_equal(actual, expected, hint: str = "", *, label: str = "the result", secret: bool = False) -> None:
    """Pass if ``actual == expected``; otherwise fail saying both (unless ``secret``) and the hint."""
    if actual == expected:
        return
    if secret:
        raise _fail("A hidden test case got a wrong result.", hint)
    raise _fail(f"{label} is {actual!r}, expected {expected!r}.{_slip(actual, expected)}", hint)


def _call(func, args, kwargs, secret: bool):
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise NotDoneYet(f"{getattr(func, '__name__', 'the function')} still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run its cell again.") from None
    except Exception as exc:
        where = "a hidden test case" if secret else _call_text(func, args, kwargs)
        raise AssertionError(f"{where} raised {type(exc).__name__}: {exc}") from exc


def check_returns(func, *args, expected, hint: str = "", secret: bool = False, **kwargs) -> None:
    """Call ``func(*args, **kwargs)`` and check it returns ``expected``."""
    actual = _call(func, args, kwargs, secret)
    check_equal(actual, expected, hint, label=_call_text(func, args, kwargs), secret=secret)


def check_raises(func, *args, raises: type[BaseException] = ValueError, contains: str | None = None,
                 hint: str = "", secret: bool = False, **kwargs) -> BaseException:
    """Call ``func(*args, **kwargs)`` and check it raises ``raises`` (whose message holds ``contains``)."""
    call = "a hidden test case" if secret else _call_text(func, args, kwargs)
    try:
        result = func(*args, **kwargs)
    except NotImplementedError:
        raise NotDoneYet(f"{getattr(func, '__name__', 'the function')} still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run its cell again.") from None
    except raises as exc:
        if contains is not None and contains not in str(exc):
            shown = "the bad value" if secret else repr(contains)
            raise _fail(f"{call} raised {raises.__name__} as it should, but its message {str(exc)!r} does not "
                        f"mention {shown}, so a person cannot tell what to fix.", hint) from None
        return exc
    except Exception as exc:
        raise _fail(f"{call} raised {type(exc).__name__}: {exc}, expected {raises.__name__}.", hint) from None
    returned = "" if secret else f" returned {result!r} instead: it"
    raise _fail(f"{call}{returned} should raise {raises.__name__}.", hint)


def check_close(actual, expected, tol: float = 1e-6, hint: str = "", *, label: str = "the result",
                secret: bool = False) -> None:
    """Pass if the number ``actual`` is within ``tol`` of ``expected`` (``None`` only equals ``None``)."""
    if actual is None or expected is None:
        check_equal(actual, expected, hint, label=label, secret=secret)
        return
    try:
        close = abs(float(actual) - float(expected)) <= tol
    except (TypeError, ValueError):
        close = False
    if close:
        return
    if secret:
        raise _fail(f"A hidden test case got a wrong number for {label}.", hint)
    raise _fail(f"{label} is {actual!r}, expected {expected!r} (within {tol:g}).{_slip(actual, expected)}", hint)


def check_that(condition, message: str, hint: str = "") -> None:
    """Pass if ``condition`` is true; otherwise fail with ``message`` (write it so it teaches; in hidden tests,
    keep the hidden inputs out of it)."""
    if not condition:
        raise _fail(message, hint)


def check_call(func, *args, secret: bool = False, **kwargs):
    """Call ``func(*args, **kwargs)`` and return what it returns, for tests that look at the result in several
    checks; a stub or an exception fails with the same teaching message as :func:`check_returns`."""
    return _call(func, args, kwargs, secret)
