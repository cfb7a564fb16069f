"""Claims-handling guidelines: how handlers register, reserve, approve and pay claims in one line of business.

The approval limits (who may sign what amount), the loss-adjuster threshold, reserve deadlines, the fraud referral
score and the subrogation threshold differ per line and are the facts the gold questions ask about — the
"approval limit without a second signature" question is answered by exactly one clause in one guideline.
"""

from __future__ import annotations

import random

from shiplab.samplegen.docmodel import Bullets, Doc, Fact, Steps, Values, one

LINES = {"motor": "Motor", "household": "Household", "liability": "Liability", "travel": "Travel"}
CLASSIFICATION = {"motor": "internal", "household": "internal", "liability": "confidential", "travel": "internal"}

SPECIALS = {
    "motor": ("Motor specifics",
              ["Windscreen claims with an invoice from a partner glazier are settled on the fast track without "
               "photos.",
               "For a suspected total loss, order a residual value bid from at least three dealers before making "
               "an offer to the customer.",
               "A courtesy car is booked only for repairs in a partner garage; hire cars from other providers need "
               "the team lead's approval.",
               "Whiplash injuries reported by a third party are transferred to the bodily injury team on the day of "
               "receipt."]),
    "household": ("Household specifics",
                  ["After mains water damage, commission a drying company within 48 hours to prevent mould, even "
                   "before cover is confirmed.",
                   "Hail damage to skylights and solar panels is assessed from photos where the customer can send "
                   "them safely.",
                   "Burglary claims need the police reference and a list of stolen items with purchase evidence "
                   "where available.",
                   "After a storm event, apply the simplified procedure published by the head of claims for the "
                   "affected postcodes."]),
    "liability": ("Liability specifics",
                  ["Never acknowledge liability towards the third party before the facts are established; "
                   "say that the claim is being examined.",
                   "Bodily injury claims get a separate reserve for medical costs, loss of earnings and pain and "
                   "suffering.",
                   "If the third party is represented by a lawyer, all correspondence goes through the lawyer.",
                   "Claims between family members living in one household are not covered; explain this kindly "
                   "and in writing."]),
    "travel": ("Travel specifics",
               ["Medical emergencies abroad are handled by the assistance partner; the handler receives the file "
                "once the customer is back home.",
                "Invoices in foreign currencies are converted at the reference rate of the day of payment.",
                "Trip cancellation needs a medical certificate issued before the cancellation date.",
                "Lost baggage needs the airline's property irregularity report (PIR) and the airline's answer."]),
}

FRAUD_SIGNS = ["the policy was taken out or upgraded shortly before the loss",
               "the customer pushes for a quick cash payment and avoids inspection",
               "invoices or photos show signs of editing or come from an unknown workshop",
               "the same address, phone number or bank account appears in several recent claims",
               "the account of events changes between the FNOL call and the written report",
               "the loss happened just before the customer moved or sold the insured item"]


def claims_guideline(v: Values, rng: random.Random, line: str) -> Doc:
    L = LINES[line]
    lo = line
    d = Doc(f"guideline-claims-{line}", f"Claims-handling guideline: {L}", "claims_guideline", CLASSIFICATION[line])
    d.add("1. Purpose and scope",
          f"This guideline tells claims handlers in the {L} team how to register, assess, reserve and settle claims "
          "consistently and in line with our duties to customers and regulators. "
          + one(rng, "It applies to all claims reported from the first of the month after publication.",
                "It applies to every claim reported after its publication date, including reopened claims."),
          one(rng, "Every decision is documented in the claim file with the reason and the documents relied on.",
              "Document each decision in the claim file, stating the reason and the evidence used."))
    ack, fast = v.num(4, 48, "ack-hours"), v.eur(300, 2500, 50)
    d.add("2. First notice of loss and triage",
          "Claims reach us by phone, through the customer portal, by e-mail, from brokers through the broker API, "
          "and by letter. The FNOL service registers every claim and assigns it a claim number of the form "
          "CLM-YYYY-NNNNNN.",
          f"Every new {lo} claim is acknowledged to the customer within {ack} hours of registration.",
          f"{L} claims with an estimated loss below {fast} go to the fast track: no inspection, payment on invoice.",
          "All other claims are triaged into standard, complex or large loss, based on the estimate, injuries and "
          "the number of parties involved.",
          facts=[Fact(f"Every new {lo} claim is acknowledged to the customer within {ack} hours",
                      f"Within how many hours must a new {lo} claim be acknowledged?", f"{ack} hours",
                      (f"How quickly does a customer hear back after reporting a {lo} claim?",)),
                 Fact(f"{L} claims with an estimated loss below {fast} go to the fast track",
                      f"Below which estimate does a {lo} claim go to the fast track?", fast,
                      (f"Which small {lo} claims are paid without an inspection?",))])
    d.add("3. Coverage check",
          Steps(("Confirm that the policy was in force on the date of loss and the premium was paid.",
                 "Check that the event is an insured peril and that no exclusion applies.",
                 "Check limits, sub-limits and the excess in the schedule, not only in the wording.",
                 "Record the result of the check in the claim file before any payment.")),
          one(rng, "If cover is doubtful, the handler informs the customer that the claim is being examined and "
                   "consults the team lead; a refusal is always given in writing with the clause it relies on.",
              "Where cover is in doubt, tell the customer that the claim is under review and ask the team lead; "
              "any refusal is sent in writing, citing the clause."))
    reserve, review = v.num(2, 10, "reserve-days"), v.num(30, 120, "review-days")
    jump = v.eur(10000, 90000, 2500)
    d.add("4. Reserving",
          "The reserve is our best estimate of what the claim will cost in total, including expert fees. Reserves "
          "feed the actuarial reserving process and the IFRS 17 liability for incurred claims, so they must be "
          "realistic from the start rather than cautious.",
          f"The initial {lo} reserve is set within {reserve} working days of FNOL.",
          f"Open {lo} reserves are reviewed at least every {review} days and after every new document.",
          f"An increase of more than {jump} on one {lo} claim is reported to the reserving committee.",
          facts=[Fact(f"The initial {lo} reserve is set within {reserve} working days of FNOL.",
                      f"Within how many working days is the initial {lo} reserve set after FNOL?",
                      f"{reserve} working days",
                      (f"How soon after a {lo} claim is reported must the first reserve be in the system?",)),
                 Fact(f"Open {lo} reserves are reviewed at least every {review} days",
                      f"How often are open {lo} reserves reviewed?", f"every {review} days"),
                 Fact(f"An increase of more than {jump} on one {lo} claim is reported to the reserving committee.",
                      f"Which reserve increase on a {lo} claim must be reported to the reserving committee?",
                      f"more than {jump}")])
    alone, senior = v.eur(2000, 9500, 250), v.eur(10000, 19000, 500)
    lead, head = v.eur(20000, 45000, 1000), v.eur(50000, 250000, 5000)
    d.add("5. Approval limits",
          one(rng, "Payments and reserve changes are approved according to the four-eyes principle. The limits "
                   "below apply to the total of all payments on one claim, excluding expert fees.",
              "The four-eyes principle applies to payments and reserve changes. Limits refer to the sum of all "
              "payments on a claim, expert fees excluded."),
          Bullets((f"{L} handlers may approve up to {alone} without a second signature.",
                   f"Senior {lo} handlers may approve up to {senior}.",
                   f"Team leads may approve {lo} claims up to {lead}.",
                   f"{L} claims above {head} need the head of claims to sign.")),
          "Splitting a payment to stay below a limit is a breach of this guideline.",
          facts=[Fact(f"{L} handlers may approve up to {alone} without a second signature.",
                      f"Up to which amount may a {lo} claims handler approve without a second signature?", alone,
                      (f"What can a {lo} claims handler settle on their own authority?",
                       f"What is the approval limit for a {lo} claims handler without a second signature?")),
                 Fact(f"Team leads may approve {lo} claims up to {lead}.",
                      f"What is a team lead's approval limit for {lo} claims?", lead),
                 Fact(f"{L} claims above {head} need the head of claims to sign.",
                      f"Above which amount does a {lo} claim need the head of claims to sign?", head,
                      (f"When must the most senior claims manager approve a {lo} settlement?",))])
    adjuster, visit = v.eur(3000, 20000, 500), v.num(2, 15, "visit-days")
    d.add("6. Loss adjusters",
          f"Send a loss adjuster when a {lo} loss is estimated above {adjuster}. "
          f"The adjuster visits within {visit} working days and sends the report to the handler, not to the customer.",
          one(rng, "Use adjusters from the approved panel only; the panel and its fee schedule are maintained by "
                   "the claims operations team.",
              "Only panel adjusters may be instructed; claims operations keeps the panel list and agreed fees."),
          facts=[Fact(f"Send a loss adjuster when a {lo} loss is estimated above {adjuster}.",
                      f"From which estimated loss is a loss adjuster sent for {lo} claims?", adjuster,
                      (f"How big must a {lo} loss be before an expert inspects it on site?",)),
                 Fact(f"The adjuster visits within {visit} working days",
                      f"Within how many working days does the loss adjuster visit on a {lo} claim?",
                      f"{visit} working days")])
    score = v.num(55, 95, "fraud-score")
    d.add("7. Fraud indicators",
          "Indicators are not proof. Look at the whole picture and stay polite and neutral with the customer. "
          "Typical indicators:",
          Bullets(tuple(rng.sample(FRAUD_SIGNS, k=4))),
          f"{L} claims with a fraud score of {score} or more are referred to Fraud Analytics before payment. "
          "The customer is not told about the referral.",
          facts=[Fact(f"{L} claims with a fraud score of {score} or more are referred to Fraud Analytics",
                      f"From which fraud score is a {lo} claim referred to Fraud Analytics?", str(score),
                      (f"When does a suspicious {lo} claim go to the fraud team before we pay?",))])
    recover = v.eur(500, 5000, 100)
    d.add("8. Subrogation and recoveries",
          "Where a third party caused the loss, we pay our customer and then recover the amount from the third "
          "party or its insurer (subrogation). Record the third party's details at FNOL so that recovery can start "
          "without asking the customer again. "
          f"Pursue recovery on {lo} claims when the recoverable amount exceeds {recover}.",
          "Recoveries are credited to the claim; the customer's excess is refunded from the first amount recovered.",
          facts=[Fact(f"Pursue recovery on {lo} claims when the recoverable amount exceeds {recover}.",
                      f"From which recoverable amount do we pursue subrogation on {lo} claims?", recover,
                      (f"Is it worth chasing the other side's insurer for a small {lo} claim?",))])
    d.add("9. Payments",
          "Payments go by SEPA credit transfer to the account the customer gave us. A change of bank details "
          "during an open claim is confirmed by calling the customer back on the number in the policy, never on a "
          "number given in the same message. Payment to a garage, craftsman or other third party needs a written "
          "assignment signed by the customer.",
          one(rng, "Cash payments and cheques are not used.", "We do not pay in cash or by cheque."))
    heading, rules = SPECIALS[line]
    d.add(f"10. {heading}", Bullets(tuple(rules)))
    reopen = v.num(6, 36, "reopen-months")
    d.add("11. Closing and reopening",
          "A claim is closed when all payments are made, recoveries are finished or abandoned, and the reserve is "
          "zero. "
          f"A closed {lo} claim can be reopened within {reopen} months if new information arrives; after that a new "
          "claim is registered and linked to the old one.",
          facts=[Fact(f"A closed {lo} claim can be reopened within {reopen} months",
                      f"Within how many months can a closed {lo} claim be reopened?", f"{reopen} months")])
    return d


def build(v: Values, rng: random.Random) -> list[Doc]:
    return [claims_guideline(v, rng, line) for line in LINES]
