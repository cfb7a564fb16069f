"""The backlog: epics, stories, bugs, incidents and tasks, with reworded duplicates and some planted personal data.

Each ticket renders one *meaning* (see ``backlog_vocab``) through randomly chosen phrasings and one of several
summary and description templates. A planted duplicate renders the original's meaning again with different
phrasings and templates, is resolved as ``Duplicate`` and linked to the original with Jira's Duplicate link type.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shiplab.samplegen import backlog_vocab as V
from shiplab.samplegen import identity

PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]
PRIORITY_WEIGHTS = [5, 20, 50, 20, 5]
START = datetime(2023, 1, 9, 8, 0)


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


@dataclass(frozen=True)
class Meaning:
    """What a ticket is about; ``pick`` chooses one phrasing, ``avoid`` keeps a duplicate off the original's."""
    kind: str
    component: str
    parts: tuple  # tuples of phrasings (or plain strings)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _say(rng: random.Random, phrasings, avoid: str | None = None) -> str:
    if isinstance(phrasings, str):
        return phrasings
    options = [p for p in phrasings if p != avoid] or list(phrasings)
    return rng.choice(options)


BUG_TITLES = ["{Thing} {symptom} when {trigger}", "{Trigger}: {thing} {symptom}", "[{component}] {thing} {symptom}",
              "{Thing} {symptom} ({trigger})", "{Thing}: {symptom}", "{Thing} {symptom} - {trigger}"]
BUG_BODIES = [
    "Steps to reproduce:\n1. Make sure {trigger}.\n2. Open the {thing}.\n3. Observe the result.\n\n"
    "Expected: the {thing} works as for any other case.\nActual: the {thing} {symptom}.\n\nEnvironment: {env}, "
    "release {release}.",
    "Since {since} the {thing} {symptom} when {trigger}. {impact}\n\nSeen in {env}; {count} cases so far.",
    "{Reporter_team} reports that the {thing} {symptom}. It happens when {trigger}.\n\n{impact} "
    "Workaround: {workaround}.",
    "Customer service escalated this: the {thing} {symptom} ({trigger}). {impact}\n\nFirst seen in release "
    "{release}. {count} complaints logged.",
    "Found during regression testing of release {release}: {thing} {symptom} when {trigger}.\n"
    "Not reproducible in pre-production. {impact}",
]
IMPACTS = ["Customers cannot finish online and call the hotline instead.",
           "Handlers correct the records by hand, about ten minutes each.",
           "No direct customer impact, but the morning reports are incomplete.",
           "Brokers escalate to their account managers.", "Payments are delayed and complaints are coming in.",
           "This may become a GDPR issue if personal data is affected.",
           "Finance cannot close the month until this is fixed.",
           "The call centre has a noticeably longer queue."]
WORKAROUNDS = ["enter the case manually in the back office", "ask the customer to use the phone channel",
               "re-run the step the next morning", "none known", "switch to the desktop browser"]
ENVS = ["production", "pre-production", "UAT", "production (Austrian tenant)", "production (Dutch tenant)"]


def _bug(rng, m: Meaning, avoid: dict | None = None) -> tuple[str, str, dict]:
    thing_p, symptom_p, trigger_p = m.parts
    avoid = avoid or {}
    w = {"thing": _say(rng, thing_p, avoid.get("thing")), "symptom": _say(rng, symptom_p, avoid.get("symptom")),
         "trigger": _say(rng, trigger_p, avoid.get("trigger"))}
    title = rng.choice([t for t in BUG_TITLES if t != avoid.get("title")])
    body = rng.choice([b for b in BUG_BODIES if b != avoid.get("body")])
    fill = dict(w, Thing=_cap(w["thing"]), Trigger=_cap(w["trigger"]), component=m.component,
                env=rng.choice(ENVS), release=f"{rng.randint(3, 7)}.{rng.randint(0, 19)}.{rng.randint(0, 9)}",
                since=rng.choice(["the last release", "Monday", "the weekend deployment", "last week",
                                  "the migration"]),
                count=rng.randint(2, 140), impact=rng.choice(IMPACTS), workaround=rng.choice(WORKAROUNDS),
                Reporter_team=rng.choice([c for c in V.COMPONENTS if c != m.component] + ["Customer service"]))
    return title.format(**fill), body.format(**fill), dict(w, title=title, body=body)


STORY_TITLES = ["As {a_role} I want to {want}", "{Want} ({role})", "{component}: {want}",
                "Allow {role}s to {want}", "{Want}"]


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _story(rng, m: Meaning, avoid: dict | None = None) -> tuple[str, str, dict]:
    (want_p, why, criterion), obj_p, roles, qual = m.parts
    avoid = avoid or {}
    obj = _say(rng, obj_p, avoid.get("obj"))
    phrasing = _say(rng, want_p, avoid.get("want_p"))
    want = phrasing.format(o=obj) + qual
    role = rng.choice(roles)
    title = rng.choice([t for t in STORY_TITLES if t != avoid.get("title")])
    criteria = [criterion.format(o=obj), rng.choice(["works in German, French and Dutch",
                                                     "works on phone-sized screens",
                                                     "only users with the right role can use it",
                                                     "every change is written to the audit log"]),
                rng.choice(["response time below two seconds", "covered by automated tests",
                            "documented in the user guide", "no personal data in the logs"])]
    body = (f"As {_a(role)} I want to {want}, so that {why}.\n\nAcceptance criteria:\n"
            + "\n".join(f"- {c}" for c in criteria)
            + rng.choice(["", "", "\n\nNotes: check with the Data Protection Office before go-live.",
                          "\n\nNotes: the team lead agreed this in the last refinement.",
                          "\n\nNotes: brokers asked for this at the last partner meeting."]))
    summary = title.format(role=role, a_role=_a(role), want=want, Want=_cap(want), component=m.component)
    return summary, body, {"obj": obj, "want_p": phrasing, "title": title}


def _incident(rng, m: Meaning, avoid: dict | None = None) -> tuple[str, str, dict]:
    system, symptom_p, cause = m.parts
    avoid = avoid or {}
    symptom = _say(rng, symptom_p, avoid.get("symptom"))
    title = rng.choice([t for t in ["INC: {s} {y}", "Major incident - {s} {y}", "{S} {y}", "P1: {s} {y}"]
                        if t != avoid.get("title")])
    t0 = rng.randint(6 * 60, 20 * 60)
    hm = lambda t: f"{t // 60:02d}:{t % 60:02d}"  # noqa: E731
    body = rng.choice([
        f"Timeline (CET):\n{hm(t0)} alert fired: {system} {symptom}\n{hm(t0 + 7)} on-call engineer acknowledged\n"
        f"{hm(t0 + rng.randint(20, 90))} mitigated; cause: {cause}\n\nCustomer impact: {rng.choice(IMPACTS)}",
        f"The {system} was {symptom}. Cause: {cause}. Mitigation: {rng.choice(['rollback', 'failover', 'restart'])}."
        f" Follow-up actions are tracked in the post-mortem.\nImpact: {rng.choice(IMPACTS)}"])
    return title.format(s=system, S=_cap(system), y=symptom), body, {"symptom": symptom, "title": title}


def _task(rng, m: Meaning, avoid: dict | None = None) -> tuple[str, str, dict]:
    template, a, system = m.parts
    body = rng.choice([f"Part of the quarterly maintenance of the {system}. Owner: {m.component}.",
                       f"Needed before the next audit. Check the runbook of the {system} afterwards.",
                       f"Requested by the platform team; plan it in the next sprint for the {system}."])
    return template.format(a=a, s=system), body, {}


RENDER = {"Bug": _bug, "Story": _story, "Incident": _incident, "Task": _task}


def meanings(rng: random.Random) -> dict[str, list[Meaning]]:
    """Every distinct thing a ticket can be about, shuffled."""
    out: dict[str, list[Meaning]] = {"Bug": [], "Story": [], "Incident": [], "Task": []}
    for comp, things in V.THINGS.items():
        for kind, thing in things:
            for symptom in V.SYMPTOMS[kind]:
                trigger = rng.choice(V.TRIGGERS[comp] + V.GENERIC_TRIGGERS)
                out["Bug"].append(Meaning("Bug", comp, (thing, symptom, trigger)))
    for comp, (roles, objects) in V.STORY_OBJECTS.items():
        portal = comp == "Customer Portal"
        for obj in objects:
            for verb in V.PORTAL_VERBS if portal else V.STORY_VERBS:
                qual = rng.choice(V.PORTAL_QUALIFIERS if portal else V.STORY_QUALIFIERS)
                out["Story"].append(Meaning("Story", comp, (verb, obj, roles, qual)))
    systems = dict(zip(V.TASK_SYSTEMS, V.COMPONENTS))
    for system, comp in systems.items():
        for symptom in V.INCIDENTS:
            out["Incident"].append(Meaning("Incident", comp, (system, symptom, rng.choice(V.INCIDENT_CAUSES))))
        for template, values in V.TASKS:
            out["Task"] += [Meaning("Task", comp, (template, a, system)) for a in values]
    for ms in out.values():
        rng.shuffle(ms)
    return out


def generate(rng: random.Random, n_target: int = 1100, n_duplicates: int = 70) -> list[Item]:
    staff = sorted({identity.make_person(rng).name for _ in range(45)})
    items: list[Item] = []

    def new(type_, summary, description, component, parent="", dup_of: Item | None = None) -> Item:
        n = len(items) + 1
        created = START + timedelta(days=rng.randint(0, 690), hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        if dup_of:
            created = dup_of.created + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        age = (START + timedelta(days=700) - created).days
        status = rng.choices(["To Do", "In Progress", "In Review", "Done"], [30, 15, 5, 50 + age // 10])[0]
        resolution, resolved = "", None
        if dup_of:
            status, resolution = "Done", "Duplicate"
        if status == "Done":
            resolution = resolution or rng.choices(["Done", "Won't Do", "Cannot Reproduce"], [16, 2, 1])[0]
            resolved = created + timedelta(days=rng.randint(0, 5) if dup_of else rng.randint(1, 90),
                                           hours=rng.randint(1, 8))
        extra = [c for c in V.COMPONENTS if c != component and rng.random() < 0.06][:1]
        labels = sorted(set(rng.sample(V.LABELS, rng.choice([0, 1, 1, 2, 3]))))
        item = Item(key=f"NVA-{n}", id=10000 + n, type=type_, summary=summary, description=description,
                    status=status, priority=rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0], resolution=resolution,
                    components=[component, *extra], labels=labels, created=created,
                    updated=(resolved or created) + timedelta(hours=rng.randint(1, 48)), resolved=resolved,
                    reporter=rng.choice(staff), assignee=rng.choice(staff + [""]), parent=parent,
                    duplicates=[dup_of.key] if dup_of else [])
        items.append(item)
        return item

    epics = [new("Epic", title, goal, comp) for comp, title, goal in V.EPICS]
    epic_of: dict[str, list[str]] = {}
    for e in epics:
        epic_of.setdefault(e.components[0], []).append(e.key)

    pool = meanings(rng)
    quota = {"Incident": len(pool["Incident"]), "Task": len(pool["Task"]), "Bug": len(pool["Bug"])}
    quota["Story"] = n_target - n_duplicates - len(epics) - sum(quota.values())
    if quota["Story"] > len(pool["Story"]):
        raise ValueError("not enough distinct stories for the backlog size; add story objects or verbs")
    chosen = [m for kind, ms in pool.items() for m in ms[:quota[kind]]]
    rng.shuffle(chosen)
    originals: list[tuple[Item, Meaning, dict]] = []
    for m in chosen:
        summary, body, words = RENDER[m.kind](rng, m)
        parent = rng.choice(epic_of[m.component]) if m.kind == "Story" and rng.random() < 0.8 else ""
        originals.append((new(m.kind, summary, body, m.component, parent=parent), m, words))

    share = {"Bug": 0.65, "Incident": 0.1}  # the rest are stories
    picked = []
    for kind in ("Bug", "Incident"):
        picked += rng.sample([o for o in originals if o[1].kind == kind], round(n_duplicates * share[kind]))
    picked += rng.sample([o for o in originals if o[1].kind == "Story"], n_duplicates - len(picked))
    rng.shuffle(picked)
    for original, m, words in picked:
        for _ in range(20):
            summary, body, _w = RENDER[m.kind](rng, m, avoid=words)
            if summary.lower() != original.summary.lower():
                break
        new(m.kind, summary, body, m.component, parent=original.parent, dup_of=original)

    for item in items:
        if item.type in ("Bug", "Incident", "Story") and rng.random() < 0.09:
            _plant_pii(rng, item)
    return items


PII_SENTENCES = [
    "Customer {name} ({email}) called about this twice.",
    "Example case: policy {policy}, policyholder {name}, phone {phone}.",
    "The refund went to {iban} instead of the new account.",
    "See claim {claim} reported by {name}.",
    "Reproduced with the data of {name}, {policy} - please anonymise before sharing.",
    "Broker forwarded the complaint of {name}, reachable at {phone}.",
]


def _plant_pii(rng: random.Random, item: Item) -> None:
    """Append a sentence with personal data to the description and record where each value sits."""
    person = identity.make_person(rng)
    values = {"name": ("PERSON", person.name), "email": ("EMAIL", person.email), "phone": ("PHONE", person.phone),
              "iban": ("IBAN", identity.group4(person.iban)),
              "policy": ("POLICY_NUMBER", identity.make_policy_number(rng, rng.choice(list(identity.LINES)))),
              "claim": ("CLAIM_NUMBER", identity.make_claim_number(rng, item.created.year))}
    template = rng.choice(PII_SENTENCES)
    text, pos = item.description + "\n\n", 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos:m.start()]
        kind, value = values[m.group(1)]
        item.pii.append({"key": item.key, "field": "description", "start": len(text), "end": len(text) + len(value),
                         "type": kind, "value": value})
        text += value
        pos = m.end()
    item.description = text + template[pos:]
