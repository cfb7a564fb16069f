"""Claim e-mails, web forms and letters, each with the fields an extractor should find in it."""

from __future__ import annotations

import random
from datetime import date, timedelta

from shiplab.samplegen import identity

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
EVENTS = {
    "motor": ["a hailstorm dented the roof and bonnet of my car", "another driver reversed into my parked car",
              "my windscreen cracked after a stone hit it on the A9", "the car was broken into and the radio stolen",
              "I skidded on black ice and hit a guard rail", "a deer ran into the side of the car near Graz",
              "a delivery van scraped the whole left side of my car in a car park",
              "a falling branch smashed the rear window during the storm",
              "my car was hit at a roundabout by a driver who did not give way",
              "a marten chewed through the ignition cables overnight"],
    "household": ["a burst pipe flooded the kitchen floor", "heavy rain came through the roof into the attic",
                  "burglars forced the terrace door and took a laptop", "lightning damaged the heating control",
                  "the washing machine hose leaked into the flat below",
                  "a power surge destroyed the television and the router",
                  "storm winds tore several tiles off the roof and water got into the bedroom",
                  "my bicycle was stolen from the locked cellar", "a kitchen fire blackened the walls and ceiling"],
    "liability": ["my son's football broke the neighbour's window", "our dog bit a cyclist's leg",
                  "I knocked over a borrowed camera at a friend's wedding",
                  "water from our balcony stained the facade below",
                  "I scratched a parked car with my bicycle handlebar",
                  "my daughter spilled coffee over a colleague's laptop",
                  "I lost the keys to my employer's office building"],
    "travel": ["my suitcase did not arrive in Lisbon", "I fell ill in Vienna and had to cancel the return flight",
               "my phone was stolen at the hotel reception", "I broke my wrist skiing and was treated in Innsbruck",
               "our flight was cancelled and we missed the cruise departure in Genoa",
               "I had to cancel the trip because my mother was taken to hospital"],
}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _date_text(rng: random.Random, d: date) -> str:
    return rng.choice([f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day}.{d.month}.{d.year}",
                       f"{MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}", f"{d.day} {MONTHS[d.month - 1]} {d.year}",
                       d.isoformat(), f"the {_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
                       f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {MONTHS[d.month - 1][:3]}. {d.year}"])


def _amount_text(rng: random.Random, amount: float) -> str:
    whole, cents = int(amount), round((amount - int(amount)) * 100)
    de = f"{whole:,}".replace(",", ".") + f",{cents:02d}"
    en = f"{whole:,}.{cents:02d}"
    return rng.choice([f"{de} €", f"EUR {en}", f"€{en}", f"{de} EUR"])


def make_claim(rng: random.Random, n: int) -> dict:
    person = identity.make_person(rng)
    line = rng.choice(["motor", "motor", "household", "household", "liability", "travel"])
    policy = identity.make_policy_number(rng, line)
    when = date(2024, 1, 1) + timedelta(days=rng.randint(0, 330))
    event = rng.choice(EVENTS[line])
    has_amount, has_iban = rng.random() < 0.7, rng.random() < 0.5
    has_phone, has_email = rng.random() < 0.6, True
    amount = round(rng.uniform(80, 14000), 2) if has_amount else None
    channel = rng.choice(["email", "email", "web_form", "letter"])
    date_txt = _date_text(rng, when)
    lines: list[str] = []
    if channel == "web_form":
        lines += ["Online claim notification - Nordlicht Versicherung", f"Policy number: {policy}",
                  f"Name: {person.name}", f"Date of loss: {date_txt}", f"Type of claim: {line}",
                  f"What happened: {event}."]
        if amount is not None:
            lines.append(f"Estimated damage: {_amount_text(rng, amount)}")
        if has_iban:
            lines.append(f"Bank account for payment (IBAN): {identity.group4(person.iban)}")
        if has_phone:
            lines.append(f"Phone: {person.phone}")
        lines.append(f"E-mail: {person.email}")
    else:
        greet = rng.choice(["Dear Sir or Madam,", "Hello,", "Dear Nordlicht team,", "Good morning,"])
        opener = rng.choice([f"on {date_txt} {event}.", f"I am writing to report that {event} on {date_txt}.",
                             f"I would like to report a claim: {event} ({date_txt})."])
        ref = rng.choice([f"My policy number is {policy}.", f"Policy: {policy}", f"(insured under {policy})"])
        body = [greet, "", f"{opener[0].upper()}{opener[1:]} {ref}"]
        if amount is not None:
            body.append(rng.choice([f"The repair estimate is {_amount_text(rng, amount)}.",
                                    f"The damage comes to roughly {_amount_text(rng, amount)}."]))
        if has_iban:
            body.append(f"Please transfer the payment to {rng.choice([person.iban, identity.group4(person.iban)])}.")
        if has_phone:
            body.append(f"You can reach me on {person.phone}.")
        sign = rng.choice(["Kind regards,", "Best wishes,", "Mit freundlichen Grüßen,", "Sincerely,"])
        body += ["", sign, person.name]
        if channel == "email":
            lines = [f"From: {person.email}", f"Subject: Claim - {line} - {policy}", "", *body]
        else:
            lines = [person.name, f"{rng.randint(1, 120)} Example Street", "", *body]
            has_email = False
    return {
        "id": f"CLM-E-{n:04d}", "channel": channel, "text": "\n".join(lines),
        "expected": {"policy_number": policy, "claimant_name": person.name, "incident_date": when.isoformat(),
                     "claim_type": line, "amount_eur": amount, "iban": person.iban if has_iban else None,
                     "email": person.email if has_email else None, "phone": person.phone if has_phone else None},
    }


def generate(rng: random.Random, n: int = 120) -> list[dict]:
    return [make_claim(rng, i + 1) for i in range(n)]
