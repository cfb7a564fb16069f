"""Short texts with planted personal data, and the exact position of every planted value (the redaction lab's
ground truth). Decoys that look like personal data but are not — an IBAN with a wrong checksum, ticket keys,
version numbers, amounts, dates that are not birth dates — stay unlabelled: a detector that flags them loses
precision."""

from __future__ import annotations

import random
import re

from shiplab.samplegen import identity

TEMPLATES = [  # {KIND} is planted and labelled, {DECOY_IBAN} is planted and must not be flagged, {n} is filler
    # call notes
    "Call note: {PERSON} rang about {POLICY_NUMBER}. Call back on {PHONE}. Ticket NVA-{n} updated.",
    "Inbound call 14:{n}: {PERSON} wants to know why the premium rose by 4.{n}%. Callback number {PHONE}.",
    "Handover: {PERSON} (claims) takes over {CLAIM_NUMBER}; customer reachable at {PHONE} after 16:00.",
    "Caller {PERSON} confirmed identity (DOB {DATE_OF_BIRTH}) and asked for the status of {CLAIM_NUMBER}.",
    "Voicemail from {PERSON}: hail damage on the car, please call {PHONE}. Refers to {POLICY_NUMBER}.",
    "Call summary - {PERSON} disputes the deduction of EUR {n}0 excess on {CLAIM_NUMBER}.",
    # e-mails
    "Dear {PERSON}, we received your claim {CLAIM_NUMBER} on 03.04.2024 and will reply within 5 days.",
    "Broker forwarded a complaint by {PERSON} <{EMAIL}> regarding claim {CLAIM_NUMBER}.",
    "Please update the e-mail of {PERSON} to {EMAIL}; the old address bounced. Release 4.{n}.2 fixes the form.",
    "Hello, this is {PERSON}. My new bank account is {IBAN}, please use it for the refund on {POLICY_NUMBER}.",
    "Reply from {EMAIL}: the windscreen was replaced on 2 May, invoice no. INV-2024-0{n}77 attached.",
    "Good morning, {PERSON} here ({PHONE}). The water damage in the kitchen is getting worse, see {CLAIM_NUMBER}.",
    # ticket comments
    "Duplicate of NVA-{n}. No customer data involved; affects version 2.{n}.1 only.",
    "Reproduced with the data of {PERSON} ({POLICY_NUMBER}); must be anonymised before the demo.",
    "SEPA mandate for {IBAN} rejected, reference MNDT-{n}{n}. Contact: {EMAIL}.",
    "Test IBAN {DECOY_IBAN} fails validation as expected; real customer account {IBAN} passes.",
    "Customer {PERSON} asks us to pay the settlement to {IBAN}. Previous account {DECOY_IBAN} was closed.",
    "Batch 7.{n} stopped at row {n}00; first failing record belongs to {POLICY_NUMBER}.",
    "Fixed in 5.{n}.0. Verified with claim {CLAIM_NUMBER} and the reporter {PERSON}.",
    "Log excerpt shows {EMAIL} in plain text at line {n}4 - please mask e-mail addresses in the logs.",
    # forms and back-office notes
    "Erasure request (GDPR Art. 17) from {PERSON}, born {DATE_OF_BIRTH}, e-mail {EMAIL}.",
    "Identity check done: {PERSON}, DOB {DATE_OF_BIRTH}, policy {POLICY_NUMBER}, mobile {PHONE}.",
    "Refund of 312,50 € for {POLICY_NUMBER} goes to {IBAN} (holder: {PERSON}).",
    "Access request (Art. 15): {PERSON}, date of birth {DATE_OF_BIRTH}, send the copy to {EMAIL}.",
    "Named driver added to {POLICY_NUMBER}: {PERSON}, born {DATE_OF_BIRTH}. Premium +EUR 1{n}.00 per year.",
    "Loss adjuster appointment for {CLAIM_NUMBER} on 12.06.2024 at 10:00 with {PERSON}, phone {PHONE}.",
    "Subrogation: third party {PERSON} admits fault; their insurer is asked to pay {CLAIM_NUMBER} in full.",
    "Direct debit returned for {POLICY_NUMBER} (account {IBAN}); second attempt on the 15th, fee EUR 3.{n}.",
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
