"""The hidden tests' own test doubles never reach the participant's kernel (attack-30, G1 and G2): lab 6's
``check_service(make_client)`` is graded on broken services, each carrying the name of its bug; sent by value, that
name sat in ``make_client``'s closure, and a suite with no contract tests at all read it there and got 3 of 3
points. Graded through the real worker (sandbox, kernel, judge): a suite that looks for the bug's name in anything
it can reach from what it is given (closure, code constants, defaults, ``__wrapped__``, ``__globals__``, the
objects the garbage collector finds behind it) scores 0 on that exercise, and the real solution still full marks.
It failed on the code before the broken services were kept in the judge (``shiplab_checks.judge_side``).

Kept in the judge, the broken services became recognisable instead (attack-40, F1): the participant's own service
came as a plain function, every test service as a stand-in, and the hidden part gave only broken ones after the
visible correct one. A suite that passed the first stand-in and failed every later one got 3 of 3. Now the hidden
part mixes correct services among the broken ones in an order drawn for each submission, each worded its own way:
that suite, and one that fails on the visible services' wording, score 0."""

from __future__ import annotations

import os

import gradedlab
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the worker's sandbox runs kernels as "
                                                           "accounts of their own")]
LAB = "lab6-production"
SNIFFER = r'''
def check_service(make_client):
    # no contract tests: it raises when anything reachable from make_client names one of the bugs
    import gc
    bugs = {"health", "500", "leak", "same_id", "blank_ok", "no_citations", "no_header", "refused_as_false",
            "no_strip"}
    seen, todo = [], [(make_client, 0)]
    while todo:
        obj, depth = todo.pop()
        seen.append(obj)
        if depth >= 3 or isinstance(obj, (str, bytes, int, float, type(None))):
            continue
        parts = [getattr(obj, name, None) for name in ("__closure__", "__code__", "__defaults__", "__kwdefaults__",
                                                       "__wrapped__", "__func__", "__self__")]
        for cell in getattr(obj, "__closure__", None) or ():
            parts.append(getattr(cell, "cell_contents", None))
        code = getattr(obj, "__code__", None)
        parts += list(getattr(code, "co_consts", ()) or ())
        glob = getattr(obj, "__globals__", None)
        if isinstance(glob, dict):
            parts.append(glob.get("bug"))
        if not isinstance(obj, dict):
            parts += gc.get_referents(obj)
        todo += [(p, depth + 1) for p in parts if p is not None and not isinstance(p, type(gc))]
    found = {s for s in seen if isinstance(s, str) and s in bugs}
    if found:
        raise AssertionError("sniffed: " + ", ".join(sorted(found)))
'''
# passes the participant's own service (a plain function) and the first stand-in (the visible correct one), fails
# the rest
COUNTER = r'''
_SEEN = []
def check_service(make_client):
    import types
    if isinstance(make_client, types.FunctionType):
        return
    _SEEN.append(1)
    if len(_SEEN) > 1:
        raise AssertionError("broken")
'''
# tells the test doubles by the wording of the visible ones: a 422 saying exactly "bad question" is a broken service
WORDING = r'''
_SEEN = []
def check_service(make_client):
    _SEEN.append(1)
    if len(_SEEN) <= 2:
        return
    r = make_client(fake_answer).post("/ask", json={"question": "  "})
    if r.status_code == 200 or r.json()["error"]["message"] == "bad question":
        raise AssertionError("broken")
'''


def test_a_suite_that_reads_the_broken_services_closures_scores_nothing(tmp_path, monkeypatch):
    """Graded by the sandboxed worker, does a check_service that finds the bug's name in what make_client carries
    (instead of testing the service) get 0 for the exercise, while the reference suite still gets 3 of 3?"""
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "5")  # one order of the hidden services, the same on every run
    graded = gradedlab.grade(tmp_path, LAB, {
        "solved": lambda answers: answers,
        **{student: (lambda answers, suite=suite: {**answers, "check_service": suite})
           for student, suite in (("sniffer", SNIFFER), ("counter", COUNTER), ("wording", WORDING))}})
    cells = {student: got.cells for student, got in graded.items()}
    assert cells["solved"]["test_check_service"] == 3.0, cells["solved"]
    assert cells["sniffer"]["test_check_service"] == 0.0, cells["sniffer"]
    assert cells["counter"]["test_check_service"] == 0.0, cells["counter"]
    assert cells["wording"]["test_check_service"] == 0.0, cells["wording"]
    others = {k: v for k, v in cells["solved"].items() if k != "test_check_service"}
    assert {k: cells["sniffer"][k] for k in others} == others  # the rest of the notebook is graded as before


# lab 3 (attack-40, F2): llm_route was handed the hidden scripted model, tools and fallback by value; their code
# and closures (the script's replies and its check of the conversation) went out in the feedback
PROBER = r'''
_solved_route = llm_route


def llm_route(ticket, model, tools, teams, fallback, max_steps=3):
    import gc
    import types
    if isinstance(model, types.FunctionType):  # the visible tests' own scripts: pass them
        return _solved_route(ticket, model, tools, teams, fallback, max_steps)
    found, todo, steps = [], [model, fallback, *tools.values()], 0
    while todo and steps < 300:  # bounded: each look at a stand-in asks the judge
        steps += 1
        obj = todo.pop(0)
        for name in ("__closure__", "__code__", "__defaults__", "__wrapped__"):
            try:
                part = getattr(obj, name)
            except Exception:
                continue
            if part is not None:
                todo.append(part)
        for cell in (obj if isinstance(obj, tuple) else ()):
            todo.append(getattr(cell, "cell_contents", cell))
        code = obj if hasattr(obj, "co_consts") else None
        if code is not None:
            found += [repr(c) for c in code.co_consts]
        if isinstance(obj, (str, list, dict)):
            found.append(repr(obj)[:300])
        try:
            todo += [r for r in gc.get_referents(obj) if not isinstance(r, type(gc))][:20]
        except Exception:
            pass
    raise RuntimeError("EXFIL " + " | ".join(found)[:6000])
'''


def test_lab3_router_gets_stand_ins_of_the_hidden_model_and_tools(tmp_path, monkeypatch):
    """Graded by the sandboxed worker, does an llm_route that dumps what it can reach from the model, tools and
    fallback it is given find nothing of the hidden script in the feedback, while the real solution gets 3 of 3?"""
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "5")
    graded = gradedlab.grade(tmp_path, "lab3-triage", {
        "solved": lambda answers: answers,
        "prober": lambda answers: {**answers, "llm_route": answers["llm_route"] + PROBER}})
    solved, prober, feedback = graded["solved"].cells, graded["prober"].cells, graded["prober"].feedback
    assert solved["test_llm_route"] == 3.0, solved
    assert prober["test_llm_route"] == 0.0, prober
    assert "EXFIL" in feedback  # the probe ran and its message reached the feedback...
    for secret in ("the conversation was not as the exercise says", "read the last message", "Fallback:",
                   "'Billing': 12"):
        assert secret not in feedback  # ...with nothing of the hidden script, tools or fallback in it


# lab 5 (attack-40, F2): answer() was handed the hidden fake models and retrievers by value, replies and chunks of
# cases a correct chain never asks included; judge_agreement (graded later) raised them out in the feedback
RECORDER = r'''
_RECORD = []
_solved_answer = answer


def answer(question, retriever, llm, min_score):
    for double in (retriever, llm):
        for name in ("responses", "func", "_runnable"):
            try:
                found = getattr(double, name)
            except Exception:
                continue
            _RECORD.append(repr(found)[:300])
            for cell in getattr(found, "__closure__", None) or ():
                _RECORD.append(repr(cell.cell_contents)[:300])
    return _solved_answer(question, retriever, llm, min_score)
'''
RAISER = r'''

def judge_agreement(judge_labels, human_labels):
    seen = list(dict.fromkeys(_RECORD))  # feedback keeps about 4 kB: the first (visible) doubles, then the last
    raise RuntimeError("EXFIL " + " | ".join(seen)[:1000] + " ... " + " | ".join(seen)[-2500:])
'''


def test_lab5_answer_gets_stand_ins_of_the_hidden_models_and_retrievers(tmp_path, monkeypatch):
    """Graded by the sandboxed worker, does an answer() that records what the models and retrievers it is given
    hold, shown later in the feedback, show the visible tests' doubles but none of the hidden ones?"""
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "5")
    graded = gradedlab.grade(tmp_path, "lab5-rag", {
        "recorder": lambda answers: {**answers, "answer": answers["answer"] + RECORDER,
                                     "judge_agreement": answers["judge_agreement"] + RAISER}}, parallel=1)
    feedback = graded["recorder"].feedback
    exfil = feedback[feedback.index("EXFIL"):]
    assert "EUR 225" in exfil  # the visible tests' fake models were read...
    for hidden in ("[adr-999]", "[Household Basic]", "ab12cd34", "IGNORE ALL PREVIOUS", "on the claim form"):
        assert hidden not in feedback  # ...and nothing of the hidden ones
