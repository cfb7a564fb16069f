"""Judge-side objects: test doubles that stay in the judge while the participant's code uses them.

A hidden test hands the participant's function a broken service, a fake model, a scripted retriever. Sent by value
(``cloudpickle``, as the judge sends a call's arguments), its code, closure, defaults and constants would be rebuilt
in the participant's kernel, where their code can read them: a ``check_service(make_client)`` that reads
``make_client.__closure__`` finds the name of the bug the broken service carries, and "catches" it without a test.

So a test marks such an object with ``shiplab_checks.judge_side(obj)``. The judge then sends a reference (``"j"``,
its number) instead, and the kernel makes a :class:`shiplab.grading.remote.JudgeProxy` of it. Each operation on the
proxy — a call, a public attribute, an item, iteration, ``len``, truth, ``in``, ``with`` — is a message back to the
judge on the same pipe, while the kernel is serving the judge's call; :class:`Exports` does it on the real object and
answers with the result: plain data by value (:mod:`shiplab.grading.wire`), anything else as one more judge-side
reference (so the client a judge-side ``make_client`` returns, and the responses it gives, stay here too).

The question comes from the participant's process, so it is read as data only (``wire.decode``, never unpickled):
an object of theirs arrives as a :class:`~shiplab.grading.judge.KernelProxy`, a judge-side proxy as the judge's own
object. What it can reach is the object's public interface: no attribute whose name starts with ``_`` (so no
``__code__``, ``__closure__``, ``__defaults__``, ``__globals__``, ``__wrapped__``, ``__dict__``), no frame, code,
traceback, cell or module object, and a signature as parameter names and kinds only (defaults are not sent), which
is what langchain's ``RunnableLambda`` reads.
"""

from __future__ import annotations

import inspect
import itertools
import sys
import types

from shiplab.grading import wire

CHECKS = "shiplab_checks"  # the tests' helpers: ``judge_side`` keeps what it marks in ``JUDGE_SIDE`` there
MAX_EXPORTS = 100_000
# public attributes of generators, coroutines, frames and tracebacks that lead to a function's locals and globals
HIDDEN_ATTRS = frozenset({"gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin",
                          "ag_frame", "ag_code", "ag_await", "f_back", "f_builtins", "f_code", "f_globals",
                          "f_locals", "tb_frame", "tb_next", "cell_contents"})
NEVER_SENT = (types.FrameType, types.CodeType, types.TracebackType, types.CellType, types.ModuleType)
QUESTIONS = ("call", "getattr", "getitem", "iter", "len", "bool", "contains", "enter", "exit")


def marked(obj) -> bool:
    """Did a test mark ``obj`` with ``shiplab_checks.judge_side``?"""
    registry = getattr(sys.modules.get(CHECKS), "JUDGE_SIDE", None)
    return type(registry) is dict and id(obj) in registry and registry[id(obj)] is obj


def signature_of(obj) -> list | None:
    """``obj``'s parameters as ``[name, kind, has_default]``: enough for ``inspect.signature`` in the kernel."""
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return None
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty] for p in params]


def _is_runnable(obj) -> bool:
    runnables = sys.modules.get("langchain_core.runnables")
    return runnables is not None and isinstance(obj, runnables.Runnable)


class Exports:
    """The judge's objects the kernel holds proxies of, by number; answers the kernel's questions about them."""

    def __init__(self, kernel_proxy: type = type(None), stop: type[BaseException] | tuple = ()):
        """``kernel_proxy``: the judge's class of the kernel's objects (given back as the kernel's handle);
        ``stop``: the judge's own stop (the kernel gone), which ends the test cell instead of being an answer (the
        judge gives its KernelProxy and KernelGone; a test of this module alone may leave them out)."""
        self.kernel_proxy, self.stop = kernel_proxy, stop
        self.objects: dict[int, object] = {}
        self.numbers: dict[int, int] = {}  # id(obj) -> its number

    def wanted(self, obj) -> bool:
        """Is ``obj`` to be sent as a reference (marked by a test, or already one the kernel holds)?"""
        number = self.numbers.get(id(obj))
        return (number is not None and self.objects[number] is obj) or marked(obj)

    def ref(self, obj) -> dict:
        """``obj``'s number (given on its first export) and what the kernel's proxy may know of it."""
        if isinstance(obj, NEVER_SENT):
            raise TypeError(f"a {type(obj).__name__} object of the tests is not sent to the participant's code")
        number = self.numbers.get(id(obj))
        if number is None or self.objects[number] is not obj:
            if len(self.objects) >= MAX_EXPORTS:
                raise wire.WireError("too many objects of the tests held by the kernel")
            number = len(self.objects) + 1
            self.objects[number], self.numbers[id(obj)] = obj, number
        info = {"judge": number, "type": type(obj).__name__[:60], "callable": callable(obj)}
        if callable(obj):
            info["signature"] = signature_of(obj)
        return info

    def resolve(self, number) -> object:
        if type(number) is not int or number not in self.objects:
            raise wire.WireError("no such object of the tests")
        return self.objects[number]

    def answer(self, message: dict, on_handle) -> dict:
        """The reply to the kernel's question ``message``; ``on_handle`` rebuilds a handle in its arguments (a
        KernelProxy, or the judge's own object for a judge-side one). The judge's own stops (its time running out,
        the kernel gone) are not answers: they end the test cell."""
        reply = {"op": "judged", "id": message.get("id")}
        try:
            result = self._do(self.resolve(message.get("target")), message, on_handle)
            reply["value"] = wire.encode(result, self._unknown)
        except self.stop:
            raise
        except Exception as exc:  # noqa: BLE001 -- the test double's own error, raised again in the kernel
            reply["raise"] = wire.encode_exception(exc)
        return reply

    def _do(self, obj, message: dict, on_handle):
        do = message.get("do")
        if do == "getattr":
            name = message.get("attr")
            if type(name) is not str or name.startswith("_") or name in HIDDEN_ATTRS:
                raise AttributeError(f"{name!r} of a test's object is not for the participant's code")
            return getattr(obj, name)
        if do == "iter":
            return list(itertools.islice(iter(obj), 100_000))
        if do == "len":
            return len(obj)
        if do == "bool":
            return bool(obj)
        if do == "enter":
            return obj.__enter__()
        if do == "exit":
            return obj.__exit__(None, None, None)
        args = wire.decode(message.get("args", []), on_handle)
        kwargs = wire.decode(message.get("kwargs", {"~d": {}}), on_handle)
        if type(args) is not list or type(kwargs) is not dict:
            raise wire.WireError("bad arguments")
        if do == "call":  # langchain makes a RunnableLambda of what is not a Runnable: a model's call is its invoke
            return obj.invoke(*args, **kwargs) if _is_runnable(obj) and not callable(obj) else obj(*args, **kwargs)
        if do == "getitem" and len(args) == 1:
            return obj[args[0]]
        if do == "contains" and len(args) == 1:
            return args[0] in obj
        raise wire.WireError(f"an unknown question {do!r}")

    def _unknown(self, obj) -> dict:
        if isinstance(obj, self.kernel_proxy):  # the kernel's own object, given back
            return {"~h": {"kernel": obj._ref}}
        return {"~h": self.ref(obj)}
