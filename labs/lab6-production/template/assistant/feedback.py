"""Was the answer helpful? ``POST /feedback`` ``{"request_id": "...", "helpful": true, "comment": "optional"}``,
behind the same bearer token as ``/ask``.

- Only an answer this service gave recently (the last :data:`REMEMBER` answered requests, in memory) may be rated,
  only by the user who asked, and once: otherwise ``404`` (unknown), ``403`` (someone else's), ``409`` (rated
  already), ``422`` (a malformed body) — each in the service's error shape, with a request id.
- Each rating is one JSON line in ``ASSISTANT_FEEDBACK`` (default ``feedback.jsonl``): when, which request, who,
  which version answered, helpful, the comment — never the question.
- ``/metrics`` reports the count and the helpful rate since start (:meth:`Feedback.snapshot`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import uuid
from collections import OrderedDict
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse

from assistant.production import USER

REMEMBER = 10_000
MAX_COMMENT_CHARS = 500
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class FeedbackRefused(Exception):
    """A rating that cannot be taken: the status, the error code and the sentence the caller reads."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Feedback:
    """The answers that may be rated, and the ratings (appended to ``path``; ``None``: kept in memory only)."""

    def __init__(self, path: str | Path | None = None, remember: int = REMEMBER):
        self.path, self.remember = (Path(path) if path else None), remember
        self._answered: OrderedDict[str, dict] = OrderedDict()  # request id -> who asked, version, rated
        self.count = self.helpful = 0
        self._lock = threading.Lock()

    def answered(self, request_id: str, user: str | None, version: str | None = None) -> None:
        """Remember an answer given, so that its user may rate it; the oldest is forgotten past ``remember``."""
        with self._lock:
            self._answered[request_id] = {"user": user, "version": version, "rated": False}
            self._answered.move_to_end(request_id)
            while len(self._answered) > self.remember:
                self._answered.popitem(last=False)

    def rate(self, request_id: str, user: str, helpful: bool, comment: str | None = None) -> dict:
        """Store one rating; :class:`FeedbackRefused` when it may not be taken."""
        with self._lock:
            seen = self._answered.get(request_id)
            if seen is None:
                raise FeedbackRefused(404, "unknown_request", f"no answer with this request_id among the last "
                                      f"{self.remember} answers: rate an answer by the request_id it came with")
            if seen["user"] != user:
                raise FeedbackRefused(403, "not_your_request", "you can rate only answers to your own questions")
            if seen["rated"]:
                raise FeedbackRefused(409, "already_rated", "this answer has been rated already: once per answer")
            record = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "request_id": request_id,
                      "user": user, "version": seen["version"], "helpful": helpful}
            if comment:
                record["comment"] = comment
            if self.path is not None:
                try:
                    with open(self.path, "a", encoding="utf-8") as out:
                        out.write(json.dumps(record) + "\n")
                except OSError:
                    raise FeedbackRefused(503, "feedback_unavailable", "the rating could not be stored: try again "
                                          "in a minute") from None
            seen["rated"] = True
            self.count += 1
            self.helpful += bool(helpful)
        return record

    def snapshot(self) -> dict:
        return {"count": self.count, "helpful": self.helpful,
                "helpful_rate": self.helpful / self.count if self.count else None}


def parse(body) -> tuple[str, bool, str | None]:
    """(request_id, helpful, comment) from the JSON body, or :class:`FeedbackRefused` 422 saying what to fix."""
    def bad(message):
        return FeedbackRefused(422, "bad_feedback", message)

    if not isinstance(body, dict):
        raise bad('send a JSON object: {"request_id": "<from your answer>", "helpful": true or false}')
    request_id, helpful, comment = body.get("request_id"), body.get("helpful"), body.get("comment")
    if not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
        raise bad('"request_id": the request_id string your answer came with')
    if not isinstance(helpful, bool):
        raise bad('"helpful": true or false')
    if comment is not None and not isinstance(comment, str):
        raise bad('"comment": a string, or leave it out')
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT_CHARS:
        raise bad(f'"comment": at most {MAX_COMMENT_CHARS} characters')
    return request_id, helpful, comment


def add_feedback_route(app, feedback: Feedback, logger) -> None:
    """``POST /feedback`` on ``app``: one JSON log line per call (no comment, no question)."""
    async def post_feedback(request: Request):
        own_id, rated = uuid.uuid4().hex, None
        try:
            try:
                body = await request.json()
            except ValueError:
                body = None
            rated, helpful, comment = parse(body)
            user = USER.get()
            if user is None:  # only the gate sets it: a route that skipped the gate must not take ratings
                raise FeedbackRefused(401, "unauthorized", "send Authorization: Bearer <your token>")
            feedback.rate(rated, user, helpful, comment)
            status, answer = 201, {"recorded": True, "rated": rated, "request_id": own_id}
        except FeedbackRefused as refused:
            status, answer = refused.status, {"error": {"code": refused.code, "message": refused.message,
                                                        "request_id": own_id}}
        level = logging.INFO if status == 201 else logging.WARNING
        logger.log(level, json.dumps({"request_id": own_id, "path": "/feedback", "status": status, "rated": rated}))
        return JSONResponse(answer, status_code=status, headers={"X-Request-ID": own_id})

    app.add_api_route("/feedback", post_feedback, methods=["POST"])
