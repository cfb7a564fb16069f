"""Does "apply to my case" (the required last part of labs 2-6) record the participant's own rows, tell done from
not done, refuse the sample company's data, and keep the grader's run on the participant's own record?"""

from __future__ import annotations

import errno
import json
import os

import pytest

from shiplab.course import mycase
from shiplab.course.mycase import MyCaseNotDone, check_part, fingerprint, load_part, part_status, record_part
from shiplab.data import load_sample_documents
from shiplab.data.api import datasets_dir


def _docs(n, start=0):
    return [{"document": f"claim-{i}.md", "fingerprint": fingerprint(f"our own claim text number {i}"),
             "fields": {"customer": f"C{i}", "product": "motor"}, "route": "rules"} for i in range(start, start + n)]


def _gold(n):
    return [{"id": f"Q{i + 1:03d}", "question": f"How long do we keep audit log {i}?", "answerable": True,
             "sources": [{"doc_id": f"ops-runbook-{i}", "passage": "kept for"}]} for i in range(n)]


def test_ten_own_documents_are_done_and_nine_are_not():
    """Is lab 2's part done with 10 distinct own documents, and not done with 9, saying how many are missing?"""
    assert check_part("lab2-documents", _docs(10)).startswith("my case done: 10")
    with pytest.raises(MyCaseNotDone, match="9 of 10"):
        check_part("lab2-documents", _docs(9))


def test_rows_without_the_required_fields_or_repeated_do_not_count():
    """Do rows without a route, or the same document ten times, leave the part not done?"""
    empty = _docs(10)
    for row in empty[:3]:
        row["route"] = " "
    done, message = part_status("lab2-documents", empty)
    assert not done and "7 of 10" in message and "lack" in message
    same = [dict(_docs(1)[0]) for _ in range(10)]
    done, message = part_status("lab2-documents", same)
    assert not done and "1 of 10" in message


def test_nothing_recorded_is_not_done():
    """Is no record at all (the untouched notebook: None) not done, with a sentence, never a crash?"""
    for rows in (None, "rows", {"document": "x"}, 42):
        done, message = part_status("lab4-retrieval", rows)
        assert done is False and message.startswith("my case not done"), rows


def test_the_sample_companys_documents_and_gold_questions_are_refused():
    """Are the sample company's documents (by their text's fingerprint) and lab 4's sample gold questions refused
    as the participant's own?"""
    sample = load_sample_documents()[:10]
    rows = [{"document": f"mine-{i}.md", "fingerprint": fingerprint(d.text), "route": "rules"}
            for i, d in enumerate(sample)]
    with pytest.raises(MyCaseNotDone, match="sample company"):
        check_part("lab2-documents", rows)
    sample_q = [json.loads(line) for line in
                (datasets_dir() / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:15]]
    with pytest.raises(MyCaseNotDone, match="sample company"):
        check_part("lab4-retrieval", [{"id": q["id"], "question": q["question"], "answerable": True,
                                       "sources": ["ours-1"]} for q in sample_q])
    on_sample_docs = [{"id": f"Q{i}", "question": f"Own question {i}?", "answerable": True,
                       "sources": [{"doc_id": "adr-010", "passage": "x"}]} for i in range(15)]
    with pytest.raises(MyCaseNotDone, match="sample company"):
        check_part("lab4-retrieval", on_sample_docs)
    assert check_part("lab4-retrieval", _gold(15)).startswith("my case done: 15")


def _duplicate_check(judged=10, precision=0.5, verdict="Suggest the top 3 only: flagging alone is too often wrong."):
    pairs = [{"pair": [f"OPS-{i}", f"OPS-{i + 100}"], "similarity": 0.9 - i / 50, "duplicate": i % 2 == 0,
              "flagged": i < 4} for i in range(judged)]
    return [{"backlog": "yours", "tickets": 180, "threshold": 0.8, "pairs_judged": judged, "flagged": 4,
             "precision": precision, "verdict": verdict, "pairs": pairs}]


def test_lab3_duplicate_check_needs_ten_judged_pairs_a_precision_and_a_sentence_of_their_own():
    """Is lab 3's part done with 10 pairs judged True/False, a precision and an own sentence, and not done (saying
    what is missing) with 9 pairs, a pair left None, no precision, or the template's sentence?"""
    assert check_part("lab3-triage", _duplicate_check()).startswith("my case done: 1 duplicate check")
    with pytest.raises(MyCaseNotDone, match="9 of 10 suggested pairs"):
        check_part("lab3-triage", _duplicate_check(judged=9))
    unjudged = _duplicate_check()
    unjudged[0]["pairs"][3]["duplicate"] = None
    with pytest.raises(MyCaseNotDone, match="9 of 10 suggested pairs"):
        check_part("lab3-triage", unjudged)
    with pytest.raises(MyCaseNotDone, match="no precision"):
        check_part("lab3-triage", _duplicate_check(precision=None))
    for verdict in ("<one sentence: is duplicate-flagging worth it for your team?>", "", "worth it"):
        with pytest.raises(MyCaseNotDone, match="MY_VERDICT"):
            check_part("lab3-triage", _duplicate_check(verdict=verdict))
    assert part_status("lab3-triage", [])[0] is False


def test_record_keeps_rows_in_the_lab_folder_and_home_privately(tmp_path):
    """Does record_part write my-case.json in the lab folder and ~/shiplab-case/<lab>.json (0600), which a later
    lab reads back with load_part?"""
    home, lab = tmp_path / "home", tmp_path / "home" / "lab4-retrieval"
    lab.mkdir(parents=True)
    rows = record_part("lab4-retrieval", _gold(15), folder=lab, home=home)
    assert len(rows) == 15
    data = json.loads((lab / "my-case.json").read_text(encoding="utf-8"))
    assert data["lab"] == "lab4-retrieval" and data["rows"] == rows
    assert os.stat(lab / "my-case.json").st_mode & 0o777 == 0o600
    assert os.stat(home / "shiplab-case" / "lab4-retrieval.json").st_mode & 0o777 == 0o600
    assert load_part("lab4-retrieval", home=home) == rows
    assert load_part("lab2-documents", home=home) is None


def test_a_run_without_data_returns_the_record_handed_in(tmp_path, capsys):
    """In the grader's run (no ~/documents, so no rows), is the record handed in returned unchanged, and nothing
    returned when there is none (so the untouched folder stays not done)?"""
    assert record_part("lab2-documents", [], folder=tmp_path, home=tmp_path) == []
    record_part("lab2-documents", _docs(10), folder=tmp_path, home=tmp_path)
    assert "my case done" in capsys.readouterr().out
    before = (tmp_path / "my-case.json").read_bytes()
    kept = record_part("lab2-documents", mycase.my_documents(10, home=tmp_path), folder=tmp_path, home=tmp_path)
    assert kept == json.loads(before)["rows"] and (tmp_path / "my-case.json").read_bytes() == before
    assert record_part("lab4-retrieval", [], folder=tmp_path, home=tmp_path) == []  # another lab's record: not it


def test_record_does_not_follow_a_planted_link(tmp_path):
    """Is a link planted at the temporary name refused rather than followed (no write through it)?"""
    target = tmp_path / "elsewhere"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / ".my-case.json.tmp").symlink_to(target)
    with pytest.raises(OSError) as refused:
        record_part("lab2-documents", _docs(10), folder=tmp_path, home=tmp_path)
    assert refused.value.errno == errno.ELOOP  # O_NOFOLLOW
    assert target.read_text(encoding="utf-8") == "keep"


def test_rows_are_bounded_plain_data():
    """Are recorded values plain and bounded (long text cut, objects as text), so a record stays small?"""
    row = mycase._plain({"document": "x" * 5000, "fields": {"when": object(), "n": 3}})
    assert len(row["document"]) == mycase.MAX_TEXT and isinstance(row["fields"]["when"], str)
    assert row["fields"]["n"] == 3
