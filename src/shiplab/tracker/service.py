"""Reads and writes of ship plans, each checked against who is asking — on the server, every time.

Who sees what:

- a participant: only their own plan;
- a manager: the plans of people whose manager they are, and of the teams they belong to (``team-<name>`` groups);
- an instructor: the plans in the cohorts they teach;
- an admin: everything.

Only the plan's owner writes to it (check-ins, shipped). A plan the asker cannot see is reported as not found (its
existence is not revealed); a plan they can see but not change is forbidden. Pages and the API both come here.

**Shipped, two ways.** A plan's self-reported ship (:class:`~shiplab.tracker.models.Shipped`) and its verified one
(:class:`~shiplab.tracker.models.VerifiedShip`, from a production deployment: :mod:`.deployments`) stay apart. The
figures' ship date (``PlanFacts.shipped_on``) depends on what they count (``tracker.count_shipped``, the *basis*):
``both`` — the earlier of the self-reported date and the verified date (the local date, in the cohort's time zone,
of the deployment's finish); ``verified`` — the verified date only, so a plan that is only self-reported counts as
not shipped yet. The dashboard asks for both bases to show verified and self-reported shipping apart.

**Cycles.** A participant has one open plan per cohort at a time; once it has shipped or been killed they may open
the next (``cycle`` 2, 3, …), which ships no earlier than the one before it closed. A plan followed by a next one
takes no more check-ins.

The checks that need the plan's cohort are made here, with the bounds of :mod:`.rules` (what the schemas check alone
is in :mod:`.schemas`): a planned ship date from the workshop's first day to five years after its last day, a ship
date from the workshop's first day to today in the cohort's time zone. An id no table can hold is simply not found.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shiplab.tracker import figurebook, lifecycle, rules
from shiplab.tracker.lifecycle import cohort_facts
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import (CLOSED_STATUSES, MAX_ID, CheckIn, Cohort, CohortMember, Deployment, Person,
                                    ShipPlan, Shipped, VerifiedShip)
from shiplab.tracker.schemas import (AdoptionOut, CheckInIn, CheckInOut, DeploymentOut, PlanIn, PlanOut, ShippedIn,
                                     ShippedOut, VerifiedOut)

BASES = ("both", "verified")  # what the figures count as shipped (tracker.count_shipped)


_SQLITE_WRITER = threading.Lock()


class writing:
    """Serialise this process's writes on SQLite: SQLite takes one writer at a time and makes the others poll
    with growing sleeps (up to 100 ms each); a lock hands the turn over at once. Other databases: no lock."""

    def __init__(self, session: Session):
        self.lock = _SQLITE_WRITER if session.get_bind().dialect.name == "sqlite" else None

    def __enter__(self):
        if self.lock:
            self.lock.acquire()

    def __exit__(self, *exc):
        if self.lock:
            self.lock.release()


def require_role(user: HubUser, *roles: str) -> None:
    if user.role not in roles:
        have = user.role or "no tracker role"
        raise TrackerError(403, "wrong_role", f"this page is for {' or '.join(roles)}s; you are signed in as "
                                              f"{user.name} ({have}).")


def _taught_cohorts(user: HubUser):
    return (select(CohortMember.cohort_id).join(Person, Person.id == CohortMember.person_id)
            .where(Person.username == user.name, CohortMember.role == "instructor"))


def plan_filter(user: HubUser) -> ColumnElement[bool]:
    """The condition on ``ShipPlan`` joined with ``Person`` that selects the plans ``user`` may see."""
    role = user.role
    if role == "admin":
        return true()
    if role == "manager":
        return or_(Person.manager_username == user.name, Person.team.in_(user.teams or ("",)) & (Person.team != ""))
    if role == "instructor":
        return ShipPlan.cohort_id.in_(_taught_cohorts(user))
    if role == "participant":
        return Person.username == user.name
    raise TrackerError(403, "no_role", f"{user.name} is not in the participants, managers or instructors group "
                                       "of this hub. Ask your instructor to add you to the roster.")


def cohorts_visible(session: Session, user: HubUser) -> list[Cohort]:
    q = select(Cohort).order_by(Cohort.workshop_end.desc())
    if user.role == "instructor":
        q = q.where(Cohort.id.in_(_taught_cohorts(user)))
    elif user.role != "admin":  # where their people have plans, or are enrolled (a new cohort before any plan)
        enrolled = (select(CohortMember.cohort_id).join(Person, Person.id == CohortMember.person_id)
                    .where(plan_filter(user), CohortMember.role == "participant"))
        q = q.where(Cohort.id.in_(select(ShipPlan.cohort_id).join(Person).where(plan_filter(user)).union(enrolled)))
    return list(session.scalars(q))


def ensure_person(session: Session, user: HubUser) -> Person:
    """The person row for a hub user (made on first visit; role and team kept in line with the hub's groups)."""
    person = session.scalar(select(Person).where(Person.username == user.name))
    if person is None:
        person = Person(username=user.name, role=user.role or "participant", team=(user.teams or ("",))[0])
        session.add(person)
        session.flush()
    elif user.role and person.role != user.role:
        person.role = user.role
    return person


def invalid(field: str, problem: str) -> TrackerError:
    """The 422 for one field, in the words of the schema checks: ``field: what is wrong; what is allowed``."""
    err = TrackerError(422, "invalid_input", f"the request was not accepted — {field}: {problem}.")
    err.field, err.problem = field, problem  # a form shows the problem beside its field
    return err


def get_plan(session: Session, user: HubUser, plan_id: int) -> ShipPlan:
    plan = None
    if 0 < plan_id <= MAX_ID:  # beyond, no row can have it (and the database would refuse the number)
        plan = session.scalar(select(ShipPlan).join(Person, Person.id == ShipPlan.person_id)
                              .where(ShipPlan.id == plan_id, plan_filter(user)))
    if plan is None:
        raise TrackerError(404, "plan_not_found", f"there is no ship plan {plan_id} that you can see.")
    return plan


def _owned(session: Session, user: HubUser, plan_id: int) -> ShipPlan:
    plan = get_plan(session, user, plan_id)
    if plan.person.username != user.name:
        raise TrackerError(403, "not_your_plan", f"only {plan.person.username} can change their ship plan.")
    return plan


def owned_plan(session: Session, user: HubUser, plan_id: int) -> ShipPlan:
    """The plan, if ``user`` may see it (else 404) and owns it (else 403)."""
    return _owned(session, user, plan_id)


def my_plans(session: Session, user: HubUser) -> list[ShipPlan]:
    return list(session.scalars(select(ShipPlan).join(Person, Person.id == ShipPlan.person_id)
                                .where(Person.username == user.name).order_by(ShipPlan.id)))


def my_cohorts(session: Session, user: HubUser) -> list[Cohort]:
    return list(session.scalars(select(Cohort).join(CohortMember).join(Person)
                                .where(Person.username == user.name, CohortMember.role == "participant")
                                .order_by(Cohort.workshop_end.desc())))


def save_plan(session: Session, user: HubUser, data: PlanIn, plan_id: int | None = None,
              now: dt.datetime | None = None) -> ShipPlan:
    """Create the participant's plan (``plan_id`` None; created at ``now``, the app's clock) or update their own
    plan's fields."""
    require_role(user, "participant")
    with writing(session):
        return _save_plan(session, user, data, plan_id, now)


def _save_plan(session: Session, user: HubUser, data: PlanIn, plan_id: int | None,
               now: dt.datetime | None) -> ShipPlan:
    fields = data.model_dump(exclude={"cohort_id"})
    if plan_id is not None:
        plan = _owned(session, user, plan_id)
        frozen = lifecycle.frozen_changes(plan, fields)
        if frozen:
            state = "shipped" if plan.status == "shipped" else "closed"
            raise TrackerError(409, "plan_closed", f"this plan has {state}; what its figures are measured against "
                                                   f"stays as it was: {', '.join(frozen)} cannot change now.")
        _check_planned_date(plan.cohort, data)
        for k, v in fields.items():
            setattr(plan, k, v)
        session.commit()
        return plan
    person = ensure_person(session, user)
    cohorts = my_cohorts(session, user)
    if data.cohort_id is not None:
        cohorts = [c for c in cohorts if c.id == data.cohort_id]
    if not cohorts:
        raise TrackerError(409, "no_cohort", "you are not enrolled in a cohort (or not in that one), so there is "
                                             "nothing to plan for yet. Ask your instructor to add you.")
    if len(cohorts) > 1 and data.cohort_id is None:
        names = ", ".join(f"{c.id} ({c.name})" for c in cohorts)
        raise TrackerError(400, "which_cohort", f"you are in several cohorts; send cohort_id, one of {names}.")
    cohort = cohorts[0]
    _check_planned_date(cohort, data)
    earlier = list(session.scalars(select(ShipPlan).where(ShipPlan.cohort_id == cohort.id,
                                                          ShipPlan.person_id == person.id).order_by(ShipPlan.cycle)))
    still_open = [p for p in earlier if p.status not in CLOSED_STATUSES]
    if still_open:
        raise TrackerError(409, "plan_exists", f"your ship plan {still_open[0].id} in {cohort.name} is still open; "
                                               "change that one instead of making a second. Your next plan opens "
                                               "once it has shipped or been stopped (killed).")
    plan = ShipPlan(cohort_id=cohort.id, person_id=person.id, cycle=earlier[-1].cycle + 1 if earlier else 1,
                    **fields, **({"created_at": now} if now is not None else {}))
    session.add(plan)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise TrackerError(409, "plan_exists", "another request made your next ship plan a moment ago; reload "
                                               "and change that one.") from None
    return plan


def _check_planned_date(cohort: Cohort, data: PlanIn) -> None:
    problem = rules.planned_date_problem(cohort_facts(cohort), data.planned_ship_date)
    if problem:
        raise invalid("planned_ship_date", problem)


def check_in(session: Session, user: HubUser, plan_id: int, data: CheckInIn, now: dt.datetime) -> CheckIn:
    with writing(session):
        return _check_in(session, user, plan_id, data, now)


def _check_in(session: Session, user: HubUser, plan_id: int, data: CheckInIn, now: dt.datetime) -> CheckIn:
    plan = _owned(session, user, plan_id)
    if plan.shipped is not None or plan.verified is not None:  # self-reported or verified: the same life
        raise TrackerError(409, "already_shipped", "this plan has shipped; there is nothing left to check in.")
    lifecycle.refuse_if_closed(session, plan, "check in")  # reopening a killed plan would unfreeze its figures
    row = CheckIn(plan_id=plan.id, at=now, status=data.status, blocker=data.blocker, note=data.note,
                  evidence_url=data.evidence_url)
    plan.status, plan.blocker, plan.last_checkin_at = data.status, data.blocker, now
    session.add(row)
    session.commit()
    return row


def mark_shipped(session: Session, user: HubUser, plan_id: int, data: ShippedIn, now: dt.datetime) -> Shipped:
    with writing(session):
        return _mark_shipped(session, user, plan_id, data, now)


def _mark_shipped(session: Session, user: HubUser, plan_id: int, data: ShippedIn, now: dt.datetime) -> Shipped:
    plan = _owned(session, user, plan_id)
    if plan.shipped is not None:
        raise TrackerError(409, "already_shipped", f"this plan was already marked shipped on "
                                                   f"{plan.shipped.shipped_on.isoformat()}.")
    lifecycle.refuse_if_closed(session, plan)
    facts = cohort_facts(plan.cohort)
    today = rules.local_date(facts, now)
    shipped_on = data.shipped_on or today
    if shipped_on > today:
        err = TrackerError(400, "future_date", f"the ship date {shipped_on} is in the future (today is {today} in "
                                              f"{plan.cohort.timezone}); record it once it is live.")
        err.field, err.problem = "shipped_on", err.message
        raise err
    problem = rules.ship_date_problem(facts, shipped_on, now) or lifecycle.ship_day_problem(
        session, plan, shipped_on, facts, lifecycle.previous_closed_on(session, plan) if plan.cycle > 1 else None)
    verified_on = rules.local_date(facts, plan.verified.verified_at) if plan.verified else None
    if not problem and verified_on is not None and shipped_on < verified_on:
        problem = (f"{shipped_on.isoformat()} is before the production deployment that verified this plan "
                   f"({verified_on.isoformat()}); report that day or later")
    if problem:
        raise invalid("shipped_on", problem)
    row = Shipped(plan=plan, shipped_on=shipped_on, evidence_url=data.evidence_url,
                  after_value=data.after_value, recorded_at=now)
    session.add(row)
    session.add(CheckIn(plan_id=plan.id, at=now, status="shipped", note=data.note, evidence_url=data.evidence_url))
    plan.status, plan.blocker, plan.last_checkin_at = "shipped", None, now
    session.commit()
    return row


def checkins_of(session: Session, plan: ShipPlan, limit: int = 50) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.plan_id == plan.id)
                                .order_by(CheckIn.at.desc(), CheckIn.id.desc()).limit(limit)))


def latest_notes(session: Session, user: HubUser, cohort_id: int) -> dict[int, str]:
    """Plan id → the note of its newest check-in, for the visible plans of one cohort."""
    newest = (select(func.max(CheckIn.id)).join(ShipPlan, ShipPlan.id == CheckIn.plan_id)
              .join(Person, Person.id == ShipPlan.person_id)
              .where(ShipPlan.cohort_id == cohort_id, plan_filter(user)).group_by(CheckIn.plan_id))
    return dict(session.execute(select(CheckIn.plan_id, CheckIn.note).where(CheckIn.id.in_(newest))).all())


def plan_facts(plan: ShipPlan) -> rules.PlanFacts:
    s = plan.shipped
    return rules.PlanFacts(plan.id, plan.person.username, plan.person.team, cohort_facts(plan.cohort),
                           plan.planned_ship_date, plan.status, plan.blocker, plan.last_checkin_at,
                           s.shipped_on if s else None, plan.baseline_value, plan.target_value,
                           s.after_value if s else None, plan.backlog_ref, plan.metric_name, plan.cycle)


def verified_out(plan: ShipPlan, f: rules.PlanFacts, now: dt.datetime) -> VerifiedOut | None:
    v = plan.verified
    if v is None:
        return None
    vf = f._replace(shipped_on=rules.local_date(f.cohort, v.verified_at))
    d = v.deployment
    return VerifiedOut(verified_at=v.verified_at, shipped_on=vf.shipped_on, day=rules.days_to_ship(vf),
                       within_60_days=rules.shipped_within(vf, now=now), url=v.url, source=d.source,
                       service=d.service, environment=d.environment, deployment_id=d.id)


def deployment_out(d: Deployment) -> DeploymentOut:
    return DeploymentOut(id=d.id, source=d.source, delivery_id=d.delivery_id, service=d.service,
                         environment=d.environment, status=d.status, production=d.production, url=d.url,
                         finished_at=d.finished_at, received_at=d.received_at)


def plan_out(plan: ShipPlan, now: dt.datetime) -> PlanOut:
    f = plan_facts(plan)
    s = plan.shipped
    return PlanOut(id=plan.id, username=f.username, team=f.team, cohort=plan.cohort.name, use_case=plan.use_case,
                   backlog_ref=plan.backlog_ref, metric_name=plan.metric_name, unit=plan.unit,
                   baseline_value=plan.baseline_value, baseline_method=plan.baseline_method,
                   target_value=plan.target_value, cycle=plan.cycle,
                   planned_ship_date=plan.planned_ship_date, status=plan.status, blocker=plan.blocker,
                   checkins_due=list(rules.checkins_due(f, now)), overdue=rules.is_overdue(f, now),
                   shipped=None if s is None else ShippedOut(
                       shipped_on=s.shipped_on, day=rules.days_to_ship(f),
                       within_60_days=rules.shipped_within(f, now=now),
                       evidence_url=s.evidence_url, after_value=s.after_value),
                   verified=verified_out(plan, f, now), adoption=adoption_out(plan))


def adoption_out(plan: ShipPlan) -> AdoptionOut | None:
    a = plan.adoption
    return None if a is None else AdoptionOut(outcome=a.outcome, note=a.note, evidence_value=a.evidence_value,
                                              answered_at=a.answered_at)


def checkin_out(c: CheckIn) -> CheckInOut:
    return CheckInOut(id=c.id, at=c.at, status=c.status, blocker=c.blocker, note=c.note, evidence_url=c.evidence_url)


def facts(session: Session, user: HubUser, cohort: str | None = None, team: str | None = None,
          changed_since: dt.datetime | None = None, basis: str = "both") -> list[rules.PlanFacts]:
    """Plain facts of every plan ``user`` may see (optionally one cohort by name, one team, only plans changed
    since an instant), in one query; their ship dates as ``basis`` counts them (see the module's docstring)."""
    if basis not in BASES:
        raise ValueError(f"basis {basis!r} is not one of {BASES}")
    q = (select(ShipPlan.id, Person.username, Person.team, Cohort.id, Cohort.name, Cohort.workshop_end,
                Cohort.timezone, Cohort.workshop_start, ShipPlan.planned_ship_date, ShipPlan.status, ShipPlan.blocker,
                ShipPlan.last_checkin_at, Shipped.shipped_on, ShipPlan.baseline_value, ShipPlan.target_value,
                Shipped.after_value, ShipPlan.backlog_ref, ShipPlan.metric_name, VerifiedShip.verified_at,
                ShipPlan.cycle)
         .select_from(ShipPlan).join(Person, Person.id == ShipPlan.person_id)
         .join(Cohort, Cohort.id == ShipPlan.cohort_id).outerjoin(Shipped, Shipped.plan_id == ShipPlan.id)
         .outerjoin(VerifiedShip, VerifiedShip.plan_id == ShipPlan.id)
         .where(plan_filter(user)).order_by(ShipPlan.id))
    if cohort:
        q = q.where(Cohort.name == cohort)
    if team:
        q = q.where(Person.team == team)
    if changed_since is not None:
        q = q.where(ShipPlan.updated_at >= changed_since)
    cohorts: dict[int, rules.CohortFacts] = {}
    out = []
    for (pid, username, pteam, cid, cname, cend, ctz, cstart, planned, status, blocker, last, shipped_on, base,
         target, after, ref, metric, verified_at, cycle) in session.execute(q):
        c = cohorts.get(cid) or cohorts.setdefault(cid, rules.CohortFacts(cid, cname, cend, ctz, cstart))
        if verified_at is not None or basis == "verified":
            verified_on = None if verified_at is None else rules.local_date(c, verified_at)
            shipped_on = verified_on if basis == "verified" or shipped_on is None else min(shipped_on, verified_on)
        out.append(rules.PlanFacts(pid, username, pteam, c, planned, status, blocker, last, shipped_on, base,
                                   target, after, ref, metric, cycle))
    return out


def viewer_key(user: HubUser, cohort: str | None, team: str | None) -> tuple:
    """Who sees the same plans: admins all alike; everyone else by name, role and teams; and the filter."""
    return user.role, "" if user.role == "admin" else user.name, user.teams, cohort or "", team or ""


class _Entry:
    """One viewer-and-filter's plans, the database version they reflect, and their figure book."""

    __slots__ = ("version", "expires", "plans", "book", "lock")

    def __init__(self, version: tuple, expires: float, plans: dict[int, rules.PlanFacts]):
        self.version, self.expires, self.plans = version, expires, plans
        self.book: figurebook.FigureBook | None = None
        self.lock = threading.Lock()


class FactsCache:
    """:func:`facts` and their figures per viewer and filter, kept current by reading only what changed.

    A dashboard over a whole organisation reads every plan; between two looks only a few plans change. Each look
    reads one small version: the plans' count and newest ``updated_at``, and the same for people and cohorts (all
    indexed; every write bumps them). Same as before: the cached plans are used. Only plans newer: those updated
    since then (with an overlap of :data:`OVERLAP`, for writes that committed out of timestamp order) are fetched,
    merged in and handed to the entry's :class:`~shiplab.tracker.figurebook.FigureBook`, which recounts only what
    they contribute. Fewer plans, or a person or cohort changed (a roster import moves someone to another team):
    read again in full. ``max_age`` is a safety net for changes made behind the tracker's back.

    The figures are exactly what a fresh computation gives: the book answers only for instants in its window
    (:meth:`~shiplab.tracker.figurebook.FigureBook.valid_at`) and is rebuilt outside it.
    """

    OVERLAP = dt.timedelta(seconds=5)

    def __init__(self, max_age: float = 600.0, size: int = 256, basis: str = "both"):
        if basis not in BASES:
            raise ValueError(f"basis {basis!r} is not one of {BASES}")
        self.max_age, self.size, self.basis = max_age, size, basis
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, user: HubUser, cohort: str | None = None, team: str | None = None,
            basis: str | None = None) -> list[rules.PlanFacts]:
        entry = self._load(session, user, cohort, team, basis or self.basis)
        with entry.lock:
            return list(entry.plans.values())

    def figures(self, session: Session, user: HubUser, now: dt.datetime, cohort: str | None = None,
                team: str | None = None, basis: str | None = None) -> tuple[list[rules.PlanFacts], figurebook.Figures]:
        """The plans and their figures at ``now`` (ship dates as ``basis`` counts them; default: the cache's)."""
        entry = self._load(session, user, cohort, team, basis or self.basis)
        with entry.lock:
            plans = list(entry.plans.values())
            if entry.book is None or not entry.book.valid_at(now):
                entry.book = figurebook.FigureBook(plans, now)
            return plans, entry.book.figures()

    @staticmethod
    def version(session: Session) -> tuple:
        """(plans, newest plan change, (people, newest person change, cohorts, newest cohort change, members))."""
        def newest(column):
            return select(func.max(column)).scalar_subquery()

        def count(table):
            return select(func.count()).select_from(table).scalar_subquery()

        row = session.execute(select(count(ShipPlan), newest(ShipPlan.updated_at), count(Person),
                                     newest(Person.updated_at), count(Cohort), newest(Cohort.updated_at),
                                     count(CohortMember))).one()
        return row[0], row[1], tuple(row[2:])

    def _load(self, session, user, cohort, team, basis) -> _Entry:
        version = self.version(session)
        key = viewer_key(user, cohort, team) + (basis,)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and entry.expires > time.monotonic() and version[2] == entry.version[2] \
                and version[0] >= entry.version[0] and entry.version[1] is not None:
            if entry.version == version:
                return entry
            changed = facts(session, user, cohort=cohort, team=team,
                            changed_since=entry.version[1] - self.OVERLAP, basis=basis)
            with entry.lock:
                entry.plans.update((f.id, f) for f in changed)
                if entry.book is not None:
                    entry.book.update(changed)
                entry.version = max(entry.version, version)
            return entry
        entry = _Entry(version, time.monotonic() + self.max_age,
                       {f.id: f for f in facts(session, user, cohort=cohort, team=team, basis=basis)})
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry


def shipping_split(cache: FactsCache, session: Session, user: HubUser, now: dt.datetime, cohort: str | None = None,
                   team: str | None = None) -> dict:
    """Verified and self-reported shipping apart, for the plans ``user`` may see: what the 60-day figure counts
    (the cache's basis), plans shipped and within 60 days verified by a deployment, those only self-reported (or
    verified later than day 60), and the verified ones per team."""
    verified = cache.figures(session, user, now, cohort=cohort, team=team, basis="verified")[1]
    both = cache.figures(session, user, now, cohort=cohort, team=team, basis="both")[1]
    v, b = verified.overall, both.overall
    return {"counts": cache.basis, "verified": v.shipped, "verified_within_60": v.shipped_within_60,
            "self_reported_only": max(b.shipped - v.shipped, 0),
            "self_reported_only_within_60": max(b.shipped_within_60 - v.shipped_within_60, 0),
            "verified_within_60_by_team": {t: g.shipped_within_60 for t, g in verified.by_team.items()}}
