"""What the API and the forms accept and return (pydantic), with the checks a person can act on.

Forms and JSON go through the same models, so a check (an evidence link must be http or https, a blocked
check-in must name one of the five frictions) holds for the page and for a notebook alike.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shiplab.tracker.models import BLOCKERS, STATUSES

Status = Literal["planned", "building", "in_review", "blocked", "killed"]  # "shipped" is recorded via /shipped
Blocker = Literal["ownership", "tool_sprawl", "pilot_standards", "skills_gap", "no_measurement"]
assert set(Blocker.__args__) == set(BLOCKERS) and set(Status.__args__) < set(STATUSES)


def check_http_url(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return v
    parts = urlparse(v)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("evidence links must start with http:// or https:// (for example the release notes or "
                         "the merged pull request)")
    return v


def _finite(v: float | None) -> float | None:
    if v is not None and not math.isfinite(v):
        raise ValueError("must be a finite number")
    return v


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(Strict):
    use_case: str = Field(min_length=3, max_length=2000, description="What will ship, in a sentence or two.")
    backlog_ref: str = Field("", max_length=64, description="Backlog item key, e.g. NVA-123.")
    metric_name: str = Field(min_length=1, max_length=120, description="What the change should move.")
    unit: str = Field("", max_length=32)
    baseline_value: float | None = None
    target_value: float | None = None
    planned_ship_date: dt.date
    cohort_id: int | None = Field(None, description="Needed only for someone in more than one cohort.")

    @field_validator("baseline_value", "target_value")
    @classmethod
    def _numbers(cls, v):
        return _finite(v)


class CheckInIn(Strict):
    status: Status
    blocker: Blocker | None = Field(None, description="Required when status is blocked: one of the five frictions.")
    note: str = Field("", max_length=4000)
    evidence_url: str = Field("", max_length=2000)

    @field_validator("evidence_url")
    @classmethod
    def _url(cls, v):
        return check_http_url(v)

    @model_validator(mode="after")
    def _blocker_when_blocked(self):
        if self.status == "blocked" and not self.blocker:
            raise ValueError("a blocked check-in must name its blocker: " + ", ".join(BLOCKERS))
        if self.status != "blocked":
            self.blocker = None
        return self


class ShippedIn(Strict):
    shipped_on: dt.date | None = Field(None, description="Local date of the release; default: today in the "
                                                         "cohort's time zone.")
    evidence_url: str = Field(min_length=1, max_length=2000, description="Link that shows it in production.")
    after_value: float | None = None
    note: str = Field("", max_length=4000)

    @field_validator("evidence_url")
    @classmethod
    def _url(cls, v):
        return check_http_url(v)

    @field_validator("after_value")
    @classmethod
    def _number(cls, v):
        return _finite(v)


class CheckInOut(BaseModel):
    id: int
    at: dt.datetime
    status: str
    blocker: str | None
    note: str
    evidence_url: str


class ShippedOut(BaseModel):
    shipped_on: dt.date
    day: int
    within_60_days: bool
    evidence_url: str
    after_value: float | None


class PlanOut(BaseModel):
    id: int
    username: str
    team: str
    cohort: str
    use_case: str
    backlog_ref: str
    metric_name: str
    unit: str
    baseline_value: float | None
    target_value: float | None
    planned_ship_date: dt.date
    status: str
    blocker: str | None
    checkins_due: list[int]
    overdue: bool
    shipped: ShippedOut | None


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorOut(BaseModel):
    """Every error, from every route: ``{"error": {"status", "code", "message"}}``."""

    error: ErrorBody
