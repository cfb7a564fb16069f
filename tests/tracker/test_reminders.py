"""Reminders on days 14/30/45/60 through a real local SMTP server and webhook receiver, with a controlled clock."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from localservers import SmtpSink, WebhookSink
from shiplab.tracker import db
from shiplab.tracker.app import create_app
from shiplab.tracker.auth import StaticIdentity
from shiplab.tracker.models import Reminder
from shiplab.tracker.reminders import MAX_ATTEMPTS, EmailSender, WebhookSender, run_due_reminders
from trackerkit import USERS, UTC, browser, make_plan, token

DAY14 = dt.datetime(2026, 4, 10, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (summer time), day 14 of cohort "spring"
DAY30 = dt.datetime(2026, 4, 26, 7, 0, tzinfo=UTC)


@pytest.fixture
def sinks():
    smtp, hook = SmtpSink(), WebhookSink()
    yield smtp, hook
    smtp.close()
    hook.close()


def senders_for(sinks) -> dict:
    smtp, hook = sinks
    return {"email": EmailSender("127.0.0.1", smtp.port, "tracker@example.org", timeout=5),
            "webhook": WebhookSender(hook.url, timeout=5)}


def run(app, now, senders):
    with app.state.sessions() as s:
        return run_due_reminders(s, now, senders, base_url="https://hub.example/services/tracker/")


def rows(app) -> list[Reminder]:
    with app.state.sessions() as s:
        return list(s.scalars(select(Reminder).order_by(Reminder.id)))


def test_due_reminders_go_out_once_even_after_a_restart(app, client, clock, sinks, settings):
    """Is each day's reminder sent once by e-mail and webhook at 09:00 local — not before, not again, not after a
    restart — and skipped for someone who checked in or shipped?"""
    smtp, hook = sinks
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    senders = senders_for(sinks)
    assert run(app, DAY14 - dt.timedelta(minutes=1), senders).sent == 0
    report = run(app, DAY14, senders)
    assert (report.created, report.sent, report.failed) == (4, 4, 0)
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.org", "ben@example.org"]
    assert all(m["Subject"].startswith("Day 14") for m in smtp.messages)
    assert "https://hub.example/services/tracker/plan" in smtp.messages[0].get_payload()
    assert len(hook.posts) == 2 and all("day 14" in p["text"] for p in hook.posts)
    assert run(app, DAY14 + dt.timedelta(minutes=5), senders).sent == 0

    app.state.engine.dispose()  # "restart": a new engine and new senders on the same database file
    engine = db.ensure_database(settings.database_url)
    sessions = db.session_factory(engine)
    with sessions() as s:
        assert run_due_reminders(s, DAY14 + dt.timedelta(hours=1), senders_for(sinks)).sent == 0
    assert len(smtp.messages) == 2 and len(hook.posts) == 2

    clock.now = DAY30 - dt.timedelta(hours=1)  # 08:00 local on day 30: Ben checks in just before his reminder
    assert client.post(f"/api/plans/{ben}/checkins", json={"status": "in_review"},
                       headers=token("ben")).status_code == 201
    clock.now = DAY30
    assert client.post(f"/api/plans/{anna}/shipped", json={"evidence_url": "https://x.example/r"},
                       headers=token("anna")).status_code == 201
    assert run(app, DAY30, senders).sent == 0
    assert len(smtp.messages) == 2
    assert {r.status for r in rows(app)} == {"sent"} and len(rows(app)) == 4


def test_a_failed_send_is_retried_after_backoff_and_shown_on_the_dashboard(app, client, sinks):
    """After the webhook answers 500, is the reminder marked failed with the error, left alone during the backoff,
    shown to the manager, and sent on a later run?"""
    smtp, hook = sinks
    make_plan(client, "anna")
    hook.failures = 1
    senders = senders_for(sinks)
    report = run(app, DAY14, senders)
    assert (report.sent, report.failed) == (1, 1)
    failed = [r for r in rows(app) if r.channel == "webhook"][0]
    assert failed.status == "failed" and failed.attempts == 1 and "HTTP 500" in failed.last_error
    page = browser(client, "marta").get("/dashboard").text
    assert "failed 1" in page and "HTTP 500" in page
    assert run(app, DAY14 + dt.timedelta(seconds=30), senders).sent == 0  # inside the 1-minute backoff
    assert run(app, DAY14 + dt.timedelta(seconds=61), senders).sent == 1
    again = [r for r in rows(app) if r.channel == "webhook"][0]
    assert again.status == "sent" and again.attempts == 2 and again.last_error == ""
    assert len(hook.posts) == 1 and len(smtp.messages) == 1


def test_an_unreachable_mail_server_gives_up_after_the_last_attempt(app, client, sinks):
    """With nothing listening on the SMTP port, are there exactly MAX_ATTEMPTS tries, spaced by the backoff?"""
    smtp, _ = sinks
    make_plan(client, "anna")
    port = smtp.port
    smtp.close()
    senders = {"email": EmailSender("127.0.0.1", port, "tracker@example.org", timeout=2)}
    now = DAY14
    for _ in range(MAX_ATTEMPTS + 2):
        run(app, now, senders)
        now += dt.timedelta(days=1)
    (row,) = rows(app)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and "Connection" in row.last_error


def test_a_send_interrupted_by_a_crash_is_not_repeated(app, client, sinks):
    """Is a reminder left 'sending' by a dead process marked failed after the lease, and never sent twice?"""
    smtp, hook = sinks
    make_plan(client, "anna")
    senders = {"webhook": senders_for(sinks)["webhook"]}
    run(app, DAY14 - dt.timedelta(minutes=1), senders)
    with app.state.sessions() as s:
        s.add(Reminder(plan_id=1, due_day=14, channel="webhook", status="sending", attempts=1,
                       next_attempt_at=DAY14, claimed_at=DAY14))
        s.commit()
    run(app, DAY14 + dt.timedelta(hours=1), senders)
    (row,) = rows(app)
    assert row.status == "failed" and "interrupted" in row.last_error and hook.posts == []


def test_two_runs_at_once_send_each_reminder_once(app, client, sinks):
    """When two reminder runs race (two processes), does every reminder still go out exactly once?"""
    smtp, hook = sinks
    for name in ("anna", "ben", "chloe", "dave"):
        make_plan(client, name)
    errors = []

    def worker():
        try:
            run(app, DAY14, senders_for(sinks))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(p["text"].split(",")[0] for p in hook.posts) == ["Hi Anna Berger", "Hi Ben Okafor",
                                                                   "Hi Chloé Martin", "Hi Dave Ito"]
    assert len(smtp.messages) == 4


def test_the_service_runs_reminders_in_the_background(settings, clock, sinks):
    """Does the app's own loop send a due reminder while it runs, without anyone calling it?"""
    smtp, hook = sinks
    settings = settings.model_copy(update={"reminder_interval_s": 1})
    clock.now = DAY14
    app = create_app(settings, clock=clock, identity=StaticIdentity(USERS),
                     senders={"webhook": senders_for(sinks)["webhook"]})
    from shiplab.tracker.enrol import ensure_cohort, ensure_people
    from trackerkit import ROSTER, SPRING_END

    with app.state.sessions() as s:
        c = ensure_cohort(s, "spring", start=SPRING_END, end=SPRING_END, timezone="Europe/Berlin")
        ensure_people(s, ROSTER, c)
    with TestClient(app) as client:
        make_plan(client, "anna")
        deadline = time.monotonic() + 10
        while not hook.posts and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(hook.posts) == 1 and "Anna" in hook.posts[0]["text"]
    with app.state.sessions() as s:
        s.execute(update(Reminder).values(status="sent"))
