"""Check-in reminders on days 14, 30, 45 and 60: by e-mail (SMTP) and/or a chat webhook, each sent once.

How "once" holds, across restarts and several processes:

1. For every open plan with an outstanding check-in, a :class:`~shiplab.tracker.models.Reminder` row is made for
   the *latest* due day and each channel. The table's unique key (plan, day, channel) makes this idempotent; older
   days that were missed while the service was down are not sent late.
2. A row is *claimed* by one conditional UPDATE (``pending``/``failed`` → ``sending``, attempts + 1) that only one
   process can win, and committed before anything is sent.
3. After sending: ``sent`` (with ``sent_at``), or ``failed`` with the error and a next attempt after a backoff
   (1, 4, 16, 64 minutes; five attempts in all).

**The adoption question** (:func:`run_adoption_reminders`, run with the check-ins): fourteen days after a plan
shipped — self-reported or verified, whichever came first — at 09:00 in the cohort's time zone, its owner is asked
whether it is still used (adopted, or went back to the old way), once per channel (``kind`` "adoption", ``due_day``
14), by the same claim-then-send steps; answering removes a row not yet sent.

A process that dies between claiming and finishing leaves a row in ``sending``; after :data:`LEASE` it is marked
failed and *not* retried — it may have gone out, and a duplicate is worse than a gap the dashboard shows.
Rows no longer needed (the participant checked in, the plan shipped or was killed) are removed before sending.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shiplab.tracker import rules, service
from shiplab.tracker.models import CLOSED_STATUSES, Cohort, Person, Reminder, ShipPlan

log = logging.getLogger("shiplab.tracker.reminders")
MAX_ATTEMPTS = 5
BACKOFF_BASE = dt.timedelta(minutes=1)
LEASE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Message:
    username: str
    full_name: str
    email: str
    due_day: int
    subject: str
    text: str


class EmailSender:
    """Plain-text e-mail through an SMTP server (STARTTLS and login when configured)."""

    channel = "email"

    def __init__(self, host: str, port: int, sender: str, *, starttls: bool = False, user: str = "",
                 password: str = "", timeout: float = 10.0):
        self.host, self.port, self.sender, self.starttls = host, port, sender, starttls
        self.user, self.password, self.timeout = user, password, timeout

    def send(self, msg: Message) -> None:
        if not msg.email:
            raise ValueError(f"{msg.username} has no e-mail address in the roster")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, msg.email, msg.subject
        mail.set_content(msg.text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(mail)


class WebhookSender:
    """Slack/Teams-compatible incoming webhook: POST ``{"text": …}``."""

    channel = "webhook"

    def __init__(self, url: str, *, timeout: float = 10.0):
        self.url, self.timeout = url, timeout

    def send(self, msg: Message) -> None:
        text = msg.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        r = httpx.post(self.url, json={"text": text}, timeout=self.timeout)
        if r.status_code >= 300:
            raise RuntimeError(f"webhook answered HTTP {r.status_code}")


def senders_from_settings(settings) -> dict:
    out: dict = {}
    if settings.smtp_host:
        out["email"] = EmailSender(settings.smtp_host, settings.smtp_port, settings.smtp_from,
                                   starttls=settings.smtp_starttls, user=settings.smtp_user,
                                   password=settings.smtp_password)
    if settings.webhook_url:
        out["webhook"] = WebhookSender(settings.webhook_url)
    return out


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF_BASE * (4 ** max(attempts - 1, 0))


@dataclass
class RunReport:
    created: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    interrupted: int = 0


def _open_plans(session: Session) -> dict[int, tuple[ShipPlan, rules.PlanFacts]]:
    # people who left the roster (inactive; also the demo's example colleagues) are not nagged
    plans = session.scalars(select(ShipPlan).join(Person, Person.id == ShipPlan.person_id)
                            .where(ShipPlan.status.not_in(CLOSED_STATUSES), Person.active.is_(True))).unique()
    return {p.id: (p, service.plan_facts(p)) for p in plans}


def _create_rows(session: Session, plans, now: dt.datetime, channels) -> int:
    existing = set(session.execute(select(Reminder.plan_id, Reminder.due_day, Reminder.channel)
                                   .where(Reminder.kind == "checkin")).all())
    created = 0
    for pid, (_plan, facts) in plans.items():
        due = rules.checkins_due(facts, now)
        if not due:
            continue
        day = max(due)
        for ch in channels:
            if (pid, day, ch) in existing:
                continue
            try:
                with session.begin_nested():
                    session.add(Reminder(plan_id=pid, due_day=day, channel=ch, status="pending",
                                         next_attempt_at=rules.due_at(facts.cohort, day)))
                created += 1
            except IntegrityError:  # another process made it first: fine, it exists once
                pass
    session.commit()
    return created


def message_for(plan: ShipPlan, day: int, base_url: str) -> Message:
    person: Person = plan.person
    cohort: Cohort = plan.cohort
    name = person.full_name or person.username
    link = base_url.rstrip("/") + "/plan" if base_url else "the tracker"
    text = (f"Hi {name},\n\nit is day {day} after the {cohort.name} workshop. How is your ship plan going?\n"
            f"  {plan.use_case}\n  metric: {plan.metric_name}, planned ship date {plan.planned_ship_date}\n\n"
            f"Check in (building, in review, blocked — and by what —, shipped or stopped): {link}\n")
    return Message(person.username, name, person.email, day, f"Day {day}: check in on your ship plan", text)


def run_due_reminders(session: Session, now: dt.datetime, senders: dict, base_url: str = "") -> RunReport:
    """Make the due reminder rows, then claim and send each one that is ready. Safe to run at any time."""
    report = RunReport()
    stale = session.execute(
        update(Reminder).where(Reminder.status == "sending", Reminder.claimed_at <= now - LEASE)
        .values(status="failed", attempts=MAX_ATTEMPTS,
                last_error="interrupted while sending (the service stopped); not resent to avoid a duplicate"))
    report.interrupted = stale.rowcount or 0
    session.commit()
    plans = _open_plans(session)
    report.created = _create_rows(session, plans, now, [c for c in senders])
    ready = session.execute(
        select(Reminder.id, Reminder.plan_id, Reminder.due_day, Reminder.channel)
        .where(Reminder.status.in_(("pending", "failed")), Reminder.attempts < MAX_ATTEMPTS,
               Reminder.kind == "checkin", Reminder.next_attempt_at <= now).order_by(Reminder.id)).all()
    _send(session, ready, now, senders, report,
          lambda pid, day: plans.get(pid) is not None and day in rules.checkins_due(plans[pid][1], now),
          lambda pid, day: message_for(plans[pid][0], day, base_url))
    _adoption(session, now, senders, report, base_url)
    return report


def _send(session: Session, ready, now: dt.datetime, senders: dict, report: RunReport, needed, message) -> None:
    """Claim each ready row (one process wins), send it, record the outcome; rows no longer ``needed`` go."""
    for rid, pid, day, channel in ready:
        if not needed(pid, day) or channel not in senders:
            session.execute(delete(Reminder).where(Reminder.id == rid, Reminder.status != "sending"))
            session.commit()
            report.dropped += 1
            continue
        claimed = session.execute(
            update(Reminder).where(Reminder.id == rid, Reminder.status.in_(("pending", "failed")),
                                   Reminder.attempts < MAX_ATTEMPTS, Reminder.next_attempt_at <= now)
            .values(status="sending", claimed_at=now, attempts=Reminder.attempts + 1))
        session.commit()
        if claimed.rowcount != 1:
            continue  # another process claimed it
        attempts = session.scalar(select(Reminder.attempts).where(Reminder.id == rid))
        try:
            senders[channel].send(message(pid, day))
        except Exception as exc:  # any failure of the channel is recorded and retried later
            err = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("reminder %s (plan %s, day %s, %s) failed: %s", rid, pid, day, channel, err)
            session.execute(update(Reminder).where(Reminder.id == rid).values(
                status="failed", last_error=err, next_attempt_at=now + backoff(attempts)))
            report.failed += 1
        else:
            session.execute(update(Reminder).where(Reminder.id == rid).values(
                status="sent", sent_at=now, last_error=""))
            report.sent += 1
        session.commit()


def _adoption_due(session: Session, now: dt.datetime) -> dict[int, ShipPlan]:
    """Shipped plans of active people, not answered yet, whose adoption question is due at ``now``."""
    from shiplab.tracker import metrics

    plans = session.scalars(select(ShipPlan).join(Person, Person.id == ShipPlan.person_id)
                            .where(ShipPlan.status == "shipped", Person.active.is_(True))).unique()
    due = {}
    for p in plans:
        opens = metrics.adoption_opens(p)
        if p.adoption is None and opens is not None and \
                rules.due_at(service.cohort_facts(p.cohort), (opens - p.cohort.workshop_end).days) <= now:
            due[p.id] = p
    return due


def adoption_message(plan: ShipPlan, base_url: str) -> Message:
    person: Person = plan.person
    name = person.full_name or person.username
    link = base_url.rstrip("/") + "/plan" if base_url else "the tracker"
    text = (f"Hi {name},\n\ntwo weeks ago you shipped: {plan.use_case}\nIs it still used — adopted — or did people "
            f"go back to the old way? Tell the tracker, with {plan.metric_name} now as evidence: {link}\n")
    return Message(person.username, name, person.email, 14, "Two weeks after shipping: is it still used?", text)


def _adoption(session: Session, now: dt.datetime, senders: dict, report: RunReport, base_url: str) -> None:
    due = _adoption_due(session, now)
    existing = set(session.execute(select(Reminder.plan_id, Reminder.channel)
                                   .where(Reminder.kind == "adoption")).all())
    for pid in due:
        for ch in senders:
            if (pid, ch) in existing:
                continue
            try:
                with session.begin_nested():
                    session.add(Reminder(plan_id=pid, due_day=14, channel=ch, kind="adoption", status="pending",
                                         next_attempt_at=now))
                report.created += 1
            except IntegrityError:
                pass
    session.commit()
    ready = session.execute(
        select(Reminder.id, Reminder.plan_id, Reminder.due_day, Reminder.channel)
        .where(Reminder.status.in_(("pending", "failed")), Reminder.attempts < MAX_ATTEMPTS,
               Reminder.kind == "adoption", Reminder.next_attempt_at <= now).order_by(Reminder.id)).all()
    _send(session, ready, now, senders, report, lambda pid, day: pid in due,
          lambda pid, day: adoption_message(due[pid], base_url))


async def loop(sessions, senders: dict, clock, interval_s: float, base_url: str = "") -> None:
    """Run :func:`run_due_reminders` every ``interval_s`` seconds until cancelled (errors are logged)."""

    def once() -> RunReport:
        with sessions() as session:
            return run_due_reminders(session, clock(), senders, base_url)

    while True:
        try:
            report = await asyncio.to_thread(once)
            if report.sent or report.failed or report.interrupted:
                log.info("reminders: %s", report)
        except Exception:
            log.exception("reminder run failed; trying again in %ss", interval_s)
        await asyncio.sleep(interval_s)
