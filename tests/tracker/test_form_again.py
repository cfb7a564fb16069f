"""A plan page form that fails a check is shown again: the problem beside its field in the dropdown's words (never an
internal code), everything typed kept, nothing saved — not a full-page error."""

from __future__ import annotations

import re

from trackerkit import browser, csrf_of, make_plan

from shiplab.tracker.models import BLOCKERS


def test_a_blocked_check_in_without_a_blocker_shows_the_form_again_with_the_note_kept(client):
    """Does a blocked check-in with no blocker answer 422 with the plan page itself, the problem next to the blocker
    field in words, the status still 'blocked' and the note and link as typed — and no internal blocker code?"""
    pid = make_plan(client, "anna")
    browser(client, "anna")
    note = 'security review <wants> "two weeks"'
    r = client.post(f"/plan/{pid}/checkin", data={"_csrf": csrf_of(client, "/plan"), "status": "blocked",
                                                  "blocker": "", "note": note,
                                                  "evidence_url": "https://git.example/pr/9"})
    assert r.status_code == 422 and "My ship plan" in r.text and "invalid_form" not in r.text
    error = re.search(r'<span class="field-error" role="alert" data-field="blocker">([^<]+)</span>', r.text)
    assert error and "blocker" in error.group(1), r.text[:2000]
    for code in BLOCKERS:
        assert code not in re.sub(r'value="[a-z_]+"', "", r.text), code  # codes only as option values
    assert 'value="security review &lt;wants&gt; &#34;two weeks&#34;"' in r.text  # kept, escaped
    assert 'value="https://git.example/pr/9"' in r.text
    assert '<option value="blocked" selected>' in r.text
    assert "Not saved yet" in r.text
    assert client.get(f"/api/plans/{pid}/checkins", headers={"Authorization": "token anna"}).json() == []


def test_a_bad_choice_is_named_by_its_label_and_a_service_refusal_sits_beside_its_field(client, clock):
    """Is an unknown blocker refused with the labels of the dropdown (not the codes), and a ship date in the
    future — refused by the service, not the form check — shown beside the date with the link kept?"""
    pid = make_plan(client, "anna")
    browser(client, "anna")
    r = client.post(f"/plan/{pid}/checkin", data={"_csrf": csrf_of(client, "/plan"), "status": "blocked",
                                                  "blocker": "bogus", "note": "n"})
    assert r.status_code == 422
    error = re.search(r'data-field="blocker">([^<]+)</span>', r.text).group(1)
    assert "Tool sprawl without governance" in error and "tool_sprawl" not in error
    r = client.post(f"/plan/{pid}/shipped", data={"_csrf": csrf_of(client, "/plan"), "shipped_on": "2030-01-01",
                                                  "evidence_url": "https://git.example/rel/2"})
    assert r.status_code == 422
    assert re.search(r'data-field="shipped_on">[^<]*in the future', r.text)
    assert 'value="https://git.example/rel/2"' in r.text and 'value="2030-01-01"' in r.text


def test_a_new_plan_with_a_problem_keeps_what_was_typed(client):
    """Is a new plan with a planned date before the workshop shown again with the use case as typed?"""
    browser(client, "anna")
    page = client.get("/plan").text
    cohort = re.search(r'name="cohort_id" value="(\d+)"', page).group(1)
    r = client.post("/plan", data={"_csrf": csrf_of(client, "/plan"), "cohort_id": cohort,
                                   "use_case": "Draft claim replies", "metric_name": "minutes",
                                   "baseline_value": "12", "baseline_method": "timed 40 replies in March",
                                   "planned_ship_date": "2020-01-01"})
    assert r.status_code == 422 and ">Draft claim replies</textarea>" in r.text
    assert re.search(r'data-field="planned_ship_date">[^<]*before the workshop', r.text)
