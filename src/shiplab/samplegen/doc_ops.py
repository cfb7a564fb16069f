"""Operations documents: runbooks for the on-call engineer and blameless post-mortems of past outages.

A runbook has an overview with its service level objective, dashboards and alerts, a health check, numbered
procedures for the common alerts, a restart procedure and escalation contacts. A post-mortem has a summary,
impact, a timeline, root cause, what went well and badly, and action items. Ports, thresholds, pager numbers,
durations and counts are unique per document: they are the facts.
"""

from __future__ import annotations

import random

from shiplab.samplegen.docmodel import Bullets, Doc, Fact, Steps, Values, one

SYSTEMS = {  # system: (owning team, what it does, store, queue or upstream)
    "claims intake service": ("Claims Intake", "registers first notices of loss from all channels and assigns "
                              "claim numbers", "PostgreSQL", "the claims-events Kafka topic"),
    "policy administration system": ("Policy Admin", "holds policies, endorsements and renewals and calculates "
                                     "premiums", "Oracle", "the nightly renewal batch"),
    "billing engine": ("Billing", "creates premium invoices, collects SEPA direct debits and runs dunning",
                       "PostgreSQL", "the SEPA file transfer to the payment service provider"),
    "customer portal": ("Customer Portal", "lets customers see policies, report claims and change their details",
                        "Redis sessions", "the identity provider"),
    "fraud scoring service": ("Fraud Analytics", "scores new claims for fraud indicators and explains the score",
                              "a feature store", "the claims-events Kafka topic"),
    "data warehouse loader": ("Data Platform", "loads claims, policies and payments into the lakehouse every "
                              "night and feeds the IFRS 17 engine", "Delta tables", "the nightly extract files"),
    "broker API gateway": ("Broker API", "exposes quote, bind and policy lookup endpoints to brokers",
                           "an API key store", "the policy administration system"),
    "document management system": ("Document Management", "stores scanned mail, claim photos and generated "
                                   "letters and applies retention rules", "S3-compatible object storage",
                                   "the OCR pipeline"),
}

ALERTS = [
    ("High latency", ["Open the latency dashboard and compare p95 with the last seven days.",
                      "Check whether one node or all nodes are slow; drain a single slow node from the load balancer.",
                      "Look for long-running queries in the {store} monitoring view and cancel those older than "
                      "15 minutes after noting their ids.",
                      "If latency stays high, scale out by two instances with the deployment tool."]),
    ("Queue backlog", ["Check the consumer lag of {queue} on the messaging dashboard.",
                       "Confirm that consumers are running and not restarting in a loop.",
                       "If consumers crash on one message, move it to the dead-letter queue and note its key.",
                       "Watch the lag decrease for ten minutes before closing the alert."]),
    ("Certificate expiry", ["Find the certificate in the alert text and check its expiry date.",
                            "Request a renewal through the internal PKI self-service.",
                            "Deploy the new certificate with a rolling restart.",
                            "Confirm the new expiry date on the health endpoint."]),
    ("Database connections exhausted", ["Check the active connection count against the pool size in {store}.",
                                        "Identify the client holding most connections from the session view.",
                                        "Restart that client rather than the database.",
                                        "Open a ticket for the team that owns the client."]),
    ("Disk usage above threshold", ["Identify the largest directories on the affected host.",
                                    "Delete rotated log files older than the retention period only.",
                                    "If data files are growing, extend the volume with the storage runbook.",
                                    "Never delete files in the data directory by hand."]),
]

CAUSES = [("an expired TLS certificate", "the certificate was renewed in the PKI but never deployed",
           "Certificate expiry dates are checked daily and alert 30 days ahead."),
          ("a full disk on the database host", "audit logging had been switched to debug level during a migration",
           "Disk usage alerts fire at 80% instead of 95%."),
          ("a configuration push with a wrong connection string", "the change skipped the pre-production stage",
           "Configuration changes go through the same pipeline as code."),
          ("a memory leak introduced in the previous release", "a cache had no upper bound on its size",
           "Load tests run for two hours before every release."),
          ("a DNS change that pointed the service at the old cluster", "the DNS record had a long time to live",
           "DNS changes are announced and the TTL lowered a day before."),
          ("a table lock held by a long-running report", "an analyst query ran on the primary database",
           "Reports read only from the replica."),
          ("an exhausted connection pool after a traffic spike", "retries multiplied the load during a slowdown",
           "Clients use exponential backoff with a retry budget."),
          ("a failed storage controller in the primary data centre", "failover to the second data centre was manual",
           "Failover is automated and rehearsed every quarter.")]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def runbook(v: Values, rng: random.Random, system: str) -> Doc:
    team, what, store, queue = SYSTEMS[system]
    slug = system.lower().replace(" ", "-")
    d = Doc(f"runbook-{slug}", f"Runbook: {system}", "runbook", "internal")
    slo = f"99.{v.num(50, 98, 'slo')}%"
    d.add("Overview",
          f"The {system} {what}. It is owned by the {team} team and depends on {store} and {queue}. "
          + one(rng, "This runbook is for the on-call engineer; follow the steps in order and record what you did "
                     "in the incident ticket.",
                "The on-call engineer uses this runbook; work through the steps in order and log every action in "
                "the incident ticket."),
          f"The {system} has an availability objective of {slo} per calendar month.",
          facts=[Fact(f"The {system} has an availability objective of {slo}",
                      f"What is the availability objective of the {system}?", slo,
                      (f"How much uptime is the {system} supposed to deliver each month?",))])
    port = v.num(8100, 9900, "port")
    d.add("Health check",
          f"The {system} answers health checks on port {port} at /health. "
          "A healthy instance returns HTTP 200 with the status of each dependency; a degraded dependency is reported "
          "but does not fail the check.",
          one(rng, "The load balancer removes an instance after three failed checks in a row.",
              "After three consecutive failed checks the load balancer takes the instance out of rotation."),
          facts=[Fact(f"The {system} answers health checks on port {port} at /health.",
                      f"On which port does the {system} answer health checks?", str(port),
                      (f"Where do I point a probe to see whether the {system} is alive?",))])
    for name, steps in rng.sample(ALERTS, k=3):
        d.add(f"Alert: {name}", Steps(tuple(s.format(store=store, queue=queue) for s in steps)))
    restarts = v.num(2, 9, "restarts")
    d.add("Restart procedure",
          one(rng, "Restart one instance at a time so that the service stays available.",
              "Always restart instances one by one to keep the service up."),
          Steps(("Post in the incident channel that you are restarting the service.",
                 "Drain the instance from the load balancer and wait until open requests finish.",
                 f"Restart the {system} instance with the deployment tool.",
                 "Wait for the health check to pass, then put the instance back into rotation.",
                 "Repeat for the next instance.")),
          f"Do not restart the {system} more than {restarts} times in one hour; escalate instead.",
          facts=[Fact(f"Do not restart the {system} more than {restarts} times in one hour",
                      f"How many restarts of the {system} per hour are allowed before escalating?", str(restarts))])
    retention = v.num(7, 400, "log-days")
    d.add("Logs and dashboards",
          "Logs are shipped to the central logging platform; search by the correlation id in the response header. "
          f"Application logs of the {system} are kept for {retention} days. Personal data must not be copied from "
          "logs into tickets or chat.",
          facts=[Fact(f"Application logs of the {system} are kept for {retention} days.",
                      f"How long are the {system} application logs kept?", f"{retention} days")])
    minutes = v.num(5, 60, "escalate-minutes")
    pager = v.pick(lambda r: f"+49 30 5550 {r.randint(1000, 9999)}")
    d.add("Escalation",
          f"Escalate a {system} outage to the {team} team if it is not resolved within {minutes} minutes. "
          "For customer-facing outages, also inform the duty manager, who decides on customer communication.",
          f"The {team} on-call pager number is {pager}.",
          facts=[Fact(f"outage to the {team} team if it is not resolved within {minutes} minutes",
                      f"After how many minutes is a {system} outage escalated to {team}?", f"{minutes} minutes",
                      (f"How long may the on-call engineer try alone before calling {team} in when the {system} "
                       "is down?",)),
                 Fact(f"The {team} on-call pager number is {pager}.", f"What is the {team} on-call pager number?",
                      pager)])
    return d


def postmortem(v: Values, rng: random.Random, n: int, system: str, cause: tuple[str, str, str]) -> Doc:
    team = SYSTEMS[system][0]
    what, why, fix = cause
    d = Doc(f"postmortem-{n:02d}", f"Post-mortem {n}: {system} outage", "postmortem",
            "confidential" if n % 3 else "restricted")
    day = v.pick(lambda r: f"{r.randint(1, 28)} {r.choice(MONTHS)} {r.choice([2023, 2024])}")
    minutes, failed = v.num(20, 400, "outage-minutes"), v.num(40, 9000, "failed-requests")
    d.add("Summary",
          one(rng, "This post-mortem is blameless: it describes what happened and what we change, not who is at "
                   "fault.",
              "We write post-mortems without blame: the aim is to learn what happened and what to change."),
          f"On {day} the {system} was unavailable or severely degraded. "
          f"The {system} outage number {n} lasted {minutes} minutes. Outage {n} was caused by {what}.",
          facts=[Fact(f"The {system} outage number {n} lasted {minutes} minutes.",
                      f"How long did {system} outage number {n} last?", f"{minutes} minutes",
                      (f"What was the duration of post-mortem {n}'s {system} incident?",)),
                 Fact(f"Outage {n} was caused by {what}.", f"What caused outage {n} of the {system}?", what,
                      (f"What was the root problem behind incident {n} on the {system}?",))])
    d.add("Customer and business impact",
          f"During outage {n}, {failed} customer requests to the {system} failed. "
          + one(rng, "Customers saw error pages or timeouts; some retried successfully later.",
                "Affected customers got error messages or timeouts; part of them retried later with success."),
          one(rng, "No data was lost. No personal data breach occurred, so no notification to the supervisory "
                   "authority under GDPR Art. 33 was needed.",
              "There was no data loss and no personal data breach; a GDPR Art. 33 notification was therefore not "
              "required."),
          facts=[Fact(f"During outage {n}, {failed} customer requests to the {system} failed.",
                      f"How many customer requests failed during outage {n} of the {system}?", str(failed),
                      (f"How many customer calls to the {system} went wrong in incident {n}?",))])
    h, m = rng.randint(6, 20), rng.randint(0, 40)
    detect = v.num(2, 45, "detect-minutes")

    def at(offset: int) -> str:
        total = h * 60 + m + offset
        return f"{total // 60 % 24:02d}:{total % 60:02d}"
    d.add("Timeline (CET)",
          Bullets((f"{at(0)} First errors in the {system} logs.",
                   f"{at(detect)} Alert fired; the on-call engineer acknowledged it.",
                   f"{at(detect + 6)} Incident channel opened; the {team} team joined.",
                   f"{at(minutes // 2)} Cause identified: {what}.",
                   f"{at(minutes - 5)} Mitigation deployed; error rate falling.",
                   f"{at(minutes)} Service fully recovered; monitoring continued for one hour.")),
          f"In outage {n} the alert fired {detect} minutes after the first errors.",
          facts=[Fact(f"In outage {n} the alert fired {detect} minutes after the first errors.",
                      f"How many minutes after the first errors did the alert fire in outage {n}?",
                      f"{detect} minutes", (f"How long did it take us to notice outage {n}?",))])
    d.add("Detection and response",
          one(rng, f"The alert reached the on-call engineer through the paging tool. The first minutes were spent "
                   f"ruling out the network and the load balancer, because the alert only said that the {system} "
                   "returned errors. Once the logs were searched by correlation id, the failing component was clear.",
              f"Paging worked as designed. The engineer first checked the network and the load balancer, since the "
              f"alert text only reported errors from the {system}; searching the logs by correlation id then "
              "pointed to the failing component."),
          one(rng, "Customer service was told to expect calls and used the prepared holding message. The status page "
                   "was updated twice during the incident.",
              "The duty manager informed customer service, who used the prepared holding text, and updated the "
              "status page during the incident."))
    d.add("Root cause",
          f"The immediate cause was {what}. We asked why it could happen and found that {why}. "
          + one(rng, "Monitoring showed the symptom but not the cause, which slowed the diagnosis.",
                "Our dashboards showed that something was wrong but not what, so the diagnosis took longer."))
    d.add("What went well",
          Bullets(tuple(rng.sample(["The on-call engineer followed the runbook and kept a clear log.",
                                    "Customer service was informed early and had a prepared message.",
                                    "The rollback path worked as documented.",
                                    "Colleagues from other teams joined quickly when asked."], k=3))))
    d.add("What went badly",
          Bullets(tuple(rng.sample(["The alert did not say which dependency failed.",
                                    "The runbook step for this case was out of date.",
                                    "Two people made changes at the same time without telling each other.",
                                    "Status page updates came late."], k=3))))
    d.add("Lessons learned",
          one(rng, "Alerts must name the failing dependency, not only the symptom. Runbooks are only useful if they "
                   "are tested; we will walk through the runbook of each critical service once per quarter.",
              "An alert that names the symptom but not the dependency costs us time. A runbook nobody has tried is "
              "a guess, so critical runbooks are rehearsed quarterly from now on."))
    action = v.pick(lambda r: f"NVA-{r.randint(2000, 4999)}")
    d.add("Action items",
          Steps((f"{fix} Owner: {team}. Tracked as {action}.",
                 "Update the runbook with the diagnosis steps from this incident. Owner: on-call rota.",
                 "Add the failing dependency to the alert text. Owner: Platform team.")),
          "Action items are reviewed in the next operations meeting.",
          facts=[Fact(f"Owner: {team}. Tracked as {action}.",
                      f"Which ticket tracks the main follow-up action of outage {n}?", action)])
    return d


def build(v: Values, rng: random.Random) -> list[Doc]:
    docs = [runbook(v, rng, s) for s in SYSTEMS]
    systems = rng.sample(list(SYSTEMS), k=8)
    causes = rng.sample(CAUSES, k=8)
    docs += [postmortem(v, rng, i + 1, systems[i], causes[i]) for i in range(8)]
    return docs
