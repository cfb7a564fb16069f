"""Judge-side objects (``shiplab_checks.judge_side``) over a real pipe between two processes: what the participant's
code can do with a test double the judge keeps (call it, read its attributes, hand it their own functions), and
what it cannot (read its code, closure, defaults or constants)."""

from __future__ import annotations

import sys
import time

from test_judge import errors, run_tests

PARTICIPANT = '''
import gc
import inspect

def use(fn, *args, **kwargs):
    return fn(*args, **kwargs)

def read(obj, name):
    return getattr(obj, name)

def method(obj, name, *args):
    return getattr(obj, name)(*args)

def items(obj):
    return {"len": len(obj), "list": list(obj), "first": obj[0], "has 2": 2 in obj, "truth": bool(obj)}

def handed(make):
    client = make(lambda q: q.upper())
    return client.ask(" hi ")

def catching(fn):
    try:
        fn()
    except ValueError as exc:
        return "caught: " + str(exc)

def sniff(obj):
    found = []
    for name in ("__closure__", "__code__", "__defaults__", "__kwdefaults__", "__wrapped__", "__globals__",
                 "__dict__", "__func__", "__self__"):
        try:
            found.append(repr(getattr(obj, name)))
        except Exception:
            pass
    try:
        found.append(repr(vars(obj)))
    except TypeError:
        pass
    needle = "".join(["SEC", "RET-"])  # in no constant of this source
    found += [repr(o)[:300] for o in gc.get_objects() if isinstance(o, (tuple, list, dict)) and o is not found
              and needle in repr(o)][:5]
    return " | ".join(found)

def signature(fn):
    return [(p.name, p.default is inspect.Parameter.empty) for p in inspect.signature(fn).parameters.values()]

def through_langchain(fn):
    from langchain_core.runnables import RunnableLambda
    return RunnableLambda(fn).invoke("x")

def chain(llm, retriever, question):
    from langchain_core.documents import Document  # noqa: F401 -- as in a lab's kernel: what comes back is rebuilt
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    prompt = ChatPromptTemplate.from_messages([("human", "{context} | {question}")])
    context = " ".join(doc.page_content for doc in retriever.invoke(question))
    return (prompt | llm | StrOutputParser()).invoke({"context": context, "question": question})

def forever(x):
    while True:
        pass

def ask_forever(fn):
    while True:
        fn(1)
'''
NAMES = ["use", "read", "method", "items", "handed", "catching", "sniff", "signature", "through_langchain",
         "chain", "forever", "ask_forever"]


# The secret is spelled at run time, never as a literal of this module: the test kernel is forked from pytest, so
# any constant of this file is in its memory, and the sniffing below would find the tests' own code, not a leak.
SECRET = "".join(["SEC", "RET-"])


def secret(source: str) -> str:
    return source.replace("S3CRET-", SECRET)


def run_secret(tests: dict[str, str], *args):
    return run_tests({k: secret(v) for k, v in tests.items()}, *args)


def judged(tests: dict[str, str], cell_timeout: float = 10.0) -> dict[str, list[str]]:
    return {k: errors(v) for k, v in run_secret(tests, PARTICIPANT, cell_timeout, NAMES).items()}


def test_a_judge_side_function_is_called_in_the_judge():
    """Does the participant's call of a judge-side function return its value, computed from the test's closure?"""
    assert judged({"call": """
        def make(secret):
            def fn(x, times=2):
                return f"{secret}:{x * times}"
            return judge_side(fn)
        check_equal(use(make("S3CRET-1"), 3), "S3CRET-1:6")
        check_equal(use(make("S3CRET-1"), 3, times=1), "S3CRET-1:3")
    """}) == {"call": []}


def test_attributes_methods_and_items_of_a_judge_side_object():
    """Can the participant read a public attribute, call a method, and use len, iteration, items, ``in`` and truth
    of a judge-side object, and does a method's result that is not data come back as one more proxy?"""
    assert judged({"attrs": """
        class Box:
            def __init__(self):
                self.value = 21
            def doubled(self):
                return self.value * 2
            def child(self):
                return Box()
        box = judge_side(Box())
        check_equal((read(box, "value"), method(box, "doubled")), (21, 42))
        check_equal(read(method(box, "child"), "value"), 21)
        check_equal(items(judge_side([1, 2, 3])), {"len": 3, "list": [1, 2, 3], "first": 1, "has 2": True,
                                                   "truth": True})
    """}) == {"attrs": []}


def test_a_judge_side_object_can_call_the_participants_functions():
    """Does a judge-side factory handed the participant's own function call it back (a nested question the kernel
    answers while it waits for the judge)?"""
    assert judged({"nested": """
        def make(answer_fn):
            class Client:
                def ask(self, q):
                    return {"asked": answer_fn(q.strip())}
            return Client()
        check_equal(handed(judge_side(make)), {"asked": "HI"})
    """}) == {"nested": []}


def test_an_exception_raised_judge_side_arrives_as_an_exception():
    """Is a ValueError a judge-side function raises caught by the participant's ``except ValueError``, with its
    message; and does one they do not catch fail the test with its class?"""
    out = judged({"caught": """
        def boom():
            raise ValueError("not today")
        check_equal(catching(judge_side(boom)), "caught: not today")
    """, "uncaught": """
        def boom():
            raise KeyError("gone")
        use(judge_side(boom))
    """})
    assert out["caught"] == []
    assert len(out["uncaught"]) == 1 and out["uncaught"][0].startswith("KeyError")


def test_the_participant_cannot_read_a_judge_side_functions_code_or_closure():
    """Does the participant's code find nothing of a judge-side function's closure, defaults, constants or code
    (no dunder attribute, no ``vars``, no object in its process holding the secret), and no signature default?"""
    out = run_secret({"sniff": """
        def make(bug):
            def fn(x, mode="S3CRET-DEFAULT"):
                return bug == "S3CRET-BUG" and "S3CRET-CONSTANT"
            return judge_side(fn)
        print(sniff(make("S3CRET-BUG")))
        check_equal(signature(make("S3CRET-BUG")), [("x", True), ("mode", False)])
    """}, PARTICIPANT, 10.0, NAMES, "spawn")["sniff"]  # a fork would hold pytest's memory, these sources included
    assert errors(out) == []
    assert SECRET not in out[0]["text"], out[0]["text"][:3000]


def test_langchain_wraps_a_judge_side_function():
    """Does langchain's RunnableLambda (which reads the function's signature) run a judge-side function?"""
    assert judged({"lc": "check_equal(through_langchain(judge_side(lambda text: text * 2)), 'xx')"}) == {"lc": []}


def test_a_judge_side_chat_model_and_retriever_in_a_langchain_chain():
    """Does the participant's ``prompt | llm | StrOutputParser()`` run on a judge-side FakeListChatModel (its reply
    an AIMessage by value), and ``retriever.invoke`` on a judge-side retriever give Documents?"""
    assert judged({"lc": """
        from langchain_core.documents import Document
        from langchain_core.language_models.fake_chat_models import FakeListChatModel
        from langchain_core.runnables import RunnableLambda
        seen = []
        def model(prompt_value):
            seen.append(prompt_value.to_string())
            return "EUR 225 [p]"
        retriever = judge_side(RunnableLambda(lambda q: [Document(page_content="excess 225", metadata={"doc_id": "p"})]))
        check_equal(chain(judge_side(FakeListChatModel(responses=["S3CRET-REPLY"])), retriever, "q"), "S3CRET-REPLY")
        check_equal(chain(judge_side(RunnableLambda(model)), retriever, "excess?"), "EUR 225 [p]")
        check_equal(seen, ["Human: excess 225 | excess?"])
    """}) == {"lc": []}


def test_time_limits_hold_through_a_judge_side_object():
    """Does a judge-side object that calls a participant's function that never returns, and a participant's loop
    asking a judge-side function for ever, end at the cell's time limit?"""
    started = time.monotonic()
    out = run_tests({"callback": "use(judge_side(lambda fn: fn(1)), forever)",
                     "asking": "ask_forever(judge_side(lambda x: x))"}, PARTICIPANT, 2, NAMES)
    for cell in ("callback", "asking"):
        assert [o["ename"] for o in out[cell] if o["output_type"] == "error"] == ["CellTimeoutError"], out[cell]
    assert time.monotonic() - started < 30


def test_the_judge_refuses_what_a_hostile_kernel_asks_for_directly():
    """Does the judge, asked straight over the pipe (a kernel's own message, not through the proxy), refuse a
    judge-side object's dunder attributes, a generator's frame, and sending a frame or module at all?"""
    from shiplab.grading import judgeside, wire

    exports = judgeside.Exports()

    def make(bug=secret("S3CRET-BUG")):
        def fn():
            yield bug
        return fn

    number = exports.ref(make)["judge"]
    gen = exports.ref(make()())["judge"]
    asked = [{"do": "getattr", "target": number, "attr": "__defaults__"},
             {"do": "getattr", "target": number, "attr": "__closure__"},
             {"do": "getattr", "target": gen, "attr": "gi_frame"},
             {"do": "call", "target": exports.ref(sys._getframe)["judge"], "args": [], "kwargs": {"~d": {}}},
             {"do": "getattr", "target": gen, "attr": "gi_code"},
             {"do": "getattr", "target": 999, "attr": "x"}]
    replies = [exports.answer({"op": "judge", "id": i, **q}, lambda info: None) for i, q in enumerate(asked)]
    assert all("raise" in r and "value" not in r for r in replies), replies
    assert SECRET not in wire.dumps({"r": replies}).decode()
    assert [wire.decode_exception(r["raise"]).__class__.__mro__[1].__name__ for r in replies] == [
        "AttributeError", "AttributeError", "AttributeError", "TypeError", "AttributeError", "WireError"]
