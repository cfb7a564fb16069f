"""A plan's deployment webhook: its secret, and who may call it.

Each plan can have one webhook, ``POST <tracker>/api/plans/<id>/deployments/hook``, which deploying systems call
without a hub login; what proves the caller is the plan's **secret**:

- ``X-Hub-Signature-256: sha256=<hex>`` — HMAC-SHA256 of the raw body with the secret as key, as GitHub signs its
  webhooks (and as ``openssl dgst -sha256 -hmac`` computes it for a plain ``curl``); or
- ``X-Gitlab-Token: <secret>`` — the secret itself, as GitLab sends its "secret token".

Both are compared in constant time (:func:`hmac.compare_digest`; the token's digests, so its length does not show).
A signature, when sent, is the one checked. The body is read up to :data:`MAX_BODY` bytes and refused beyond.

**The secret is stored nowhere.** It is derived — HMAC-SHA256 of the plan id and a random salt, keyed with the
tracker's webhook key (:class:`WebhookKey`, a 0600 file in the tracker's state folder, made on first use) — and
the database keeps only the salt. It is shown once, to the plan's owner, when made; nothing returns it again (no
page, no API, not the database). Rotating draws a new salt: the old secret stops working at once. Only the owner
may make or rotate it (the tracker's rule: only the owner writes to a plan); managers and instructors see that a
webhook exists and what it received, never its secret.

Every refusal — a body too large, a missing or wrong signature or token, a replay, an implausible
time, a body that is not a deployment — is a JSON error (``{"error": {"status", "code", "message"}}``) and a line in
the service's log with the plan, the code, the sender's kind and delivery id and the caller's address; never the
secret, the signature, the token or the body. A plan number that has no webhook (no such plan, or no secret made)
is answered exactly as a wrong secret is (401, same code and sentence), so the public URL does not tell which plans
exist; only the log says ``unknown_plan``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shiplab.tracker import deployments, lifecycle, service
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import MAX_ID, PlanWebhook, ShipPlan

log = logging.getLogger("shiplab.tracker.webhooks")
MAX_BODY = 256 * 1024  # GitHub's deployment_status and GitLab's deployment events are 3-30 KB
SECRET_PREFIX = "shw_"
HOOK_PATH = "api/plans/{plan_id}/deployments/hook"
CHECK_URL = ("Check too that the URL is the one on the plan's page: a plan number without a webhook is answered "
             "the same way.")


class WebhookKey:
    """The tracker's webhook key: 32 random bytes, hex, in a 0600 file made atomically on first use (two processes
    starting at once agree on one key). Replacing the file changes every plan's secret; :attr:`key_id` lets the
    tracker say so instead of answering "bad signature" without a reason."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def key(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._load_or_create()
            return self._key

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"shiplab-tracker-webhook-key-id\0" + self.key()).hexdigest()[:16]

    def secret(self, plan_id: int, salt: str) -> str:
        mac = hmac.new(self.key(), f"shiplab-tracker-webhook\0{plan_id}\0{salt}".encode(), hashlib.sha256).digest()
        return SECRET_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def _load_or_create(self) -> bytes:
        try:
            if not self.path.exists():
                self._create()
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd) as fh:
                if os.fstat(fh.fileno()).st_mode & 0o077:
                    os.fchmod(fh.fileno(), 0o600)
                key = bytes.fromhex(fh.read().strip())
        except (OSError, ValueError) as exc:
            raise TrackerError(503, "webhook_key_unavailable", "the tracker cannot read its webhook key, so no "
                                                               "webhook can be checked now; tell your instructor.",
                               log_message=f"webhook key {self.path}: {exc}") from None
        if len(key) < 32:
            raise TrackerError(503, "webhook_key_unavailable", "the tracker's webhook key is too short; tell your "
                                                               "instructor.",
                               log_message=f"webhook key {self.path} has {len(key)} bytes; 32 or more are needed")
        return key

    def _create(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, self.path)  # atomic: fails if another process made the key first
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)


# ---- the owner's side: make and rotate

def hook_url(base_url: str, plan_id: int) -> str:
    return base_url.rstrip("/") + "/" + HOOK_PATH.format(plan_id=plan_id)


def webhook_of(session: Session, plan_id: int) -> PlanWebhook | None:
    return session.get(PlanWebhook, plan_id) if 0 < plan_id <= MAX_ID else None


def create_secret(session: Session, user: HubUser, plan_id: int, now: dt.datetime, key: WebhookKey,
                  rotate: bool = False) -> tuple[ShipPlan, PlanWebhook, str]:
    """A new secret for the owner's plan: the first (``rotate`` False; 409 if there is one) or a replacement
    (``rotate`` True; 404 without one). Returns the plan, its webhook and the secret — shown this once."""
    with service.writing(session):
        plan = service.owned_plan(session, user, plan_id)
        lifecycle.refuse_if_closed(session, plan, "make the webhook")
        hook = webhook_of(session, plan.id)
        if hook is None and rotate:
            raise TrackerError(404, "no_webhook", "this plan has no deployment webhook yet; create one first.")
        if hook is not None and not rotate:
            raise TrackerError(409, "webhook_exists", "this plan already has a deployment webhook; rotate its "
                                                      "secret to get a new one (the old one then stops working).")
        salt = secrets.token_hex(32)
        if hook is None:
            hook = PlanWebhook(plan_id=plan.id, salt=salt, key_id=key.key_id, created_at=now)
            session.add(hook)
        else:
            hook.salt, hook.key_id, hook.rotated_at = salt, key.key_id, now
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise TrackerError(409, "webhook_exists", "this plan's webhook was created a moment ago by another "
                                                      "request; rotate it to get a secret.") from None
        log.info("deployment webhook secret %s for plan %s by %s", "rotated" if rotate else "created", plan.id,
                 user.name)
        return plan, hook, key.secret(plan.id, salt)


# ---- the deploying system's side: check, read, record

def check_caller(headers: Mapping[str, str], body: bytes, secret: str) -> str:
    """How the caller proved it holds the secret ("signature" or "token"); a 401 when it did not."""
    signature = headers.get("x-hub-signature-256")
    token = headers.get("x-gitlab-token")
    if signature is not None:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        given = signature.strip().lower().encode("latin-1", "replace")
        if not hmac.compare_digest(expected.encode(), given):
            raise TrackerError(401, "bad_signature", "X-Hub-Signature-256 does not match the body: sign the exact "
                                                     "bytes sent with the plan's current secret (HMAC-SHA256, hex, "
                                                     f"after 'sha256='). {CHECK_URL}")
        return "signature"
    if token is not None:
        given = hashlib.sha256(token.strip().encode("latin-1", "replace")).digest()
        if not hmac.compare_digest(hashlib.sha256(secret.encode()).digest(), given):
            raise TrackerError(401, "bad_token", f"X-Gitlab-Token is not this plan's current secret. {CHECK_URL}")
        return "token"
    raise TrackerError(401, "signature_missing", "the delivery is not signed: send X-Hub-Signature-256: "
                                                 "sha256=<HMAC-SHA256 of the body, keyed with the plan's secret> "
                                                 "(GitHub: the webhook's Secret) or X-Gitlab-Token: <secret> "
                                                 "(GitLab: the Secret token).")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The raw body, refused (413) as soon as it passes ``limit`` bytes — never read whole first."""
    too_large = TrackerError(413, "body_too_large", f"the body is larger than {limit // 1024} KiB; a deployment "
                                                    "event is a few KiB.")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise TrackerError(400, "bad_request", "the Content-Length header is not a number.")
        if int(declared) > limit:
            raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(headers: Mapping[str, str]) -> tuple[str, str]:
    """The sender's kind and delivery id for the log (header values cut short; nothing secret)."""
    kind = ("github" if "x-github-event" in headers else "gitlab" if "x-gitlab-event" in headers
            else "plain")
    delivery = headers.get("x-github-delivery") or headers.get("x-gitlab-event-uuid") or "-"
    return kind, repr(delivery[:80])


def accept(session: Session, plan_id: int, headers: Mapping[str, str], body: bytes, now: dt.datetime,
           key: WebhookKey, names: tuple[str, ...]) -> tuple[int, dict]:
    """Check and record one delivery for ``plan_id``: the HTTP status and the JSON answer, or a refusal."""
    hook = webhook_of(session, plan_id)
    plan = session.get(ShipPlan, plan_id) if hook is not None else None
    if hook is None or plan is None:
        # Answered as a wrong secret would be, so that the public URL tells no one which plans have a webhook
        # (a 404 here and a 401 for a real plan did); the log says what it was.
        try:
            check_caller(headers, body, SECRET_PREFIX + secrets.token_urlsafe(32))
        except TrackerError as exc:
            raise TrackerError(exc.status, exc.code, exc.message,
                               log_message=f"unknown_plan: no deployment webhook for plan {plan_id} (no such plan, or "
                                           f"its owner made no secret); answered as {exc.code}") from None
    try:
        how = check_caller(headers, body, key.secret(plan.id, hook.salt))
    except TrackerError as exc:
        if hook.key_id == key.key_id:
            raise
        # told on the owner's plan page and in the log, never in the public answer: that would tell anyone which
        # plan numbers have a webhook (attack-31 F6)
        raise TrackerError(exc.status, exc.code, exc.message,
                           log_message=f"{exc.message} (the tracker's webhook key was replaced after this secret was "
                                       "made: the plan's owner must rotate it)") from None
    event = deployments.parse(headers, body)
    if event.ping:
        return 200, {"ok": True, "message": f"pong: the webhook of plan {plan.id} works ({how} checked). Deployment "
                                            "status events will now be recorded."}
    if event.finished_at is not None:
        problem = deployments.time_problem(service.cohort_facts(plan.cohort), event.finished_at, now)
        if problem:
            raise TrackerError(422, "implausible_time", f"the deployment was not accepted — {problem}.")
    digest = hashlib.sha256(body).hexdigest()
    with service.writing(session):
        row, verified = deployments.record(session, plan, event, digest, now, names)
    session.refresh(plan)
    return 201, {"recorded": True, "verified_now": verified, "plan_verified": plan.verified is not None,
                 "message": deployments.outcome(row, verified, plan, names),
                 "deployment": service.deployment_out(row).model_dump(mode="json")}


def log_refusal(plan_id: int, headers: Mapping[str, str], client: str, exc: TrackerError) -> None:
    kind, delivery = _describe(headers)
    log.warning("deployment webhook refused: plan=%s status=%s code=%s sender=%s delivery=%s from=%s: %s",
                plan_id, exc.status, exc.code, kind, delivery, client, exc.log_message or exc.message)
