"""Lab 1 — Your backlog, governed: the notebook's source. ``shiplab course render lab1-backlog`` writes
lab1-backlog.ipynb from it; the cell headers (``# %% solution <grade_id>``, …) are explained in
shiplab.course.authoring. It holds the solutions and hidden tests: never released.
"""

# %% [markdown] intro
# # Lab 1 — Your backlog, governed (85 minutes)
#
# Before a single ticket reaches a language model, four questions need answers you can defend to your data
# protection officer: **what is in the backlog, how sensitive is each item, where is the personal data, and which
# model may see what?** In this lab you build those answers as code, on Nordlicht Versicherung's backlog (and on
# your own export if you brought one), and you *measure* the personal-data detector instead of trusting it.
#
# You will use `shiplab.data` (importers for Jira, GitHub and Azure DevOps exports, the normalized `BacklogItem`,
# personal-data detection and redaction) and the hub's governance policy (`hub_config/governance.yaml`), which the
# model gateway enforces on every request.
#
# **How to work:** run the set-up cell once. Each exercise has a task, a cell where you replace
# `raise NotImplementedError()` with your code, and test cells. The visible tests run on small examples; hidden
# tests check the same behaviour on the sample company when your work is graded, so make the function right, not
# just the examples; they also check that your functions **never change what they are given** (return new
# values) and they compare your function with the intended behaviour on many generated inputs, so every rule in a
# task counts, edge cases included. Cells marked *explore* are yours to change.

# %% code setup
import json
import statistics
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import yaml

from shiplab import settings
from shiplab.data import BacklogItem, ImportProblem, find_user_backlog, load_sample_backlog
from shiplab.data import pii
from shiplab.data.api import datasets_dir
from shiplab_checks import check_close, check_equal, check_returns, check_that

DATASETS = datasets_dir()
sample = load_sample_backlog("jira")  # graded work always runs on the sample company
try:
    mine = find_user_backlog()  # your export in ~/backlog/, if you brought one
except ImportProblem as problem:
    print(f"Your export in ~/backlog/ could not be imported:\n{problem}\nExploring the sample instead.")
    mine = None
explore = mine if mine else sample
print(f"Sample backlog: {len(sample)} items from {sample[0].provenance.source}.")
print(f"Exploring {'YOUR backlog from ~/backlog/' if mine else 'the sample backlog (no export in ~/backlog/)'}: "
      f"{len(explore)} items.")

# %% free look
# explore: one normalized item. Whatever tool exported it, every importer produces the same fields.
item = explore[0]
for field in ("key", "type", "status", "priority", "components", "labels", "created", "resolved", "classification"):
    print(f"{field:>14}: {getattr(item, field)!r}")
print(f"{'summary':>14}: {item.summary}")
print(f"{'provenance':>14}: {item.provenance}")

# %% [markdown] ex1_text
# ## 1. Profile the backlog (12 minutes)
#
# A profile is the first thing you show a team: how big, what kinds of work, how much is still open, how long things
# take. Write `profile_backlog(items)` returning a dict with exactly these keys:
#
# | key | value |
# |---|---|
# | `"count"` | number of items |
# | `"by_type"` | dict: item type (`item.type`, as written) → number of items |
# | `"open"` | number of items **not resolved**: `item.resolved is None`. Do not use the status: Jira says `Done`, Azure DevOps `Closed` or `Resolved`, GitHub `CLOSED` |
# | `"median_days_to_resolve"` | median of `resolved - created` in days **with fractions** (`timedelta.total_seconds() / 86400`) over the resolved items, rounded to 1 decimal; `None` when nothing is resolved |
# | `"no_description"` | number of items whose description is empty or only whitespace |

# %% code ticket_helper
# Small examples for the tests (a helper used by the test cells below).
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def ticket(key, type="Bug", status="To Do", resolved_after=None, description="Something is broken.", **more):
    resolved = T0 + timedelta(days=resolved_after) if resolved_after is not None else None
    return BacklogItem(key=key, summary=f"Ticket {key}", description=description, type=type, status=status,
                       created=T0, resolved=resolved, **more)

# %% solution profile_backlog
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    ### BEGIN SOLUTION
    days = [(i.resolved - i.created).total_seconds() / 86400 for i in items
            if i.resolved is not None and i.created is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(i.type for i in items)),
        "open": sum(1 for i in items if i.resolved is None),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for i in items if not (i.description or "").strip()),
    }
    ### END SOLUTION

# %% tests test_profile_counts points=2
# Visible tests: counts (2 points)
tiny = [ticket("A-1", "Bug"), ticket("A-2", "Story", status="Closed", resolved_after=2),
        ticket("A-3", "Bug", status="Resolved", resolved_after=1, description="   ")]
profile = profile_backlog(tiny)
check_that(isinstance(profile, dict), f"profile_backlog should return a dict, not {type(profile).__name__}.")
check_equal(sorted(profile), sorted(["count", "by_type", "open", "median_days_to_resolve", "no_description"]),
            label="the profile's keys")
check_equal(profile["count"], 3, label='profile["count"]')
check_equal(profile["by_type"], {"Bug": 2, "Story": 1}, label='profile["by_type"]')
check_equal(profile["open"], 1, label='profile["open"]',
            hint="open means not resolved (item.resolved is None); 'Closed' and 'Resolved' are not open.")
check_equal(profile["no_description"], 1, label='profile["no_description"]',
            hint="a description of only spaces is no description.")
print("Exercise 1, counts: visible tests passed.")
### BEGIN HIDDEN TESTS
_p = profile_backlog(sample)
check_equal(_p["count"], len(sample), secret=True, hint="count every item of the sample backlog.")
check_equal(_p["by_type"], dict(Counter(i.type for i in sample)), secret=True,
            hint="count item types as written (Story, Bug, Task, Incident, Epic).")
check_equal(_p["open"], sum(i.resolved is None for i in sample), secret=True,
            hint="open = item.resolved is None, whatever the status says.")
_odd = [ticket("B-1", status="Done"), ticket("B-2", status="CLOSED", resolved_after=3),
        ticket("B-3", description=""), ticket("B-4", description="\n\t ")]
_q = profile_backlog(_odd)
check_equal((_q["open"], _q["no_description"], _q["by_type"]), (3, 2, {"Bug": 4}), secret=True,
            hint="a status alone does not resolve an item; empty and whitespace-only descriptions both count.")
check_equal(profile_backlog([])["count"], 0, secret=True, hint="an empty backlog has count 0.")
from shiplab_checks import case_rng, check_against


def _ref_profile(items):
    _d = [(i.resolved - i.created).total_seconds() / 86400 for i in items if i.resolved is not None]
    return {"count": len(items), "by_type": dict(Counter(i.type for i in items)),
            "open": sum(i.resolved is None for i in items),
            "median_days_to_resolve": round(statistics.median(_d), 1) if _d else None,
            "no_description": sum(not (i.description or "").strip() for i in items)}


def _backlogs(seed, n=120):
    rng = case_rng(seed)
    texts = ["Broken.", "", "   ", "\n\t ", "\u00a0", " a ", "x"]
    for case in range(n):
        items = []
        for k in range(rng.randint(0, 9)):
            after = rng.choice([None, None, rng.randint(1, 2000) / 96 + rng.randint(1, 59) / 1440])
            items.append(ticket(f"R-{case}-{k}", type=rng.choice(["Bug", "Story", "bug", "Task", "Incident"]),
                                status=rng.choice(["Done", "Closed", "CLOSED", "Resolved", "To Do", "In Progress"]),
                                resolved_after=after, description=rng.choice(texts)))
        yield (items,)


check_against(profile_backlog, _ref_profile, list(_backlogs(7)), keys=["count", "by_type", "open", "no_description"],
              hint="count, by_type (types as written), open (resolved is None) and no_description (empty or only "
                   "whitespace) on generated backlogs; never change the items.")
### END HIDDEN TESTS

# %% tests test_profile_median points=1
# Visible tests: resolution time (1 point)
times = [ticket("C-1", resolved_after=1.5), ticket("C-2", resolved_after=0.25), ticket("C-3", resolved_after=10),
         ticket("C-4")]
check_close(profile_backlog(times)["median_days_to_resolve"], 1.5, label='median_days_to_resolve',
            hint="median (not mean) of resolved - created in days with fractions, over resolved items only.")
check_equal(profile_backlog([ticket("C-5")])["median_days_to_resolve"], None,
            label="median_days_to_resolve with nothing resolved", hint="None when no item is resolved.")
print("Exercise 1, resolution time: visible tests passed.")
### BEGIN HIDDEN TESTS
_even = [ticket("D-1", resolved_after=0.5), ticket("D-2", resolved_after=2.25), ticket("D-3", resolved_after=40),
         ticket("D-4", resolved_after=1.0)]
check_close(profile_backlog(_even)["median_days_to_resolve"], 1.6, tol=1e-9, secret=True,
            hint="with an even number of resolved items the median is the mean of the middle two, then rounded.")
_days = [(i.resolved - i.created).total_seconds() / 86400 for i in sample if i.resolved]
check_close(profile_backlog(sample)["median_days_to_resolve"], round(statistics.median(_days), 1), tol=1e-9,
            secret=True, hint="the median over the sample's resolved items, in days with fractions.")
from shiplab_checks import case_rng, check_against


def _ref_median(items):  # (the counts cell's generator may not have run: this cell stands alone)
    _d = [(i.resolved - i.created).total_seconds() / 86400 for i in items if i.resolved is not None]
    return {"median_days_to_resolve": round(statistics.median(_d), 1) if _d else None}


def _resolved(seed, n=150):
    rng = case_rng(seed)
    for case in range(n):
        yield ([ticket(f"M-{case}-{k}", resolved_after=rng.choice([None, rng.randint(1, 2000) / 96
                                                                  + rng.randint(1, 59) / 1440]))
                for k in range(rng.randint(0, 8))],)


check_against(profile_backlog, _ref_median, list(_resolved(11)), keys=["median_days_to_resolve"],
              hint="the median (of an even count: the mean of the middle two) of resolved - created in days with "
                   "fractions, rounded to 1 decimal at the end, None when nothing is resolved.")
### END HIDDEN TESTS

# %% free explore_profile
# explore: the profile of the backlog you are exploring (yours, if you brought one).
for key, value in profile_backlog(explore).items():
    print(f"{key:>24}: {value}")

# %% [markdown] ex2_text
# ## 2. Classify each item (10 minutes)
#
# The governance policy knows four classes, lowest to highest: `public < internal < confidential < restricted`.
# Nordlicht's rules for backlog items:
#
# 1. **restricted** when the summary *or* the description holds personal data: `pii.detect(text)`, run on each of
#    the two on its own, returns at least one entity (comments are not sent to models, so they do not count);
# 2. otherwise **confidential** when the item concerns security or fraud: a label that is exactly `security` (any
#    case: GitHub exports say `Security`; `security-review` is another label) or the component that is exactly
#    `Fraud Analytics`;
# 3. otherwise **internal**.
#
# Write `classify_item(item)` returning the class as a string. Do not trust `item.classification`: the importer's
# classifier knows rule 1 only.

# %% solution classify_item
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    ### BEGIN SOLUTION
    if pii.detect(item.summary or "") or pii.detect(item.description or ""):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
    ### END SOLUTION

# %% tests test_classify_item points=3
# Visible tests (3 points)
check_returns(classify_item, ticket("E-1", description="Please call Anna Berger on +49 30 1234567."),
              expected="restricted", hint="a phone number and a name are personal data.")
check_returns(classify_item, ticket("E-2", labels=["security"]), expected="confidential")
check_returns(classify_item, ticket("E-3", components=["Fraud Analytics"]), expected="confidential")
check_returns(classify_item, ticket("E-4", components=["Billing"], labels=["quick-win"]), expected="internal")
print("Exercise 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_cases = [
    (ticket("F-1", description="no personal data here"), "internal", "no rule applies: internal."),
    (BacklogItem(key="F-2", summary="Refund to DE89 3704 0044 0532 0130 00 failed", description="see title"),
     "restricted", "the summary counts too, not only the description."),
    (ticket("F-3", labels=["Security"]), "confidential", "labels are compared in any case."),
    (ticket("F-4", components=["Fraud Analytics"], description="Ring back Jonas Weber on 0176 12345678."),
     "restricted", "personal data wins: restricted is checked first."),
    (ticket("F-5", labels=["quick-win", "SECURITY"]), "confidential", "any label counts, in any case."),
    (ticket("F-6", description="Version 4.6.6, ticket NVA-80, 12.03.2024, EUR 1,234.50"), "internal",
     "ticket keys, versions, dates and amounts are not personal data."),
]
for _item, _class, _why in _cases:
    check_returns(classify_item, _item, expected=_class, secret=True, hint=_why)
_expected = {i.key for i in sample if pii.detect(i.summary) or pii.detect(i.description)}
_restricted = {i.key for i in sample if classify_item(i) == "restricted"}
check_that(_expected == _restricted, "Sample items with personal data and items classed restricted differ.",
           "check both the summary and the description with pii.detect, and nothing else.")
check_that(sum(classify_item(i) == "confidential" for i in sample) > 100,
           "Too few sample items are classed confidential.", "security labels and the Fraud Analytics component.")
from shiplab_checks import case_rng, check_against


def _ref_classify(item):
    if pii.detect(item.summary or "") or pii.detect(item.description or ""):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"


def _items(seed, n=150):
    rng = case_rng(seed)
    personal = ["", "", "Ring Jonas Weber back.", "Mail to petra.koch@nordlicht-mail.de", "IBAN DE89 3704 0044 0532 "
                "0130 00 on file", "Call 0176 12345678 tomorrow", "Version 4.6.6 fails", "See NVA-80 and NVA-81"]
    firsts, lasts = ["Call back Anna", "Ask Jonas"], ["Berger about the refund.", "Weber is on leave."]
    labels = ["security", "Security", "SECURITY", "security-review", "insecurity", "secure", "quick-win", "Sec",
              "Fraud Analytics"]
    components = ["Fraud Analytics", "Anti-Fraud Rules", "Fraud Analytics Team", "Claims Portal", "Billing",
                  "Security"]
    for case in range(n):
        split = rng.random() < 0.15  # a first name ending the summary, a surname opening the description
        yield (BacklogItem(key=f"C-{case}", summary=rng.choice(firsts) if split else (rng.choice(personal)
                                                                                      or f"Ticket {case}"),
                           description=rng.choice(lasts) if split else rng.choice(personal),
                           labels=rng.sample(labels, rng.randint(0, 2)),
                           components=rng.sample(components, rng.randint(0, 2)),
                           comments=rng.sample(personal, rng.randint(0, 2)),
                           classification=rng.choice(["public", "restricted", "internal"])),)


check_against(classify_item, _ref_classify, list(_items(3)),
              hint="restricted if pii.detect finds anything in the summary or in the description (each on its own; "
                   "comments do not count); else confidential "
                   "for a label that is exactly 'security' in any case, or the component exactly 'Fraud "
                   "Analytics'; else internal (never item.classification).")
### END HIDDEN TESTS

# %% free explore_classes
# explore: how sensitive is the backlog you are exploring? What may leave the building?
classes = Counter(classify_item(i) for i in explore)
for name in ("public", "internal", "confidential", "restricted"):
    print(f"{name:>13}: {classes.get(name, 0):5d}  ({classes.get(name, 0) / len(explore):.0%})")

# %% [markdown] ex3_text
# ## 3. Measure the personal-data detector (20 minutes)
#
# `pii.detect` finds names, e-mail addresses, phones, IBANs, policy and claim numbers and birth dates. Is it good
# enough to redact tickets before they reach an external model? Measure it against `datasets/pii/texts.jsonl`:
# 240 texts with **planted** personal data, each a dict `{"text": …, "entities": [{"start", "end", "type",
# "value"}, …]}`.
#
# Write `detection_scores(records, detect)` where `detect(text)` returns found entities (objects with `.start`,
# `.end`, `.type`, like `pii.detect`; it never returns the same find twice). A find is a **true positive** only when a planted entity has exactly the same
# `start`, `end` and `type`; every other find is a **false positive**; every planted entity not found exactly is a
# **false negative**. Return a dict: for each type that is planted or found, and for `"ALL"` (all types pooled),
# a dict with `"tp"`, `"fp"`, `"fn"`, `"precision"` = tp / (tp + fp) and `"recall"` = tp / (tp + fn) — each `1.0`
# when its denominator is 0 (nothing claimed is nothing wrong; nothing to find is nothing missed).

# %% solution detection_scores
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    ### BEGIN SOLUTION
    counts = {}

    def bump(kind, what):
        for key in (kind, "ALL"):
            counts.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})[what] += 1

    for record in records:
        truth = {(e["start"], e["end"], e["type"]) for e in record["entities"]}
        found = {(e.start, e.end, e.type) for e in detect(record["text"])}
        for start, end, kind in found:
            bump(kind, "tp" if (start, end, kind) in truth else "fp")
        for start, end, kind in truth - found:
            bump(kind, "fn")
    counts.setdefault("ALL", {"tp": 0, "fp": 0, "fn": 0})
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
    ### END SOLUTION

# %% tests test_detection_scores points=4
# Visible tests (4 points)
from types import SimpleNamespace as Found


def detector(answers):
    # a fake detector: returns the given (start, end, type) finds for each text
    return lambda text: [Found(start=s, end=e, type=t) for s, e, t in answers.get(text, [])]


toy = [{"text": "Call Anna on 030/1234567", "entities": [{"start": 5, "end": 9, "type": "PERSON", "value": "Anna"},
        {"start": 13, "end": 24, "type": "PHONE", "value": "030/1234567"}]},
       {"text": "Nothing personal", "entities": []}]
scores = detection_scores(toy, detector({"Call Anna on 030/1234567": [(5, 9, "PERSON"), (13, 20, "PHONE")],
                                         "Nothing personal": [(0, 7, "PERSON")]}))
check_equal({k: scores["PERSON"][k] for k in ("tp", "fp", "fn")}, {"tp": 1, "fp": 1, "fn": 0},
            label='scores["PERSON"] counts', hint="a find with no planted entity at that span is a false positive.")
check_equal({k: scores["PHONE"][k] for k in ("tp", "fp", "fn")}, {"tp": 0, "fp": 1, "fn": 1},
            label='scores["PHONE"] counts', hint="a find must match the planted span exactly: half a number is "
                                                  "a false positive AND the planted number is still missed.")
check_close(scores["ALL"]["precision"], 1 / 3, label='scores["ALL"]["precision"]')
check_close(scores["ALL"]["recall"], 1 / 2, label='scores["ALL"]["recall"]')
print("Exercise 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_recs = [{"text": "x", "entities": [{"start": 0, "end": 4, "type": "IBAN", "value": "-"},
                                    {"start": 6, "end": 9, "type": "EMAIL", "value": "-"}]},
         {"text": "y", "entities": [{"start": 2, "end": 5, "type": "EMAIL", "value": "-"}]}]
_s = detection_scores(_recs, detector({"x": [(0, 4, "PERSON"), (6, 9, "EMAIL")], "y": [(2, 5, "EMAIL")]}))
check_equal((_s["EMAIL"]["tp"], _s["EMAIL"]["fp"], _s["EMAIL"]["fn"]), (2, 0, 0), secret=True,
            hint="count over all records.")
check_equal((_s["PERSON"]["fp"], _s["IBAN"]["fn"]), (1, 1), secret=True,
            hint="the right span with the wrong type is a false positive of the found type and a miss of the "
                 "planted one.")
check_close(_s["IBAN"]["precision"], 1.0, secret=True, hint="nothing claimed: precision 1.0.")
from shiplab_checks import case_rng, check_against


def _ref_scores(records, detect):
    _c = {}
    for _rec in records:
        _truth = {(e["start"], e["end"], e["type"]) for e in _rec["entities"]}
        _found = {(e.start, e.end, e.type) for e in detect(_rec["text"])}
        for _key, _what in [(f, "tp" if f in _truth else "fp") for f in _found] + [(t, "fn") for t in _truth - _found]:
            for _k in (_key[2], "ALL"):
                _c.setdefault(_k, {"tp": 0, "fp": 0, "fn": 0})[_what] += 1
    _c.setdefault("ALL", {"tp": 0, "fp": 0, "fn": 0})
    for _v in _c.values():
        _v["precision"] = _v["tp"] / (_v["tp"] + _v["fp"]) if _v["tp"] + _v["fp"] else 1.0
        _v["recall"] = _v["tp"] / (_v["tp"] + _v["fn"]) if _v["tp"] + _v["fn"] else 1.0
    return _c


def _detections(seed, n=120):
    rng = case_rng(seed)
    kinds = ["EMAIL", "PHONE", "PERSON", "IBAN"]
    for case in range(n):
        records, answers = [], {}
        for r in range(rng.randint(0, 4)):
            spans = {(a, a + rng.randint(1, 6)) for a in rng.sample(range(0, 40, 3), rng.randint(0, 3))}
            planted = [(a, b, rng.choice(kinds)) for a, b in sorted(spans)]
            finds = set()
            for a, b, k in planted:
                pick = rng.random()
                if pick < 0.5:
                    finds.add((a, b, k))
                elif pick < 0.65:
                    finds.add((a, b, rng.choice([x for x in kinds if x != k])))
                elif pick < 0.8:
                    finds.add((a, b + 1, k))
                elif pick < 0.9:
                    finds.add((a, b, k.lower()))  # another type: types are compared exactly
            for _ in range(rng.randint(0, 2)):
                a = rng.randrange(41, 60)
                finds.add((a, a + 2, rng.choice(kinds)))
            text = f"text {case}-{r}"
            records.append({"text": text, "entities": [{"start": a, "end": b, "type": k, "value": "-"}
                                                       for a, b, k in planted]})
            answers[text] = sorted(finds)
        yield (records, detector(answers))


check_against(detection_scores, _ref_scores, list(_detections(5)),
              hint="exact (start, end, type) matches are true positives, every other find a false positive, every "
                   "planted entity not found exactly a false negative; per type found or planted, and ALL.")
check_close(_s["PERSON"]["recall"], 1.0, secret=True, hint="nothing to find: recall 1.0.")
check_close(_s["ALL"]["precision"], 2 / 3, secret=True, hint="ALL pools the counts of every type (micro average).")
check_close(_s["ALL"]["recall"], 2 / 3, secret=True, hint="ALL pools the counts of every type (micro average).")
_none = detection_scores([{"text": "z", "entities": []}], detector({}))
check_equal((_none["ALL"]["precision"], _none["ALL"]["recall"]), (1.0, 1.0), secret=True,
            hint="with nothing planted and nothing found, both are 1.0 (and ALL is always there).")
_real = [json.loads(line) for line in (DATASETS / "pii" / "texts.jsonl").open(encoding="utf-8")][:80]
_r = detection_scores(_real, pii.detect)
_tp = sum(len({(e["start"], e["end"], e["type"]) for e in r["entities"]}
              & {(e.start, e.end, e.type) for e in pii.detect(r["text"])}) for r in _real)
check_equal(_r["ALL"]["tp"], _tp, secret=True, hint="on the planted texts, count exact (start, end, type) matches.")
### END HIDDEN TESTS

# %% free explore_detector
# explore: how good is pii.detect on all 240 planted texts? Which type would you not trust alone?
planted = [json.loads(line) for line in (DATASETS / "pii" / "texts.jsonl").open(encoding="utf-8")]
measured = detection_scores(planted, pii.detect)
print(f"{'type':>14} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
for kind, s in sorted(measured.items(), key=lambda kv: kv[0] == "ALL"):
    print(f"{kind:>14} {s['precision']:9.3f} {s['recall']:7.3f} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d}")

# %% free explore_naive_detector
# explore: the same measurement for a NAIVE detector of bare patterns (no checksum, no context), on the three
# types it knows. This is what "just use a regex" gives you; pii.detect validates (IBAN mod-97, phone shapes,
# role mailboxes) and looks at the words around a find.
import re
from types import SimpleNamespace

NAIVE = {"EMAIL": r"\S+@\S+\.\w+", "PHONE": r"\+?\d[\d /-]{6,}\d",
         "IBAN": r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b"}


def naive_detect(text):
    return [SimpleNamespace(start=m.start(), end=m.end(), type=kind)
            for kind, rx in NAIVE.items() for m in re.finditer(rx, text)]


three = [{**r, "entities": [e for e in r["entities"] if e["type"] in NAIVE]} for r in planted]
naive = detection_scores(three, naive_detect)
print(f"{'naive':>14} {'precision':>9} {'recall':>7}")
for kind in [*NAIVE, "ALL"]:
    print(f"{kind:>14} {naive[kind]['precision']:9.3f} {naive[kind]['recall']:7.3f}")

# %% [markdown] discuss_detector
# **Discuss (2 minutes):** the sample's planted data is what `pii.detect` was built against, so it scores well
# there; the naive patterns show what a quick regex misses and over-flags. Your own tickets will hold shapes neither
# has seen (internal ids, customer numbers): `pii.Patterns` takes your company's identifiers. A missed IBAN and a
# missed name cost differently. For tickets that go to an *external*
# model, which matters more here, precision or recall? What would you do about the weakest type: more rules, a
# reviewer, or keep such tickets on the local model?

# %% [markdown] ex4_text
# ## 4. Redact a ticket before it leaves (12 minutes)
#
# Write `redact_item(item)` returning a **new** `BacklogItem` (use `dataclasses.replace`; the original must not
# change) whose `summary` and `description` have every personal-data entity replaced by its type tag
# (`pii.redact(text)` does this: `[EMAIL]`, `[PERSON]`, …), and whose `classification` is the class of the redacted
# item by your `classify_item` — redaction is what lets a ticket drop from *restricted*.

# %% solution redact_item
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    ### BEGIN SOLUTION
    clean = replace(item, summary=pii.redact(item.summary or ""), description=pii.redact(item.description or ""),
                    labels=list(item.labels), components=list(item.components))
    clean.classification = classify_item(clean)
    return clean
    ### END SOLUTION

# %% tests test_redact_item points=3
# Visible tests (3 points)
before = ticket("G-1", description="Customer Anna Berger (anna.berger@example.com) was charged twice.")
after = redact_item(before)
check_that(after is not before, "redact_item must return a new item, not change the one it was given.")
check_equal(before.description, "Customer Anna Berger (anna.berger@example.com) was charged twice.",
            label="the original's description", hint="use dataclasses.replace: the original must not change.")
check_that("anna.berger@example.com" not in after.description and "[EMAIL]" in after.description,
           f"the redacted description is {after.description!r}: the e-mail address should read [EMAIL].")
check_equal(after.classification, "internal", label="the redacted item's classification",
            hint="classify the redacted copy with classify_item.")
print("Exercise 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_planted = [json.loads(line) for line in (DATASETS / "pii" / "backlog_pii.jsonl").open(encoding="utf-8")]
_by_key = {i.key: i for i in sample}
_leaks = _reference_leaks = 0
for _p in _planted:
    _orig = _by_key[_p["key"]]
    _red = redact_item(_orig)
    _leaks += _p["value"] in _red.description
    _reference_leaks += _p["value"] in pii.redact(_orig.description)
    check_that(_p["value"] in _orig.description, "redact_item changed an item it was given; return a copy.")
check_that(_leaks <= _reference_leaks, "Planted personal data is still readable in redacted sample tickets.",
           "redact every type pii.detect finds, in the summary and the description.")
_s = BacklogItem(key="H-1", summary="Call back Jonas Weber on 0176 12345678", description="see summary",
                 labels=["security"])
_r = redact_item(_s)
check_that("Jonas Weber" not in _r.summary and "0176 12345678" not in _r.summary and "[PHONE]" in _r.summary,
           "A summary with personal data was not redacted with type tags.", "redact the summary too.")
check_equal(_r.classification, "confidential", secret=True, hint="re-classify: a security label stays "
                                                                   "confidential after redaction.")
_plain = ticket("H-2", description="Batch job fails at 02:00 after release 4.6.6.")
check_equal((redact_item(_plain).description, redact_item(_plain).summary), (_plain.description, _plain.summary),
            secret=True, hint="text without personal data stays as it is.")
from shiplab_checks import case_rng, check_against


def _ref_redact(item):
    _clean = replace(item, summary=pii.redact(item.summary or ""), description=pii.redact(item.description or ""))
    return replace(_clean, classification=classify_item(_clean))


def _to_redact(seed, n=60):
    rng = case_rng(seed)
    texts = ["", "Ring Jonas Weber back on 0176 12345678.", "petra.koch@nordlicht-mail.de asked twice",
             "IBAN DE89 3704 0044 0532 0130 00 is wrong", "Batch job fails at 02:00", "See NVA-80",
             "  Indented: call 0176 12345678\n", " plain text with spaces  "]
    for case in range(n):
        yield (BacklogItem(key=f"D-{case}", summary=rng.choice(texts) or "Ticket", description=rng.choice(texts),
                           labels=rng.sample(["security", "Security", "ux"], rng.randint(0, 1)),
                           components=rng.sample(["Fraud Analytics", "Billing"], rng.randint(0, 1)),
                           classification=rng.choice(["restricted", "internal", "public"])),)


check_against(redact_item, _ref_redact, list(_to_redact(9)),
              compare=lambda a, e: (getattr(a, "summary", None), getattr(a, "description", None),
                                    getattr(a, "classification", None), getattr(a, "key", None))
              == (e.summary, e.description, e.classification, e.key),
              hint="pii.redact the summary and the description, classify the redacted copy with classify_item, "
                   "keep every other field, and leave the item you were given as it was.")
### END HIDDEN TESTS

# %% [markdown] ex5_text
# ## 5. Decide what may reach which model (15 minutes)
#
# The governance policy (`hub_config/governance.yaml`, read into a dict by `yaml.safe_load`) lists providers; each
# has a `max_class` and may say `on_exceed: redact` (the default is `refuse`). Write
# `decide(policy, provider, data_class)` returning `"allow"`, `"redact"` or `"refuse"`:
#
# - a provider the policy does not list: `"refuse"`;
# - a class the policy does not know (a typo, `None`): treat it as `"restricted"` — unknown data is the most
#   sensitive;
# - a class at or below the provider's `max_class` (order `public < internal < confidential < restricted`, **not**
#   alphabetical): `"allow"`;
# - above it: `"redact"` only when the provider's `on_exceed` is `redact`, the data is `restricted` and the provider
#   accepts `confidential` data (redaction removes personal data, nothing else); otherwise `"refuse"`.
#
# The model gateway makes exactly this decision on every request (`shiplab.gateway.policy`); your tests use their own
# policies, so do not build in the names of the hub's providers.

# %% solution decide
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    ### BEGIN SOLUTION
    spec = (policy.get("providers") or {}).get(provider)
    if spec is None:
        return "refuse"
    level = CLASSES.index(data_class) if data_class in CLASSES else CLASSES.index("restricted")
    limit = CLASSES.index(spec["max_class"])
    if level <= limit:
        return "allow"
    if (spec.get("on_exceed", "refuse") == "redact" and level == CLASSES.index("restricted")
            and limit >= CLASSES.index("confidential")):
        return "redact"
    return "refuse"
    ### END SOLUTION

# %% tests test_decide points=3
# Visible tests (3 points)
toy_policy = {"providers": {"inhouse": {"kind": "local", "max_class": "restricted"},
                            "cloud-eu": {"kind": "external", "max_class": "confidential", "on_exceed": "redact"},
                            "cloud-us": {"kind": "external", "max_class": "internal"}}}
check_returns(decide, toy_policy, "inhouse", "restricted", expected="allow")
check_returns(decide, toy_policy, "cloud-us", "internal", expected="allow", hint="at max_class is allowed.")
check_returns(decide, toy_policy, "cloud-us", "confidential", expected="refuse")
check_returns(decide, toy_policy, "cloud-eu", "restricted", expected="redact")
check_returns(decide, toy_policy, "nobody", "public", expected="refuse", hint="unknown providers are refused.")
print("Exercise 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_pol = {"providers": {"alpha": {"kind": "external", "max_class": "public"},
                      "beta": {"kind": "external", "max_class": "internal", "on_exceed": "redact"},
                      "gamma": {"kind": "external", "max_class": "confidential", "on_exceed": "refuse"},
                      "delta": {"kind": "local", "max_class": "confidential", "on_exceed": "redact"}}}
_table = [("alpha", "public", "allow", "at max_class is allowed."),
          ("alpha", "internal", "refuse", "above max_class without on_exceed: refuse (the default)."),
          ("beta", "restricted", "refuse", "redaction needs a provider that accepts confidential data."),
          ("beta", "confidential", "refuse", "redaction only removes personal data (restricted)."),
          ("gamma", "restricted", "refuse", "on_exceed: refuse means refuse."),
          ("gamma", "confidential", "allow", "at max_class is allowed."),
          ("delta", "restricted", "redact", "restricted data to a provider that redacts and takes confidential."),
          ("delta", "internal", "allow", "below max_class is allowed (the order is not alphabetical)."),
          ("delta", "secret-ish", "redact", "an unknown class is treated as restricted."),
          ("gamma", None, "refuse", "an unknown class is treated as restricted."),
          ("alpha", "restricted", "refuse", "restricted above max_class without redaction: refuse."),
          ("omega", "public", "refuse", "unknown providers are refused.")]
for _prov, _cls, _want, _why in _table:
    check_returns(decide, _pol, _prov, _cls, expected=_want, secret=True, hint=_why)
_hub = yaml.safe_load((settings.REPO_ROOT / "hub_config" / "governance.yaml").read_text(encoding="utf-8"))
from shiplab.gateway.policy import load as _load_policy
_gw = _load_policy(settings.REPO_ROOT / "hub_config" / "governance.yaml")
for _prov in list(_hub["providers"]) + ["unknown"]:
    for _cls in CLASSES:
        check_returns(decide, _hub, _prov, _cls, expected=_gw.decide(_prov, _cls).action, secret=True,
                      hint="on the hub's own policy, decide as the gateway does.")
from shiplab_checks import case_rng, check_against


def _ref_decide(policy, provider, data_class):
    _order = ["public", "internal", "confidential", "restricted"]
    _spec = (policy.get("providers") or {}).get(provider)
    if _spec is None:
        return "refuse"
    _level = _order.index(data_class) if data_class in _order else 3
    _limit = _order.index(_spec["max_class"])
    if _level <= _limit:
        return "allow"
    if _spec.get("on_exceed", "refuse") == "redact" and _level == 3 and _limit >= 2:
        return "redact"
    return "refuse"


def _decisions(seed, n=200):
    rng = case_rng(seed)
    order = ["public", "internal", "confidential", "restricted"]
    for case in range(n):
        providers = {}
        for name in rng.sample(["p1", "p2", "p3", "p4"], rng.randint(0, 3)):
            spec = {"kind": rng.choice(["local", "external"]), "max_class": rng.choice(order)}
            if rng.random() < 0.7:
                spec["on_exceed"] = rng.choice(["redact", "refuse"])
            providers[name] = spec
        policy = rng.choice([{"providers": providers}] * 8 + [{}, {"providers": None}])
        yield (policy, rng.choice(["p1", "p2", "p3", "p4"]),
               rng.choice(order + [None, "Restricted", "secret", ""]))


check_against(decide, _ref_decide, list(_decisions(13)),
              hint="unknown provider: refuse; unknown class (also a different spelling or None): restricted; at or "
                   "below max_class: allow; above: redact only for restricted data, on_exceed redact and a "
                   "provider that takes confidential; else refuse.")
### END HIDDEN TESTS

# %% free explore_policy
# explore: for each provider in the hub's policy, what happens to the backlog you are exploring?
policy_file = settings.REPO_ROOT / "hub_config" / "governance.yaml"
hub_policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
item_classes = [classify_item(i) for i in explore]
for provider in hub_policy["providers"]:
    outcome = Counter(decide(hub_policy, provider, c) for c in item_classes)
    print(f"{provider:>16}: " + ", ".join(f"{what} {outcome.get(what, 0)}" for what in ("allow", "redact", "refuse")))

# %% free explore_llm
# explore: send one redacted, allowed ticket through the hub's model gateway (skipped when there is none,
# e.g. while validating or grading). The gateway checks the same policy and refuses what you should not send.
from shiplab.rag.llm import LLMError, chat_model_or_none

llm = chat_model_or_none(data_class="internal", use_case="backlog-summary")
if llm is None:
    print("No live model here (Validate, grading, or outside the hub): skipping the model call.")
else:
    candidate = next(redact_item(i) for i in explore if classify_item(redact_item(i)) == "internal")
    prompt = f"Summarize this ticket in one sentence:\n{candidate.summary}\n{candidate.description[:800]}"
    try:
        print(llm.invoke(prompt).content)
    except LLMError as refused:
        print(f"The gateway said no: {refused}")

# %% [markdown] ex6_text
# ## 6. Pick your case (10 minutes, not graded)
#
# The workshop ends with a plan to ship **one** use case from your backlog within 60 days; every later lab ends with
# a part that applies its technique to that case. Pick it now, with what you just built: the cell below groups the
# backlog you are exploring (yours from `~/backlog/`, else the sample) by component (by type where an item has
# none) and scores each group with **your** functions:
#
# - **impact** = items × median days to resolve (`profile_backlog`): the time a helper could save, in item-days;
# - **complexity** = 2 × the share of restricted or confidential items (`classify_item`), + 2 when the course's
#   model provider must refuse the group's most sensitive class, + 1 when it must be redacted (`decide`), + 1 when
#   fewer than half the items have a description (no text for a model, no gold set to measure on);
# - **score** = impact / (1 + complexity).
#
# The table ranks, you decide: a lower score your manager cares about beats a high one nobody asked for. Fill in
# `MY_CASE` and run the cell: it checks that the choice is yours (an item key of the backlog you scored, a baseline
# you can measure, no template words left) and keeps it in `~/shiplab-case.json`, which labs 2–6 read and the
# instructor's board shows as done.

# %% free case_scores
# explore: your backlog's groups as candidate use cases, scored with your own functions from parts 1, 2 and 5
from IPython.display import Markdown, display

from shiplab.course.mycase import load_case, save_case, score_candidates, table

hub_policy = yaml.safe_load((settings.REPO_ROOT / "hub_config" / "governance.yaml").read_text(encoding="utf-8"))
provider = "local" if "local" in hub_policy["providers"] else next(iter(hub_policy["providers"]))
try:
    candidates = score_candidates(explore, profile_backlog, classify_item, decide, hub_policy, provider)
except Exception as problem:  # a part not done yet (NotImplementedError) or not working yet
    candidates = []
    print(f"Finish parts 1, 2 and 5 first: the scores use profile_backlog, classify_item and decide "
          f"({type(problem).__name__}: {problem}).")
if candidates:
    print(f"Scored on {'YOUR backlog' if mine else 'the sample backlog'} ({len(explore)} items), "
          f"provider {provider!r}:")
    display(Markdown(table(candidates)))

# %% free my_case
# explore: your choice. Replace every <...> and run; nothing is graded, the file is yours to change later.
MY_CASE = {
    "use_case": "<one sentence: what the AI feature does, for whom>",
    "group": "<the group from the table, or your own words>",
    "example_key": "<the key of one backlog item this case would have helped with>",
    "baseline_metric": "<the business number it should move, e.g. median days to first reply>",
    "baseline_method": "<how you will measure it before: source, period, who>",
    "why": "<why this one: impact, data class, who asked for it>",
}
if any("<" in str(v) for v in MY_CASE.values()):
    print("Fill in MY_CASE above, then run this cell again (your choice is kept in ~/shiplab-case.json).")
else:
    try:
        print(f"Kept in {save_case(MY_CASE, explore)}: labs 2-6 start from it.")
    except ValueError as problem:
        print(f"Not kept yet: {problem}")

# %% [markdown] wrap_up
# ## Done?
#
# Press *Validate*, then submit in the *Assignments* tab.
#
# **Take away:** you now have, for your own backlog, a profile, a class per item, a measured detector and a
# decision per provider. Lab 2 sends documents to a model; the classes and `decide` from here say which model may
# read them. If you brought an export: note its weakest detector type and its share of restricted items for your
# ship plan (lab 6).
