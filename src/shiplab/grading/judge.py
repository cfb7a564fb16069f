"""The judge: a lab's tests, run where the participant's code cannot reach them.

A test that runs inside the participant's kernel can be bent by the code it tests: a solution cell can rebind
``check_returns``, swallow every exception with ``set_custom_exc``, register an input transformer that rewrites
the test cells, or copy the hidden tests out through an IPython hook. So when a notebook is graded, the kernel runs
the participant's cells (and the *visible* part of each test cell, as on their screen), and the test cells
themselves — hidden part included — run here, in a process of another account, started from the instructor's
**source** notebook: its locked set-up and helper cells, then each test cell in order. Every name a solution cell
defines is a :class:`KernelProxy` here: calling it asks the kernel (:mod:`shiplab.grading.remote`) to call the
participant's function with the test's arguments (``cloudpickle``: the tests' own helpers travel with them, except
the objects a test keeps here with ``judge_side``, which the kernel only gets proxies of: :mod:`.judgeside`) and
answers with the value it returned, rebuilt from plain data only (:mod:`shiplab.grading.wire`). Arguments the call
changed in place are changed here too (so "does not mutate its input" can be tested), what the participant's code
logged on a logger the test passed is logged here, and an ASGI app the participant built is served to the test's
HTTP client request by request (:class:`AsgiProxy`).

The kernel decides nothing: a wrong value fails the test however it was made, the hidden tests never enter the
kernel, and a kernel that stops answering fails the tests still to run, with the reason.

Each test cell's outputs (what it printed, the error it ended with) replace that cell's outputs in the graded
notebook; nbgrader scores them as it would have scored the kernel's.
"""

from __future__ import annotations

import builtins
import contextlib
import faulthandler
import functools
import io
import json
import logging
import os
import secrets
import signal
import sys
import time
import types

from shiplab.grading import judgeside, wire
from shiplab.grading.celloutputs import TIMEOUT_MESSAGE, CellTimedOut, cell_outputs  # noqa: F401 -- kept here

MODULE = "__shiplab_judge__"  # the tests' namespace: what cloudpickle sends by value
MAX_MESSAGE = 64 << 20
CASE_SALT_ENV = "SHIPLAB_CASE_SALT"
PLAIN = "return str, list, dict, numbers, bool or None"


class KernelGone(RuntimeError):
    """The kernel does not answer any more: the tests still to run fail with the reason."""


# --------------------------------------------------------------------------------------------- proxies
class KernelProxy:
    """Something in the participant's kernel: a name their solution defines, or a handle to an object it returned."""

    def __init__(self, client: Client, ref: dict, name: str, info: dict | None = None):
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_info", info or {})
        object.__setattr__(self, "__name__", name)
        object.__setattr__(self, "__qualname__", name)

    def __call__(self, *args, **kwargs):
        return self._client.ask("call", self._ref, args, kwargs)

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return self._client.ask("getattr", self._ref, attr=attr)

    def __setattr__(self, attr, value):
        raise AttributeError("objects of the participant's kernel are read-only to the tests")

    def __getitem__(self, key):
        return self._client.ask("getitem", self._ref, (key,), {})

    def _once(self, op: str):
        """len, truth and items are asked once per object: a kernel cannot iterate as [] for one check and as
        real items for the next."""
        answers = self._info.setdefault("answers", {})
        if op not in answers:
            answers[op] = self._client.ask(op, self._ref)
        return answers[op]

    def __len__(self):
        return self._once("len")

    def __bool__(self):
        return bool(self._once("bool"))

    def __iter__(self):
        return iter(self._once("iter"))

    def __instancecheck__(self, instance):  # isinstance(result, TheirClass): only objects of their kernel can be
        return isinstance(instance, KernelProxy) and bool(self._client.ask("isinstance", instance._ref,
                                                                            other=self._ref))

    def __eq__(self, other):  # decided here, never by the kernel: only the same object is equal
        return isinstance(other, KernelProxy) and other._ref == self._ref

    def __hash__(self):
        return hash(json.dumps(self._ref, sort_keys=True))

    def __repr__(self):
        shown = self._info.get("repr") or f"<{self.__name__} in the participant's kernel>"
        if "repr" in self._info:  # an object a call returned: say that it is not data, and what to return instead
            shown += f" (a {self.__name__} object of your kernel, not plain data: {PLAIN})"
        return shown


class AsgiProxy(KernelProxy):
    """An ASGI app the participant's code built: each request the test's client makes is served by the kernel."""

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "lifespan":
            while True:
                message = await receive()
                kind = message.get("type", "")
                if kind.endswith("startup"):
                    await send({"type": "lifespan.startup.complete"})
                elif kind.endswith("shutdown"):
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body, more = b"", True
        while more:
            message = await receive()
            if message.get("type") != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        plain_scope = {k: v for k, v in scope.items() if k not in ("app", "state", "extensions")}
        answer = self._client.ask("asgi", self._ref, (plain_scope, body), {})
        for message in answer.get("messages", []):
            await send(message)
        if answer.get("raise"):
            raise wire.decode_exception(answer["raise"])


# --------------------------------------------------------------------------------------------- the client
def _is_judge_instance(obj) -> bool:
    return (getattr(type(obj), "__module__", None) == MODULE and not isinstance(obj, (type, types.FunctionType))
            and hasattr(obj, "__dict__"))


def _is_container(obj) -> bool:
    numpy = __import__("sys").modules.get("numpy")
    return (type(obj) in (list, dict, set, bytearray) or (numpy is not None and isinstance(obj, numpy.ndarray))
            or (hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type)))


def _state(obj):
    """What the judge compares of a kept object: the object itself when it is data (a list a test's helper appends
    to), else its data attributes (as the kernel reports them)."""
    if type(obj) in (list, dict, set):
        try:
            return {"~value": wire.encode(obj)}
        except wire.WireError:
            return {}
    attrs = {}
    for key, value in vars(obj).items():
        try:
            attrs[key] = wire.encode(value)
        except wire.WireError:
            continue
    return attrs


def _update_of(obj) -> tuple:
    """What the kernel's copy of ``obj`` must be told after the test changed it here."""
    if type(obj) in (list, dict, set):
        return ("value", type(obj)(obj))  # a copy: the object itself would travel as a reference to the kernel's
    names = set(_state(obj))
    return ("attrs", {k: v for k, v in vars(obj).items() if k in names})


class Client:
    """Asks the kernel, one question at a time, under the current test cell's deadline."""

    def __init__(self, conn, ready_by: float):
        self.conn, self.ready_by = conn, ready_by
        self.ready = False
        self.broken: str | None = None
        self.deadline: float | None = None  # of the test cell now running
        self.next_id = 0
        self.kept: dict[int, tuple[object, str]] = {}  # id(obj) -> (obj, oid); state text as last synced
        self.kept_by_oid: dict[int, object] = {}
        self.kept_state: dict[int, str] = {}
        self.loggers: dict[int, logging.Logger] = {}
        self.next_oid = 0
        self.namespace: dict = {}  # the tests' (set by judge())
        self.by_name: dict[int, tuple[str, object]] = {}  # set-up objects the kernel has its own of (a vector store)
        self.exports = judgeside.Exports(KernelProxy, KernelGone)  # objects the tests keep here, the kernel holding proxies of them

    def _oid(self) -> int:
        self.next_oid += 1
        return self.next_oid

    def _wait(self, until: float, want_id: int | None):
        while True:
            left = until - time.monotonic()
            if left <= 0 or not self.conn.poll(left):
                raise TimeoutError
            try:
                message = wire.receive(self.conn, MAX_MESSAGE)
            except (EOFError, OSError) as exc:
                raise KernelGone("the notebook's kernel ended while the tests ran (did the notebook exit, or "
                                 "run out of memory?)") from exc
            if want_id is None and message.get("op") == "ready":
                return message
            if want_id is not None and message.get("op") == "reply" and message.get("id") == want_id:
                return message
            if message.get("op") == "judge":  # the call's code uses a judge-side object: do it, and answer
                self.conn.send_bytes(wire.dumps(self.exports.answer(message, self._handle)))
            # anything else (a late answer to a call that timed out) is skipped

    def _ensure_ready(self) -> None:
        if self.ready:
            return
        # the wait for the notebook to finish is not the test cell's time: its clock stops meanwhile
        alarm_left = signal.setitimer(signal.ITIMER_REAL, 0)[0]
        started = time.monotonic()
        try:
            self._wait(self.ready_by, None)
        except TimeoutError:
            self.broken = "the notebook did not finish running in time, so its functions could not be tested"
            raise KernelGone(self.broken) from None
        finally:
            waited = time.monotonic() - started
            if self.deadline is not None:
                self.deadline += waited
            if alarm_left:
                signal.setitimer(signal.ITIMER_REAL, alarm_left)
        self.ready = True

    def ask(self, op: str, ref: dict, args: tuple = (), kwargs: dict | None = None, **fields):
        if self.broken:
            raise KernelGone(self.broken)
        self._ensure_ready()
        self.next_id += 1
        message = {"op": op, "id": self.next_id, "target": ref, **fields}
        once = []
        if op in ("call", "getitem", "asgi"):
            message["payload"], once = self._pack(args, kwargs or {})
        until = self.deadline if self.deadline is not None else time.monotonic() + 60
        message["timeout"] = max(0.05, until - time.monotonic())
        try:
            self.conn.send_bytes(wire.dumps(message))
            reply = self._wait(until + 0.5, self.next_id)
        except TimeoutError:
            self.broken = ("a test's call ran past the time limit and the kernel stopped answering: look for a loop "
                           "that never ends")
            raise CellTimedOut() from None
        except (OSError, ValueError) as exc:
            self.broken = f"the notebook's kernel cannot be reached ({type(exc).__name__})"
            raise KernelGone(self.broken) from None
        return self._take(reply, op, dict(once))

    def _pack(self, args: tuple, kwargs: dict) -> tuple[str, list]:
        """The call's arguments, pickled, then (sharing the pickle's memo, so the kernel gets the same objects):
        the tests' helper instances sent for the first time (kept there), the containers passed to this call
        (reported back after it), and what changed here of instances kept there since the last call."""
        import cloudpickle

        client, known = self, dict(self.kept)
        new_kept: list = []
        # the tests' own lists and dicts their helpers fill (``_seen.append(messages)`` in a model class): kept
        shared = {id(v) for v in self.namespace.values() if type(v) in (list, dict, set)}

        class Packer(cloudpickle.CloudPickler):
            def persistent_id(self, obj):
                if isinstance(obj, KernelProxy):
                    key = next(iter(obj._ref))
                    return ("k", key, obj._ref[key])
                if client.exports.wanted(obj):  # kept here: the kernel gets a proxy (judgeside)
                    return ("j", client.exports.ref(obj))
                if isinstance(obj, logging.Logger) and not isinstance(obj, logging.RootLogger):
                    return ("log", client._keep_logger(obj), obj.name, obj.getEffectiveLevel())
                if id(obj) in client.by_name and client.by_name[id(obj)][1] is obj:
                    return ("k", "name", client.by_name[id(obj)][0])
                if id(obj) in known and known[id(obj)][0] is obj:
                    return ("t", known[id(obj)][1])
                if ((_is_judge_instance(obj) or id(obj) in shared)
                        and all(obj is not o for _, o in new_kept)):
                    new_kept.append((client._oid(), obj))
                return None

        once = [(self._oid(), value) for value in (*args, *kwargs.values()) if _is_container(value)]
        updates = []
        for oid, obj in self.kept_by_oid.items():
            text = json.dumps(_state(obj), sort_keys=True)
            if text != self.kept_state.get(oid):
                updates.append((oid, *_update_of(obj)))
                self.kept_state[oid] = text
        buffer = io.BytesIO()
        packer = Packer(buffer, protocol=5)
        packer.dump((args, kwargs))
        packer.dump(new_kept)
        packer.dump(once)
        packer.dump(updates)
        for oid, obj in new_kept:
            self.kept[id(obj)] = (obj, oid)
            self.kept_by_oid[oid] = obj
            self.kept_state[oid] = json.dumps(_state(obj), sort_keys=True)
        return buffer.getvalue().hex(), once

    def _keep_logger(self, logger: logging.Logger) -> int:
        for oid, known in self.loggers.items():
            if known is logger:
                return oid
        oid = self._oid()
        self.loggers[oid] = logger
        return oid

    def _take(self, reply: dict, op: str, once: dict):
        self._write_back(reply.get("state") or {}, once)
        for oid, records in (reply.get("logs") or {}).items():
            logger = self.loggers.get(int(oid))
            if logger is not None and isinstance(records, list):
                for record in records[:10_000]:
                    logger.handle(_log_record(record))
        if reply.get("raise") is not None:
            kind = str((reply["raise"].get("mro") or [[None, None]])[0][-1])
            if kind == "CallTimedOut":
                raise CellTimedOut()
            if kind == "ResultTimedOut":
                raise CellTimedOut(str(reply["raise"].get("message", ""))[:1000])
            raise wire.decode_exception(reply["raise"])
        value = wire.decode(reply.get("value"), self._handle)
        return value

    def _handle(self, info: dict):
        if "judge" in info:  # one of the tests' objects, given back
            return self.exports.resolve(info["judge"])
        base = AsgiProxy if info.get("asgi") is True else KernelProxy
        kind, name = str(info.get("type", "object"))[:200], str(info.get("type", "")).rsplit(".", 1)[-1][:60]
        cls = _proxy_class(base, name if name.isidentifier() else "object")
        return cls(self, {"handle": int(info.get("id", 0))}, kind, info)

    def _write_back(self, state: dict, once: dict) -> None:
        if type(state) is not dict:
            raise wire.WireError("a bad state report")
        for key, data in state.items():
            oid = int(key)
            target = once.get(oid, self.kept_by_oid.get(oid))
            if target is None:
                continue
            if data == {}:  # the kernel could not say (its copy holds what has no plain form)
                continue
            if type(data) is dict and "~value" in data:
                wire.merged(target, wire.decode(data["~value"], self._handle))
                if oid in self.kept_by_oid:
                    self.kept_state[oid] = json.dumps(_state(target), sort_keys=True)
            elif type(data) is dict and "~attrs" in data:
                attrs = wire.decode({"~d": data["~attrs"]}, self._handle)
                for name, value in attrs.items():
                    if name in vars(target):
                        setattr(target, name, wire.merged(getattr(target, name), value))
                if oid in self.kept_by_oid:
                    self.kept_state[oid] = json.dumps(_state(target), sort_keys=True)
            else:
                wire.merged(target, wire.decode(data, self._handle))


@functools.lru_cache(maxsize=1000)
def _proxy_class(base: type, name: str) -> type:
    """A subclass of ``base`` named as the participant's class, so a test's message about what came back ("it
    returned a Evil, a str was expected") names their type, not ``KernelProxy``; only the name is theirs."""
    return type(name, (base,), {"__module__": "participant", "__qualname__": name, "__slots__": ()})


def _log_record(data) -> logging.LogRecord:
    data = data if type(data) is dict else {}
    record = logging.makeLogRecord({"name": str(data.get("name", "participant")),
                                    "levelno": int(data.get("levelno", logging.INFO)) if type(data.get(
                                        "levelno")) is int else logging.INFO,
                                    "levelname": logging.getLevelName(data.get("levelno", logging.INFO)),
                                    "msg": str(data.get("msg", "")), "args": ()})
    if data.get("exc"):
        exc = wire.decode_exception(data["exc"])
        record.exc_info = (type(exc), exc, None)
    extra = data.get("extra") if type(data.get("extra")) is dict else {}
    for key, value in extra.items():
        if isinstance(key, str) and key.isidentifier() and not hasattr(record, key):
            try:
                setattr(record, key, wire.decode(value))
            except wire.WireError:
                setattr(record, key, value if isinstance(value, str) else None)
    return record


# --------------------------------------------------------------------------------------------- the run
def _kernel_has_its_own(namespace: dict) -> dict[int, tuple[str, object]]:
    """Objects of the set-up cells that are services rather than data (a vector store, an embedding model, a
    client): the kernel ran the same cells, so a test passing one sends its name, and the kernel uses its own."""
    numpy = sys.modules.get("numpy")
    found = {}
    for name, value in namespace.items():
        if name.startswith("__") or isinstance(value, (types.ModuleType, type, types.FunctionType,
                                                         types.BuiltinFunctionType, KernelProxy)):
            continue
        module = getattr(type(value), "__module__", "") or ""
        if module in ("builtins", MODULE, "datetime", "decimal", "collections"):
            continue
        if wire._allowed(module) and (hasattr(value, "__dataclass_fields__") or wire._is_pydantic(value)):
            continue  # data (a BacklogItem, a Document): sent by value
        if numpy is not None and isinstance(value, (numpy.ndarray, numpy.generic)):
            continue
        found[id(value)] = (name, value)
    return found


def judge(cells: list[dict], student_names: list[str], client: Client, cell_timeout: float) -> dict[str, list]:
    """Run the instructor's cells in order: read-only cells as set-up, test cells recorded; returns the outputs
    of each test cell by grade id."""
    namespace = {"__name__": MODULE, "__builtins__": builtins}
    client.namespace = namespace
    for name in student_names:
        namespace[name] = KernelProxy(client, {"name": name}, name)
    results: dict[str, list] = {}

    def on_alarm(signum, frame):
        raise CellTimedOut()

    signal.signal(signal.SIGALRM, on_alarm)
    for cell in cells:
        name = f"<cell {cell['grade_id']}>"
        print(f"judge: {cell['kind']} cell {cell['grade_id']}", file=sys.__stderr__, flush=True)  # the run's log
        out, err, error = io.StringIO(), io.StringIO(), None
        client.deadline = time.monotonic() + cell_timeout
        signal.setitimer(signal.ITIMER_REAL, cell_timeout + 1)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                exec(compile(cell["source"], name, "exec", dont_inherit=True), namespace)  # noqa: S102 -- as a kernel
        except BaseException as exc:  # noqa: BLE001 -- a failing test is an output, as in a kernel
            error = exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            client.deadline = None
        for student in student_names:  # a test cell that rebinds a participant's name must not keep it
            if not isinstance(namespace.get(student), KernelProxy):
                namespace[student] = KernelProxy(client, {"name": student}, student)
        if cell["kind"] == "setup":
            client.by_name.update(_kernel_has_its_own(namespace))
        if cell["kind"] == "test":
            marker = next((n for n, line in enumerate(cell["source"].splitlines(), 1) if "BEGIN HIDDEN TESTS" in line),
                          None)
            results[cell["grade_id"]] = cell_outputs(out.getvalue()[-20000:], err.getvalue()[-20000:], error, name,
                                                     marker)
    return results


def case_salt() -> int:
    """A fresh salt for one graded notebook's generated hidden cases (``shiplab_checks.case_rng``), so that cases
    shown in feedback cannot be collected over resubmissions; ``SHIPLAB_CASE_SALT`` pins it (0: the seeds as
    written, as the course's own checks run them)."""
    pinned = os.environ.get(CASE_SALT_ENV, "").strip()
    return int(pinned) if pinned.lstrip("-").isdigit() else secrets.randbits(62) + 1


def _salt_cases(salt: int) -> None:
    try:
        import shiplab_checks  # the instructor's copy, first on the path
    except ImportError:  # a course whose tests do without it: nothing to salt
        return
    if hasattr(shiplab_checks, "CASE_SALT"):
        shiplab_checks.CASE_SALT = salt
    print(f"judge: case salt {salt}", file=sys.__stderr__, flush=True)  # the run's log: a grade can be reproduced


def run(spec: dict, job: dict, conn, result) -> None:
    """The fork server's target: the sandbox's set-up as the judge's account, then :func:`judge`; sends
    ``{"cells": {grade_id: outputs}}`` (or ``{"error": …}``) to the worker, and tells the kernel it is done."""
    from shiplab.grading import confine

    os.setsid()
    try:
        confine.enter_sandbox(spec)
        faulthandler.enable(file=sys.__stderr__)
        sys.path[:0] = [spec["workdir"]]  # the instructor's shiplab_checks.py
        _salt_cases(int(job.get("case_salt") or 0))
        client = Client(conn, ready_by=time.monotonic() + float(job["ready_within"]))
        cells = judge(job["cells"], job["names"], client, float(job["cell_timeout"]))
        answer = {"cells": cells}
    except BaseException as exc:  # noqa: BLE001 -- reported to the worker, which fails every test with it
        answer = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    with contextlib.suppress(OSError, ValueError):
        conn.send_bytes(wire.dumps({"op": "done"}))
    conn.close()
    result.send_bytes(json.dumps(answer).encode())
    result.close()
    os._exit(0)
