"""What the API and the forms accept and return (pydantic), with the checks a person can act on.

Forms and JSON go through the same models, so a check (an evidence link must be http or https, a blocked
check-in must name one of the five frictions) holds for the page and for a notebook alike. A refused field is a
``422`` naming the field, what was wrong with it and what is allowed.

What every field must be, so that no figure can be poisoned by it:

- **metric values** (``baseline_value``, ``target_value``, ``after_value``): finite numbers (no NaN, no infinity)
  from -1,000,000,000,000 to 1,000,000,000,000 (:data:`~shiplab.tracker.rules.MAX_VALUE`);
- **text**: at most the length its field says; no control characters (NUL, escape, …), no lone surrogates and no
  bidirectional overrides (which would show text other than what is stored), no invisible format characters
  (zero-width space, byte-order mark; the joiners scripts and emoji need are kept) and no run of more than eight
  combining marks. Notes and the use case may hold line
  breaks and tabs (a form's CR LF is kept as LF); one-line fields (backlog item, metric, unit, links) may not;
- **dates** are checked against the plan's cohort by :mod:`.service`, with the bounds of :mod:`.rules`: a planned
  ship date from the workshop's first day to five years after its last day, a ship date from the workshop's first
  day to today in the cohort's time zone;
- **ids** (``cohort_id``; path ids in :mod:`.api`) are whole numbers from 1 to 2,147,483,647;
- **a plan needs its baseline** (issue 23): ``baseline_value`` and ``baseline_method`` (how it was measured, at
  least :data:`MIN_METHOD` characters) are required, so a plan cannot be filed with an empty baseline;
- **metric readings** (:class:`MetricIn`) are dated from the workshop's first day to today (checked by
  :mod:`.metrics`); a retrospective's frictions are at most the five, each once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import urlparse

from fastapi import Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from shiplab.tracker.models import ADOPTION_OUTCOMES, BLOCKERS, MAX_ID, STATUSES, WOULD_AGAIN
from shiplab.tracker.rules import value_problem

Status = Literal["planned", "building", "in_review", "blocked", "killed"]  # "shipped" is recorded via /shipped
Blocker = Literal["ownership", "tool_sprawl", "pilot_standards", "skills_gap", "no_measurement"]
assert set(Blocker.__args__) == set(BLOCKERS) and set(Status.__args__) < set(STATUSES)
assert ADOPTION_OUTCOMES == ("adopted", "went_back") and WOULD_AGAIN == ("yes", "maybe", "no")


def check_http_url(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return v
    parts = urlparse(v)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("evidence links must start with http:// or https:// (for example the release notes or "
                         "the merged pull request)")
    return v


def _not_bool(v):
    """JSON true/false are not metric values (pydantic would read them as 1 and 0)."""
    if isinstance(v, bool):
        raise ValueError(f"{str(v).lower()} is not a number; a metric value is a finite number within ±1e12")
    return v


def _value(v: float | None) -> float | None:
    problem = None if v is None else value_problem(v)
    if problem:
        raise ValueError(problem)
    return v


# C0 and C1 controls but tab and line feed, and the bidirectional embeddings, overrides and isolates (lone
# surrogates, which have no UTF-8, pydantic already refuses as "not a valid string")
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Invisible format characters (Unicode category Cf: zero-width space, byte-order mark, word joiner, …) would let a
# note look empty or read as something else on the manager's page; the joiners that scripts and emoji need (ZWNJ,
# ZWJ) and the soft hyphen of pasted text are kept. A run of combining marks longer than any script needs
# ("Zalgo" text) is refused too.
_KEPT_FORMAT = {"\u200c", "\u200d", "\u00ad"}
MAX_COMBINING_RUN = 8


def _refuse_invisible(text: str, allowed: str) -> None:
    run = 0
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if (category == "Cf" and ch not in _KEPT_FORMAT) or category in ("Zl", "Zp"):
            raise ValueError(f"contains the invisible character U+{ord(ch):04X} "
                             f"({unicodedata.name(ch, 'unnamed')}) at position {i + 1}; {allowed}")
        run = run + 1 if category in ("Mn", "Me") else 0
        if run > MAX_COMBINING_RUN:
            raise ValueError(f"stacks more than {MAX_COMBINING_RUN} combining marks on one letter at position "
                             f"{i + 1}; {allowed}")


def _refuse_character(text: str, pattern: re.Pattern, allowed: str) -> str:
    m = pattern.search(text)
    if m:
        raise ValueError(f"contains the control character U+{ord(m.group()):04X} at position {m.start() + 1}; "
                         f"{allowed}")
    if not text.isascii():
        _refuse_invisible(text, allowed)
    return text


def clean_text(v: str) -> str:
    """Text that may run over several lines: line breaks (CR LF and CR become LF) and tabs, no other controls."""
    v = v.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _refuse_character(v, _BAD_IN_TEXT, "text may hold letters, digits, punctuation, spaces, tabs and line "
                                              "breaks")


def clean_line(v: str) -> str:
    """Text of one line: no control characters at all (no tab, no line break)."""
    return _refuse_character(v, _BAD_IN_LINE, "this field is one line of letters, digits, punctuation and spaces")


# Checked after the model's whitespace strip and the field's length limit.
Text = Annotated[str, AfterValidator(clean_text)]
Line = Annotated[str, AfterValidator(clean_line)]
Value = Annotated[float | None, BeforeValidator(_not_bool), AfterValidator(_value)]


def _filter(v: str | None) -> str | None:
    return None if v is None else clean_line(v)


# A cohort or team name to filter by (?cohort=…&team=…): one line, at most 80 characters. Routes: `team: NameFilter
# = None` (FastAPI applies the validator only when the Query is inside the Annotated).
NameFilter = Annotated[str | None, Query(max_length=80, description="A name: one line, at most 80 characters."),
                       AfterValidator(_filter)]


def between(lo: int, hi: int) -> AfterValidator:
    """A whole number from ``lo`` to ``hi``; the refusal names the number (the shared message would not)."""
    def check(v: int) -> int:
        if not lo <= v <= hi:
            raise ValueError(f"{v} is out of range; allowed are whole numbers from {lo} to {hi}")
        return v

    return AfterValidator(check)


Limit = Annotated[int, Query(description="At most this many plans: 1 to 1000."), between(1, 1000)]
Offset = Annotated[int, Query(description=f"Skip this many plans: 0 to {MAX_ID}."), between(0, MAX_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


MIN_METHOD = 10  # characters: "measured" alone says nothing; "median of 200 claims in March" does


class PlanIn(Strict):
    use_case: Text = Field(min_length=3, max_length=2000, description="What will ship, in a sentence or two.")
    backlog_ref: Line = Field("", max_length=64, description="Backlog item key, e.g. NVA-123.")
    metric_name: Line = Field(min_length=1, max_length=120, description="What the change should move.")
    unit: Line = Field("", max_length=32)
    baseline_value: Value = Field(None, validate_default=True,
                                  description="Required: the metric today, measured before the change; a finite "
                                              "number within ±1e12.")
    baseline_method: Text = Field("", max_length=1000, validate_default=True,
                                  description=f"Required: how the baseline was measured (at least {MIN_METHOD} "
                                              "characters), e.g. 'median of 200 claims in March, ticket export'.")
    target_value: Value = Field(None, description="The metric you aim for: a finite number within ±1e12.")
    planned_ship_date: dt.date = Field(description="Local date you plan to ship: from the workshop's first day to "
                                                   "five years after its last day.")
    cohort_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="Needed only for someone in more than one cohort.")

    @field_validator("baseline_value")
    @classmethod
    def _baseline_required(cls, v):
        if v is None:
            raise ValueError("a plan needs its baseline — the metric's value today, measured before the change "
                             "(e.g. 30 for 30 minutes per claim); without it nothing can show the change")
        return v

    @field_validator("baseline_method")
    @classmethod
    def _method_required(cls, v):
        if len(v.strip()) < MIN_METHOD:
            raise ValueError(f"say how the baseline was measured, in at least {MIN_METHOD} characters (e.g. "
                             "'median of 200 claims in March, from the ticket export')")
        return v


class CheckInIn(Strict):
    status: Status
    blocker: Blocker | None = Field(None, validate_default=True,
                                    description="Required when status is blocked: one of the five frictions.")
    note: Text = Field("", max_length=4000)
    evidence_url: Line = Field("", max_length=2000)

    @field_validator("evidence_url")
    @classmethod
    def _url(cls, v):
        return check_http_url(v)

    @field_validator("blocker")
    @classmethod
    def _blocker_when_blocked(cls, v, info):
        """A field check (not the model's), so the refusal names ``blocker``: a form shows it beside that field."""
        status = info.data.get("status")
        if status == "blocked" and not v:
            raise ValueError("a blocked check-in must name its blocker: " + ", ".join(BLOCKERS))
        return v if status == "blocked" else None


class ShippedIn(Strict):
    shipped_on: dt.date | None = Field(None, description="Local date of the release, from the workshop's first day "
                                                         "to today; default: today in the cohort's time zone.")
    evidence_url: Line = Field(min_length=1, max_length=2000, description="Link that shows it in production.")
    after_value: Value = Field(None, description="The metric after the release: a finite number within ±1e12.")
    note: Text = Field("", max_length=4000)

    @field_validator("evidence_url")
    @classmethod
    def _url(cls, v):
        return check_http_url(v)


class MetricIn(Strict):
    """One value of the plan's metric (the owner's, or the production service's with the plan token)."""

    value: Annotated[float, BeforeValidator(_not_bool), AfterValidator(_value)] = Field(
        description="A finite number within ±1e12.")
    measured_on: dt.date | None = Field(None, description="Local date it was measured: from the workshop's first "
                                                          "day to today; default: today in the cohort's time zone.")
    note: Text = Field("", max_length=500)


class MetricOut(BaseModel):
    id: int
    measured_on: dt.date
    value: float
    source: str = Field(description="participant (the owner) or service (the plan token).")
    note: str


class AdoptionIn(Strict):
    outcome: Literal["adopted", "went_back"] = Field(description="adopted: still used; went_back: back to the old "
                                                                 "way.")
    note: Text = Field("", max_length=2000)
    evidence_value: Value = Field(None, description="The metric now, as evidence: recorded as a reading too.")


class AdoptionOut(BaseModel):
    outcome: str
    note: str
    evidence_value: float | None
    answered_at: dt.datetime


class RetroIn(Strict):
    """The short retrospective of a shipped or killed plan."""

    what_worked: Text = Field(min_length=3, max_length=2000)
    what_blocked: Text = Field("", max_length=2000)
    frictions: list[Blocker] = Field(default_factory=list, max_length=5,
                                     description="Which of the five frictions it met (each at most once).")
    would_again: Literal["yes", "maybe", "no"] = Field(description="Would you do it again?")
    anonymous: bool = Field(False, description="Hide your name and team from other teams on the lessons page.")

    @field_validator("frictions")
    @classmethod
    def _once(cls, v):
        if len(set(v)) != len(v):
            raise ValueError("name each friction at most once")
        return v


class LessonOut(BaseModel):
    """A lesson as the reader may see it: ``author``, ``team`` and ``plan_id`` are null for an anonymous author
    of another team."""

    id: int
    outcome: str
    use_case: str
    backlog_ref: str
    metric_name: str
    cohort: str
    what_worked: str
    what_blocked: str
    frictions: list[str]
    would_again: str
    anonymous: bool
    author: str | None
    team: str | None
    plan_id: int | None
    updated_at: dt.datetime


class TokenOut(BaseModel):
    plan_id: int
    configured: bool
    created_at: dt.datetime | None
    rotated_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenSecretOut(TokenOut):
    token: str = Field(description="Shown this once: only its SHA-256 is stored. Send it as "
                                   "'Authorization: Bearer <token>' to POST /api/plans/{id}/metric.")


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


class VerifiedOut(BaseModel):
    """*Shipped — verified*: the first successful production deployment a deploying system reported."""

    verified_at: dt.datetime = Field(description="When that deployment finished (UTC).")
    shipped_on: dt.date = Field(description="Its local date in the cohort's time zone.")
    day: int
    within_60_days: bool
    url: str
    source: str = Field(description="github, gitlab or plain.")
    service: str
    environment: str
    deployment_id: int


class DeploymentOut(BaseModel):
    id: int
    source: str
    delivery_id: str | None
    service: str
    environment: str
    status: str
    production: bool = Field(description="A success in one of the production environments.")
    url: str
    finished_at: dt.datetime
    received_at: dt.datetime


class WebhookOut(BaseModel):
    """A plan's deployment webhook as anyone who may see the plan sees it: never its secret."""

    plan_id: int
    configured: bool
    url: str = Field(description="Where deploying systems POST their events.")
    created_at: dt.datetime | None
    rotated_at: dt.datetime | None
    production_environments: list[str]


class WebhookSecretOut(WebhookOut):
    secret: str = Field(description="Shown this once: the tracker keeps no copy it could show again.")


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
    baseline_method: str = ""
    target_value: float | None
    planned_ship_date: dt.date
    cycle: int = 1
    status: str
    blocker: str | None
    checkins_due: list[int]
    overdue: bool
    shipped: ShippedOut | None = Field(description="Self-reported by the participant.")
    verified: VerifiedOut | None = Field(None, description="Verified by a production deployment (the plan's webhook).")
    adoption: AdoptionOut | None = Field(None, description="Fourteen days after shipping: still used?")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorOut(BaseModel):
    """Every error, from every route: ``{"error": {"status", "code", "message"}}``."""

    error: ErrorBody
