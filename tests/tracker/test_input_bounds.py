"""The bounds of plausible data: each one at its edge, in the rules, the schemas and the real app's routes — and
figures that rows stored before the checks cannot poison."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shiplab.tracker import figurebook, rules
from shiplab.tracker.export import plans_csv
from shiplab.tracker.rules import CohortFacts, PlanFacts
from shiplab.tracker.schemas import CheckInIn, PlanIn, ShippedIn
from trackerkit import PLAN, browser, csrf_of, make_plan, token

UTC = dt.timezone.utc
# a three-day workshop in Berlin, 25–27 March 2026
SPRING = CohortFacts(1, "spring", dt.date(2026, 3, 27), "Europe/Berlin", dt.date(2026, 3, 25))
ONE_DAY = CohortFacts(2, "oneday", dt.date(2026, 3, 27), "Europe/Berlin")  # no start known: a one-day workshop


def berlin(y, m, d, h, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=rules.zone("Europe/Berlin")).astimezone(UTC)


def plan(**kw) -> PlanFacts:
    base = dict(id=1, username="anna", team="claims", cohort=SPRING, planned_ship_date=dt.date(2026, 5, 15))
    return PlanFacts(**{**base, **kw})


# ---- the rules: dates and values

def test_ship_dates_run_from_the_workshops_first_day_to_today_in_its_zone():
    """Is a ship date on the workshop's first day and on today (Berlin) plausible, and the day before the first day
    or tomorrow not — with a sentence naming the date and both bounds?"""
    now = berlin(2026, 4, 20, 23, 30)  # already 21 April in UTC+9, still 20 April in Berlin
    assert rules.ship_date_range(SPRING, now) == (dt.date(2026, 3, 25), dt.date(2026, 4, 20))
    assert rules.ship_date_problem(SPRING, dt.date(2026, 3, 25), now) is None
    assert rules.ship_date_problem(SPRING, dt.date(2026, 4, 20), now) is None
    early = rules.ship_date_problem(SPRING, dt.date(2026, 3, 24), now)
    assert "2026-03-24 is before the workshop began" in early and "2026-03-25" in early and "2026-04-20" in early
    assert "in the future" in rules.ship_date_problem(SPRING, dt.date(2026, 4, 21), now)
    assert rules.ship_date_problem(SPRING, dt.date(2026, 4, 21), berlin(2026, 4, 21, 0, 30)) is None


def test_without_a_known_start_the_workshop_is_one_day():
    """For a cohort without a start date, is its last day also its first — the day before is not plausible?"""
    now = berlin(2026, 4, 20, 12)
    assert rules.first_day(ONE_DAY) == dt.date(2026, 3, 27)
    assert rules.ship_date_problem(ONE_DAY, dt.date(2026, 3, 27), now) is None
    assert rules.ship_date_problem(ONE_DAY, dt.date(2026, 3, 26), now) is not None


def test_planned_dates_run_from_the_first_day_to_five_years_after_the_last():
    """Is a planned date on the workshop's first day and exactly five years after its last day plausible, and one
    day outside either end not — also for a workshop that ended on 29 February?"""
    assert rules.planned_date_range(SPRING) == (dt.date(2026, 3, 25), dt.date(2031, 3, 27))
    assert rules.planned_date_problem(SPRING, dt.date(2026, 3, 25)) is None
    assert rules.planned_date_problem(SPRING, dt.date(2031, 3, 27)) is None
    assert "before the workshop began" in rules.planned_date_problem(SPRING, dt.date(2026, 3, 24))
    late = rules.planned_date_problem(SPRING, dt.date(2031, 3, 28))
    assert "more than 5 years after" in late and "2031-03-27" in late
    leap = CohortFacts(3, "leap", dt.date(2028, 2, 29), "UTC")
    assert rules.planned_date_range(leap)[1] == dt.date(2033, 2, 28)


@pytest.mark.parametrize("value", [0.0, 12.5, -1e12, 1e12, 1e-300, -0.0])
def test_metric_values_within_a_trillion_are_plausible(value):
    """Is every finite value from -1e12 to 1e12 plausible (the bounds themselves included)?"""
    assert rules.value_problem(value) is None


@pytest.mark.parametrize("value", [1e12 * (1 + 1e-9), -1.5e12, 1e300, -1e300, math.nan, math.inf, -math.inf])
def test_metric_values_beyond_a_trillion_or_not_finite_are_not(value):
    """Is a value beyond ±1e12, NaN or infinite refused with a sentence naming it and the range?"""
    problem = rules.value_problem(value)
    assert repr(value) in problem and "finite number from -1,000,000,000,000 to 1,000,000,000,000" in problem


# ---- the rules: figures over stored rows

def test_plans_shipped_outside_their_bounds_are_left_out_of_every_figure():
    """Are plans shipped before the workshop or after today left out — of the plans, the share, the median and the
    curve — and named under their reason, while the others count as before?"""
    now = berlin(2026, 4, 20, 12)
    plans = [plan(id=1, shipped_on=dt.date(1990, 1, 1)), plan(id=2, shipped_on=dt.date(2026, 12, 31)),
             plan(id=3, shipped_on=dt.date(2026, 4, 6)), plan(id=4)]
    f = figurebook.figures(plans, now)
    assert (f.overall.plans, f.overall.shipped, f.overall.shipped_within_60, f.eligible) == (2, 1, 1, 2)
    assert f.overall.median_days_to_ship == 10 and f.shipped_by_day[60] == 1
    assert f.left_out["shipped_before_workshop"] == [1] and f.left_out["shipped_in_future"] == [2]
    assert rules.left_out(plans[0], now) == ("shipped_before_workshop",) and rules.left_out(plans[2], now) == ()
    assert not rules.shipped_within(plans[0], now=now) and rules.shipped_within(plans[0])  # raw: day -13,234
    assert set(f.as_dict()["left_out"]) == set(rules.LEFT_OUT)


def test_a_ship_date_during_a_long_workshop_is_day_0_in_the_figures():
    """Does a plan shipped on the first day of a three-day workshop count as day 0 (no negative median), while
    its own days to ship still say -2?"""
    p = plan(shipped_on=dt.date(2026, 3, 25))
    f = figurebook.figures([p], berlin(2026, 4, 20, 12))
    assert f.overall.median_days_to_ship == 0 and f.shipped_by_day[0] == 1 and f.overall.shipped_within_60 == 1
    assert rules.days_to_ship(p) == -2 and rules.left_out(p, berlin(2026, 4, 20, 12)) == ()


def test_changes_up_to_ten_thousand_percent_count_and_larger_ones_are_left_out():
    """Does a change of exactly +10,000% count, and one just beyond (or from a baseline close to zero) not?"""
    shipped = dict(shipped_on=dt.date(2026, 4, 6), target=200.0)
    assert rules.metric_change_pct(plan(baseline=1.0, after=101.0, **shipped)) == pytest.approx(10_000.0)
    for p in (plan(baseline=1.0, after=101.5, **shipped), plan(baseline=1e-9, after=1.0, **shipped)):
        assert rules.metric_change_pct(p) is None
        assert rules.left_out(p, berlin(2026, 4, 20, 12)) == ("change_out_of_range",)
        assert rules.moved_toward_target(p) is True  # the values are fine: only the percentage is left out


def test_values_out_of_bounds_leave_out_the_change_but_not_the_ship():
    """Does an after value of -1e300 (or NaN) leave the change, the after count and the target check out, while
    the plan still counts as shipped within 60 days?"""
    now = berlin(2026, 4, 20, 12)
    good = plan(id=1, shipped_on=dt.date(2026, 4, 6), baseline=30.0, target=20.0, after=24.0)
    for bad_after in (-1e300, math.nan):
        bad = plan(id=2, shipped_on=dt.date(2026, 4, 8), baseline=30.0, target=20.0, after=bad_after)
        f = figurebook.figures([good, bad], now)
        assert f.overall.shipped_within_60 == 2 and f.overall.median_change_pct == -20.0
        assert (f.overall.with_after_value, f.overall.moved_toward_target) == (1, 1)
        assert f.left_out["value_out_of_range"] == [2] and rules.moved_toward_target(bad) is None
    huge_baseline = plan(shipped_on=dt.date(2026, 4, 6), baseline=1e300, after=24.0)
    assert rules.left_out(huge_baseline, now) == ("value_out_of_range",)
    assert rules.left_out(plan(baseline=1e300), now) == ()  # nothing to leave out before there is an after value


def test_a_zero_baseline_leaves_out_only_the_percentage():
    """With a baseline of 0, is the change left out (reason zero_baseline) while the after value and the move
    toward the target still count?"""
    p = plan(shipped_on=dt.date(2026, 4, 6), baseline=0.0, target=10.0, after=5.0)
    f = figurebook.figures([p], berlin(2026, 4, 20, 12))
    assert f.overall.median_change_pct is None and f.left_out["zero_baseline"] == [1]
    assert (f.overall.with_after_value, f.overall.moved_toward_target) == (1, 1)


def test_the_csv_keeps_stored_rows_but_not_their_poison():
    """Does the CSV export keep a row shipped on 1990-01-01 (its raw days) but say it is not within 60 days, and
    leave the change of a 1e300 value empty?"""
    now = berlin(2026, 4, 20, 12)
    rows = list(csv.DictReader(io.StringIO(plans_csv(
        [plan(id=1, shipped_on=dt.date(1990, 1, 1)),
         plan(id=2, shipped_on=dt.date(2026, 4, 6), baseline=30.0, after=1e300)], now))))
    assert rows[0]["shipped_within_60_days"] == "no" and rows[0]["days_to_ship"] == "-13234"
    assert rows[1]["change_pct"] == "" and rows[1]["shipped_within_60_days"] == "yes"


COHORTS = [SPRING, ONE_DAY, CohortFacts(3, "west", dt.date(2026, 4, 10), "America/Los_Angeles", dt.date(2026, 4, 9))]
VALUES = st.none() | st.sampled_from([0.0, 1e-9, 5.0, 30.0, -4.0, 1e12, 2e12, 1e300, -1e300, math.inf, math.nan])


@st.composite
def stored_plans(draw, plan_id: int) -> PlanFacts:
    """Any plan an older tracker could have stored: ship dates decades off, any value."""
    c = draw(st.sampled_from(COHORTS))
    status = draw(st.sampled_from(["planned", "building", "killed", "shipped"]))
    shipped = None
    if status == "shipped":
        shipped = c.workshop_end + dt.timedelta(days=draw(st.sampled_from([-13_000, -3, -2, -1, 0, 5, 60, 61, 400])))
    return PlanFacts(plan_id, f"u{plan_id}", draw(st.sampled_from(["claims", "ops"])), c,
                     c.workshop_end + dt.timedelta(days=draw(st.integers(-5, 80))), status, None, None, shipped,
                     draw(VALUES), draw(VALUES), draw(VALUES) if shipped else None)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=25).flatmap(
    lambda ids: st.tuples(*[stored_plans(i) for i in ids])), st.integers(0, 120 * 24))
def test_figures_over_stored_rows_stay_plausible_and_the_book_agrees(writes, hours):
    """Over any stored rows, are the figures plausible (no negative or future median, a share within 0…1, a
    finite median change within ±10,000%), every left-out plan named, and the figure book, fed the rows one write
    at a time, exactly the fresh count?"""
    now = dt.datetime(2026, 3, 20, tzinfo=UTC) + dt.timedelta(hours=hours)
    current: dict[int, PlanFacts] = {}
    book = figurebook.FigureBook([], now)
    for p in writes:
        current[p.id] = p
        book.update([p])
    plans = sorted(current.values(), key=lambda p: p.id)
    f = figurebook.figures(plans, now)
    assert book.figures() == f
    for g in (f.overall, *f.by_team.values(), *f.by_cohort.values()):
        assert g.median_days_to_ship is None or 0 <= g.median_days_to_ship <= 120
        assert g.share_within_60 is None or 0 <= g.share_within_60 <= 1
        assert g.median_change_pct is None or abs(g.median_change_pct) <= rules.MAX_CHANGE_PCT
    named = {i: k for k, ids in f.left_out.items() for i in ids}
    assert named == {p.id: rules.left_out(p, now)[0] for p in plans if rules.left_out(p, now)}


# ---- the schemas: text, values, ids

@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066"])
def test_control_characters_are_refused_in_every_text(char):
    """Is a NUL, bell, escape, DEL, C1 control or bidirectional override refused in a note and a one-line field,
    naming the character and its position?"""
    with pytest.raises(ValidationError) as err:
        CheckInIn(status="building", note=f"ab{char}cd")
    assert f"U+{ord(char):04X} at position 3" in str(err.value) and "note" in str(err.value)
    with pytest.raises(ValidationError, match="metric_name"):
        PlanIn(**{**PLAN, "metric_name": f"time{char}spent"})


def test_notes_keep_line_breaks_and_tabs_and_one_line_fields_refuse_them():
    """May a note hold tabs and line breaks (a form's CR LF kept as LF) and letters of any script, while the metric
    name, backlog item, unit and evidence link may not hold a tab or a line break?"""
    note = CheckInIn(status="building", note="Étape 1:\tdone\r\nstep 2 👩‍💻 — 完了\rend").note
    assert note == "Étape 1:\tdone\nstep 2 👩‍💻 — 完了\nend"
    assert PlanIn(**{**PLAN, "use_case": "Draft\nsummaries"}).use_case == "Draft\nsummaries"
    for field, bad in (("metric_name", "time\tspent"), ("backlog_ref", "NVA-1\n2"), ("unit", "m\rin")):
        with pytest.raises(ValidationError, match=field):
            PlanIn(**{**PLAN, field: bad})
    with pytest.raises(ValidationError, match="evidence_url"):
        ShippedIn(evidence_url="https://x.example/\nSet-Cookie: a=b")


@pytest.mark.parametrize("field,limit", [("use_case", 2000), ("backlog_ref", 64), ("metric_name", 120),
                                         ("unit", 32)])
def test_plan_texts_have_length_limits(field, limit):
    """Is each plan text accepted at its length limit and refused one character beyond, naming the field?"""
    assert len(getattr(PlanIn(**{**PLAN, field: "x" * limit}), field)) == limit
    with pytest.raises(ValidationError, match=f"{field}[\\s\\S]*at most {limit} characters"):
        PlanIn(**{**PLAN, field: "x" * (limit + 1)})


def test_note_and_link_length_limits():
    """Are a note of 4,000 characters and a link of 2,000 accepted, and one character more refused?"""
    assert len(CheckInIn(status="building", note="n" * 4000).note) == 4000
    link = "https://x.example/" + "a" * (2000 - 18)
    assert ShippedIn(evidence_url=link, note="n" * 4000).evidence_url == link
    with pytest.raises(ValidationError, match="note"):
        ShippedIn(evidence_url="https://x.example", note="n" * 4001)
    with pytest.raises(ValidationError, match="evidence_url"):
        CheckInIn(status="building", evidence_url=link + "a")


@pytest.mark.parametrize("field", ["baseline_value", "target_value"])
def test_plan_values_are_bounded(field):
    """Are a plan's baseline and target accepted at ±1e12 and refused beyond, as NaN or infinite?"""
    assert getattr(PlanIn(**{**PLAN, field: -1e12}), field) == -1e12
    for bad in (1.1e12, math.nan, math.inf):
        with pytest.raises(ValidationError, match=field):
            PlanIn(**{**PLAN, field: bad})


def test_cohort_ids_are_whole_numbers_a_table_can_hold():
    """Is a cohort_id of 0, -1 or 2**31 refused, and 1 and 2**31-1 accepted?"""
    for good in (1, 2**31 - 1):
        assert PlanIn(**{**PLAN, "cohort_id": good}).cohort_id == good
    for bad in (0, -1, 2**31, 10**23):
        with pytest.raises(ValidationError, match="cohort_id"):
            PlanIn(**{**PLAN, "cohort_id": bad})


# ---- the real app's routes

def error(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:400])
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message"} and err["status"] == status
    return err


@pytest.mark.parametrize("pid,status", [("-1", 404), ("0", 404), ("2147483648", 404),
                                        ("99999999999999999999999", 404), ("1e20", 422), ("abc", 422),
                                        ("1.5", 422)])
def test_plan_ids_out_of_range_or_not_whole_numbers(client, pid, status):
    """Does a plan id below 1 or beyond what a table holds answer 404, and one that is no whole number 422 naming
    plan_id — on every plan route and page, never a 500?"""
    h = token("anna")
    for method, path, body in (("GET", f"/api/plans/{pid}", None), ("PUT", f"/api/plans/{pid}", PLAN),
                               ("POST", f"/api/plans/{pid}/checkins", {"status": "building"}),
                               ("POST", f"/api/plans/{pid}/shipped", {"evidence_url": "https://x.example"})):
        err = error(client.request(method, path, json=body, headers=h), status)
        assert ("plan_id" if status == 422 else pid) in err["message"]
    page = browser(client, "ines").get(f"/plans/{pid}", headers={"accept": "text/html"})
    assert page.status_code == status
    assert browser(client, "ines").get(f"/cohorts/{pid}", headers={"accept": "text/html"}).status_code == status


@pytest.mark.parametrize("query,param", [("limit=0", "limit"), ("limit=1001", "limit"), ("limit=1e2", "limit"),
                                         ("offset=-1", "offset"), ("offset=2147483648", "offset"),
                                         ("offset=1e20", "offset"), ("offset=abc", "offset")])
def test_limits_and_offsets_out_of_range_are_422(client, query, param):
    """Is a limit outside 1…1000 or an offset outside 0…2147483647 (or no whole number) refused with 422 naming
    the parameter?"""
    assert param in error(client.get(f"/api/plans?{query}", headers=token("marta")), 422)["message"]


def test_limits_and_offsets_at_their_bounds_answer(client):
    """Do limit=1, limit=1000 and offset=2147483647 answer 200?"""
    make_plan(client, "anna")
    h = token("marta")
    assert len(client.get("/api/plans?limit=1", headers=h).json()) == 1
    assert client.get("/api/plans?limit=1000&offset=2147483647", headers=h).json() == []


@pytest.mark.parametrize("path", ["/api/figures", "/api/plans", "/export.csv", "/dashboard"])
def test_name_filters_are_one_short_line(client, path):
    """Is a cohort or team filter with a NUL or of more than 80 characters refused with 422 naming it?"""
    h = token("marta")
    assert "team" in error(client.get(f"{path}?team=claims%00", headers={**h, "accept": "application/json"}),
                           422)["message"]
    assert "cohort" in error(client.get(f"{path}?cohort={'c' * 81}", headers={**h, "accept": "application/json"}),
                             422)["message"]
    assert client.get(f"{path}?team=claims", headers=h).status_code == 200


@pytest.mark.parametrize("raw", ['NaN', 'Infinity', '-Infinity', '1e400', '-1e300'])
def test_json_numbers_that_are_no_plausible_value_are_422(client, raw):
    """Is an after value written in the JSON as NaN, Infinity, 1e400 or -1e300 refused with 422 naming
    after_value?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/shipped", headers={**token("anna"), "content-type": "application/json"},
                    content=f'{{"evidence_url": "https://x.example", "after_value": {raw}}}')
    assert "after_value" in error(r, 422)["message"]


def test_a_lone_surrogate_in_json_is_422_not_a_500(client):
    """Is a use case holding a lone surrogate (\\ud800, valid JSON but no UTF-8) refused with 422 naming use_case,
    not a 500 from the database?"""
    body = '{"use_case": "Draft \\ud800 summaries", "metric_name": "m", "planned_ship_date": "2026-05-15", ' \
           '"baseline_value": 3, "baseline_method": "median of 200 claims in March"}'
    r = client.post("/api/plans", headers={**token("anna"), "content-type": "application/json"}, content=body)
    assert "use_case" in error(r, 422)["message"]


def test_ship_dates_at_the_edges_of_the_workshop(client, clock):
    """Is a ship date on the workshop's first day accepted (day -1 for the plan, day 0 in the figures) and one the
    day before refused with 422 naming shipped_on — while a date after today stays a 400 future_date?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    clock.now = berlin(2026, 4, 20, 12)
    r = client.post(f"/api/plans/{anna}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "shipped_on": "2026-03-25"})
    assert "shipped_on" in error(r, 422)["message"] and "2026-03-26" in r.json()["error"]["message"]
    r = client.post(f"/api/plans/{anna}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "shipped_on": "2026-04-21"})
    assert error(r, 400)["code"] == "future_date"
    r = client.post(f"/api/plans/{anna}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "shipped_on": "2026-03-26"})
    assert r.status_code == 201 and r.json()["shipped"]["day"] == -1 and r.json()["shipped"]["within_60_days"]
    r = client.post(f"/api/plans/{ben}/shipped", headers=token("ben"), json={"evidence_url": "https://x.example"})
    assert r.json()["shipped"]["day"] == 24
    assert client.get("/api/figures", headers=token("marta")).json()["overall"]["median_days_to_ship"] == 12


def test_planned_dates_at_the_edges_of_the_cohort(client):
    """Is a planned date on the workshop's first day and five years after its last day accepted, one day outside
    either refused with 422 naming planned_ship_date — and is each cohort's own window used?"""
    pid = make_plan(client, "anna", planned_ship_date="2026-03-26")
    h = token("anna")
    assert client.put(f"/api/plans/{pid}", json={**PLAN, "planned_ship_date": "2031-03-27"}, headers=h).status_code \
        == 200
    for day in ("2026-03-25", "2031-03-28"):
        err = error(client.put(f"/api/plans/{pid}", json={**PLAN, "planned_ship_date": day}, headers=h), 422)
        assert "planned_ship_date" in err["message"] and day in err["message"]
    # erik's cohort "autumn" began on 2026-10-01: the spring date of PLAN is before it
    err = error(client.post("/api/plans", json=PLAN, headers=token("erik")), 422)
    assert "planned_ship_date" in err["message"] and "2026-10-01" in err["message"]
    assert make_plan(client, "erik", planned_ship_date="2026-11-20")


def test_forms_refuse_bad_input_with_422_naming_the_field(client):
    """Does the plan form refuse a NUL in the metric name and a planned date of 9999-12-31 with a 422 page naming
    the field, and keep a textarea's line breaks as LF?"""
    browser(client, "anna")
    form = {**{k: str(v) for k, v in PLAN.items()}, "cohort_id": "1", "_csrf": csrf_of(client, "/plan")}
    html = {"accept": "text/html"}
    r = client.post("/plan", data={**form, "metric_name": "time\x00"}, headers=html, follow_redirects=False)
    assert r.status_code == 422 and "metric_name" in r.text and "U+0000" in r.text
    r = client.post("/plan", data={**form, "planned_ship_date": "9999-12-31"}, headers=html, follow_redirects=False)
    assert r.status_code == 422 and "planned_ship_date" in r.text and "9999-12-31" in r.text
    r = client.post("/plan", data={**form, "use_case": "Draft\r\nsummaries"}, follow_redirects=False)
    assert r.status_code == 303
    pid = client.get("/api/me", headers=token("anna")).json()["plans"][0]
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["use_case"] == "Draft\nsummaries"
