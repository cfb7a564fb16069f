"""The insurer's documents — policy wordings, claims guidelines, runbooks, ADRs, post-mortems, data-protection
notes — and the facts inside them that the gold questions ask about.

Each document is a list of sections; each section has prose and *facts*. A fact is one sentence holding a value
found nowhere else in the corpus (an amount, a limit, a name, a number of days), so a gold question has exactly
one right passage. Fact sentences are kept short and written on a line of their own in PDFs, so text extraction
returns them verbatim.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LINES = {"motor": "Motor", "household": "Household", "liability": "Personal Liability", "travel": "Travel"}
TIERS = ["Basic", "Comfort"]
SYSTEMS = ["claims intake service", "policy administration system", "billing engine", "customer portal",
           "fraud scoring service", "data warehouse loader", "broker API gateway", "document management system"]
TEAMS = ["Claims Intake", "Policy Admin", "Billing", "Customer Portal", "Fraud Analytics", "Data Platform",
         "Broker API", "Document Management"]


@dataclass
class Fact:
    sentence: str
    question: str  # close to the sentence's own words
    answer: str
    paraphrases: tuple[str, ...] = ()  # how a person would ask without the document's words

    def ask(self, rng: random.Random) -> str:
        """Mostly a paraphrase: a gold set that only repeats the document's words tests keyword search alone."""
        return rng.choice(self.paraphrases) if self.paraphrases and rng.random() < 0.7 else self.question


@dataclass
class Doc:
    id: str
    title: str
    doc_type: str
    classification: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # heading, paragraphs (facts inline)
    facts: list[Fact] = field(default_factory=list)

    def add(self, heading: str, prose: list[str], facts: list[Fact]) -> None:
        self.sections.append((heading, [*prose, *[f.sentence for f in facts]]))
        self.facts += facts


PROSE = {
    "policy": ["This section forms part of your insurance contract with Nordlicht Versicherung AG.",
               "Words in bold have the meaning given in the definitions at the end of this wording.",
               "Cover applies only while the premium has been paid and the policy has not been cancelled.",
               "You must take reasonable care to prevent loss and to keep the insured property in good repair.",
               "Where this wording and the policy schedule differ, the schedule applies.",
               "We will not pay for loss that was caused deliberately by you or by a member of your household."],
    "guideline": ["These guidelines tell claims handlers how to assess, reserve and settle claims consistently.",
                  "Every decision is documented in the claim file with the reason and the documents relied on.",
                  "When in doubt, the handler consults the team lead before telling the customer.",
                  "The customer is informed of every decision in plain language, in writing.",
                  "Suspected fraud is passed to Fraud Analytics; the customer is not told about the referral."],
    "runbook": ["This runbook is for the on-call engineer; follow the steps in order and record what you did.",
                "Before any step, post in the incident channel that you are working on it.",
                "If a step fails, stop and escalate rather than improvising in production.",
                "After recovery, check the dashboards for fifteen minutes before closing the alert."],
    "adr": ["This decision record captures the context, the decision and its consequences.",
            "Alternatives were discussed with the architecture board and the teams affected.",
            "The decision is revisited when the assumptions listed below no longer hold."],
    "postmortem": ["This post-mortem is blameless: it describes what happened, not who is at fault.",
                   "Timeline entries are in Central European Time.",
                   "Action items are tracked in the backlog and reviewed in the next operations meeting."],
    "privacy": ["This note explains how we handle personal data in this process under the GDPR.",
                "Personal data is processed only for the purposes stated here.",
                "Questions go to the Data Protection Office, which keeps the record of processing activities."],
}


def _prose(rng: random.Random, kind: str, n: int = 2) -> list[str]:
    return [" ".join(rng.sample(PROSE[kind], k=min(3, len(PROSE[kind])))) for _ in range(n)]


class Values:
    """Hands out values never used before, so each fact sentence is unique in the corpus."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def pick(self, make, tries: int = 1000):
        for _ in range(tries):
            v = make(self.rng)
            if v not in self.used:
                self.used.add(v)
                return v
        if tries < 1000:
            return v  # small ranges (days) may repeat; the sentence around the value is still unique
        raise RuntimeError("ran out of unique values")

    def eur(self, lo: int, hi: int, step: int) -> str:
        return self.pick(lambda r: f"EUR {r.randrange(lo, hi, step):,}")

    def days(self, lo: int, hi: int) -> int:
        return self.pick(lambda r: r.randint(lo, hi), tries=30)


def policy_wording(v: Values, rng: random.Random, line: str, tier: str) -> Doc:
    name = f"{LINES[line]} {tier}"
    d = Doc(f"policy-{line}-{tier.lower()}", f"{name} insurance: policy wording", "policy_wording", "public")
    excess, glass = v.eur(100, 1000, 50), v.eur(50, 400, 10)
    limit, theft = v.eur(5000, 100000, 500), v.eur(1000, 20000, 250)
    wait, notify = v.days(10, 45), v.days(3, 14)
    d.add("1. What is covered", _prose(rng, "policy"), [
        Fact(f"Under {name}, the standard excess per claim is {excess}.",
             f"What is the standard excess per claim under the {name} policy?", excess,
             (f"How much do I pay myself on each claim with {name} cover?",
              f"What deductible applies to a {name} claim?")),
        Fact(f"{name} pays at most {limit} per insured event.",
             f"What is the most {name} pays per insured event?", limit,
             (f"What is the maximum payout for one incident with {name}?",
              f"How much will {name} cover at most for a single loss?"))])
    d.add("2. Special limits", _prose(rng, "policy"), [
        Fact(f"For glass damage the {name} excess is {glass}.", f"What is the excess for glass damage under {name}?",
             glass, (f"If a window or windscreen breaks, what deductible do I pay with {name}?",)),
        Fact(f"Theft of items from a vehicle or tent is limited to {theft} under {name}.",
             f"What is the limit for theft from a vehicle or tent under {name}?", theft,
             (f"How much is reimbursed if belongings are stolen out of my car while insured with {name}?",))])
    d.add("3. Your duties after a loss", _prose(rng, "policy"), [
        Fact(f"Report a {name} claim within {notify} days of discovering the loss.",
             f"Within how many days must a {name} claim be reported?", f"{notify} days",
             (f"How long do I have to tell the insurer about a loss under {name}?",))])
    d.add("4. Waiting period and exclusions", _prose(rng, "policy"), [
        Fact(f"New {name} contracts have a waiting period of {wait} days for storm damage.",
             f"How long is the waiting period for storm damage on a new {name} contract?", f"{wait} days",
             (f"After signing up for {name}, when does wind and hail cover start?",))])
    return d


def claims_guideline(v: Values, rng: random.Random, line: str) -> Doc:
    d = Doc(f"guideline-claims-{line}", f"Claims-handling guideline: {LINES[line]}", "claims_guideline", "internal")
    alone, lead = v.eur(2000, 9000, 500), v.eur(20000, 60000, 5000)
    adjuster, reserve = v.eur(3000, 15000, 1000), v.days(2, 9)
    d.add("Approval limits", _prose(rng, "guideline"), [
        Fact(f"{LINES[line]} handlers may approve up to {alone} without a second signature.",
             f"Up to which amount may a {LINES[line].lower()} claims handler approve without a second signature?",
             alone, (f"What can a {LINES[line].lower()} claims handler settle on their own authority?",)),
        Fact(f"{LINES[line]} claims above {lead} need the head of claims to sign.",
             f"Above which amount does a {LINES[line].lower()} claim need the head of claims to sign?", lead,
             (f"When must the most senior claims manager approve a {LINES[line].lower()} settlement?",))])
    d.add("Loss adjusters and reserves", _prose(rng, "guideline"), [
        Fact(f"Send a loss adjuster when a {LINES[line].lower()} loss is estimated above {adjuster}.",
             f"From which estimated loss is a loss adjuster sent for {LINES[line].lower()} claims?", adjuster,
             (f"How big must a {LINES[line].lower()} loss be before an expert inspects it on site?",)),
        Fact(f"The initial {LINES[line].lower()} reserve is set within {reserve} working days of FNOL.",
             f"Within how many working days is the initial {LINES[line].lower()} reserve set after FNOL?",
             f"{reserve} working days")])
    return d


def runbook(v: Values, rng: random.Random, system: str, team: str) -> Doc:
    slug = system.replace(" ", "-")
    d = Doc(f"runbook-{slug}", f"Runbook: {system}", "runbook", "internal")
    port, minutes = v.pick(lambda r: r.randint(8100, 9900)), v.days(5, 40)
    pager = v.pick(lambda r: f"+49 30 5550 {r.randint(1000, 9999)}")
    d.add("Health check", _prose(rng, "runbook"), [
        Fact(f"The {system} answers health checks on port {port} at /health.",
             f"On which port does the {system} answer health checks?", str(port))])
    d.add("Restart", _prose(rng, "runbook") + [
        f"1. Drain traffic from the node.\n2. Restart the {system} with the deployment tool.\n3. Watch the logs."], [
        Fact(f"Escalate a {system} outage to {team} if it is not resolved within {minutes} minutes.",
             f"After how many minutes is a {system} outage escalated to {team}?", f"{minutes} minutes",
             (f"How long may the on-call engineer try alone before calling {team} in when the {system} is down?",))])
    d.add("Contacts", _prose(rng, "runbook", 1), [
        Fact(f"The {team} on-call pager number is {pager}.", f"What is the {team} on-call pager number?", pager)])
    return d


ADR_TOPICS = [("event bus for claims events", "Apache Kafka", "RabbitMQ"),
              ("search over documents", "OpenSearch", "a relational full-text index"),
              ("identity provider for brokers", "Keycloak", "a home-grown login"),
              ("workflow engine for claims", "Camunda", "hand-written state machines"),
              ("storage of scanned mail", "S3-compatible object storage", "a network file share"),
              ("feature flags", "Unleash", "configuration files"),
              ("API style for the broker API", "REST with OpenAPI", "SOAP"),
              ("data warehouse", "a lakehouse on Delta tables", "the old Oracle warehouse"),
              ("LLM access for internal tools", "the hub's model gateway", "direct calls to public APIs"),
              ("customer notifications", "a notification service with templates", "e-mails from each system")]


def adr(v: Values, rng: random.Random, n: int, topic: tuple) -> Doc:
    subject, chosen, rejected = topic
    d = Doc(f"adr-{n:03d}", f"ADR {n}: {subject}", "adr", "internal")
    year = v.pick(lambda r: f"{r.choice(['January', 'March', 'May', 'June', 'September', 'November'])} "
                            f"{r.choice([2022, 2023, 2024])}")
    d.add("Context", _prose(rng, "adr") + [f"We needed a decision on the {subject}; {rejected} no longer scaled."], [])
    d.add("Decision", _prose(rng, "adr", 1), [
        Fact(f"For the {subject} we use {chosen}.", f"What does Nordlicht use for the {subject}?", chosen,
             (f"Which technology was chosen for the {subject}?",)),
        Fact(f"The decision on the {subject} was taken in {year}.", f"When was the decision on the {subject} taken?",
             year)])
    d.add("Consequences", _prose(rng, "adr", 1) + [f"Teams migrating away from {rejected} get support from the "
                                                    "platform team for one quarter."], [])
    return d


def postmortem(v: Values, rng: random.Random, n: int, system: str) -> Doc:
    d = Doc(f"postmortem-{n:02d}", f"Post-mortem: {system} outage", "postmortem", "internal")
    minutes, claims = v.days(20, 300), v.pick(lambda r: r.randint(40, 3000))
    cause = rng.choice(["an expired TLS certificate", "a full disk on the database host", "a bad configuration "
                        "push", "a memory leak after the release", "a DNS change", "a locked database table"])
    d.add("Summary", _prose(rng, "postmortem", 1), [
        Fact(f"The {system} outage number {n} lasted {minutes} minutes.",
             f"How long did {system} outage number {n} last?", f"{minutes} minutes"),
        Fact(f"Outage {n} of the {system} was caused by {cause}.", f"What caused outage {n} of the {system}?", cause)])
    d.add("Impact", _prose(rng, "postmortem", 1), [
        Fact(f"During outage {n}, {claims} customer requests to the {system} failed.",
             f"How many customer requests failed during outage {n} of the {system}?", str(claims),
             (f"How many customers were affected by incident {n} on the {system}?",))])
    d.add("Action items", ["1. Add an alert.\n2. Document the recovery in the runbook.\n3. Review in a month."], [])
    return d


def privacy_note(v: Values, rng: random.Random, topic: str) -> Doc:
    slug = topic.lower().replace(" ", "-")
    d = Doc(f"privacy-{slug}", f"Data protection note: {topic}", "privacy_note", "confidential")
    keep, answer = v.days(3, 12), v.days(10, 30)
    d.add("Retention", _prose(rng, "privacy"), [
        Fact(f"Records of {topic.lower()} are kept for {keep} years, then deleted.",
             f"How long are records of {topic.lower()} kept?", f"{keep} years",
             (f"When do we delete {topic.lower()}?",))])
    d.add("Requests from data subjects", _prose(rng, "privacy", 1), [
        Fact(f"Erasure requests about {topic.lower()} are answered within {answer} days.",
             f"Within how many days are erasure requests about {topic.lower()} answered?", f"{answer} days")])
    return d


UNANSWERABLE = ["What is the excess for cyber insurance policies?", "Who is the CEO of Nordlicht Versicherung?",
                "What is the share price of Nordlicht Versicherung?", "Which cloud provider hosts the fraud models?",
                "How many employees work in the Vienna office?", "What is the premium for a Tesla Model 3?",
                "When will the pet insurance product launch?", "What is the password policy for brokers?",
                "Which bank handles the SEPA batches?", "What is the loss ratio for 2023?"]


def build(rng: random.Random) -> list[Doc]:
    v = Values(rng)
    docs = [policy_wording(v, rng, line, tier) for line in LINES for tier in TIERS]
    docs += [claims_guideline(v, rng, line) for line in LINES]
    docs += [runbook(v, rng, s, t) for s, t in zip(SYSTEMS, TEAMS)]
    docs += [adr(v, rng, i + 1, t) for i, t in enumerate(ADR_TOPICS)]
    docs += [postmortem(v, rng, i + 1, rng.choice(SYSTEMS)) for i in range(8)]
    docs += [privacy_note(v, rng, t) for t in ("Claims files", "Call recordings", "Telematics data",
                                               "Broker contact data")]
    return docs
