"""Which names of a solution cell the judge asks the participant's kernel for, and which values it computes itself
(:func:`shiplab.grading.judgejob.solution_names`): a value the lab gives stays the lab's, a value computed from the
participant's answer is theirs."""

from __future__ import annotations

from shiplab.grading.judgejob import solution_names

CELL = '''
CLASSES = ["public", "internal"]
### BEGIN SOLUTION
def route(item):
    return "rules"
rows = [route(x) for x in range(3)]
### END SOLUTION
MY_CASE_ROWS = record_part(LAB_CASE, rows)
LIMIT = len(CLASSES)
'''


def test_a_value_computed_from_the_answer_is_the_kernels_and_a_given_constant_the_judges():
    """lab 6's ``MY_CASE_ROWS = record_part(LAB6_CASE, rows)`` below the markers was run by the judge, in its own
    folder, without the participant's record: their 'my case' scored 0. Is it theirs now, while ``CLASSES`` and a
    value computed from it stay given?"""
    theirs, given, bound = solution_names(CELL)
    assert theirs == ["route", "rows", "MY_CASE_ROWS"]
    assert given.splitlines() == ['CLASSES = ["public", "internal"]', "LIMIT = len(CLASSES)"]
    assert bound == ["CLASSES", "LIMIT"]


def test_a_cell_that_does_not_parse_gives_nothing():
    """Does a source cell that does not parse (an authoring slip) give the judge no names rather than raise?"""
    assert solution_names("def broken(:\n") == ([], "", [])


BLOCK = '''
rows = []
if ready:
    ### BEGIN SOLUTION
    gate = calibrate(ready)
    rows = [gate(q) for q in ready]
    ### END SOLUTION
MY_CASE_ROWS = record_part(LAB_CASE, rows)
'''


def test_names_bound_in_a_block_around_the_markers_are_the_answers():
    """lab 5's part 7 answers inside ``if my_retriever is not None:`` after a default ``rows = []``: are ``gate``,
    ``rows`` and the record the kernel's, and nothing given to the judge?"""
    theirs, given, bound = solution_names(BLOCK)
    assert theirs == ["rows", "gate", "MY_CASE_ROWS"]
    assert (given, bound) == ("", [])
