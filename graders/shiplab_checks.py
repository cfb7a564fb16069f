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

__all__ = ["case_rng", "check_against", "check_call", "check_close", "check_equal", "check_returns", "check_raises", "check_that",
           "judge_side", "judge_side_runnable", "NotDoneYet"]

JUDGE_SIDE: dict[int, object] = {}  # what judge_side marked, by id: read by the grading judge
CASE_SALT = 0  # set by the grading judge, fresh for each graded notebook (0: the seeds as written)


def case_rng(seed: int):
    """The random generator of a hidden test's generated cases. In a notebook and in the course's own checks it is
    ``random.Random(seed)``, the same cases every time; when the worker grades a submission the judge sets
    :data:`CASE_SALT` anew, so each submission meets other cases. Feedback may show one failing case: collected over
    resubmissions, those cases are of no use on the next one."""
    import random

    return random.Random(seed if not CASE_SALT else f"{seed}:{CASE_SALT}")


def judge_side(obj):
    """``obj``, marked to stay with the tests when they are graded: the participant's code gets a stand-in whose
    calls, attributes and items are done on ``obj`` where the tests run, so it cannot read ``obj``'s code, closure
    or constants (a broken service's bug, a fake model's hidden replies). Mark the test doubles a hidden test hands
    to the participant's functions. In a notebook (no grading) it changes nothing."""
    JUDGE_SIDE[id(obj)] = obj
    return obj


class _KeptRunnable:
    """A runnable a test hands over (a fake chat model, a scripted retriever), as the participant's code uses one:
    ``.invoke``, ``.batch``, or a call (what ``prompt | model`` makes of it). Its fields are private, so a stand-in
    of it shows nothing but what these return."""

    __slots__ = ("_runnable",)

    def __init__(self, runnable):
        self._runnable = runnable

    def invoke(self, input, config=None, **kwargs):
        return self._runnable.invoke(input, config, **kwargs)

    def batch(self, inputs, config=None, **kwargs):
        return self._runnable.batch(inputs, config, **kwargs)

    def __call__(self, input):
        return self._runnable.invoke(input)


def judge_side_runnable(runnable):
    """:func:`judge_side` for a langchain runnable (``FakeListChatModel``, ``RunnableLambda``): the participant's
    chain can invoke it or pipe into it, and when graded it never gets the runnable's replies, script or chunks —
    only what each call returns."""
    return judge_side(_KeptRunnable(runnable))


class NotDoneYet(AssertionError):
    """The function under test is still the stub."""


def _call_text(func, args, kwargs) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{getattr(func, '__name__', 'function')}({', '.join(parts)})"


def _returns(func) -> list | None:
    """The ``return`` statements of ``func``'s own body (not of functions inside it), or None when its source
    cannot be read (a lambda, a builtin, a function made outside a file or cell)."""
    import ast
    import inspect
    import textwrap

    try:
        name = func.__name__
        if not isinstance(name, str) or name == "<lambda>":
            return None
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except Exception:  # noqa: BLE001 -- any object may be passed here (a judge's handle, a hostile one): unknown
        return None
    node = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name == name), None)
    if node is None:
        return None
    found, todo = [], list(node.body)
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Return):
            found.append(n)
        elif not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))
    return found


def _none_slip(func) -> str:
    """Why a function may have returned None: no ``return`` at all, an explicit ``return None``, or a path that
    ends without one."""
    import ast

    returns = None if func is None else _returns(func)
    if not returns:  # none found, or the source is unknown
        return " It returned None: is a `return` statement missing?"
    if all(r.value is None or (isinstance(r.value, ast.Constant) and r.value.value is None) for r in returns):
        return " It returned None: its `return` gives back None. Return the result instead."
    return (" It returned None: this input took a path that ends without `return <value>` (or returns None) — "
            "check the branch it takes.")


def _slip(actual, expected, func=None) -> str:
    """A sentence naming a common mistake, or ''."""
    if actual is None and expected is not None:
        return _none_slip(func)
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


def check_equal(actual, expected, hint: str = "", *, label: str = "the result", secret: bool = False,
                _func=None) -> None:
    """Pass if ``actual == expected``; otherwise fail saying both (unless ``secret``) and the hint."""
    if actual == expected:
        return
    if secret:
        raise _fail("A hidden test case got a wrong result.", hint)
    raise _fail(f"{label} is {actual!r}, expected {expected!r}.{_slip(actual, expected, _func)}", hint)


def _call(func, args, kwargs, secret: bool):
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise NotDoneYet(f"{getattr(func, '__name__', 'the function')} still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run its cell again.") from None
    except Exception as exc:
        if secret:  # its message could hold the hidden inputs (a participant's code can put them there)
            raise AssertionError(f"a hidden test case raised {type(exc).__name__}.") from None
        raise AssertionError(f"{_call_text(func, args, kwargs)} raised {type(exc).__name__}: {exc}") from exc


def check_returns(func, *args, expected, hint: str = "", secret: bool = False, **kwargs) -> None:
    """Call ``func(*args, **kwargs)`` and check it returns ``expected``."""
    actual = _call(func, args, kwargs, secret)
    check_equal(actual, expected, hint, label=_call_text(func, args, kwargs), secret=secret, _func=func)


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
        said = "" if secret else f": {exc}"
        raise _fail(f"{call} raised {type(exc).__name__}{said}, expected {raises.__name__}.", hint) from None
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


def _short(value, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + " …"


def _same(actual, expected, tol: float) -> bool:
    """Equal, with floats (anywhere inside lists, tuples and dicts) within ``tol``."""
    if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        return abs(actual - expected) <= tol or (actual != actual and expected != expected)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(_same(actual[k], expected[k], tol) for k in expected)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return (type(actual) is type(expected) and len(actual) == len(expected)
                and all(_same(a, e, tol) for a, e in zip(actual, expected)))
    return type(actual) is type(expected) and actual == expected if expected is not None else actual is None


def check_against(func, reference, cases, hint: str = "", *, tol: float = 1e-9, mutation: bool = True,
                  compare=None, keys=None) -> None:
    """Call ``func`` and ``reference`` on every case (a tuple of arguments), smallest first, and check they agree —
    floats within ``tol``, exact types otherwise (``compare(actual, expected)`` to decide otherwise) — and, with
    ``mutation``, that ``func`` leaves its arguments as it found them; ``keys``: of a dict result, only those keys
    are compared. The first case that disagrees fails with its arguments, the expected and the actual value (never
    the reference's code)."""
    import copy

    compare = compare or (lambda actual, expected: _same(actual, expected, tol))
    for args in sorted(cases, key=lambda a: len(repr(a))):
        call = _call_text(func, args, {})
        try:
            expected = reference(*copy.deepcopy(args))
        except Exception as exc:  # the case must be refused: the same kind of exception
            _expect_raise(func, copy.deepcopy(args), type(exc), call, hint)
            continue
        given = copy.deepcopy(args)
        actual = _call(func, given, {}, secret=False)
        if keys is not None:
            if not isinstance(actual, dict):
                raise _fail(f"{call} returned a {type(actual).__name__}, a dict was expected.", hint)
            actual = {k: actual.get(k, "(missing)") for k in keys}
            expected = {k: expected[k] for k in keys}
        if not compare(actual, expected):
            raise _fail(f"{call} returned {_short(actual)}, expected {_short(expected)}."
                        f"{_slip(actual, expected, func)}", hint)
        if mutation and not _equal_deep(given, args):
            raise _fail(f"{call} changed its arguments: after the call they are {_short(given)}. Return new "
                        "values; never change what you were given.", hint)


def _expect_raise(func, args, kind: type, call: str, hint: str) -> None:
    try:
        result = func(*args)
    except NotImplementedError:
        raise NotDoneYet(f"{getattr(func, '__name__', 'the function')} still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run its cell again.") from None
    except kind:
        return
    except Exception as exc:
        raise _fail(f"{call} raised {type(exc).__name__}, expected {kind.__name__}.", hint) from None
    raise _fail(f"{call} returned {_short(result)}, expected it to raise {kind.__name__}.", hint)


def _equal_deep(a, b) -> bool:
    """Equal, numpy arrays included (their ``==`` is element-wise)."""
    if hasattr(a, "shape") and hasattr(b, "shape") and hasattr(a, "dtype"):
        import numpy

        return a.shape == b.shape and bool(numpy.array_equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal_deep(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal_deep(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 -- an object whose == cannot answer is not the same
        return False
