"""The backlog: epics, stories, bugs and incidents, with reworded duplicates and some planted personal data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shiplab.samplegen import identity, phrases

PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]
PRIORITY_WEIGHTS = [5, 20, 50, 20, 5]


@dataclass
class Item:
    key: str
    id: int
    type: str
    summary: str
    description: str
    status: str
    priority: str
    resolution: str
    components: list[str]
    labels: list[str]
    created: datetime
    updated: datetime
    resolved: datetime | None
    reporter: str
    assignee: str
    parent: str = ""
    duplicates: list[str] = field(default_factory=list)  # keys this item duplicates
    pii: list[dict] = field(default_factory=list)  # planted personal data in the description


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _reword(rng: random.Random, text: str) -> str:
    for word, alternatives in phrases.SYNONYMS.items():
        if word in text and rng.random() < 0.8:
            text = text.replace(word, rng.choice(alternatives), 1)
    return text


def _render_fact(rng: random.Random, fact: tuple, titles: list[str], reword: bool) -> str:
    component, thing, symptom, trigger = fact
    if reword:
        thing, symptom, trigger = _reword(rng, thing), _reword(rng, symptom), _reword(rng, trigger)
    t = rng.choice(titles)
    return t.format(component=component, thing=thing, Thing=_cap(thing), symptom=symptom, trigger=trigger,
                    Trigger=_cap(trigger))


BUG_BODY = [
    "Steps to reproduce:\n1. {step}\n2. Observe the {thing}.\n\nExpected: it works as for other cases.\n"
    "Actual: the {thing} {symptom}.\n\nEnvironment: {env}. Reported by {team} on {day}.",
    "Since {day} the {thing} {symptom} when {trigger}. {impact}\n\nSeen in {env}; {count} cases so far.",
    "{Team} reports that the {thing} {symptom}. It happens when {trigger}. {impact}",
]
INCIDENT_BODY = [
    "Timeline (CET):\n{t0} alert fired: {thing} {symptom}\n{t1} on-call engineer acknowledged\n{t2} mitigation: "
    "{mitigation}\n\nCustomer impact: {impact}",
    "The {thing} was {symptom} {trigger}. Mitigation: {mitigation}. Follow-up actions are tracked in the "
    "post-mortem. Impact: {impact}",
]
IMPACTS = ["Customers cannot finish their claim online and call the hotline instead.",
           "Handlers have to correct the records by hand, about 10 minutes each.",
           "No direct customer impact, but the morning reports are incomplete.",
           "Brokers cannot issue policies and escalate to their account managers.",
           "Payments are delayed, which generates complaints.",
           "Risk of a GDPR breach if not fixed before the next audit."]
MITIGATIONS = ["rolled back the last deployment", "restarted the service and cleared the queue",
               "increased the storage quota", "switched traffic to the standby cluster",
               "re-ran the batch manually after fixing the input file"]
ENVS = ["production", "pre-production", "the UAT environment", "production (only for Austrian policies)"]
PII_SENTENCES = [
    ("Customer {name} ({email}) called about this twice.", ["PERSON", "EMAIL"]),
    ("Example case: policy {policy}, policyholder {name}, phone {phone}.", ["POLICY_NUMBER", "PERSON", "PHONE"]),
    ("The refund went to {iban} instead of the new account.", ["IBAN"]),
    ("See claim {claim} reported by {name}.", ["CLAIM_NUMBER", "PERSON"]),
]


def _jira_people(rng: random.Random, n: int) -> list[str]:
    return sorted({identity.make_person(rng).name for _ in range(n)})


def generate(rng: random.Random, n_target: int = 1100, n_duplicates: int = 70) -> list[Item]:
    staff = _jira_people(rng, 40)
    start = datetime(2023, 1, 9, 8, 0)
    items: list[Item] = []

    def new(type_, summary, description, component, parent="", dup_of=None) -> Item:
        n = len(items) + 1
        created = start + timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        status = rng.choices(["To Do", "In Progress", "In Review", "Done"], [30, 15, 5, 50])[0]
        resolution, resolved = "", None
        if dup_of:
            status, resolution = "Done", "Duplicate"
        if status == "Done":
            resolution = resolution or rng.choices(["Done", "Won't Do"], [9, 1])[0]
            resolved = created + timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 8))
        extra = [c for c in phrases.COMPONENTS if c != component and rng.random() < 0.08][:1]
        labels = sorted(set(rng.sample(phrases.LABELS, rng.choice([0, 1, 1, 2, 3]))))
        item = Item(key=f"NVA-{n}", id=10000 + n, type=type_, summary=summary, description=description,
                    status=status, priority=rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0], resolution=resolution,
                    components=[component, *extra], labels=labels, created=created,
                    updated=(resolved or created) + timedelta(hours=rng.randint(1, 48)), resolved=resolved,
                    reporter=rng.choice(staff), assignee=rng.choice(staff + [""]), parent=parent,
                    duplicates=[dup_of] if dup_of else [])
        items.append(item)
        return item

    epics = [new("Epic", title, goal, comp) for comp, title, goal in phrases.EPICS]
    epics_by_comp: dict[str, list[Item]] = {}
    for e in epics:
        epics_by_comp.setdefault(e.components[0], []).append(e)

    originals: list[tuple[Item, tuple, str]] = []
    bug_facts = [(comp, t, s, tr) for comp, (things, symptoms, triggers) in phrases.BUG_PARTS.items()
                 for t in things for s in symptoms for tr in triggers]
    rng.shuffle(bug_facts)
    incident_facts = [(c, t, s, f"{tr} {when}") for c, t, s, tr in phrases.INCIDENT_FACTS
                      for when in ("on Monday morning", "during the month-end run", "at night", "after the release",
                               "during the storm", "at 9:00", "on Friday afternoon", "over the weekend",
                               "at quarter end", "during the migration", "after failover", "at peak load",
                               "on the first working day", "after the patch day", "at lunch time",
                               "during the audit week", "on Sunday night", "before the board meeting",
                               "on payday", "after the DNS change", "during the backup window")]
    rng.shuffle(incident_facts)
    seen_summaries: set[str] = set()
    while len(items) < n_target - n_duplicates:
        kind = rng.choices(["Story", "Bug", "Incident"], [45, 40, 15])[0]
        if kind == "Story":
            comp = rng.choice(phrases.COMPONENTS)
            want, why = rng.choice(phrases.STORY_WANTS[comp])
            role = rng.choice(phrases.STORY_ROLES)
            qual = rng.choice(phrases.STORY_QUALIFIERS)
            summary = rng.choice([f"As a {role} I want to {want}{qual}", f"{_cap(want)}{qual} ({role})",
                                  f"{comp}: {want}{qual}"])
            if summary in seen_summaries:
                continue
            seen_summaries.add(summary)
            body = (f"As a {role} I want to {want}, so that {why}.\n\nAcceptance criteria:\n- works for motor and "
                    f"household policies\n- audit log entry for every change\n- {rng.choice(IMPACTS)}")
            new("Story", summary, body, comp, parent=rng.choice(epics_by_comp[comp]).key)
        else:
            facts = bug_facts if kind == "Bug" else incident_facts
            if not facts:
                continue
            fact = facts.pop()
            summary = _render_fact(rng, fact, phrases.BUG_TITLES if kind == "Bug" else phrases.INCIDENT_TITLES,
                                   reword=rng.random() < 0.5)
            item = new(kind, summary, _body(rng, kind, fact), fact[0])
            originals.append((item, fact, kind))

    # reworded duplicates of earlier bugs/incidents, linked with the Duplicate link type
    for original, fact, kind in rng.sample(originals, n_duplicates):
        titles = phrases.BUG_TITLES if kind == "Bug" else phrases.INCIDENT_TITLES
        for _ in range(10):
            summary = _render_fact(rng, fact, titles, reword=True)
            if summary != original.summary:
                break
        dup = new(kind, summary, _body(rng, kind, fact), fact[0], dup_of=original.key)
        dup.created = max(dup.created, original.created + timedelta(days=rng.randint(1, 20)))
        dup.resolved = dup.created + timedelta(days=rng.randint(0, 5))
        dup.updated = dup.resolved

    for item in items:
        if item.type in ("Bug", "Incident") and rng.random() < 0.12:
            _plant_pii(rng, item)
    return items


def _body(rng: random.Random, kind: str, fact: tuple) -> str:
    component, thing, symptom, trigger = fact
    day = f"{rng.randint(1, 28)}.{rng.randint(1, 12)}."
    if kind == "Bug":
        return rng.choice(BUG_BODY).format(step=_cap(trigger), thing=thing, symptom=symptom, trigger=trigger,
                                           env=rng.choice(ENVS), team=component, Team=component, day=day,
                                           impact=rng.choice(IMPACTS), count=rng.randint(2, 140))
    t0 = f"{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}"
    return rng.choice(INCIDENT_BODY).format(t0=t0, t1=f"{t0[:3]}{min(59, int(t0[3:]) + 7):02d}",
                                            t2="next hour", thing=thing, symptom=symptom, trigger=trigger,
                                            mitigation=rng.choice(MITIGATIONS), impact=rng.choice(IMPACTS))


def _plant_pii(rng: random.Random, item: Item) -> None:
    person = identity.make_person(rng)
    template, _types = rng.choice(PII_SENTENCES)
    values = {"name": person.name, "email": person.email, "phone": person.phone, "iban": identity.group4(person.iban),
              "policy": identity.make_policy_number(rng, rng.choice(list(identity.LINES))),
              "claim": identity.make_claim_number(rng, item.created.year)}
    types = {"name": "PERSON", "email": "EMAIL", "phone": "PHONE", "iban": "IBAN", "policy": "POLICY_NUMBER",
             "claim": "CLAIM_NUMBER"}
    prefix = item.description + "\n\n"
    text, pos = "", 0
    import re

    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos:m.start()]
        start = len(prefix) + len(text)
        text += values[m.group(1)]
        item.pii.append({"key": item.key, "field": "description", "start": start, "end": start + len(values[m.group(1)]),
                         "type": types[m.group(1)], "value": values[m.group(1)]})
        pos = m.end()
    text += template[pos:]
    item.description = prefix + text
