"""Architecture decision records (context, options, decision, consequences) and data-protection notes (purpose,
legal basis, retention, data subject rights under the GDPR, security).

The chosen technology, decision dates, the figures behind a decision, retention periods and response deadlines
are unique per document and are the facts the gold questions ask about.
"""

from __future__ import annotations

import random

from shiplab.samplegen.docmodel import Bullets, Doc, Fact, Values, one

ADR_TOPICS = [  # subject, chosen, (rejected options), driver, figure template
    ("event bus for claims events", "Apache Kafka", ("RabbitMQ", "database polling"),
     "claims events must be replayable for the fraud models and the data warehouse",
     "peak load of {n} claims events per second"),
    ("search over documents", "OpenSearch", ("a relational full-text index", "a hosted search service"),
     "handlers search scanned mail and claim files by policy number and free text",
     "index of about {n} thousand documents"),
    ("identity provider for brokers", "Keycloak", ("a home-grown login", "per-broker API keys only"),
     "brokers need single sign-on and their staff must be managed by the broker firm",
     "about {n} broker firms with their own user administration"),
    ("workflow engine for claims", "Camunda", ("hand-written state machines", "a low-code platform"),
     "claim processes change every year and must be auditable step by step",
     "{n} distinct claim process variants"),
    ("storage of scanned mail", "S3-compatible object storage", ("a network file share", "the database as BLOBs"),
     "scanned mail grows steadily and must be deleted exactly when retention ends",
     "growth of {n} GB of scanned mail per month"),
    ("feature flags", "Unleash", ("configuration files", "a commercial feature-flag service"),
     "releases must be separated from launches so that risky features can be switched off",
     "{n} feature flags active across all teams"),
    ("API style for the broker API", "REST with OpenAPI", ("SOAP", "GraphQL"),
     "broker software vendors ask for simple, documented, versioned endpoints",
     "{n} broker software vendors integrating"),
    ("data warehouse", "a lakehouse on Delta tables", ("the old Oracle warehouse", "a hosted cloud warehouse"),
     "the IFRS 17 engine needs contract-level history and the nightly load no longer fits its window",
     "nightly volume of {n} million rows"),
    ("LLM access for internal tools", "the hub's model gateway", ("direct calls to public APIs",
                                                                   "one model server per team"),
     "prompts may contain personal data and every call must be logged and budgeted",
     "budget of {n} thousand requests per day"),
    ("customer notifications", "a notification service with templates", ("e-mails from each system",
                                                                         "an external marketing tool"),
     "customers receive inconsistent letters, e-mails and SMS from different systems",
     "{n} notification templates in four languages"),
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def adr(v: Values, rng: random.Random, n: int, topic: tuple) -> Doc:
    subject, chosen, rejected, driver, figure = topic
    d = Doc(f"adr-{n:03d}", f"ADR {n}: {subject}", "adr", "internal")
    when = v.pick(lambda r: f"{r.choice(MONTHS)} {r.choice([2022, 2023, 2024])}")
    d.add("Status",
          f"Accepted. The decision on the {subject} was taken in {when} by the architecture board.",
          one(rng, "This record is revisited when the assumptions in the context no longer hold.",
              "We revisit this record if the assumptions listed under Context change."),
          facts=[Fact(f"The decision on the {subject} was taken in {when}",
                      f"When was the decision on the {subject} taken?", when,
                      (f"Since when has the choice about the {subject} been settled?",))])
    amount = v.num(12, 950, "adr-figure")
    fig = figure.format(n=amount)
    d.add("Context",
          f"We needed a decision on the {subject} because {driver}. Today several teams solve this problem each in "
          f"their own way, and {rejected[0]} no longer scales. "
          + one(rng, "Operations reported repeated incidents that traced back to this gap.",
                "Several post-mortems named this gap as a contributing factor."),
          f"Sizing for ADR {n} assumes a {fig}.",
          Bullets(("Decision drivers: reliability, cost of operation, skills available in the teams, data "
                   "protection, and the effort to migrate.",
                   "Constraints: runs in our own data centres, integrates with the central identity provider, "
                   "supports the audit requirements of the supervisory authority.")),
          facts=[Fact(f"Sizing for ADR {n} assumes a {fig}.",
                      f"What load or size does ADR {n} on the {subject} assume?", fig)])
    d.add("Options considered",
          Bullets((f"{chosen}: "
                   + one(rng, "mature, widely used, good tooling; needs operational know-how we must build.",
                         "proven in the industry with strong tooling; our teams need training to run it."),
                   f"{rejected[0]}: known to the teams and cheap to keep; does not meet the drivers above.",
                   f"{rejected[1]}: quick to start; creates a dependency we cannot audit or move away from "
                   "easily.")))
    cost = v.eur(20000, 400000, 5000)
    d.add("Decision",
          f"For the {subject} we use {chosen}. "
          + one(rng, "The platform team provides it as a shared service with a documented onboarding path.",
                "It is run by the platform team as a shared service; teams onboard through a documented path."),
          f"The yearly operating budget for the {subject} is {cost}.",
          facts=[Fact(f"For the {subject} we use {chosen}.", f"What does Nordlicht use for the {subject}?", chosen,
                      (f"Which technology was chosen for the {subject}?",)),
                 Fact(f"The yearly operating budget for the {subject} is {cost}.",
                      f"What is the yearly operating budget for the {subject}?", cost)])
    d.add("Assumptions",
          Bullets(("Load grows by no more than a factor of three in the next five years.",
                   f"At least two engineers in the platform team are trained to operate {chosen}.",
                   "The central identity provider and the logging platform remain available as shared services.",
                   "Licences and support contracts fit the budget approved by the IT steering committee.")))
    d.add("Risks and mitigations",
          one(rng, f"The main risk is that the teams treat {chosen} as someone else's problem. To mitigate this, "
                   "each team names a contact person, and the platform team runs a monthly office hour. A second "
                   "risk is a longer migration than planned; progress is reported to the architecture board every "
                   "quarter.",
              f"We see two risks: knowledge of {chosen} stays concentrated in a few people, and the migration "
              "drags on. Each team therefore names a contact person, the platform team holds a monthly office "
              "hour, and migration progress is a standing item of the quarterly architecture board."))
    quarters = v.num(2, 12, "migration-quarters")
    d.add("Consequences",
          Bullets(("Positive: one way of doing things, shared monitoring, fewer incidents from home-grown "
                   "solutions.",
                   f"Negative: teams must learn {chosen}, and the platform team needs on-call cover for it.",
                   f"Migration: teams move away from {rejected[0]} within {quarters} quarters of this decision, "
                   "with support from the platform team.")),
          one(rng, "New systems use the chosen option from the start; exceptions need an ADR of their own.",
              "From now on new systems adopt the chosen option; any exception requires its own ADR."),
          facts=[Fact(f"teams move away from {rejected[0]} within {quarters} quarters",
                      f"Within how many quarters must teams migrate away from {rejected[0]}?",
                      f"{quarters} quarters")])
    return d


PRIVACY_TOPICS = {  # topic: (purpose, legal basis, categories, recipients)
    "Claims files": ("to assess and settle insurance claims and to defend or pursue legal claims",
                     "Art. 6(1)(b) GDPR (contract) and, for health data in injury claims, Art. 9(2)(f) GDPR",
                     "identity and contact data, policy data, descriptions of the loss, photos, invoices, bank "
                     "details and, for injury claims, medical reports",
                     "loss adjusters, lawyers, reinsurers, repair partners and, where required, authorities"),
    "Call recordings": ("to document instructions given by phone and to train call-centre staff",
                        "Art. 6(1)(a) GDPR (consent given at the start of the call)",
                        "voice recordings, caller number, date and duration of the call, the agent's name",
                        "the quality team and, on request, the Data Protection Office"),
    "Telematics data": ("to calculate the telematics discount on motor policies",
                        "Art. 6(1)(a) GDPR (consent when choosing the telematics tariff)",
                        "trip data: speed, acceleration, braking, time of day, mileage; no continuous location "
                        "history is stored",
                        "the telematics service provider acting as our processor under Art. 28 GDPR"),
    "Broker contact data": ("to manage the business relationship with brokers and pay commissions",
                            "Art. 6(1)(b) and (f) GDPR (contract and legitimate interest)",
                            "names, business contact details, registration numbers, commission bank accounts",
                            "the broker management team, finance and external auditors"),
}


def privacy_note(v: Values, rng: random.Random, topic: str) -> Doc:
    purpose, basis, categories, recipients = PRIVACY_TOPICS[topic]
    low = topic.lower()
    slug = low.replace(" ", "-")
    d = Doc(f"privacy-{slug}", f"Data protection note: {topic}", "privacy_note",
            "restricted" if topic in ("Claims files", "Telematics data") else "confidential")
    d.add("Purpose and legal basis",
          f"This note explains how Nordlicht Versicherung AG processes {low} under the GDPR. We process this data "
          f"{purpose}. The legal basis is {basis}.",
          one(rng, "Data is not used for other purposes without a new assessment by the Data Protection Office.",
              "Any further use requires a new assessment by the Data Protection Office first."))
    d.add("Categories of data and recipients",
          f"Categories: {categories}.", f"Recipients: {recipients}. Transfers outside the EEA do not take place.")
    keep = v.num(2, 15, "keep-years")
    pseudo = v.num(14, 180, "pseudo-days")
    d.add("Retention",
          f"Records of {low} are kept for {keep} years after the end of the contract or the closure of the claim, "
          "then deleted. "
          f"For analytics, {low} are pseudonymised after {pseudo} days.",
          "Deletion runs monthly; the deletion log is kept without personal data.",
          facts=[Fact(f"Records of {low} are kept for {keep} years",
                      f"How long are records of {low} kept?", f"{keep} years",
                      (f"When do we delete {low}?",)),
                 Fact(f"For analytics, {low} are pseudonymised after {pseudo} days.",
                      f"After how many days are {low} pseudonymised for analytics?", f"{pseudo} days")])
    answer = v.num(7, 30, "erasure-days")
    d.add("Requests from data subjects",
          "Data subjects may request access (Art. 15), rectification (Art. 16), erasure (Art. 17), restriction "
          "(Art. 18) and data portability (Art. 20), and may object to processing based on legitimate interest "
          "(Art. 21).",
          f"Erasure requests about {low} are answered within {answer} days. "
          + one(rng, "Where statutory retention duties apply, we restrict the data instead of deleting it and "
                     "explain this to the requester.",
                "If a legal retention duty prevents deletion, the data is restricted and the requester is told "
                "why."),
          facts=[Fact(f"Erasure requests about {low} are answered within {answer} days.",
                      f"Within how many days are erasure requests about {low} answered?", f"{answer} days",
                      (f"If a customer asks us to delete their {low}, how long do we have to respond?",))])
    review = v.num(2, 12, "access-review-months")
    d.add("Security measures",
          Bullets(("Encryption in transit and at rest.",
                   "Role-based access; every access to a record is logged.",
                   f"Access rights to {low} are reviewed every {review} months by the data owner.",
                   "Test environments use synthetic or anonymised data only.")),
          facts=[Fact(f"Access rights to {low} are reviewed every {review} months",
                      f"How often are access rights to {low} reviewed?", f"every {review} months")])
    d.add("Roles and responsibilities",
          f"The business owner of {low} is accountable for this processing and for keeping this note up to date. "
          "IT operations implements the technical measures. Processors act only on documented instructions under a "
          "data processing agreement (Art. 28 GDPR); sub-processors need our prior approval.",
          one(rng, "A data protection impact assessment (Art. 35 GDPR) was carried out before the processing started "
                   "and is reviewed whenever the purpose, the data or the systems change.",
              "Before the processing began, a data protection impact assessment under Art. 35 GDPR was completed; "
              "it is updated whenever purpose, data categories or systems change."))
    d.add("Personal data breaches",
          "Anyone who notices a possible breach — a misdirected e-mail, a lost laptop, data visible to the wrong "
          "person — reports it immediately to the Data Protection Office through the incident form. The office "
          "assesses the risk and, where required, notifies the supervisory authority within 72 hours (Art. 33 "
          "GDPR) and informs the people affected (Art. 34 GDPR).")
    d.add("Contact",
          "Questions go to the Data Protection Office at dpo@nordlicht.example, which keeps the record of processing "
          "activities (Art. 30 GDPR) and handles complaints. Data subjects may also lodge a complaint with a "
          "supervisory authority.")
    return d


def build(v: Values, rng: random.Random) -> list[Doc]:
    docs = [adr(v, rng, i + 1, t) for i, t in enumerate(ADR_TOPICS)]
    docs += [privacy_note(v, rng, t) for t in PRIVACY_TOPICS]
    return docs
