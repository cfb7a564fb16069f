"""The kernel's side of judging: answer the judge's questions about the participant's functions, with values.

After the graded notebook has run (its test cells without their hidden part), the sandbox runs one more cell,
``serve()``, which answers :mod:`shiplab.grading.judge` over a pipe the kernel process was given when it was forked
(:data:`shiplab.grading.kernel.JUDGE`) until the judge says it is done. Each question names a function or an
object the kernel holds; the answer is what :mod:`shiplab.grading.wire` makes of the result: plain data, an
exception by name and message, or a handle for anything else.

Nothing here is trusted: this module runs in the participant's process, which can change any of it. It only has to
be *right* for an honest notebook; a dishonest kernel can answer what it likes, and the judge still decides every
test on what it receives (a wrong value fails, however it was produced).
"""

from __future__ import annotations

import asyncio
import inspect
import io
import itertools
import json
import logging
import pickle
import signal
import threading
import time

from shiplab.grading import wire

MAX_MESSAGE = 64 << 20
MAX_HANDLES = 100_000


class CallTimedOut(BaseException):
    """The judge's time for this call ran out (a loop that never ends)."""


PLAIN = "return plain data: str, list, dict, numbers, bool, None"


def _type_name(obj) -> str:
    cls = type(obj)
    return f"{getattr(cls, '__module__', '') or ''}.{getattr(cls, '__qualname__', cls.__name__)}".lstrip(".")[:200]


class _ReadingTimedOut(Exception):
    """The call returned, but turning what it returned into data ran past the judge's time."""


class _Relay(logging.Handler):
    """Keeps what the participant's code logs on a logger the judge passed, to send back with the answer."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[dict] = []

    def emit(self, record):
        standard = set(vars(logging.makeLogRecord({})))
        extra = {}
        for key, value in vars(record).items():
            if key not in standard and not key.startswith("_"):
                try:
                    extra[key] = wire.encode(value)
                except wire.WireError:
                    extra[key] = repr(value)[:500]
        try:
            message = record.getMessage()
        except Exception as exc:  # noqa: BLE001 -- a bad format string is the participant's, reported as such
            message = f"{record.msg!r} (could not be formatted: {exc})"
        self.records.append({"name": record.name, "levelno": record.levelno, "msg": message[:20000],
                             "exc": wire.encode_exception(record.exc_info[1]) if record.exc_info and
                             record.exc_info[1] is not None else None, "extra": extra})


class _Hidden:
    def __repr__(self):
        return "<not shown>"


HIDDEN = _Hidden()  # a judge-side function's defaults stay in the judge: its signature shows this instead


class JudgeProxy:
    """An object a test keeps in the judge (:mod:`shiplab.grading.judgeside`): each operation on it asks the judge,
    while the kernel serves the judge's call. It holds a number, nothing of the object's code or data."""

    __slots__ = ("_info", "_number", "_side")

    def __init__(self, side: Kernel, number: int, info: dict):
        object.__setattr__(self, "_side", side)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_info", info)

    def _ask(self, do: str, *args, **fields):
        return self._side.ask_judge(self._number, do, args, **fields)

    def __call__(self, *args, **kwargs):
        return self._side.ask_judge(self._number, "call", args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(f"{name!r} of a test's object is not for the participant's code")
        return self._ask("getattr", attr=name)

    def __setattr__(self, name, value):
        raise AttributeError("a test's object is read-only")

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __contains__(self, item):
        return bool(self._ask("contains", item))

    def __iter__(self):
        return iter(self._ask("iter"))

    def __len__(self):
        return self._ask("len")

    def __bool__(self):
        return bool(self._ask("bool"))

    def __enter__(self):
        return self._ask("enter")

    def __exit__(self, *exc_info):
        self._ask("exit")
        return False

    def __repr__(self):
        return f"<{self._info.get('type', 'object')} of the tests>"

    @property
    def __signature__(self):
        spec = self._info.get("signature")
        if not isinstance(spec, list):
            return None
        try:
            return inspect.Signature([inspect.Parameter(str(name), inspect._ParameterKind(kind),
                                                        default=HIDDEN if default else inspect.Parameter.empty)
                                      for name, kind, default in spec])
        except (TypeError, ValueError):
            return None


class _Loader(pickle.Unpickler):
    def __init__(self, raw: bytes, side: Kernel):
        super().__init__(io.BytesIO(raw))
        self.side = side

    def persistent_load(self, pid):
        kind = pid[0]
        if kind == "k":
            return self.side.resolve({pid[1]: pid[2]})
        if kind == "t":
            return self.side.kept[pid[1]]
        if kind == "log":
            return self.side.logger(pid[1], pid[2], pid[3])
        if kind == "j":
            return self.side.judge_proxy(pid[1])
        raise pickle.UnpicklingError(f"unknown reference {kind!r}")


class Kernel:
    """Answers one judge: the names of the notebook, the objects it was asked about, the judge's objects it holds."""

    def __init__(self, conn, namespace: dict):
        self.conn, self.ns = conn, namespace
        self.handles: dict[int, object] = {}
        self.kept: dict[int, object] = {}  # judge objects (its helpers' instances) kept here between calls
        self.once: dict[int, object] = {}  # containers passed to one call, reported back after it
        self.sent_state: dict[int, str] = {}
        self.relays: dict[int, _Relay] = {}
        self._loggers: dict[int, logging.Logger] = {}
        self.proxies: dict[int, JudgeProxy] = {}  # the tests' objects the judge keeps, by number
        self.asked = 0

    # --- references
    def resolve(self, ref: dict):
        if "name" in ref:
            name = ref["name"]
            if name not in self.ns:
                raise NameError(f"name {name!r} is not defined: run the cell that defines it (and keep its name)")
            return self.ns[name]
        return self.handles[int(ref["handle"])]

    def handle_of(self, obj) -> dict:
        if isinstance(obj, JudgeProxy):  # the judge's own object, given back
            return {"~h": {"judge": obj._number}}
        if len(self.handles) >= MAX_HANDLES:
            raise wire.WireError("too many objects held for the judge")
        key = len(self.handles) + 1
        self.handles[key] = obj
        info = {"id": key, "type": ".".join(type(obj).__module__.split(".")[:1] + [type(obj).__qualname__]),
                "callable": callable(obj), "asgi": _is_asgi_app(obj)}
        try:
            info["repr"] = repr(obj)[:300]
        except Exception:  # noqa: BLE001
            info["repr"] = f"<{type(obj).__name__}>"
        return {"~h": info}

    def logger(self, oid: int, name: str, level: int) -> logging.Logger:
        if oid not in self._loggers:
            relay = self.relays[oid] = _Relay()
            log = logging.Logger(name, level)  # noqa: LOG001 -- the judge's, not registered in this process
            log.propagate = False
            log.addHandler(relay)
            self._loggers[oid] = log
        return self._loggers[oid]

    # --- the judge's objects
    def judge_proxy(self, info: dict) -> JudgeProxy:
        number = int(info["judge"])
        if number not in self.proxies:
            self.proxies[number] = JudgeProxy(self, number, info)
        return self.proxies[number]

    def _from_judge(self, info: dict):
        if "judge" in info:
            return self.judge_proxy(info)
        if type(info.get("kernel")) is dict:
            return self.resolve(info["kernel"])
        raise wire.WireError("a bad reference from the judge")

    def ask_judge(self, number: int, do: str, args: tuple = (), kwargs: dict | None = None, **fields):
        """Have the judge do ``do`` on its object ``number``; the judge's questions meanwhile (its object calling
        one of the participant's functions) are answered as they come."""
        self.asked += 1
        asked = self.asked
        message = {"op": "judge", "id": asked, "target": number, "do": do, **fields}
        if args or kwargs:
            message["args"] = wire.encode(list(args), self.handle_of)
            message["kwargs"] = wire.encode(dict(kwargs or {}), self.handle_of)
        self.conn.send_bytes(wire.dumps(message))
        while True:
            incoming = wire.receive(self.conn, MAX_MESSAGE)
            if incoming.get("op") == "judged" and incoming.get("id") == asked:
                break
            if incoming.get("op") == "done":
                raise EOFError("the judge is done")
            if incoming.get("op") != "judged":
                self.reply_to(incoming)
        if incoming.get("raise") is not None:
            raise wire.decode_exception(incoming["raise"])
        return wire.decode(incoming.get("value"), self._from_judge)

    # --- one question
    def reply_to(self, message: dict) -> None:
        """Answer ``message`` and send the answer; a call's time limit that was running (this question came while
        the participant's code waited for the judge) runs on afterwards."""
        outer = signal.getitimer(signal.ITIMER_REAL)[0]
        started = time.monotonic()
        reply = self.answer(message)
        try:
            self.conn.send_bytes(wire.dumps(reply))
        except (ValueError, TypeError) as exc:  # an answer JSON cannot carry
            self.conn.send_bytes(wire.dumps({"op": "reply", "id": message.get("id"),
                                             "raise": {"mro": [["builtins", "TypeError"]],
                                                       "message": f"the result could not be sent: {exc}"}}))
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))

    def answer(self, message: dict) -> dict:
        reply = {"op": "reply", "id": message.get("id")}
        try:
            reply["value"] = self._value(message)
        except CallTimedOut:
            reply["raise"] = {"mro": [["shiplab.grading.remote", "CallTimedOut"]],
                              "message": "the call ran past the time limit and was stopped"}
        except _ReadingTimedOut as exc:  # the function returned: the time went on reading its value
            reply["raise"] = {"mro": [["shiplab.grading.remote", "ResultTimedOut"]], "message": str(exc)}
        except BaseException as exc:  # noqa: BLE001 -- every failure of the participant's code is an answer
            reply["raise"] = wire.encode_exception(exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        reply["state"] = self._changed_state()
        reply["logs"] = {str(k): r.records for k, r in self.relays.items() if r.records}
        for relay in self.relays.values():
            relay.records = []
        self.once.clear()
        return reply

    def _value(self, message: dict):
        op = message.get("op")
        target = self.resolve(message["target"])
        if op == "getattr":
            return wire.encode(getattr(target, str(message["attr"])), self.handle_of)
        if op == "isinstance":
            return isinstance(target, self.resolve(message["other"]))
        if op in ("len", "bool", "repr"):
            value = {"len": len, "bool": bool, "repr": lambda o: repr(o)[:20000]}[op](target)
            return wire.encode(value)
        if op == "iter":
            return wire.encode(list(itertools.islice(iter(target), 100_000)), self.handle_of)
        args, kwargs = self._unpack(message)
        timeout = float(message.get("timeout") or 0)
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        if op == "call":
            result = target(*args, **kwargs)
        elif op == "getitem":
            result = target[args[0]]
        elif op == "asgi":
            return wire.encode(_run_asgi(target, *args), self.handle_of)
        else:
            raise ValueError(f"unknown question {op!r}")
        return self._returned(result, "your function" if op == "call" else "the item asked for")

    def _returned(self, result, what: str):
        """What a call returned, as data; when reading it fails (a value whose ``__iter__``, ``keys``, ``__repr__``
        or a field raises or never ends), an error that says so — not a timeout "in the function"."""
        try:
            return wire.encode(result, self.handle_of)
        except CallTimedOut:
            raise _ReadingTimedOut(f"{what} returned a {_type_name(result)} object, and reading it as data ran past "
                                   f"the time limit (its own code kept running: __repr__, __iter__, a property…); "
                                   f"{PLAIN}") from None
        except Exception as exc:  # noqa: BLE001 -- any failure of the participant's object's own code
            raise wire.UnreadableResult(
                f"{what} returned a {_type_name(result)} object that could not be read as data "
                f"({type(exc).__name__} while reading it); {PLAIN}") from None

    def _unpack(self, message: dict):
        raw = bytes.fromhex(message.get("payload", ""))
        loader = _Loader(raw, self)
        args, kwargs = loader.load()
        kept, once, updates = loader.load(), loader.load(), loader.load()
        for oid, obj in kept:
            self.kept[oid] = obj
            self.sent_state[oid] = _state_text(obj)
        for oid, kind, value in updates:
            obj = self.kept[oid]
            if kind == "attrs":
                vars(obj).update(value)
            elif isinstance(obj, list):
                obj[:] = value
            else:
                obj.clear()
                obj.update(value)
            self.sent_state[oid] = _state_text(obj)
        for oid, obj in once:
            self.once[oid] = obj
            self.sent_state[oid] = _state_text(obj)
        return args, kwargs

    def _changed_state(self) -> dict:
        changed = {}
        for oid, obj in itertools.chain(self.kept.items(), self.once.items()):
            text = _state_text(obj)
            if text != self.sent_state.get(oid):
                self.sent_state[oid] = text
                changed[str(oid)] = json.loads(text)
        for oid in self.once:
            self.sent_state.pop(oid, None)
        return changed


def _state_text(obj) -> str:
    """What the judge can see of ``obj`` after a call: the object itself when it is data, else its data attributes."""
    if type(obj) in (list, dict, set):
        try:
            return json.dumps({"~value": wire.encode(obj)}, sort_keys=True)
        except wire.WireError:
            return "{}"
    try:
        return json.dumps(wire.encode(obj), sort_keys=True)
    except wire.WireError:
        pass
    attrs = {}
    for key, value in getattr(obj, "__dict__", {}).items():
        try:
            attrs[key] = wire.encode(value)
        except wire.WireError:
            continue
    return json.dumps({"~attrs": attrs}, sort_keys=True)


def _is_asgi_app(obj) -> bool:
    return callable(obj) and any(c.__module__.split(".")[0] in ("starlette", "fastapi") for c in type(obj).__mro__)


def _run_asgi(app, scope: dict, body: bytes) -> dict:
    """One HTTP request through an ASGI app, in an event loop of its own: the messages the app sent, and how it
    ended (the judge replays them to its test client)."""
    sent, outcome = [], {}

    async def receive():
        if not outcome.get("received"):
            outcome["received"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the app waits for a disconnect that never comes: the request is done

    async def send(message):
        sent.append(dict(message))

    def main():
        try:
            asyncio.run(app(scope, receive, send))
        except BaseException as exc:  # noqa: BLE001 -- the app's own error, raised again on the judge's side
            outcome["raise"] = exc

    worker = threading.Thread(target=main, daemon=True)
    worker.start()
    worker.join()
    answer = {"messages": sent}
    if "raise" in outcome:
        answer["raise"] = wire.encode_exception(outcome["raise"])
    return answer


def _on_alarm(signum, frame):
    raise CallTimedOut()


def serve(namespace: dict | None = None) -> None:
    """Answer the judge until it is done (the last cell the sandbox runs). Without a judge, do nothing."""
    from shiplab.grading import kernel

    conn = kernel.JUDGE.get("conn")
    if conn is None:
        return
    if namespace is None:
        import __main__

        namespace = vars(__main__)
    side = Kernel(conn, namespace)
    signal.signal(signal.SIGALRM, _on_alarm)
    conn.send_bytes(wire.dumps({"op": "ready"}))
    while True:
        try:
            message = wire.loads(conn.recv_bytes(MAX_MESSAGE))
        except (EOFError, OSError, wire.WireError):
            return
        if message.get("op") == "done":
            return
        if message.get("op") == "judged":  # a late answer to a question whose call has timed out
            continue
        try:
            side.reply_to(message)
        except OSError:
            return
