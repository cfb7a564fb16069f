"""The gate every model request passes before any model sees it — data class, policy, budget, redaction — as plain
Python: the real governance policy and a real SQLite usage log, no web app."""

import pytest

from shiplab.gateway import policy
from shiplab.gateway.errors import GatewayError
from shiplab.gateway.governance import Gate, data_class
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

PERSONAL = "Summarise: Anna Weber, IBAN DE89 3704 0044 0532 0130 00, wants a refund"


@pytest.fixture
def gate(tmp_path):
    return Gate(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "usage.sqlite"),
                Budget(tokens_per_day=100, requests_per_day=3))


@pytest.mark.parametrize("declared, text, expected", [
    (None, "Q3 loss ratio", "internal"),  # nothing declared: internal
    ("public", "Q3 loss ratio", "public"),
    (" Confidential ", "Q3 loss ratio", "confidential"),  # labels are read loosely
    ("secret", "Q3 loss ratio", "restricted"),  # a label that is no class counts as the most sensitive
    ("public", PERSONAL, "restricted")])  # detected personal data outranks what is declared
def test_the_data_class_is_the_higher_of_declared_and_detected(declared, text, expected):
    """Is a request's class the higher of what the caller declares and what detection finds, with an unknown label
    treated as restricted?"""
    assert data_class(declared, [text]) == expected


def test_a_refusal_is_recorded_under_its_rule_and_raised(gate):
    """Is personal data for 'openai' refused with 403 policy_refused naming the rule, and counted as a refusal?"""
    with pytest.raises(GatewayError) as refused:
        gate.check(user="anna", provider="openai", model="openai/gpt-test", kind="chat", texts=[PERSONAL],
                   tokens_wanted=10)
    assert (refused.value.status, refused.value.code) == (403, "policy_refused")
    assert "providers.openai.max_class=internal" in refused.value.message
    [row] = gate.usage.summary()
    assert (row["user"], row["provider"], row["requests"], row["refused"]) == ("anna", "openai", 1, 1)


def test_redaction_where_the_policy_says_so(gate):
    """Does a provider whose rule says redact get the texts without the personal data, and the caller the
    decision in the headers?"""
    passed = gate.check(user="anna", provider="azure-openai-eu", model="azure-openai-eu/gpt", kind="chat",
                        texts=[PERSONAL], tokens_wanted=10)
    assert passed.action == "redact" and passed.headers["x-shiplab-rule"].startswith("providers.azure-openai-eu")
    assert "Anna Weber" not in passed.texts[0] and "DE89" not in passed.texts[0] and "refund" in passed.texts[0]


def test_the_local_model_gets_everything_unchanged_and_review_is_flagged(gate):
    """Is restricted data let through to the local model unchanged, and a use case that needs review flagged?"""
    passed = gate.check(user="anna", provider="local", model="gemma", kind="chat", texts=[PERSONAL],
                        tokens_wanted=10, use_case="claims-decision")
    assert passed.texts == [PERSONAL] and passed.action == "allow"
    assert passed.headers["x-shiplab-human-review"] == "required"


def test_over_budget_is_429_and_recorded(gate):
    """Once a participant has used the day's requests, is the next one 429 budget_exhausted, recorded under the
    rule 'budget', while someone else still gets through?"""
    for _ in range(3):
        gate.check(user="anna", provider="local", model="gemma", kind="chat", texts=["hi"], tokens_wanted=1)
        gate.usage.record("anna", "local", "gemma", "chat", 1, "allow")
    with pytest.raises(GatewayError) as refused:
        gate.check(user="anna", provider="local", model="gemma", kind="chat", texts=["hi"], tokens_wanted=1)
    assert (refused.value.status, refused.value.code) == (429, "budget_exhausted")
    assert "midnight UTC" in refused.value.message
    assert any(r["user"] == "anna" and r["refused"] == 1 for r in gate.usage.summary())
    assert gate.check(user="ben", provider="local", model="gemma", kind="chat", texts=["hi"],
                      tokens_wanted=1).action == "allow"
