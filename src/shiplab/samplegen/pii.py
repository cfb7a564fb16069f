"""Short texts with planted personal data, and the exact position of every planted value (the redaction lab's
ground truth). Decoys that look like personal data but are not — an IBAN with a wrong checksum, ticket keys,
version numbers, amounts, dates that are not birth dates — stay unlabelled: a detector that flags them loses
precision."""

from __future__ import annotations

import random
import re

from shiplab.samplegen import identity

TEMPLATES = [
    "Call note: {PERSON} rang about {POLICY_NUMBER}. Call back on {PHONE}. Ticket NVA-{n} updated.",
    "Customer {PERSON} asks us to pay the settlement to {IBAN}. Previous account {DECOY_IBAN} was closed.",
    "Please update the e-mail of {PERSON} to {EMAIL}; the old address bounced. Release 4.{n}.2 fixes the form.",
    "Erasure request (GDPR Art. 17) from {PERSON}, born {DATE_OF_BIRTH}, e-mail {EMAIL}.",
    "Claim {CLAIM_NUMBER}: loss adjuster visit agreed with {PERSON} ({PHONE}). Estimate EUR 1,{n}00.",
    "Refund of 312,50 € for {POLICY_NUMBER} goes to {IBAN} (holder: {PERSON}).",
    "Broker forwarded a complaint by {PERSON} <{EMAIL}> regarding claim {CLAIM_NUMBER}.",
    "Identity check done: {PERSON}, DOB {DATE_OF_BIRTH}, policy {POLICY_NUMBER}, mobile {PHONE}.",
    "Duplicate of NVA-{n}. No customer data involved; affects version 2.{n}.1 only.",
    "SEPA mandate for {IBAN} rejected, reference MNDT-{n}{n}. Contact: {EMAIL}.",
    "Dear {PERSON}, we received your claim {CLAIM_NUMBER} on 03.04.2024 and will reply within 5 days.",
    "Handover: {PERSON} (claims) takes over {CLAIM_NUMBER}; customer reachable at {PHONE} after 16:00.",
]


def _value(rng: random.Random, kind: str, person: identity.Person) -> str:
    if kind == "PERSON":
        return rng.choice([person.name, person.name, f"{person.first[0]}. {person.last}"])
    if kind == "EMAIL":
        return person.email
    if kind == "PHONE":
        return person.phone
    if kind == "IBAN":
        return rng.choice([person.iban, identity.group4(person.iban)])
    if kind == "DECOY_IBAN":
        return identity.group4(identity.break_iban(rng, person.iban))
    if kind == "POLICY_NUMBER":
        return identity.make_policy_number(rng, rng.choice(list(identity.LINES)))
    if kind == "CLAIM_NUMBER":
        return identity.make_claim_number(rng, rng.choice([2023, 2024]))
    if kind == "DATE_OF_BIRTH":
        y, m, d = person.birth
        return rng.choice([f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{d}/{m}/{y}"])
    raise KeyError(kind)


def render(rng: random.Random, template: str, n: int) -> tuple[str, list[dict], list[str]]:
    person = identity.make_person(rng)
    text, entities, decoys, pos = "", [], [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos:m.start()]
        kind = m.group(1)
        value = str(n) if kind == "n" else _value(rng, kind, person)
        if kind == "DECOY_IBAN":
            decoys.append(value)
        elif kind != "n":
            entities.append({"start": len(text), "end": len(text) + len(value), "type": kind, "value": value})
        text += value
        pos = m.end()
    return text + template[pos:], entities, decoys


def generate(rng: random.Random, n: int = 240) -> list[dict]:
    records = []
    for i in range(n):
        text, entities, decoys = render(rng, TEMPLATES[i % len(TEMPLATES)], rng.randint(10, 99))
        records.append({"id": f"PII-{i + 1:04d}", "text": text, "entities": entities, "decoys": decoys})
    return records
