"""What crosses from a graded notebook's kernel to the judge: plain data, decoded without running anything.

The judge (:mod:`shiplab.grading.judge`) runs a lab's tests in a process of its own and asks the participant's
kernel only for *values*: what a function returned, what it raised, how its arguments look after the call. Those
answers come from a process the participant controls, so they are read as data and nothing else:

- JSON, size- and depth-bounded, with tagged forms for what JSON lacks (tuples, sets, bytes, dates, numpy arrays
  and scalars, non-finite floats, dicts with keys that are not strings);
- instances of *allowed* classes only — dataclasses and pydantic models defined in the course's own libraries
  (``shiplab.*``, langchain's documents and messages) — rebuilt field by field, never through ``pickle``;
- an exception as its class name, its bases and its message, rebuilt as a class of the judge's own that keeps the
  name and the nearest allowed base (``except ValueError`` still catches it, ``type(e).__name__`` still reads);
- anything else as a *handle*: a number the kernel keeps the object under, which the judge may ask about again.

The other way (judge to kernel) needs no such care: the judge's arguments are the instructor's, and the kernel
unpickles them (``cloudpickle``, so the tests' own helper functions travel too), except the objects a test keeps
in the judge (:mod:`shiplab.grading.judgeside`): the kernel's questions about those come this way too, and are read
as data like every answer.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import datetime as dt
import decimal
import json
import math
import signal
import sys

ALLOWED_MODULES = ("shiplab.", "langchain_core.documents", "langchain_core.messages", "langchain_core.prompt_values")
# libraries whose exceptions a test may catch by class (``except ValidationError``), beside the course's own
EXCEPTION_MODULES = ("pydantic", "pydantic_core", "json", "langchain_core", "yaml", "httpx", "starlette", "fastapi",
                     "chromadb", "numpy")
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000  # elements in one message, all containers together
MAX_TEXT = 16 << 20  # characters in one string


class WireError(ValueError):
    """A message from the kernel that is not what the protocol allows."""


class UnreadableResult(Exception):
    """What the participant's function returned could not be turned into data (its own code raised meanwhile)."""


class RemoteCrash(Exception):
    """The participant's code ended with something that is not an ordinary exception (an interrupt, an exit)."""


def _allowed(module: str) -> bool:
    return any(module == p.rstrip(".") or module.startswith(p) for p in ALLOWED_MODULES)


def _class_path(cls: type) -> tuple[str, str]:
    return getattr(cls, "__module__", "") or "", getattr(cls, "__qualname__", cls.__name__)


def _is_pydantic(obj) -> bool:
    return hasattr(type(obj), "model_fields") and hasattr(obj, "model_dump")


# --------------------------------------------------------------------------------------------- encoding (kernel)
def encode(obj, on_unknown=None, _depth: int = 0):
    """``obj`` as JSON-ready data; an object with no plain form goes to ``on_unknown(obj)`` (a handle), or raises
    :class:`WireError` when there is none."""
    if _depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    again = (lambda v: encode(v, on_unknown, _depth + 1))
    if obj is None or type(obj) in (bool, str, int):
        return obj
    obj = _plain_base(obj)
    if type(obj) in (bool, str, int):
        return obj
    if type(obj) is float:
        return obj if math.isfinite(obj) else {"~f": repr(obj)}
    if type(obj) is list:
        return [again(v) for v in obj]
    if type(obj) is tuple:
        return {"~t": [again(v) for v in obj]}
    if type(obj) in (set, frozenset):
        return {"~s" if type(obj) is set else "~fs": [again(v) for v in obj]}
    if type(obj) is dict:
        if all(type(k) is str for k in obj):
            return {"~d": {k: again(v) for k, v in obj.items()}}
        return {"~dp": [[again(k), again(v)] for k, v in obj.items()]}
    if type(obj) in (bytes, bytearray):
        return {"~b": base64.b64encode(bytes(obj)).decode("ascii"), "ba": type(obj) is bytearray}
    if type(obj) is dt.datetime:
        return {"~dt": obj.isoformat()}
    if type(obj) is dt.date:
        return {"~da": obj.isoformat()}
    if type(obj) is dt.time:
        return {"~ti": obj.isoformat()}
    if type(obj) is dt.timedelta:
        return {"~td": [obj.days, obj.seconds, obj.microseconds]}
    if type(obj) is decimal.Decimal:
        return {"~dec": str(obj)}
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(obj, numpy.ndarray) and obj.dtype.kind in "biufUS":
        return {"~nd": obj.dtype.str, "shape": list(obj.shape), "v": again(obj.tolist())}
    if numpy is not None and isinstance(obj, numpy.generic) and obj.dtype.kind in "biufUS":
        return {"~np": obj.dtype.str, "v": again(obj.item())}
    module, name = _class_path(type(obj))
    if _allowed(module) and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"~dc": [module, name], "f": {f.name: again(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if _allowed(module) and _is_pydantic(obj):
        return {"~pm": [module, name], "f": {k: again(getattr(obj, k)) for k in type(obj).model_fields}}
    if on_unknown is not None:
        return on_unknown(obj)
    raise WireError(f"a {type(obj).__name__} has no plain form")


def _plain_base(obj):
    """A subclass of a builtin value type (``Counter``, ``OrderedDict``, an ``IntEnum``, a ``str`` subclass) as the
    builtin itself: the judge compares exact types only, so a participant's ``__eq__`` never decides a test."""
    if isinstance(obj, bool) or type(obj) in (float, list, tuple, dict, set, frozenset, bytes, bytearray):
        return obj
    for base, convert in ((str, str.__str__), (int, int.__int__), (float, float.__float__), (dict, dict),
                          (list, list), (tuple, tuple), (frozenset, frozenset), (set, set)):
        if isinstance(obj, base):
            return convert(obj)
    return obj


def encode_exception(exc: BaseException) -> dict:
    """An exception as its class (module, name), its bases and its message."""
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 -- a participant's __str__ that raises, or never ends (the call's alarm)
        message = f"<{type(exc).__name__} whose message could not be read>"
    mro = [list(_class_path(c)) for c in type(exc).__mro__ if c not in (object,)]
    return {"mro": mro[:32], "message": message[:4000]}


# --------------------------------------------------------------------------------------------- decoding (judge)
class _Budget:
    def __init__(self):
        self.items = 0

    def take(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise WireError("too many values in one answer")


def _lookup(path, kind: str):
    if not (isinstance(path, list) and len(path) == 2 and all(isinstance(p, str) for p in path)):
        raise WireError(f"a bad {kind} name")
    module, qualname = path
    if not _allowed(module) or module not in sys.modules:
        raise WireError(f"{kind} {module}.{qualname} is not one the judge rebuilds")
    obj = sys.modules[module]
    for part in qualname.split("."):
        if part.startswith("_") or not hasattr(obj, part):
            raise WireError(f"{kind} {module}.{qualname} is unknown")
        obj = getattr(obj, part)
    if not isinstance(obj, type) or not _allowed(getattr(obj, "__module__", "") or ""):
        raise WireError(f"{module}.{qualname} is not a class of the course's libraries")
    return obj


def decode(data, on_handle=None, _depth: int = 0, _budget: _Budget | None = None):
    """The value :func:`encode` made, rebuilt from plain types and allowed classes only; ``on_handle(dict)``
    makes a handle's stand-in."""
    budget = _budget or _Budget()
    budget.take()
    if _depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    again = (lambda v: decode(v, on_handle, _depth + 1, budget))
    if data is None or type(data) in (bool, int, float):
        return data
    if type(data) is str:
        if len(data) > MAX_TEXT:
            raise WireError("a string too long")
        return data
    if type(data) is list:
        budget.take(len(data))
        return [again(v) for v in data]
    if type(data) is not dict or len(data) < 1:
        raise WireError(f"an unexpected {type(data).__name__}")
    tags = [k for k in data if k.startswith("~")]  # one tag; its fields beside it, in any order
    if len(tags) != 1:
        raise WireError("an object without exactly one tag")
    tag = tags[0]
    body = data[tag]
    try:
        if tag == "~d":
            return {str(k): again(v) for k, v in _dict(body).items()}
        if tag == "~dp":
            return {_hashable(again(k)): again(v) for k, v in _pairs(body)}
        if tag == "~t":
            return tuple(again(v) for v in _list(body))
        if tag in ("~s", "~fs"):
            items = {_hashable(again(v)) for v in _list(body)}
            return items if tag == "~s" else frozenset(items)
        if tag == "~f":
            if body not in ("nan", "inf", "-inf"):
                raise WireError("a bad float")
            return float(body)
        if tag == "~b":
            raw = base64.b64decode(_str(body), validate=True)
            return bytearray(raw) if data.get("ba") else raw
        if tag == "~dt":
            return dt.datetime.fromisoformat(_str(body))
        if tag == "~da":
            return dt.date.fromisoformat(_str(body))
        if tag == "~ti":
            return dt.time.fromisoformat(_str(body))
        if tag == "~td":
            days, seconds, micro = (_int(v) for v in _list(body))
            return dt.timedelta(days=days, seconds=seconds, microseconds=micro)
        if tag == "~dec":
            return decimal.Decimal(_str(body))
        if tag == "~nd":
            return _ndarray(_str(body), data.get("shape"), again(data.get("v")))
        if tag == "~np":
            return _numpy_dtype(_str(body)).type(again(data.get("v")))
        if tag == "~dc":
            return _dataclass(_lookup(body, "class"), _dict(data.get("f")), again)
        if tag == "~pm":
            cls = _lookup(body, "class")
            if not hasattr(cls, "model_validate"):
                raise WireError(f"{cls.__name__} is not a pydantic model")
            return cls.model_validate({str(k): again(v) for k, v in _dict(data.get("f")).items()})
        if tag == "~h":
            if on_handle is None:
                raise WireError("a handle where none may be")
            return on_handle(_dict(body))
    except WireError:
        raise
    except (TypeError, ValueError, OverflowError, decimal.InvalidOperation) as exc:
        raise WireError(f"a bad {tag} value: {exc}") from None
    raise WireError(f"an unknown tag {tag!r}")


def decode_exception(data) -> BaseException:
    """A stand-in for the participant's exception: a class of the judge's own, named as theirs, whose base is the
    nearest builtin or allowed exception class of theirs (``Exception`` else), with their message."""
    data = _dict(data)
    message = _str(data.get("message", ""))[:4000]
    base, name = Exception, "Exception"
    mro = _list(data.get("mro", []))
    for i, path in enumerate(mro):
        if not (isinstance(path, list) and len(path) == 2 and all(isinstance(p, str) for p in path)):
            raise WireError("a bad exception class")
        if i == 0:
            name = path[1].rsplit(".", 1)[-1][:100] or "Exception"
        found = _exception_class(path)
        if found is not None:
            base = found
            break
    if not issubclass(base, Exception):  # KeyboardInterrupt, SystemExit, a timeout: never let it stop the judge
        base = RemoteCrash
    try:
        cls = type(name if name.isidentifier() else "Exception", (base,), {
            "__str__": lambda self: message, "__module__": "participant", "__qualname__": name,
        })
    except TypeError:  # a class that cannot be subclassed
        cls = type(name if name.isidentifier() else "Exception", (Exception,), {
            "__str__": lambda self: message, "__module__": "participant", "__qualname__": name,
        })
    for args in ((), (message,), (message, [])):  # exception classes whose __new__ wants arguments (pydantic's)
        try:
            exc = cls.__new__(cls, *args)
            break
        except TypeError:
            continue
    else:
        exc = Exception.__new__(type(cls.__name__, (Exception,), {"__str__": lambda self: message}))
    exc.args = (message,)
    return exc


def _exception_class(path):
    """The judge's own class of that name, when it is an exception class of a module the judge has loaded (so a
    test's ``except ValidationError`` catches the participant's pydantic error); None else."""
    module, qualname = path
    if module != "builtins" and not _allowed(module) and not module.startswith(EXCEPTION_MODULES):
        return None
    found = builtins if module == "builtins" else sys.modules.get(module)
    if found is None:
        return None
    for part in qualname.split("."):
        if part.startswith("_"):
            return None
        found = getattr(found, part, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _dataclass(cls, fields: dict, again):
    if not dataclasses.is_dataclass(cls):
        raise WireError(f"{cls.__name__} is not a dataclass")
    obj = cls.__new__(cls)
    for f in dataclasses.fields(cls):
        if f.name in fields:
            value = again(fields[f.name])
        elif f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
        else:
            raise WireError(f"{cls.__name__}.{f.name} is missing")
        object.__setattr__(obj, f.name, value)
    return obj


def _numpy_dtype(text: str):
    import numpy

    dtype = numpy.dtype(text)
    if dtype.kind not in "biufUS" or dtype.itemsize > 4096:
        raise WireError(f"a numpy type {text!r} the judge does not rebuild")
    return dtype


def _ndarray(dtype: str, shape, values):
    import numpy

    array = numpy.array(values, dtype=_numpy_dtype(dtype))
    if not isinstance(shape, list) or tuple(shape) != array.shape:
        if array.size == 0 and isinstance(shape, list) and all(type(n) is int and 0 <= n for n in shape):
            return array.reshape(shape)
        raise WireError("a numpy array whose shape does not match its values")
    return array


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        raise WireError("an unhashable key") from None
    return value


def _expect(value, kind: type, what: str):
    if type(value) is not kind:
        raise WireError(f"expected {what}")
    return value


def _dict(v) -> dict:
    return _expect(v, dict, "an object")


def _list(v) -> list:
    return _expect(v, list, "a list")


def _str(v) -> str:
    return _expect(v, str, "a string")


def _int(v) -> int:
    return _expect(v, int, "a whole number")


def _pairs(v) -> list:
    pairs = _list(v)
    if not all(type(p) is list and len(p) == 2 for p in pairs):
        raise WireError("expected pairs")
    return pairs


def merged(old, new):
    """``new`` written into ``old`` where both are the same kind of container (so references the test holds see the
    change); else ``new``."""
    numpy = sys.modules.get("numpy")
    if type(old) is list and type(new) is list:
        if len(old) == len(new):
            for i, value in enumerate(new):
                old[i] = merged(old[i], value)
        else:
            old[:] = new
        return old
    if type(old) is dict and type(new) is dict:
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = merged(old[key], value) if key in old else value
        return old
    if type(old) is set and type(new) is set:
        old.clear()
        old.update(new)
        return old
    if numpy is not None and isinstance(old, numpy.ndarray) and isinstance(new, numpy.ndarray):
        if old.shape == new.shape and old.flags.writeable:
            old[...] = new
            return old
        return new
    if hasattr(old, "__dataclass_fields__") and type(old) is type(new):
        for name in old.__dataclass_fields__:
            object.__setattr__(old, name, merged(getattr(old, name), getattr(new, name)))
        return old
    return new


def dumps(message: dict) -> bytes:
    return json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")


def receive(conn, limit: int) -> dict:
    """The next message on ``conn`` (a multiprocessing connection), once one is there, read whole: a time limit's
    alarm (SIGALRM) that strikes meanwhile waits until it is read, so a stop never leaves half a message on the
    pipe for the next question to read."""
    conn.poll(None)  # an alarm here has read nothing
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        raw = conn.recv_bytes(limit)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return loads(raw)


def loads(raw: bytes) -> dict:
    try:
        message = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"not a message: {type(exc).__name__}") from None
    if type(message) is not dict:
        raise WireError("not a message")
    return message
