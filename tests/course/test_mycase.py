"""Does lab 1's "pick your case" weigh impact against complexity with the participant's own functions, and keep
only a choice that is really theirs?"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os

import pytest

from shiplab.course.mycase import CaseProblem, load_case, save_case, score_candidates, table
from shiplab.data import BacklogItem

T0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
POLICY = {"providers": {"local": {"max_class": "confidential", "on_exceed": "redact"}}}


def _item(key, component, days=None, description="Steps to reproduce.", classification="internal"):
    return BacklogItem(key=key, summary=f"Ticket {key}", description=description, type="Bug", status="Open",
                       components=[component] if component else [], created=T0,
                       resolved=T0 + dt.timedelta(days=days) if days is not None else None,
                       classification=classification)


def profile(items):
    days = sorted((i.resolved - i.created).days for i in items if i.resolved)
    return {"count": len(items), "open": sum(i.resolved is None for i in items),
            "median_days_to_resolve": days[len(days) // 2] if days else None}


def classify(item):
    return item.classification


def decide(policy, provider, data_class):
    return {"public": "allow", "internal": "allow", "confidential": "allow", "restricted": "redact"}[data_class]


BACKLOG = ([_item(f"CL-{k}", "Claims intake", days=10) for k in range(12)]
           + [_item(f"FR-{k}", "Fraud", days=30, classification="restricted") for k in range(12)]
           + [_item(f"UI-{k}", "Portal", days=1, description="") for k in range(3)]
           + [_item("X-1", None, days=2)])


def test_a_big_slow_plain_group_beats_an_equally_big_restricted_one():
    """Claims intake (12 items × 10 days, internal) against Fraud (12 × 30 days, all restricted, to be redacted):
    Fraud has three times the impact, but complexity 2 + 1 = 3 divides it by 4; the undescribed Portal is last."""
    ranked = score_candidates(BACKLOG, profile, classify, decide, POLICY, "local")
    assert [c.group for c in ranked] == ["Claims intake", "Fraud", "type: Bug", "Portal"]
    claims, fraud = ranked[0], ranked[1]
    assert (claims.impact, claims.complexity, claims.score) == (120.0, 0.0, 120.0)
    assert (fraud.impact, fraud.complexity, fraud.score, fraud.provider_decision) == (360.0, 3.0, 90.0, "redact")
    assert ranked[3].described_share == 0.0 and ranked[3].complexity == 1.0
    assert table(ranked).splitlines()[2].startswith("| Claims intake | 12 | 0 | 10 | 0% | allow | 100% | 120 |")


GOOD = {"use_case": "Draft the first reply to a new claims-intake ticket",
        "group": "Claims intake", "example_key": "CL-3", "baseline_metric": "median days to first reply",
        "baseline_method": "from the Jira export of the last 90 days, created to first comment",
        "why": "most volume, internal data only"}


def test_a_choice_is_kept_private_and_read_back(tmp_path):
    path = save_case(GOOD, BACKLOG, home=tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_case(tmp_path) == {**GOOD, "backlog_items": len(BACKLOG)}
    assert json.loads(path.read_text())["example_key"] == "CL-3"


@pytest.mark.parametrize("change, problem", [
    ({"use_case": ""}, "write 'use_case' in MY_CASE"),
    ({"why": "<why this one>"}, "'why' still holds the template's words"),
    ({"example_key": "NVA-1"}, "example_key 'NVA-1' is not a key of the backlog you scored"),
    ({"baseline_method": "Jira"}, "baseline_method: say in a sentence how you will measure"),
])
def test_a_choice_that_is_not_yet_theirs_is_refused_and_nothing_is_written(tmp_path, change, problem):
    with pytest.raises(CaseProblem) as err:
        save_case({**GOOD, **change}, BACKLOG, home=tmp_path)
    assert problem in str(err.value)
    assert load_case(tmp_path) is None


def test_a_link_planted_where_the_case_is_written_is_not_followed(tmp_path):
    """Is a link planted at the temporary name refused (O_NOFOLLOW: ELOOP) rather than written through?"""
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (tmp_path / ".shiplab-case.json.tmp").symlink_to(target)
    with pytest.raises(OSError) as refused:
        save_case(GOOD, BACKLOG, home=tmp_path)
    assert refused.value.errno == errno.ELOOP
    assert target.read_text() == "keep"
