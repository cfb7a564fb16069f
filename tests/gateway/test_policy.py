"""The one-page governance policy: which data may go where, what needs review, who approves exceptions."""

import pytest

from shiplab.errors import SettingsError
from shiplab.gateway import policy
from shiplab.settings import REPO_ROOT

POLICY = policy.load(REPO_ROOT / "hub_config" / "governance.yaml")


@pytest.mark.parametrize("provider, data_class, action", [
    ("local", "restricted", "allow"),
    ("openai", "internal", "allow"),
    ("openai", "confidential", "refuse"),
    ("openai", "restricted", "refuse"),
    ("azure-openai-eu", "confidential", "allow"),
    ("azure-openai-eu", "restricted", "redact"),
    ("nowhere", "public", "refuse"),
    ("openai", "made-up-class", "refuse"),
])
def test_decisions(provider, data_class, action):
    """Does each provider get only the data classes the policy allows it?"""
    assert POLICY.decide(provider, data_class).action == action


def test_refusal_names_the_rule_and_the_approver():
    """Does a refusal say which rule applied and who approves exceptions?"""
    d = POLICY.decide("openai", "restricted")
    assert "providers.openai.max_class=internal" in d.message
    assert "Head of Data Protection" in d.message and "dpo@nordlicht.example" in d.message


def test_human_review_use_cases():
    """Is a use case that needs human review flagged, with the reason?"""
    assert "handler signs it off" in POLICY.decide("local", "internal", "claims-decision").human_review
    assert POLICY.decide("local", "internal", "ticket-triage").human_review == ""


def test_bad_policy_is_a_clear_error(tmp_path):
    """Is a mistaken policy file reported by key and allowed values?"""
    f = tmp_path / "g.yaml"
    f.write_text("providers:\n  x: {kind: cloud, max_class: secret}\n")
    with pytest.raises(SettingsError) as err:
        policy.load(f)
    text = str(err.value)
    assert "providers.x.kind must be local or external" in text and "providers.x.max_class" in text
    assert "exceptions.approver" in text
