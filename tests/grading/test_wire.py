"""What the judge accepts from a graded kernel: plain values back as they were, nothing that runs code."""

from __future__ import annotations

import collections
import datetime as dt
import json
import math

import numpy as np
import pytest
from langchain_core.documents import Document

from shiplab.data import BacklogItem
from shiplab.grading import wire


def roundtrip(value):
    return wire.decode(json.loads(wire.dumps({"v": wire.encode(value)}))["v"])


@pytest.mark.parametrize("value", [
    None, True, 3, -0.5, "text", [1, [2, 3]], (1, "a"), {"a": 1}, {1: "one", (2, 3): "pair"}, {1, 2}, frozenset("ab"),
    b"\x00\xff", dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc), dt.date(2024, 3, 1), dt.timedelta(days=1.5),
    float("inf"), [], {},
])
def test_plain_values_come_back_equal_and_of_the_same_type(value):
    """Does every plain value come back equal, and of exactly its own type?"""
    back = roundtrip(value)
    assert back == value and type(back) is type(value)


def test_nan_numpy_and_course_classes_come_back():
    """Are NaN, numpy arrays and scalars, a BacklogItem and a langchain Document rebuilt?"""
    assert math.isnan(roundtrip(float("nan")))
    array = roundtrip(np.array([[1.5, 2.0], [3.0, 4.25]]))
    assert isinstance(array, np.ndarray) and array.shape == (2, 2) and array[1, 1] == 4.25
    assert type(roundtrip(np.float32(0.5))) is np.float32
    item = BacklogItem(key="A-1", summary="s", description="d", labels=["x"],
                       created=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    assert roundtrip(item) == item
    doc = Document(page_content="p", metadata={"doc_id": "d"})
    assert roundtrip(doc) == doc


def test_subclasses_of_builtins_arrive_as_the_builtin():
    """Does a Counter arrive as a dict, and a str whose ``__eq__`` says yes to everything as a plain str — so the
    participant's comparison never decides a test?"""
    class Yes(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    assert type(roundtrip(collections.Counter("aab"))) is dict
    back = roundtrip(Yes("no"))
    assert type(back) is str and back != "anything"


def test_other_objects_are_handles_or_refused():
    """Is an object of the participant's own class never rebuilt — a handle where one may be, refused elsewhere?"""
    class Everything:
        def __eq__(self, other):
            return True

    with pytest.raises(wire.WireError):
        wire.encode(Everything())
    assert wire.encode(Everything(), on_unknown=lambda obj: {"~h": {"id": 1}}) == {"~h": {"id": 1}}
    with pytest.raises(wire.WireError):
        wire.decode({"~h": {"id": 1}})


@pytest.mark.parametrize("forged", [
    {"~dc": ["os", "stat_result"], "f": {}},
    {"~dc": ["subprocess", "Popen"], "f": {}},
    {"~pm": ["shiplab.data.model", "_private"], "f": {}},
    {"~dc": ["shiplab.data", "__class__"], "f": {}},
    {"~nd": "O", "shape": [1], "v": [1]},
    {"~zz": 1},
    {"~f": "1e999999"},
    {"~td": ["1", 0, 0]},
    {"~b": "not base64!"},
])
def test_forged_answers_are_refused(forged):
    """Are classes outside the course's libraries, private names, object arrays and unknown tags refused?"""
    with pytest.raises(wire.WireError):
        wire.decode(forged)


def test_deep_and_huge_answers_are_refused():
    """Is an answer nested 10,000 deep, or one holding more values than allowed, refused with a WireError?"""
    deep = "[" * 10_000 + "]" * 10_000
    with pytest.raises(wire.WireError):
        wire.loads(("{\"v\": " + deep + "}").encode())
    nested = []
    for _ in range(wire.MAX_DEPTH + 5):
        nested = [nested]
    with pytest.raises(wire.WireError):
        wire.decode(nested)
    with pytest.raises(wire.WireError):
        wire.decode([0] * (wire.MAX_ITEMS + 1))


def test_an_exception_keeps_its_name_base_and_message():
    """Does the participant's ValueError subclass arrive as something ``except ValueError`` catches, named as theirs,
    with their message — and a KeyboardInterrupt as an ordinary exception that cannot stop the judge?"""
    class PriorityError(ValueError):
        pass

    exc = wire.decode_exception(json.loads(json.dumps(wire.encode_exception(PriorityError("unknown 'soonish'")))))
    assert isinstance(exc, ValueError) and type(exc).__name__ == "PriorityError"
    assert str(exc) == "unknown 'soonish'"
    stop = wire.decode_exception(wire.encode_exception(KeyboardInterrupt()))
    assert isinstance(stop, Exception) and isinstance(stop, wire.RemoteCrash)
    forged = wire.decode_exception({"mro": [["subprocess", "Popen"], ["builtins", "object"]], "message": "x"})
    assert type(forged).__mro__[1] is Exception


def test_key_order_does_not_matter():
    """Is a tagged value rebuilt whatever order its keys come in (the kernel sends its state with sorted keys)?"""
    doc = Document(page_content="p", metadata={"doc_id": "d"})
    sorted_json = json.dumps(wire.encode(doc), sort_keys=True)
    assert next(iter(json.loads(sorted_json))) == "f"
    assert wire.decode(json.loads(sorted_json)) == doc
