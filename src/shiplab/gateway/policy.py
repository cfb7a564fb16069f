"""The governance policy (``hub_config/governance.yaml``): load it, check it, decide on a request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from shiplab.data.model import CLASSES
from shiplab.errors import SettingsError

ACTIONS = ("refuse", "redact")


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str  # local | external
    max_class: str
    on_exceed: str = "refuse"
    description: str = ""


@dataclass(frozen=True)
class Decision:
    action: str  # allow | redact | refuse
    rule: str
    message: str
    human_review: str = ""  # why, when the use case needs review


@dataclass(frozen=True)
class Policy:
    owner: str
    providers: dict[str, Provider]
    human_review: dict[str, str]  # use case -> why
    approver: str
    contact: str

    def decide(self, provider: str, data_class: str, use_case: str = "") -> Decision:
        """What to do with a request carrying data of ``data_class`` to ``provider``."""
        review = self.human_review.get(use_case, "")
        p = self.providers.get(provider)
        if p is None:
            return Decision("refuse", "unknown-provider",
                            f"provider {provider!r} is not in the governance policy (known: "
                            f"{', '.join(sorted(self.providers))}). Exceptions: {self.approver} ({self.contact}).",
                            review)
        if data_class not in CLASSES:
            data_class = "restricted"  # unknown labels are treated as the most sensitive
        if CLASSES.index(data_class) <= CLASSES.index(p.max_class):
            return Decision("allow", f"providers.{provider}.max_class", "", review)
        rule = f"providers.{provider}.max_class={p.max_class}"
        if p.on_exceed == "redact" and data_class == "restricted" and CLASSES.index(p.max_class) >= 2:
            return Decision("redact", rule, f"personal data was redacted before sending to {provider} ({rule}).",
                            review)
        return Decision("refuse", rule,
                        f"the request holds {data_class} data, but the governance policy allows at most "
                        f"{p.max_class} data for provider {provider!r} (rule {rule}). Use the local model, remove "
                        f"the data, or ask {self.approver} ({self.contact}) for an exception.", review)


def load(path: Path) -> Policy:
    """Read and check the policy; a mistake names the key and what is allowed."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: cannot read the governance policy ({exc}).") from None
    problems = []
    providers = {}
    for name, p in (raw.get("providers") or {}).items():
        p = p or {}
        if p.get("kind") not in ("local", "external"):
            problems.append(f"providers.{name}.kind must be local or external, got {p.get('kind')!r}")
        if p.get("max_class") not in CLASSES:
            problems.append(f"providers.{name}.max_class must be one of {', '.join(CLASSES)}, got {p.get('max_class')!r}")
        if p.get("on_exceed", "refuse") not in ACTIONS:
            problems.append(f"providers.{name}.on_exceed must be refuse or redact, got {p.get('on_exceed')!r}")
        providers[name] = Provider(name, p.get("kind", ""), p.get("max_class", "public"), p.get("on_exceed", "refuse"),
                                   p.get("description", ""))
    if not providers:
        problems.append("providers: at least one provider is needed (e.g. local)")
    review = {}
    for i, item in enumerate(raw.get("human_review") or []):
        if not isinstance(item, dict) or not item.get("use_case"):
            problems.append(f"human_review[{i}] needs a use_case")
            continue
        review[str(item["use_case"])] = str(item.get("why", ""))
    exc = raw.get("exceptions") or {}
    if not exc.get("approver"):
        problems.append("exceptions.approver: name who approves exceptions")
    if problems:
        raise SettingsError(f"{path}: " + "; ".join(problems) + ".",
                            hint="see hub_config/governance.yaml for the shape of the policy.")
    return Policy(str(raw.get("owner", "")), providers, review, str(exc["approver"]), str(exc.get("contact", "")))
