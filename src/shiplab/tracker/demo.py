"""The demo: the hub's demo roster enrolled in a workshop that ended a few days ago, and an earlier cohort to show.

:func:`ensure_demo_data` is safe to run at every start: the cohort keeps its dates once made (so check-in days do
not move under a running demo), people are updated from the roster, and nobody is enrolled twice. The roster's
participants' ship plans are not invented: they write their own in the last lab or on the tracker page.

So that a manager's first look at the dashboard shows what it is for, :func:`ensure_earlier_cohort` adds, once, a
``demo-earlier`` cohort whose workshop ended 75 days before: eight example colleagues (``demo-*``, not hub users,
inactive, so no reminder ever goes to them) managed by the roster's first manager, in the roster's teams and taught
by its instructors, with the stories a real cohort has — shipped early and late, blocked by two frictions, killed by
decision, one overdue and silent since day 14. One of them, Omar's, is also *shipped — verified*: his team's GitHub
deployments (staging on day 36, production on day 38) reached his plan's webhook (:func:`ensure_demo_deployment`,
added to a demo database made before deployments existed too). What happened after shipping is shown too
(:func:`ensure_demo_outcomes`, also added to an older demo database): weekly readings of each shipped plan's metric,
the 14-day adoption answers (Lena and Omar adopted, Priya's users went back to the old way, Jonas has not answered),
retrospectives on the lessons page (Priya's anonymous, Elif's from a killed plan), and next cycles: Lena shipped a
second plan on day 49, Elif opened her next one after stopping the first.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from shiplab.tracker import rules
from shiplab.tracker.enrol import RosterPerson, ensure_cohort, ensure_people
from shiplab.tracker.models import (Adoption, CheckIn, Cohort, CohortMember, Deployment, MetricReading, Person,
                                    Retrospective, ShipPlan, Shipped, VerifiedShip)

DEMO_COHORT = "demo"
DEMO_COURSE = "shiplab-demo"
DEMO_TIMEZONE = "Europe/Berlin"
EARLIER_COHORT = "demo-earlier"
EARLIER_DAYS_AGO = 75

# name, use case, metric, unit, baseline, target, after, planned day, check-ins (day, status, blocker, note),
# shipped day (None: not shipped)
VERIFIED_EXAMPLE = "omar"  # whose production deployment the demo shows (day 38, as he reported)
VERIFIED_DEPLOYMENTS = (("staging", 36), ("production", 38))  # environment, day (09:40 local time)

EXAMPLES = (
    ("lena", "Pre-fill the claim intake form from the first e-mail", "manual review minutes per claim", "min",
     20, 10, 12, 30, ((14, "building", None, "prompt and extraction schema agreed"),
                      (18, "in_review", None, "security review booked")), 21),
    ("omar", "Route incoming claims to the right team", "misrouted claims per week", "claims", 45, 15, 19, 45,
     ((14, "building", None, "labelled 400 old claims"), (30, "in_review", None, "pilot with one team")), 38),
    ("priya", "Answer status questions on the portal", "status tickets per week", "tickets", 120, 60, 80, 50,
     ((14, "building", None, ""), (30, "blocked", "tool_sprawl", "three chat tools, none approved"),
      (45, "in_review", None, "governance approved the gateway")), 55),
    ("jonas", "Summarise long claim files for handlers", "minutes to read a file", "min", 35, 15, 22, 40,
     ((14, "building", None, ""), (30, "building", None, ""), (45, "in_review", None, "waiting for a release slot"),
      (60, "in_review", None, "release moved to next month")), 68),
    ("sofia", "Draft replies to policy questions", "first-reply hours", "h", 30, 8, None, 35,
     ((14, "building", None, ""), (30, "blocked", "ownership", "nobody owns the reply templates")), None),
    ("tariq", "Flag likely fraud for a second look", "fraud found per 1,000 claims", "cases", 2.1, 3.0, None, 55,
     ((14, "building", None, ""), (45, "blocked", "no_measurement", "no baseline we trust")), None),
    ("elif", "Translate portal answers automatically", "untranslated pages", "pages", 300, 0, None, 40,
     ((14, "building", None, ""), (33, "killed", None, "the vendor ships this next quarter; stopped by decision")),
     None),
    ("noah", "Extract invoice lines from PDF claims", "invoices keyed by hand per day", "invoices", 80, 20, None,
     50, ((14, "building", None, "first model works on clean PDFs"),), None),
)


def ensure_demo_data(session: Session, roster: list[RosterPerson], today: dt.date | None = None) -> Cohort:
    """The demo cohort (a two-day workshop that ended three days before ``today``) with the roster enrolled, and
    the earlier example cohort beside it."""
    today = today or dt.date.today()
    existing = session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if existing is None:
        end = today - dt.timedelta(days=3)
        cohort = ensure_cohort(session, DEMO_COHORT, start=end - dt.timedelta(days=1), end=end,
                               timezone=DEMO_TIMEZONE, course=DEMO_COURSE)
    else:
        cohort = existing
    ensure_people(session, roster, cohort)
    ensure_earlier_cohort(session, roster, today)
    ensure_demo_deployment(session)
    ensure_demo_outcomes(session, today)
    return cohort


def _at(facts: rules.CohortFacts, day: int, time: dt.time = dt.time(10)) -> dt.datetime:
    """``time`` local time on day N of the cohort, as a UTC instant."""
    local = dt.datetime.combine(rules.day_date(facts, day), time, tzinfo=rules.zone(facts.timezone))
    return local.astimezone(dt.UTC)


def ensure_demo_deployment(session: Session) -> VerifiedShip | None:
    """Omar's example plan, verified by its GitHub deployments (made once; None without the example cohort)."""
    plan = session.scalar(select(ShipPlan).join(Person, Person.id == ShipPlan.person_id).join(Cohort)
                          .where(Person.username == f"demo-{VERIFIED_EXAMPLE}", Cohort.name == EARLIER_COHORT))
    if plan is None or plan.verified is not None:
        return plan.verified if plan else None
    c = plan.cohort
    facts = rules.CohortFacts(c.id, c.name, c.workshop_end, c.timezone, c.workshop_start)
    row = None
    for n, (environment, day) in enumerate(VERIFIED_DEPLOYMENTS, start=1):
        finished = _at(facts, day, dt.time(9, 40))
        row = Deployment(plan_id=plan.id, source="github", delivery_id=f"demo-{plan.id}-{n}",
                         body_sha256=f"demo-{plan.id}-{n}".ljust(64, "0"), service="acme/claims-router",
                         environment=environment, status="success", production=environment == "production",
                         url=f"https://{environment}.claims.example/router", finished_at=finished,
                         received_at=finished + dt.timedelta(seconds=2))
        session.add(row)
    session.flush()
    verified = VerifiedShip(plan_id=plan.id, deployment_id=row.id, verified_at=row.finished_at, url=row.url)
    session.add(verified)
    session.add(CheckIn(plan_id=plan.id, at=row.received_at, status="shipped", evidence_url=row.url,
                        note="shipped — verified: github deployment of acme/claims-router to production"))
    plan.updated_at = dt.datetime.now(dt.UTC)  # the figures cache notices the plan
    session.commit()
    return verified


def ensure_earlier_cohort(session: Session, roster: list[RosterPerson], today: dt.date) -> Cohort | None:
    """The example cohort, made once (None when the roster has no manager to show it to)."""
    existing = session.scalar(select(Cohort).where(Cohort.name == EARLIER_COHORT))
    managers = [p for p in roster if p.role == "manager"]
    if existing is not None or not managers:
        return existing
    teams = sorted({p.team for p in roster if p.role == "participant" and p.team}) or ["claims"]
    end = today - dt.timedelta(days=EARLIER_DAYS_AGO)
    cohort = ensure_cohort(session, EARLIER_COHORT, start=end - dt.timedelta(days=1), end=end,
                           timezone=DEMO_TIMEZONE, course=DEMO_COURSE)
    facts = rules.CohortFacts(cohort.id, cohort.name, end, DEMO_TIMEZONE)

    def at(day: int) -> dt.datetime:  # 10:00 local time on day N
        return _at(facts, day)

    for instructor in (p for p in roster if p.role == "instructor"):
        person = session.scalar(select(Person).where(Person.username == instructor.username))
        if person is not None:
            session.add(CohortMember(cohort_id=cohort.id, person_id=person.id, role="instructor"))
    for i, (name, use_case, metric, unit, base, target, after, planned, checkins, shipped_day) in enumerate(EXAMPLES):
        person = session.scalar(select(Person).where(Person.username == f"demo-{name}"))
        if person is None:
            person = Person(username=f"demo-{name}", full_name=f"{name.title()} (example)", email="",
                            role="participant", team=teams[i % len(teams)], manager_username=managers[0].username,
                            active=False)
            session.add(person)
            session.flush()
        session.add(CohortMember(cohort_id=cohort.id, person_id=person.id, role="participant"))
        plan = ShipPlan(cohort_id=cohort.id, person_id=person.id, use_case=use_case, backlog_ref=f"CLM-{101 + i}",
                        metric_name=metric, unit=unit, baseline_value=base, target_value=target,
                        planned_ship_date=rules.day_date(facts, planned), created_at=at(0))
        session.add(plan)
        session.flush()
        for day, status, blocker, note in checkins:
            session.add(CheckIn(plan_id=plan.id, at=at(day), status=status, blocker=blocker, note=note))
            plan.status, plan.blocker, plan.last_checkin_at = status, blocker, at(day)
        if shipped_day is not None:
            evidence = f"https://git.example/claims/releases/{i + 1}"
            session.add(Shipped(plan_id=plan.id, shipped_on=rules.day_date(facts, shipped_day), evidence_url=evidence,
                                after_value=after, recorded_at=at(shipped_day)))
            session.add(CheckIn(plan_id=plan.id, at=at(shipped_day), status="shipped", note="live",
                                evidence_url=evidence))
            plan.status, plan.blocker, plan.last_checkin_at = "shipped", None, at(shipped_day)
    session.commit()
    return cohort


# name → (adoption, note), retrospective (what worked, what blocked, frictions, would again, anonymous)
OUTCOMES = {
    "lena": (("adopted", "handlers use it on every new claim"),
             ("Agreeing the extraction schema with two handlers before writing a prompt", "",
              "", "yes", False)),
    "omar": (("adopted", "misroutes stayed under 20 a week"),
             ("Labelling 400 old claims first gave us a baseline and a test set", "The pilot team's queue changed",
              "pilot_standards", "yes", False)),
    "priya": (("went_back", "the portal team switched it off after a wrong answer"),
              ("The gateway made the approval quick once governance saw it",
               "Three chat tools, none approved; then no owner for wrong answers", "tool_sprawl,ownership", "maybe",
               True)),
    "elif": (None, ("Checking the vendor's roadmap early saved a quarter", "The vendor ships it next quarter",
                    "", "no", False)),
}
BASELINE_METHODS = "median of 200 claims in the month before the workshop, from the ticket export"
NEXT_CYCLES = (("lena", "Pre-fill the claim intake form for motor claims", "CLM-120", 10, 6, 49),
               ("elif", "Summarise portal feedback for the product team", "CLM-121", 40, 20, None))


def ensure_demo_outcomes(session: Session, today: dt.date) -> None:
    """Readings, adoption answers, retrospectives and next cycles of the example cohort (made once)."""
    cohort = session.scalar(select(Cohort).where(Cohort.name == EARLIER_COHORT))
    if cohort is None:
        return
    plans = {p.person.username.removeprefix("demo-"): p for p in session.scalars(
        select(ShipPlan).where(ShipPlan.cohort_id == cohort.id, ShipPlan.cycle == 1)).unique()}
    if not plans or session.scalar(select(Retrospective.id).join(ShipPlan)
                                   .where(ShipPlan.cohort_id == cohort.id).limit(1)) is not None:
        return
    facts = rules.CohortFacts(cohort.id, cohort.name, cohort.workshop_end, cohort.timezone)
    examples = {e[0]: e for e in EXAMPLES}
    for name, plan in plans.items():
        if not plan.baseline_method:
            plan.baseline_method = BASELINE_METHODS
        _, _, _, _, base, target, after, _, _, shipped_day = examples[name]
        if shipped_day is not None:  # weekly readings from the ship date, moving from after toward the end value
            end = after if name != "priya" else base * 0.95  # Priya's users went back: the metric drifted back
            day = shipped_day
            while rules.day_date(facts, day) <= today:
                k = min((day - shipped_day) / 60, 1.0)
                value = round(after + (end - after) * k + ((day * 7) % 5 - 2) * abs(base - target) * 0.02, 2)
                session.add(MetricReading(plan_id=plan.id, measured_on=rules.day_date(facts, day), value=value,
                                          source="service" if name == VERIFIED_EXAMPLE else "participant",
                                          note="weekly median", recorded_at=_at(facts, day, dt.time(18))))
                day += 7
        adoption, retro = OUTCOMES.get(name, (None, None))
        if adoption and shipped_day is not None and rules.day_date(facts, shipped_day + 14) <= today:
            session.add(Adoption(plan_id=plan.id, outcome=adoption[0], note=adoption[1],
                                 answered_at=_at(facts, shipped_day + 14)))
        if retro:
            worked, blocked, frictions, again, anonymous = retro
            when = _at(facts, (shipped_day or 33) + 1)
            session.add(Retrospective(plan_id=plan.id, outcome="shipped" if shipped_day else "killed",
                                      what_worked=worked, what_blocked=blocked, frictions=frictions,
                                      would_again=again, anonymous=anonymous, created_at=when, updated_at=when))
    for name, use_case, ref, base, target, shipped_day in NEXT_CYCLES:
        first = plans.get(name)
        if first is None:
            continue
        start = (first.shipped.shipped_on - cohort.workshop_end).days + 1 if first.shipped else 34
        nxt = ShipPlan(cohort_id=cohort.id, person_id=first.person_id, cycle=2, use_case=use_case, backlog_ref=ref,
                       metric_name=first.metric_name, unit=first.unit, baseline_value=base, target_value=target,
                       baseline_method=BASELINE_METHODS, planned_ship_date=rules.day_date(facts, start + 30),
                       created_at=_at(facts, start), status="building", last_checkin_at=_at(facts, start))
        session.add(nxt)
        session.flush()
        session.add(CheckIn(plan_id=nxt.id, at=_at(facts, start), status="building", note="next cycle"))
        if shipped_day is None and rules.day_date(facts, 70) <= today:
            session.add(CheckIn(plan_id=nxt.id, at=_at(facts, 70), status="in_review",
                                note="first version with the product team"))
            nxt.status, nxt.last_checkin_at = "in_review", _at(facts, 70)
        if shipped_day is not None and rules.day_date(facts, shipped_day) <= today:
            evidence = f"https://git.example/claims/releases/{ref.lower()}"
            session.add(Shipped(plan_id=nxt.id, shipped_on=rules.day_date(facts, shipped_day), evidence_url=evidence,
                                after_value=target + 1, recorded_at=_at(facts, shipped_day)))
            session.add(CheckIn(plan_id=nxt.id, at=_at(facts, shipped_day), status="shipped", note="live",
                                evidence_url=evidence))
            nxt.status, nxt.last_checkin_at = "shipped", _at(facts, shipped_day)
    session.commit()
