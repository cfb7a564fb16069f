"""What the gateway lets through, decided before any model sees a request: data class, policy, budget, redaction.

:class:`Gate` is plain Python over the policy (:mod:`shiplab.gateway.policy`), the usage log and the budget — no web
framework — so every rule is tested on its own (``tests/gateway/test_governance.py``). The data class of a request
is the higher of what the caller declares (``X-Shiplab-Data-Class``; a label that is not a class counts as
``restricted``) and what personal-data detection finds in the texts. A refusal (by the policy or the budget) is
recorded in the usage log under its rule and raised as a :class:`~shiplab.gateway.errors.GatewayError`; a request
let through comes back with its texts (redacted where the policy says so) and the headers that tell the caller what
was decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from shiplab.data import pii
from shiplab.data.classify import higher
from shiplab.data.model import CLASSES
from shiplab.gateway.errors import GatewayError
from shiplab.gateway.policy import Policy
from shiplab.gateway.usage import Budget, UsageLog


def data_class(declared: str | None, texts: list[str]) -> str:
    """The class a request is treated as: the higher of the declared one and the detected one."""
    label = (declared or "internal").strip().lower()
    detected = "restricted" if any(pii.detect(t) for t in texts) else "public"
    return higher(label if label in CLASSES else "restricted", detected)


@dataclass(frozen=True)
class Passed:
    """A request the gate let through: the texts to send and the headers for the answer."""

    texts: list[str]
    headers: dict[str, str]

    @property
    def action(self) -> str:
        return self.headers["x-shiplab-decision"]


@dataclass
class Gate:
    policy: Policy
    usage: UsageLog
    budget: Budget

    def check(self, *, user: str, provider: str, model: str, kind: str, texts: list[str], tokens_wanted: int,
              declared: str | None = None, use_case: str = "") -> Passed:
        """Let ``user``'s request through to ``provider`` or raise 403 ``policy_refused`` / 429 ``budget_exhausted``
        (each recorded in the usage log under its rule)."""
        decision = self.policy.decide(provider, data_class(declared, texts), use_case)
        if decision.action == "refuse":
            self.usage.record(user, provider, model, kind, 0, "refuse", decision.rule)
            raise GatewayError(403, "policy_refused", decision.message)
        reason = self.usage.over_budget(user, self.budget, tokens_wanted, kind)
        if reason:
            self.usage.record(user, provider, model, kind, 0, "over-budget", "budget")
            raise GatewayError(429, "budget_exhausted", f"{user}: {reason} It resets at midnight UTC; ask an "
                                                        "instructor if you need more.")
        if decision.action == "redact":
            texts = [pii.redact(t) for t in texts]
        headers = {"x-shiplab-decision": decision.action, "x-shiplab-rule": decision.rule}
        if decision.human_review:
            headers["x-shiplab-human-review"] = "required"
        return Passed(texts, headers)
