"""The participant's own use case: picked in lab 1, carried through every later lab and into the ship plan.

Lab 1 ends with "pick your case": :func:`score_candidates` groups the participant's backlog (by component, else
by type) and weighs each group's **impact** (how many items, how long they take: the participant's own
``profile_backlog``) against its **complexity** (how much of it is restricted or confidential by their own
``classify_item``, and whether the course's provider may read it by their own ``decide``; how many items carry a
description a model could learn from). The participant writes their choice in a dict, and :func:`save_case`
checks it and keeps it in ``~/shiplab-case.json`` (0600): later labs read it with :func:`load_case`, the progress
board sees that the file exists, and lab 6's plan starts from it.

Nothing here grades: a choice is the participant's, and the checks are only that it is theirs (not the example's
words, a key of their backlog, a baseline with a method).

**Apply to my case** (labs 2-6 end with it, 10-15 minutes, required, checked for completion, not scored for
quality). A lab's part is a :class:`Part` (``PARTS[lab]``: at least ``minimum`` rows distinct by ``key``, each with
the ``required`` fields, none of them the sample company's). The notebook has three cells:

1. a solution cell (grade id ``my_case_work``) whose answer, between the solution markers, runs the
   participant's work on *their own* data and ends with ``MY_CASE_ROWS = record_part("<lab>", rows)``.
   :func:`record_part` writes ``./my-case.json`` (the lab folder, so Submit hands it in with the notebook; 0600,
   no-follow, atomic) and ``~/shiplab-case/<lab>.json`` (later labs read it with :func:`load_part`), and returns
   the rows. Given no rows, as in the grader's run (its home has no ``~/documents``), it writes nothing and returns
   the rows already in ``./my-case.json``, so the grade is the participant's own record;
2. a test cell with grade id ``my_case`` (prefix :data:`MY_CASE_GRADE_ID`, 1 point) that imports what it uses
   itself (the grading judge runs test cells apart from the kernel and never runs a solution cell's imports):
   ``from shiplab.course.mycase import check_part`` then ``check_part("<lab>", MY_CASE_ROWS)``, which raises :class:`MyCaseNotDone` saying what is missing (``my case
   not done: 7 of 10 …``). The stub's ``raise NotImplementedError()`` leaves ``MY_CASE_ROWS`` undefined, so an
   untouched notebook is "not done";
3. nothing else: the board learns it from the gradebook like any test cell (:mod:`shiplab.board.model` shows
   test cells named ``my_case*`` as the lab's "my case: done / not done"). It never opens ``my-case.json``: the
   file is read only inside the participant's own kernel and the grader's sandbox, and a submission counts only
   for the account that handed it in, so nobody can mark another's part done or see their rows.

For a new lab: add ``PARTS["<lab>"] = Part(...)`` here (or pass a :class:`Part` to the same functions),
:func:`my_documents` reads ``~/documents``, :func:`fingerprint` tells a document from the sample's without keeping
its text, and the lab's tests hand in a ``my-case.json`` with the solved notebook (``MY_CASE_RECORD`` in its
``graders/<lab>/my-case.json``, which ``tests/labs/labkit.file_submission`` and the wrong-answer run put beside
the solved notebook).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

CASE_FILE = "shiplab-case.json"
FIELDS = ("use_case", "group", "example_key", "baseline_metric", "baseline_method", "why")
EXAMPLE_WORDS = ("<", "TODO", "...")  # what the cell's template holds until the participant writes


class CaseProblem(ValueError):
    """The choice cannot be kept as it is; the message says what to write."""


@dataclass
class Candidate:
    group: str
    items: int
    median_days: float | None
    open_items: int
    sensitive_share: float  # restricted or confidential, by the participant's classify_item
    provider_decision: str  # allow / redact / refuse for the most sensitive class in the group
    described_share: float  # items with a description (what a model or a gold set can use)
    impact: float
    complexity: float

    @property
    def score(self) -> float:
        return round(self.impact / (1 + self.complexity), 1)


def _group_of(item) -> str:
    return (item.components[0] if item.components else f"type: {item.type or 'unknown'}").strip()


def score_candidates(items, profile, classify, decide, policy: dict, provider: str, top: int = 8) -> list[Candidate]:
    """The backlog's groups as candidate use cases, best score first (``profile``, ``classify`` and ``decide``
    are the participant's lab 1 functions). Impact: items × median days to resolve (the hours a case could save,
    in item-days); complexity: 2 × the sensitive share, +2 when the provider would refuse the group's data, +1
    when it must be redacted, +1 when fewer than half the items are described."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(_group_of(item), []).append(item)
    order = ["public", "internal", "confidential", "restricted"]
    out = []
    for name, members in groups.items():
        prof = profile(members)
        classes = [classify(i) for i in members]
        sensitive = sum(c in ("restricted", "confidential") for c in classes) / len(members)
        worst = max(classes, key=lambda c: order.index(c) if c in order else len(order))
        decision = decide(policy, provider, worst)
        described = sum(bool((i.description or "").strip()) for i in members) / len(members)
        days = prof.get("median_days_to_resolve")
        impact = len(members) * (days if days else 1.0)
        complexity = 2 * sensitive + {"refuse": 2, "redact": 1}.get(decision, 0) + (1 if described < 0.5 else 0)
        out.append(Candidate(name, len(members), days, prof.get("open", 0), round(sensitive, 2), decision,
                             round(described, 2), round(impact, 1), round(complexity, 2)))
    out.sort(key=lambda c: (-c.score, c.group))
    return out[:top]


def table(candidates: list[Candidate]) -> str:
    """The candidates as a Markdown table (the notebook shows it with ``display(Markdown(...))``)."""
    rows = ["| group | items | open | median days | sensitive | provider | described | impact | complexity | score |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for c in candidates:
        days = "–" if c.median_days is None else f"{c.median_days:g}"
        rows.append(f"| {c.group} | {c.items} | {c.open_items} | {days} | {c.sensitive_share:.0%} | "
                    f"{c.provider_decision} | {c.described_share:.0%} | {c.impact:g} | {c.complexity:g} | "
                    f"{c.score:g} |")
    return "\n".join(rows)


def check_case(case: dict, items) -> dict:
    """The choice, cleaned; raises :class:`CaseProblem` naming the first field to fix."""
    if not isinstance(case, dict):
        raise CaseProblem("MY_CASE must be a dict with the keys " + ", ".join(FIELDS) + ".")
    missing = [f for f in FIELDS if not str(case.get(f) or "").strip()]
    if missing:
        raise CaseProblem(f"write {missing[0]!r} in MY_CASE (still empty).")
    clean = {f: " ".join(str(case[f]).split())[:500] for f in FIELDS}
    for f in FIELDS:
        if any(w in clean[f] for w in EXAMPLE_WORDS):
            raise CaseProblem(f"{f!r} still holds the template's words ({clean[f][:60]!r}): write your own.")
    keys = {i.key for i in items}
    if clean["example_key"] not in keys:
        raise CaseProblem(f"example_key {clean['example_key']!r} is not a key of the backlog you scored "
                          f"({len(keys)} items): pick one item of your case from it.")
    if len(clean["baseline_method"].split()) < 4:
        raise CaseProblem("baseline_method: say in a sentence how you will measure the baseline (where the "
                          "number comes from, over which period), so the after value can be compared with it.")
    clean["backlog_items"] = len(items)
    return clean


def save_case(case: dict, items, home: str | os.PathLike | None = None) -> Path:
    """Check the choice and keep it in ``~/shiplab-case.json`` (0600, replaced atomically); the path."""
    clean = check_case(case, items)
    path = Path(home if home is not None else Path.home()) / CASE_FILE
    tmp = path.with_name(f".{CASE_FILE}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(clean, fh, indent=2, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def load_case(home: str | os.PathLike | None = None) -> dict | None:
    """The case picked in lab 1, or None (not picked yet, or a file that is not one)."""
    path = Path(home if home is not None else Path.home()) / CASE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and all(f in data for f in FIELDS) else None



# --- "apply to my case": the required last part of labs 2-6 ------------------------------------------------------

PARTS_DIR = "shiplab-case"  # ~/shiplab-case/<lab>.json: what a later lab reads back (lab 5 reads lab 4's gold set)
RECORD_FILE = "my-case.json"  # in the lab's folder, so `Submit` hands it in with the notebook
MY_CASE_GRADE_ID = "my_case"  # the test cell's grade id; the board shows grade ids starting so as "my case"
MAX_ROWS, MAX_TEXT = 200, 300


class MyCaseNotDone(AssertionError):
    """The part is not done yet; the message says what is missing (the board shows its first line)."""


@dataclass(frozen=True)
class Part:
    """What one lab's "apply to my case" asks for: at least ``minimum`` rows, distinct by ``key``, each with every
    field of ``required`` filled; ``not_sample(rows)`` names the rows that are the sample company's, not theirs;
    ``problem(rows)``, when given, says in a sentence what else the rows still lack (None: nothing)."""

    lab: str
    what: str  # plural noun phrase: "of your documents through your extraction schema"
    minimum: int
    key: str
    required: tuple[str, ...]
    not_sample: Callable[[list[dict]], list[str]] | None = None
    problem: Callable[[list[dict]], str | None] | None = None  # what else is missing (a sentence), or None


def fingerprint(text: str) -> str:
    """A short digest of a document's text (whitespace-insensitive): tells their documents from the sample's
    without keeping the text in the record."""
    return hashlib.sha256(" ".join(str(text).split()).encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _sample_fingerprints() -> frozenset[str]:
    from shiplab.data import load_sample_documents

    return frozenset(fingerprint(d.text) for d in load_sample_documents())


@functools.lru_cache(maxsize=1)
def _sample_gold() -> tuple[frozenset[str], frozenset[str]]:
    from shiplab.data import load_sample_documents
    from shiplab.data.api import datasets_dir

    path = datasets_dir() / "gold" / "questions.jsonl"
    questions = {_norm(json.loads(line).get("question", "")) for line in path.read_text("utf-8").splitlines()
                 if line.strip()}
    return frozenset(questions), frozenset(d.id for d in load_sample_documents())


def _norm(text) -> str:
    return " ".join(str(text).lower().split())


def _sample_documents_in(rows: list[dict]) -> list[str]:
    sample = _sample_fingerprints()
    return [str(r.get("document")) for r in rows if r.get("fingerprint") in sample]


def _sample_questions_in(rows: list[dict]) -> list[str]:
    questions, doc_ids = _sample_gold()
    return [str(r.get("question"))[:60] for r in rows
            if _norm(r.get("question")) in questions
            or (_source_ids(r) and all(s in doc_ids for s in _source_ids(r)))]


def _source_ids(row: dict) -> list[str]:
    """A gold row's sources as document ids: ``["faq-7"]`` or lab 4's ``[{"doc_id": "faq-7", "passage": …}]``."""
    sources = row.get("sources")
    if not isinstance(sources, (list, tuple)):
        return []
    return [str(s.get("doc_id") if isinstance(s, dict) else s) for s in sources]


JUDGED_PAIRS = 10  # lab 3: suggested pairs of the participant's tickets judged by hand
TEMPLATE_VERDICT = "<one sentence"  # how the verdict in lab 3's template starts


def _pair(value) -> frozenset[str] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    pair = frozenset(str(k).strip() for k in value)
    return pair if len(pair) == 2 and all(pair) else None


def _duplicate_check_problem(rows: list[dict]) -> str | None:
    """Lab 3: the first thing a duplicate-check record still lacks (10 pairs judged True/False, a precision at the
    threshold, a sentence of the participant's own), or None when one row has it all."""
    problems = []
    for row in rows:
        pairs = [p for p in row.get("pairs") or [] if isinstance(p, dict) and isinstance(p.get("duplicate"), bool)]
        judged = {_pair(p.get("pair")) for p in pairs} - {None}
        verdict = " ".join(str(row.get("verdict") or "").split())
        precision = row.get("precision")
        if len(judged) < JUDGED_PAIRS:
            problems.append(f"{len(judged)} of {JUDGED_PAIRS} suggested pairs of your backlog judged True or False "
                            "in MY_LABELS.")
        elif isinstance(precision, bool) or not isinstance(precision, (int, float)) or not 0 <= precision <= 1:
            problems.append("no precision at your threshold: compute it from your judged pairs at or above "
                            "MY_THRESHOLD (none there? lower the threshold).")
        elif verdict.startswith(TEMPLATE_VERDICT) or "TODO" in verdict or len(verdict.split()) < 5:
            problems.append("MY_VERDICT still holds the template's words: write one sentence of your own on "
                            "whether duplicate-flagging is worth it for your team.")
        else:
            return None
    return problems[-1] if problems else None


# lab 3 takes the sample's tickets too: without an export in ~/backlog/ they stand in, and the record says so
PARTS = {
    "lab2-documents": Part("lab2-documents", "of your own documents (~/documents) through your extraction schema",
                           10, "document", ("document", "fingerprint", "route"), _sample_documents_in),
    "lab3-triage": Part("lab3-triage", "duplicate check of your backlog (suggested pairs judged by hand, the precision "
                        "at your threshold, your verdict)", 1, "verdict",
                        ("tickets", "threshold", "precision", "verdict", "pairs"), None, _duplicate_check_problem),
    "lab4-retrieval": Part("lab4-retrieval", "gold questions on your own corpus (add_gold_question's items)",
                           15, "question", ("id", "question", "answerable"), _sample_questions_in),
}


def _part(part: "Part | str") -> Part:
    if isinstance(part, Part):
        return part
    if part not in PARTS:
        raise KeyError(f"no 'apply to my case' part for {part!r}; known: {', '.join(sorted(PARTS))} "
                       "(or pass a mycase.Part)")
    return PARTS[part]


def _plain(value, depth: int = 0):
    """JSON-ready, bounded: strings cut to MAX_TEXT, at most 50 entries per list or dict."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if depth > 3:
        return str(value)[:MAX_TEXT]
    if isinstance(value, dict):
        return {str(k)[:80]: _plain(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v, depth + 1) for v in list(value)[:50]]
    return str(value)[:MAX_TEXT]


def _filled(value) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_filled(v) for v in value)
    return value is not None and str(value).strip() != ""


def part_status(part: "Part | str", rows) -> tuple[bool, str]:
    """(done, a sentence): whether ``rows`` complete the part, and what is still missing."""
    part = _part(part)
    try:  # a list, or the grader's handle to the participant's list (iterable, not a list)
        rows = None if rows is None or isinstance(rows, (str, bytes, dict)) else list(rows)
    except TypeError:
        rows = None
    if rows is None:
        return False, f"my case not done: nothing recorded yet ({part.minimum} {part.what} needed)."
    rows = [r for r in rows if isinstance(r, dict)]
    complete = [r for r in rows if all(_filled(r.get(f)) for f in part.required)]
    sample = part.not_sample(complete) if part.not_sample else []
    if sample:
        return False, (f"my case not done: {len(sample)} recorded are the sample company's, not yours "
                       f"({', '.join(sample[:3])}): use your own.")
    missing = part.problem(rows) if part.problem and rows else None
    if missing:
        return False, f"my case not done: {missing}"
    distinct = {_norm(r.get(part.key)) for r in complete}
    if len(distinct) < part.minimum:
        gap = len(rows) - len(complete)
        incomplete = f"; {gap} lack {' or '.join(part.required)}" if gap else ""
        return False, (f"my case not done: {len(distinct)} of {part.minimum} {part.what} recorded"
                       f"{incomplete}.")
    return True, f"my case done: {len(distinct)} {part.what} recorded."


def check_part(part: "Part | str", rows) -> str:
    """The completion check of a lab's test cell ``my_case``: the sentence when done, else :class:`MyCaseNotDone`."""
    done, message = part_status(part, rows)
    if not done:
        raise MyCaseNotDone(message)
    return message


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


def _read_record(path: Path, lab: str) -> list[dict] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("lab") != lab or not isinstance(data.get("rows"), list):
        return None
    return data["rows"]


def record_part(part: "Part | str", rows, *, folder: str | os.PathLike = ".",
                home: str | os.PathLike | None = None) -> list[dict]:
    """Keep the part's rows in ``<folder>/my-case.json`` (handed in with the notebook) and in
    ``~/shiplab-case/<lab>.json`` (for later labs), print where it stands, and return the rows recorded.

    With no rows (nothing found: e.g. the grader's run, which has no ``~/documents``), nothing is written and the
    rows already in ``<folder>/my-case.json`` are returned."""
    part = _part(part)
    record = Path(folder) / RECORD_FILE
    rows = [] if rows is None else [_plain(r) for r in list(rows)[:MAX_ROWS]]
    if not rows:
        kept = _read_record(record, part.lab)
        print(f"nothing new to record; {RECORD_FILE} holds {len(kept or [])} rows.")
        return kept or []
    case = load_case(home) or {}
    data = {"lab": part.lab, "use_case": case.get("use_case", ""), "rows": rows,
            "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _write_json(record, data)
    keep = Path(home if home is not None else Path.home()) / PARTS_DIR
    try:
        keep.mkdir(mode=0o700, exist_ok=True)
        _write_json(keep / f"{part.lab}.json", data)
    except OSError as exc:  # a read-only home: the record in the lab folder is what counts
        print(f"(not kept in {keep}: {exc})")
    print(part_status(part, rows)[1], f"Kept in {record}; press Submit to hand it in.")
    return rows


def load_part(lab: str, home: str | os.PathLike | None = None) -> list[dict] | None:
    """The rows a participant recorded for ``lab`` (e.g. lab 5 reads lab 4's gold questions), or None."""
    return _read_record(Path(home if home is not None else Path.home()) / PARTS_DIR / f"{lab}.json", lab)


def my_documents(limit: int = 10, home: str | os.PathLike | None = None) -> list:
    """Up to ``limit`` of the participant's own documents in ``~/documents`` (none when it does not exist)."""
    from shiplab.data import load_documents

    folder = Path(home if home is not None else Path.home()) / "documents"
    if not folder.is_dir():
        print(f"No {folder}: put 10 or more of your own documents there (md, txt, html, pdf, docx) first.")
        return []
    return list(load_documents(folder, skip_bad=True))[:limit]
