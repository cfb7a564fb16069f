"""The metric after shipping, over time: readings, the plan token the production service posts them with, adoption.

**Readings** (:class:`~shiplab.tracker.models.MetricReading`) are values of the plan's metric on a local date, posted
by the plan's owner or by the production service itself (``POST /api/plans/{id}/metric``). Each is checked as every
metric value is (a finite number within ±1e12) and dated from the workshop's first day to today in the cohort's time
zone; a plan holds at most :data:`MAX_READINGS`.

**The plan token** lets a service post readings for one plan and nothing else: ``shm_`` and 32 random bytes, sent
as ``Authorization: Bearer <token>``. Only its SHA-256 is stored (a token of 256 random bits needs no slow hash), it
is shown once to the owner, and rotating replaces the hash so the old token stops at once. A token names its plan:
sent to another plan's address it is refused like a wrong one (401), and it never reads anything.

**Adoption** (:class:`~shiplab.tracker.models.Adoption`): fourteen days after a plan shipped (self-reported or
verified, whichever came first) the tracker asks its owner — a reminder, :mod:`.reminders` — whether it is still
used: *adopted*, or *went back to the old way*, with a note and the metric now as evidence (recorded as a reading
too). It can be answered from day 14 after shipping on, and changed later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shiplab.tracker import rules, service
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import MAX_ID, Adoption, MetricReading, PlanToken, ShipPlan
from shiplab.tracker.outcomes import Outcome, OutcomeFigures, outcome_figures
from shiplab.tracker.schemas import AdoptionIn, MetricIn

TOKEN_PREFIX = "shm_"
MAX_READINGS = 5000  # a daily value for thirteen years; beyond, a script is flooding the plan
ADOPTION_DAYS = 14
_WRITES = [0]  # this process's reading and adoption writes: a changed answer may keep the table's count and newest


def _wrote() -> None:
    _WRITES[0] += 1


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_plan_token(token: str | None) -> bool:
    return bool(token) and token.startswith(TOKEN_PREFIX)


def token_of(session: Session, plan_id: int) -> PlanToken | None:
    return session.get(PlanToken, plan_id) if 0 < plan_id <= MAX_ID else None


def create_token(session: Session, user: HubUser, plan_id: int, now: dt.datetime,
                 rotate: bool) -> tuple[ShipPlan, PlanToken, str]:
    """A new token for the owner's plan: (plan, row, the token — the only time it exists outside the caller)."""
    with service.writing(session):
        plan = service.owned_plan(session, user, plan_id)
        row = token_of(session, plan.id)
        if row is not None and not rotate:
            raise TrackerError(409, "token_exists", "this plan already has a metric token; it was shown once. If it "
                                                    "is lost or leaked, rotate it (the old one stops working).")
        if row is None and rotate:
            raise TrackerError(404, "no_token", "this plan has no metric token to rotate yet; create one first.")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        if row is None:
            row = PlanToken(plan_id=plan.id, token_sha256=token_hash(token), created_at=now)
            session.add(row)
        else:
            row.token_sha256, row.rotated_at, row.last_used_at = token_hash(token), now, None
        session.commit()
        return plan, row, token


def plan_for_token(session: Session, plan_id: int, token: str) -> ShipPlan:
    """The plan a service's token belongs to; 401 for a token that is not this plan's (never saying whether the
    plan exists)."""
    row = token_of(session, plan_id)
    if row is None or not hmac.compare_digest(row.token_sha256, token_hash(token)):
        raise TrackerError(401, "bad_plan_token", "this metric token is not valid for this plan (rotated, or another "
                                                  "plan's). The plan's owner can make a new one on the plan page.")
    return session.get(ShipPlan, plan_id)


def _measured_on(plan: ShipPlan, data_day: dt.date | None, now: dt.datetime) -> dt.date:
    facts = service.cohort_facts(plan.cohort)
    today = rules.local_date(facts, now)
    day = data_day or today
    lo = rules.first_day(facts)
    if not lo <= day <= today:
        where = "before the workshop began" if day < lo else "in the future"
        raise service.invalid("measured_on", f"{day.isoformat()} is {where}; a reading is dated from the workshop's "
                                             f"first day ({lo.isoformat()}) to today ({today.isoformat()} in "
                                             f"{plan.cohort.timezone})")
    return day


def add_reading(session: Session, plan: ShipPlan, data: MetricIn, source: str, now: dt.datetime) -> MetricReading:
    """Store one reading for ``plan`` (whose owner or token the caller has already checked)."""
    with service.writing(session):
        day = _measured_on(plan, data.measured_on, now)
        count = session.scalar(select(func.count()).select_from(MetricReading)
                               .where(MetricReading.plan_id == plan.id))
        if count >= MAX_READINGS:
            raise TrackerError(409, "too_many_readings", f"this plan already holds {MAX_READINGS} readings; post a "
                                                         "daily or weekly value, not every measurement.")
        row = MetricReading(plan_id=plan.id, measured_on=day, value=data.value, source=source, note=data.note,
                            recorded_at=now)
        session.add(row)
        _wrote()
        if source == "service":
            token = token_of(session, plan.id)
            if token is not None:
                token.last_used_at = now
        session.commit()
        return row


def readings_of(session: Session, plan_ids, limit: int = MAX_READINGS) -> dict[int, list[MetricReading]]:
    """Plan id → its readings, oldest first (for a chart, or the outcome figures)."""
    ids = list(plan_ids)
    out: dict[int, list[MetricReading]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):
        q = (select(MetricReading).where(MetricReading.plan_id.in_(ids[chunk:chunk + 500]))
             .order_by(MetricReading.plan_id, MetricReading.measured_on, MetricReading.id))
        for r in session.scalars(q):
            if len(out[r.plan_id]) < limit:
                out[r.plan_id].append(r)
    return out


def shipped_on(plan: ShipPlan) -> dt.date | None:
    """The first ship date the plan has: self-reported, or the local date of its verified deployment."""
    days = []
    if plan.shipped is not None:
        days.append(plan.shipped.shipped_on)
    if plan.verified is not None:
        days.append(rules.local_date(service.cohort_facts(plan.cohort), plan.verified.verified_at))
    return min(days) if days else None


def adoption_opens(plan: ShipPlan) -> dt.date | None:
    """The local date from which the adoption question is asked (None: not shipped)."""
    day = shipped_on(plan)
    return None if day is None else day + dt.timedelta(days=ADOPTION_DAYS)


def answer_adoption(session: Session, user: HubUser, plan_id: int, data: AdoptionIn, now: dt.datetime) -> Adoption:
    with service.writing(session):
        plan = service.owned_plan(session, user, plan_id)
        opens = adoption_opens(plan)
        if opens is None:
            raise TrackerError(409, "not_shipped", "this plan has not shipped; whether it is still used is asked "
                                                   f"{ADOPTION_DAYS} days after it ships.")
        today = rules.local_date(service.cohort_facts(plan.cohort), now)
        if today < opens:
            raise TrackerError(409, "too_early", f"the plan shipped on {shipped_on(plan).isoformat()}; whether it is "
                                                 f"still used is asked from {opens.isoformat()} ({ADOPTION_DAYS} "
                                                 "days later), when two weeks of use can tell.")
        row = plan.adoption or Adoption(plan_id=plan.id)
        row.outcome, row.note, row.evidence_value, row.answered_at = data.outcome, data.note, data.evidence_value, now
        session.add(row)
        _wrote()
        if data.evidence_value is not None:
            session.add(MetricReading(plan_id=plan.id, measured_on=today, value=data.evidence_value,
                                      source="participant", note=f"adoption answer: {data.outcome}",
                                      recorded_at=now))
        session.commit()
        return row


def outcomes_for(session: Session, plans: list[rules.PlanFacts], now: dt.datetime) -> list[Outcome]:
    """The :class:`~shiplab.tracker.outcomes.Outcome` of each plan (its ship date as the figures count it), with
    its adoption answer and readings. Only shipped plans have either; for many plans (an organisation's figures) the
    two tables are read whole rather than by thousands of ids."""
    todays: dict[rules.CohortFacts, dt.date] = {}
    counted: dict[int, dt.date | None] = {}
    for p in plans:
        today = todays.get(p.cohort) or todays.setdefault(p.cohort, rules.local_date(p.cohort, now))
        # a stored ship date the figures leave out (before the workshop, after today) is no ship here either
        counted[p.id] = None if p.shipped_on is None or rules._ship_left_out(p, today) else p.shipped_on
    shipped = [i for i, day in counted.items() if day is not None]
    answers: dict[int, str] = {}
    series: dict[int, list[tuple[dt.date, float]]] = {}
    if shipped:
        wanted = set(shipped)
        whole = len(shipped) > 2000
        aq = select(Adoption.plan_id, Adoption.outcome)
        rq = (select(MetricReading.plan_id, MetricReading.measured_on, MetricReading.value)
              .order_by(MetricReading.plan_id, MetricReading.measured_on, MetricReading.id))
        chunks = [None] if whole else [shipped[i:i + 500] for i in range(0, len(shipped), 500)]
        for chunk in chunks:
            a = aq if chunk is None else aq.where(Adoption.plan_id.in_(chunk))
            r = rq if chunk is None else rq.where(MetricReading.plan_id.in_(chunk))
            answers.update((pid, o) for pid, o in session.execute(a) if pid in wanted)
            for pid, day, value in session.execute(r):
                if pid in wanted:
                    series.setdefault(pid, []).append((day, value))
    return [Outcome(p.id, p.username, p.cohort.name, p.cycle, counted[p.id], todays[p.cohort], p.baseline, p.target,
                    answers.get(p.id), tuple(series.get(p.id, ()))) for p in plans]


class OutcomeCache:
    """The outcome figures per viewer and filter, recomputed only when something they depend on changed: a plan (the
    facts cache's version), a reading or an adoption answer (their tables' count and newest row, and this process's
    own writes), or a local day in one of the plans' time zones. An organisation's figures read 10,000s of plans;
    most looks change none of these."""

    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[tuple, tuple[tuple, OutcomeFigures]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def version(session: Session) -> tuple:
        row = session.execute(select(
            select(func.count()).select_from(MetricReading).scalar_subquery(),
            select(func.max(MetricReading.id)).scalar_subquery(),
            select(func.count()).select_from(Adoption).scalar_subquery(),
            select(func.max(Adoption.answered_at)).scalar_subquery())).one()
        return tuple(row) + (_WRITES[0],)

    def figures(self, session: Session, key: tuple, plans: list[rules.PlanFacts], now: dt.datetime) -> OutcomeFigures:
        zones = sorted({p.cohort.timezone for p in plans})
        stamp = (service.FactsCache.version(session), self.version(session),
                 tuple(now.astimezone(rules.zone(z)).date() for z in zones), len(plans))
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == stamp:
                self._entries.move_to_end(key)
                return hit[1]
        figs = outcome_figures(outcomes_for(session, plans, now))
        with self._lock:
            self._entries[key] = (stamp, figs)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return figs
