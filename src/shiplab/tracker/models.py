"""The tracker's tables (SQLAlchemy 2, typed), the vocabularies they use, and UTC timestamps.

A :class:`ShipPlan` belongs to one participant in one cohort; after it ships or is killed the participant may open
the next one (``cycle`` 2, 3, …; the 60-day figures count cycle 1). Its current ``status``, ``blocker`` and
``last_checkin_at`` repeat what the newest :class:`CheckIn` says, so dashboards never scan the check-in history;
:mod:`shiplab.tracker.service` is the only writer and keeps them in step. Timestamps are stored as UTC and come
back as aware UTC datetimes; *dates* (workshop days, ship dates) are local calendar dates of the cohort's time zone.

Shipping has two kinds of evidence, kept apart: :class:`Shipped` is what the participant reports (a date, a link, the
metric after); :class:`VerifiedShip` is the first successful production :class:`Deployment` a deploying system
reported through the plan's signed webhook (:class:`PlanWebhook`, :mod:`shiplab.tracker.webhooks`).

The schema is created and upgraded by Alembic (``migrations/``), never by ``create_all``: a test checks that the
migrations produce exactly these tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Text, TypeDecorator, UniqueConstraint, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("planned", "building", "in_review", "shipped", "blocked", "killed")
CLOSED_STATUSES = ("shipped", "killed")
BLOCKERS = {
    "ownership": "Ownership between strategy and execution",
    "tool_sprawl": "Tool sprawl without governance",
    "pilot_standards": "Pilot without production standards",
    "skills_gap": "Skills gap",
    "no_measurement": "No measurement",
}
ROLES = ("participant", "instructor", "manager", "admin")
MEMBER_ROLES = ("participant", "instructor")
DUE_DAYS = (14, 30, 45, 60)
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns on PostgreSQL: a larger number names no row
REMINDER_STATUSES = ("pending", "sending", "sent", "failed")
CHANNELS = ("email", "webhook")
DEPLOYMENT_SOURCES = ("github", "gitlab", "plain")
REMINDER_KINDS = ("checkin", "adoption")  # adoption: 14 days after shipping, "still used?" (revision 0007)
READING_SOURCES = ("participant", "service")  # who posted a metric value: the owner, or the service's plan token
ADOPTION_OUTCOMES = ("adopted", "went_back")
RETRO_OUTCOMES = ("shipped", "killed")
WOULD_AGAIN = ("yes", "maybe", "no")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive UTC (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value):  # SQLite hands back ISO text; fromisoformat is ~10x faster than the generic parser
            return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)

        return process


class FastDate(TypeDecorator):
    """A plain ``Date``, read on SQLite with :meth:`date.fromisoformat` (dashboards read 10,000s of dates)."""

    impl = Date
    cache_ok = True

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return lambda value: None if value is None else dt.date.fromisoformat(value)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Cohort(Base):
    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    course: Mapped[str] = mapped_column(String(120), default="")
    workshop_start: Mapped[dt.date] = mapped_column(FastDate)
    workshop_end: Mapped[dt.date] = mapped_column(FastDate)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # added by revision 0004: the figures cache notices a changed cohort by it
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    __table_args__ = (CheckConstraint("workshop_end >= workshop_start", name="dates"),)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    team: Mapped[str] = mapped_column(String(64), default="", index=True)
    manager_username: Mapped[str] = mapped_column(String(64), default="", index=True)
    role: Mapped[str] = mapped_column(String(16), default="participant")
    # added by revision 0002: people who left the roster are kept (their plans stay in the figures) but inactive
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # added by revision 0004: the figures cache notices a changed team or manager by it
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)


class CohortMember(Base):
    __tablename__ = "cohort_members"
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    role: Mapped[str] = mapped_column(String(16), default="participant")
    __table_args__ = (CheckConstraint(_in("role", MEMBER_ROLES), name="role"),)


class ShipPlan(Base):
    __tablename__ = "ship_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    use_case: Mapped[str] = mapped_column(Text)
    backlog_ref: Mapped[str] = mapped_column(String(64), default="")
    metric_name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(32), default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    planned_ship_date: Mapped[dt.date] = mapped_column(FastDate)
    # added by revision 0006: how the baseline was measured (required for new plans, "" on older rows)
    baseline_method: Mapped[str] = mapped_column(Text, default="", server_default="")
    # added by revision 0006: the person's 1st, 2nd, … plan in the cohort; a next one opens after a ship or a kill
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    blocker: Mapped[str | None] = mapped_column(String(32))
    last_checkin_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # indexed (revision 0003): dashboards fetch only the plans changed since their last look
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    person: Mapped[Person] = relationship(lazy="joined")
    cohort: Mapped[Cohort] = relationship(lazy="joined")
    shipped: Mapped[Shipped | None] = relationship(back_populates="plan", lazy="joined")
    verified: Mapped[VerifiedShip | None] = relationship(back_populates="plan", lazy="joined")
    adoption: Mapped[Adoption | None] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "cycle", name="uq_ship_plans_cycle"),
                      Index("ix_ship_plans_cohort_status", "cohort_id", "status"),
                      CheckConstraint(_in("status", STATUSES), name="status"),
                      CheckConstraint("cycle >= 1", name="cycle"))


class CheckIn(Base):
    __tablename__ = "check_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    blocker: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(2000), default="")
    __table_args__ = (Index("ix_check_ins_plan_at", "plan_id", "at"),
                      CheckConstraint(_in("status", STATUSES), name="status"),
                      CheckConstraint("status != 'blocked' OR blocker IS NOT NULL", name="blocker_when_blocked"))


class Shipped(Base):
    __tablename__ = "shipped"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), unique=True)
    shipped_on: Mapped[dt.date] = mapped_column(FastDate)
    evidence_url: Mapped[str] = mapped_column(String(2000))
    after_value: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    plan: Mapped[ShipPlan] = relationship(back_populates="shipped")


class Reminder(Base):
    """One nudge for one plan, due day and channel. The unique key is what makes "sent once" hold."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"))
    due_day: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    # added by revision 0007: a check-in (due_day after the workshop) or the adoption question (days after shipping)
    kind: Mapped[str] = mapped_column(String(16), default="checkin", server_default="checkin")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("plan_id", "due_day", "channel", "kind", name="uq_reminders_once"),
                      Index("ix_reminders_status_next", "status", "next_attempt_at"),
                      CheckConstraint(_in("status", REMINDER_STATUSES), name="status"),
                      CheckConstraint(_in("kind", REMINDER_KINDS), name="kind"),
                      CheckConstraint(_in("due_day", DUE_DAYS), name="due_day"),
                      CheckConstraint(_in("channel", CHANNELS), name="channel"))


class PlanWebhook(Base):
    """A plan's deployment webhook (revision 0005). The secret itself is stored nowhere: it is derived from ``salt``
    and the tracker's webhook key file (:mod:`shiplab.tracker.webhooks`); rotating draws a new salt. ``key_id``
    names the key the secret was derived with, so a replaced key file is reported instead of failing silently."""

    __tablename__ = "plan_webhooks"
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Deployment(Base):
    """One delivery a deploying system sent to a plan's webhook (revision 0005), as it said it: every accepted
    one is kept, successful or not, production or not. A delivery id or a body seen before for the plan is a
    replay: the unique keys refuse it even when two copies arrive at once."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[str | None] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(200), default="")
    environment: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(32))
    production: Mapped[bool] = mapped_column(Boolean)
    url: Mapped[str] = mapped_column(String(2000), default="")
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("plan_id", "delivery_id", name="uq_deployments_delivery"),
                      UniqueConstraint("plan_id", "body_sha256", name="uq_deployments_body"),
                      Index("ix_deployments_plan_received", "plan_id", "received_at"),
                      CheckConstraint(_in("source", DEPLOYMENT_SOURCES), name="source"))


class VerifiedShip(Base):
    """*Shipped — verified* (revision 0005): the plan's first successful production deployment that finished after
    the workshop began. Made once; later deployments never move it (the unique plan id keeps the first)."""

    __tablename__ = "verified_ships"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), unique=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"))
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(String(2000), default="")
    plan: Mapped[ShipPlan] = relationship(back_populates="verified")
    deployment: Mapped[Deployment] = relationship(lazy="joined")


class MetricReading(Base):
    """One value of the plan's metric on one local date (revision 0007), posted by the owner or by the production
    service with the plan's token. The series after shipping is what the dashboard's 30- and 60-day change reads."""

    __tablename__ = "metric_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"))
    measured_on: Mapped[dt.date] = mapped_column(FastDate)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_metric_readings_plan_measured", "plan_id", "measured_on"),
                      CheckConstraint(_in("source", READING_SOURCES), name="source"))


class PlanToken(Base):
    """A plan-scoped token for the production service to post metric values (revision 0007). Only its SHA-256 is
    stored: the token is shown once, to the owner; rotating replaces the hash, and the old token stops at once."""

    __tablename__ = "plan_tokens"
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Adoption(Base):
    """The answer to "fourteen days after shipping, is it still used?" (revision 0007): adopted, or went back to
    the old way, with a note and the metric as evidence. One per plan; the owner may change it."""

    __tablename__ = "adoptions"
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_value: Mapped[float | None] = mapped_column(Float)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (CheckConstraint(_in("outcome", ADOPTION_OUTCOMES), name="outcome"),)


class Retrospective(Base):
    """A shipped or killed plan's short retrospective (revision 0008), shared on the organisation's lessons page.
    ``frictions`` holds blocker codes separated by commas; ``anonymous`` hides the author from other teams."""

    __tablename__ = "retrospectives"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ship_plans.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_blocked: Mapped[str] = mapped_column(Text, default="")
    frictions: Mapped[str] = mapped_column(String(200), default="")
    would_again: Mapped[str] = mapped_column(String(8))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    plan: Mapped[ShipPlan] = relationship(lazy="joined")
    __table_args__ = (CheckConstraint(_in("outcome", RETRO_OUTCOMES), name="outcome"),
                      CheckConstraint(_in("would_again", WOULD_AGAIN), name="would_again"))
