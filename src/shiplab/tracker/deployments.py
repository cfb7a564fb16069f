"""Deployment evidence: what a deploying system says it deployed, and when that makes a plan *shipped — verified*.

A plan's webhook (:mod:`.webhooks` checks who is calling) accepts three shapes, read by :func:`parse`:

- **GitHub** ``deployment_status`` events (``X-GitHub-Event: deployment_status``): the state from
  ``deployment_status.state``; the environment from ``deployment_status.environment``, else
  ``deployment.environment``; the link from ``deployment_status.environment_url``, else ``target_url`` (else the
  repository's page); finished at ``deployment_status.created_at``; the service is the repository's full name and
  the delivery id ``X-GitHub-Delivery``. GitHub's ``ping`` (sent when the webhook is added) is answered, not stored.
- **GitLab** deployment events (``object_kind: deployment``, ``X-Gitlab-Event: Deployment Hook``): ``status``,
  ``environment``, the link ``deployable_url``, else ``environment_external_url``, finished at
  ``status_changed_at``; the service is the project's path and the delivery id ``X-Gitlab-Event-UUID``.
- **plain JSON** from any script: ``{"service", "environment", "status", "finished_at", "url", "id"}``; environment,
  status and finished_at (ISO 8601 with a time zone) are required, ``id`` is the delivery id.

A deployment **counts** when its status is ``success`` and its environment is one of the production names
(``tracker.production_environments``, compared without regard to case). The first one that counts marks the plan
*shipped — verified* (:class:`~shiplab.tracker.models.VerifiedShip`) with its link and the time it finished; later
ones are stored as further deployments and never move that date, earlier or later. Every accepted delivery is stored,
successful or not, so that a replay of any of them is refused: a delivery id, or a body, the plan has seen before.

Only plausible times are taken (:func:`time_problem`): a deployment that finished before the workshop's first day
began (in the cohort's time zone), or more than :data:`CLOCK_SKEW` after now, is refused. A self-reported ship
(:class:`~shiplab.tracker.models.Shipped`) is left as it is: the two stay apart, and the figures count either both or
only verified ones (``tracker.count_shipped``, :mod:`.service`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shiplab.tracker import lifecycle, rules
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import CheckIn, Deployment, ShipPlan, VerifiedShip, utcnow
from shiplab.tracker.schemas import check_http_url, clean_line

CLOCK_SKEW = dt.timedelta(minutes=5)  # a deploying system's clock may run this far ahead of ours
LATE_ARRIVAL = dt.timedelta(days=3)  # a delivery older than this when it arrives counts at its arrival
SUCCESS = "success"
PLAIN_FIELDS = ("service", "environment", "status", "finished_at", "url", "id")


@dataclass(frozen=True)
class DeploymentEvent:
    """One delivery, read: where it came from and what it says (``finished_at`` None: the sender gave none)."""

    source: str  # github | gitlab | plain
    delivery_id: str | None
    service: str
    environment: str
    status: str
    url: str
    finished_at: dt.datetime | None
    ping: bool = False


def refused(status: int, code: str, message: str) -> TrackerError:
    return TrackerError(status, code, message)


def _field(field: str, problem: str) -> TrackerError:
    return refused(422, "invalid_event", f"the deployment was not accepted — {field}: {problem}.")


def _text(value: Any, field: str, max_len: int, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise _field(field, "is missing; it is required")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _field(field, f"must be text, not {type(value).__name__}")
    text = str(value).strip()
    if len(text) > max_len:
        raise _field(field, f"is {len(text)} characters long; at most {max_len} are allowed")
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # a lone surrogate: JSON allows it, UTF-8 cannot store it
        raise _field(field, "holds a lone surrogate (an escape such as \\ud800 that is half a character); send text")
    try:
        return clean_line(text)
    except ValueError as exc:
        raise _field(field, str(exc)) from None


def _link(value: Any, field: str) -> str:
    text = _text(value, field, 2000)
    try:
        return check_http_url(text)
    except ValueError:
        raise _field(field, f"{text[:80]!r} is not an http(s) link") from None


def parse_time(value: Any, field: str) -> dt.datetime | None:
    """An aware instant from ISO 8601 (``2026-04-20T14:03:00Z``) or GitLab's ``2026-04-20 16:03:00 +0200``."""
    text = _text(value, field, 64)
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        when = None
        for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %Z"):
            try:
                when = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if when is None:
            raise _field(field, f"{text!r} is not a time; write it as ISO 8601, e.g. 2026-04-20T14:03:00Z") from None
    if when.tzinfo is None or when.utcoffset() is None:
        if text.endswith(" UTC"):  # GitLab's older style; strptime's %Z reads the name but sets no zone
            return when.replace(tzinfo=dt.UTC)
        raise _field(field, f"{text!r} has no time zone; add one, e.g. 2026-04-20T14:03:00Z")
    try:
        return when.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first instant a UTC time can hold
        raise _field(field, f"{text!r} is outside the calendar a time can be kept in") from None


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _field(field, f"must be an object, not {type(value).__name__}")
    return value


def parse(headers: Mapping[str, str], body: bytes) -> DeploymentEvent:
    """The delivery ``body`` (already authenticated) as a :class:`DeploymentEvent`, or a clear refusal."""
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/x-www-form-urlencoded" or body.startswith(b"payload="):
        raise refused(415, "not_json", "the body is a form, not JSON. On GitHub, set the webhook's Content type to "
                                       "application/json.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep, as no deployment event is
        raise refused(400, "not_json", "the body is not JSON; send a JSON object (Content-Type: "
                                       "application/json).") from None
    if not isinstance(data, dict):
        raise refused(422, "invalid_event", f"the body is a JSON {type(data).__name__}; send a JSON object.")
    github_event = headers.get("x-github-event")
    gitlab_event = headers.get("x-gitlab-event")
    if github_event is not None or ("deployment_status" in data and gitlab_event is None):
        return _github(github_event or "deployment_status", headers, data)
    if gitlab_event is not None or "object_kind" in data:
        return _gitlab(gitlab_event, headers, data)
    return _plain(data)


def _github(event: str, headers: Mapping[str, str], data: dict) -> DeploymentEvent:
    delivery = _text(headers.get("x-github-delivery"), "X-GitHub-Delivery", 200) or None
    if event == "ping":
        return DeploymentEvent("github", delivery, "", "", "", "", None, ping=True)
    if event != "deployment_status":
        raise refused(422, "unsupported_event", f"GitHub sent a {event[:40]!r} event; only deployment_status events "
                                                "count. In the webhook's settings choose 'Let me select individual "
                                                "events' and tick only 'Deployment statuses'.")
    status = _object(data.get("deployment_status"), "deployment_status")
    deployment = _object(data.get("deployment"), "deployment")
    repo = _object(data.get("repository"), "repository")
    environment = status.get("environment") or deployment.get("environment")
    url_field = next((f for f in ("environment_url", "target_url") if status.get(f)), None)
    url = _link(status[url_field], f"deployment_status.{url_field}") if url_field else _link(
        repo.get("html_url"), "repository.html_url")
    finished = parse_time(status.get("created_at") or status.get("updated_at"), "deployment_status.created_at")
    return DeploymentEvent(
        "github", delivery, _text(repo.get("full_name"), "repository.full_name", 200),
        _text(environment, "deployment_status.environment", 80, required=True),
        _text(status.get("state"), "deployment_status.state", 32, required=True).lower(), url, finished)


def _gitlab(event: str | None, headers: Mapping[str, str], data: dict) -> DeploymentEvent:
    kind = data.get("object_kind")
    if (event is not None and event != "Deployment Hook") or kind != "deployment":
        what = event if event is not None else kind
        raise refused(422, "unsupported_event", f"GitLab sent a {str(what)[:40]!r} event; only deployment events "
                                                "count. In the webhook's settings tick only 'Deployment events'.")
    project = _object(data.get("project"), "project")
    url_field = next((f for f in ("deployable_url", "environment_external_url") if data.get(f)), None)
    return DeploymentEvent(
        "gitlab", _text(headers.get("x-gitlab-event-uuid"), "X-Gitlab-Event-UUID", 200) or None,
        _text(project.get("path_with_namespace"), "project.path_with_namespace", 200),
        _text(data.get("environment"), "environment", 80, required=True),
        _text(data.get("status"), "status", 32, required=True).lower(),
        _link(data[url_field], url_field) if url_field else "",
        parse_time(data.get("status_changed_at"), "status_changed_at"))


def _plain(data: dict) -> DeploymentEvent:
    unknown = sorted(set(data) - set(PLAIN_FIELDS))
    if unknown:
        raise refused(422, "invalid_event", f"the deployment was not accepted — unknown field(s) "
                                            f"{', '.join(repr(k[:40]) for k in unknown[:5])}; a plain deployment "
                                            f"has {', '.join(PLAIN_FIELDS)} (GitHub and GitLab events are told by "
                                            "their X-GitHub-Event / X-Gitlab-Event headers).")
    finished = parse_time(data.get("finished_at"), "finished_at")
    if finished is None:
        raise _field("finished_at", "is missing; it is required (ISO 8601 with a time zone, e.g. "
                                    "2026-04-20T14:03:00Z)")
    return DeploymentEvent("plain", _text(data.get("id"), "id", 200) or None,
                           _text(data.get("service"), "service", 200),
                           _text(data.get("environment"), "environment", 80, required=True),
                           _text(data.get("status"), "status", 32, required=True).lower(),
                           _link(data.get("url"), "url"), finished)


def workshop_began(cohort: rules.CohortFacts) -> dt.datetime:
    """The UTC instant at which the workshop's first local day began."""
    local = dt.datetime.combine(rules.first_day(cohort), dt.time(0), tzinfo=rules.zone(cohort.timezone))
    return local.astimezone(dt.UTC)


def time_problem(cohort: rules.CohortFacts, finished: dt.datetime, now: dt.datetime) -> str | None:
    """What is implausible about a deployment that finished at ``finished``, in a sentence (None: nothing)."""
    began = workshop_began(cohort)
    stamp = finished.strftime("%Y-%m-%dT%H:%M:%SZ")
    if finished < began:
        return (f"the deployment finished at {stamp}, before the workshop began ({rules.first_day(cohort)} in "
                f"{cohort.timezone}, {began.strftime('%Y-%m-%dT%H:%M:%SZ')}); only deployments after it count")
    if finished > now + CLOCK_SKEW:
        return (f"the deployment finished at {stamp}, in the future (it is {now.strftime('%Y-%m-%dT%H:%M:%SZ')} "
                f"here; at most {int(CLOCK_SKEW.total_seconds() // 60)} minutes ahead are taken as clock skew)")
    return None


def is_production(event: DeploymentEvent, names: tuple[str, ...]) -> bool:
    return event.status == SUCCESS and event.environment.strip().lower() in names


def _seen(session: Session, plan_id: int, event: DeploymentEvent, digest: str) -> str | None:
    """Why this delivery is a replay (None: it is new)."""
    if event.delivery_id:
        at = session.scalar(select(Deployment.received_at).where(Deployment.plan_id == plan_id,
                                                                 Deployment.delivery_id == event.delivery_id))
        if at is not None:
            return f"delivery {event.delivery_id[:80]!r} was already received at {at:%Y-%m-%dT%H:%M:%SZ}"
    at = session.scalar(select(Deployment.received_at).where(Deployment.plan_id == plan_id,
                                                             Deployment.body_sha256 == digest))
    if at is not None:
        return f"this exact body was already received at {at:%Y-%m-%dT%H:%M:%SZ}"
    return None


def record(session: Session, plan: ShipPlan, event: DeploymentEvent, digest: str, now: dt.datetime,
           names: tuple[str, ...]) -> tuple[Deployment, bool]:
    """Store the delivery as a :class:`Deployment`; the first that counts verifies ``plan``. Returns the row and
    whether it verified the plan. A replay is refused (409) and stores nothing."""
    why = _seen(session, plan.id, event, digest)
    if why:
        raise refused(409, "replayed", f"{why}; a delivery is counted once. Nothing was changed.")
    production = is_production(event, names)
    row = Deployment(plan_id=plan.id, source=event.source, delivery_id=event.delivery_id, body_sha256=digest,
                     service=event.service, environment=event.environment, status=event.status,
                     production=production, url=event.url, finished_at=event.finished_at or now, received_at=now)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # the same delivery, arriving twice at once
        session.rollback()
        raise refused(409, "replayed", "this delivery was received at the same moment by another request; a "
                                       "delivery is counted once. Nothing was changed.") from None
    verified = False
    row.not_verified = not_verified = (verify_problem(session, plan, row.finished_at)
                                       if production and plan.verified is None else None)
    if production and plan.verified is None and not not_verified:
        try:
            with session.begin_nested():
                session.add(VerifiedShip(plan_id=plan.id, deployment_id=row.id, url=row.url,
                                         verified_at=verified_time(row.finished_at, now)))
                session.flush()
            verified = True
        except IntegrityError:  # another production deployment verified the plan a moment ago: it stays first
            pass
    if verified:
        note = f"shipped — verified: {event.source} deployment of {event.service or 'the service'} to " \
               f"{event.environment}"
        session.add(CheckIn(plan_id=plan.id, at=now, status="shipped", note=note[:4000], evidence_url=row.url))
        plan.status, plan.blocker, plan.last_checkin_at = "shipped", None, now
        plan.updated_at = utcnow()  # the figures' cache notices the plan by it (wall clock, as every write)
    session.commit()
    return row, verified


def verified_time(finished: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a plan counts as verified by a deployment that says it finished at ``finished``, received ``now``: then,
    if it arrived within :data:`LATE_ARRIVAL` (a CI job reports as it deploys; a redelivery comes soon after), else
    at its arrival — the secret is the participant's to give their CI, so a delivery signed on day 150 saying "day
    0" does not move a ship into the 60 days (attack-34 F4)."""
    return min(finished, now) if now - finished <= LATE_ARRIVAL else now


def verify_problem(session: Session, plan: ShipPlan, finished: dt.datetime) -> str | None:
    """Why a production deployment that finished at ``finished`` does not verify ``plan`` (None: it does): the
    plan's life as a self-report would meet it (:mod:`shiplab.tracker.lifecycle`)."""
    facts = lifecycle.cohort_facts(plan.cohort)
    why = lifecycle.closed_for_good(session, plan) or lifecycle.ship_day_problem(
        session, plan, rules.local_date(facts, finished), facts,
        lifecycle.previous_closed_on(session, plan) if plan.cycle > 1 else None)
    if why is None and plan.cycle > 1 and plan.created_at is not None and finished < plan.created_at:
        # the same day is not enough: a morning's deployment must not verify each cycle opened that afternoon
        why = (f"the deployment finished at {finished:%Y-%m-%dT%H:%M:%SZ}, before this plan was opened "
               f"({plan.created_at:%Y-%m-%dT%H:%M:%SZ}); a next cycle is verified by a deployment after it")
    return why


def outcome(row: Deployment, verified_now: bool, plan: ShipPlan, names: tuple[str, ...]) -> str:
    """The sentence the deploying system gets back (GitHub and GitLab show it in the webhook's delivery log)."""
    why = getattr(row, "not_verified", None)
    if why:
        return f"recorded; it does not verify the plan: {why}."
    if verified_now:
        late = plan.verified is not None and plan.verified.verified_at > row.finished_at
        return (f"plan {plan.id} is now shipped — verified: {row.environment} deployment finished "
                f"{row.finished_at:%Y-%m-%dT%H:%M:%SZ}" + (
                    f"; it arrived more than {LATE_ARRIVAL.days} days later, so the plan counts as shipped when it "
                    f"arrived ({plan.verified.verified_at:%Y-%m-%dT%H:%M:%SZ})." if late else "."))
    if row.status != SUCCESS:
        return f"recorded; status {row.status!r} is not {SUCCESS!r}, so it does not verify the plan."
    if not row.production:
        return (f"recorded; {row.environment!r} is not a production environment (those are: {', '.join(names)}), "
                "so it does not verify the plan.")
    first = plan.verified.verified_at if plan.verified else None
    return (f"recorded as a further deployment; plan {plan.id} was verified at "
            f"{first:%Y-%m-%dT%H:%M:%SZ} and keeps that date." if first else "recorded.")


def deployments_of(session: Session, plan: ShipPlan, limit: int = 50) -> list[Deployment]:
    return list(session.scalars(select(Deployment).where(Deployment.plan_id == plan.id)
                                .order_by(Deployment.received_at.desc(), Deployment.id.desc()).limit(limit)))
