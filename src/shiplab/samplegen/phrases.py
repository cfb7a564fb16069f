"""The insurer's vocabulary: teams, systems and the facts tickets are made of.

A *fact* is what a ticket is about (a component, a symptom, where it happens, what it affects). Tickets render a
fact through one of several phrasings, and a duplicate renders the same fact through another phrasing with other
synonyms — reworded the way two people describe one problem, which is what the duplicate-detection lab must find.
"""

from __future__ import annotations

COMPONENTS = ["Claims Intake", "Policy Admin", "Billing", "Customer Portal", "Fraud Analytics", "Data Platform",
              "Broker API", "Document Management"]

TEAMS_BY_COMPONENT = {c: c.lower().replace(" ", "-") for c in COMPONENTS}

EPICS = [
    ("Claims Intake", "Digital first notice of loss (FNOL) for motor claims",
     "Let customers report a motor claim online with photos, so the call centre handles fewer routine calls."),
    ("Claims Intake", "Automatic triage of incoming household claims",
     "Route water, storm and burglary claims to the right handler group on arrival."),
    ("Claims Intake", "Loss adjuster appointment scheduling",
     "Book loss adjuster visits from the claim file without phone tag."),
    ("Policy Admin", "Motor tariff 2025 rollout", "Introduce the 2025 motor tariff with telematics discounts."),
    ("Policy Admin", "No-claims bonus transfer between insurers",
     "Accept and issue no-claims bonus certificates electronically."),
    ("Policy Admin", "Household policy wording update for natural hazards",
     "Add flood and heavy-rain cover options to the household product."),
    ("Billing", "SEPA direct debit mandate migration", "Move all mandates to the new payment service provider."),
    ("Billing", "Premium reminder and dunning process", "Automate reminders and the dunning steps for unpaid premiums."),
    ("Billing", "Refunds on mid-term cancellation", "Calculate and pay pro-rata refunds automatically."),
    ("Customer Portal", "Self-service address and bank details change",
     "Let customers update their address and IBAN without calling."),
    ("Customer Portal", "Two-factor authentication for the customer portal",
     "Protect customer accounts with 2FA by SMS or authenticator app."),
    ("Customer Portal", "Claim status tracker", "Show customers where their claim is, in plain language."),
    ("Fraud Analytics", "Fraud scoring for household claims", "Score new household claims for fraud indicators."),
    ("Fraud Analytics", "Network analysis of repeat claimants", "Find rings of related claimants and garages."),
    ("Data Platform", "IFRS 17 reporting data feed", "Deliver contract-level cash flows to the IFRS 17 engine."),
    ("Data Platform", "Claims data warehouse modernisation", "Move nightly claims loads to the new lakehouse."),
    ("Data Platform", "GDPR erasure requests automation", "Execute Art. 17 erasure requests across all systems."),
    ("Broker API", "Broker API v3 with quote-and-bind", "Let brokers quote and bind motor policies via API."),
    ("Broker API", "Commission statements via API", "Expose monthly commission statements to brokers."),
    ("Document Management", "OCR and classification of incoming mail",
     "Scan, read and classify paper mail and attach it to the right claim or policy."),
    ("Document Management", "Retention rules for claim documents",
     "Apply the legal retention periods and delete documents when they expire."),
]

# Bugs are made of (thing, symptom, trigger) per component. Every original bug gets its own combination, so two
# tickets only describe the same problem when one is a planted duplicate of the other.
BUG_PARTS = {
    "Claims Intake": (
        ["FNOL form", "claim registration", "hail damage questionnaire", "reserve calculation", "handler assignment",
         "incident date field", "subrogation flag", "photo upload", "claim summary PDF", "witness section"],
        ["rejects valid input", "creates duplicate records", "loses the entered answers", "shows a reserve of 0 EUR",
         "assigns the wrong handler group", "accepts dates in the future", "is not set", "times out after 30 s",
         "shows an empty page", "mixes up the policyholder and the driver"],
        ["uploading pictures from a phone", "the customer double-clicks submit", "going back one step",
         "the vehicle is a total loss", "the postcode is in Austria", "the claim is entered by a broker",
         "a third party is named in the report", "the policy was renewed yesterday", "two vehicles are insured",
         "the claimant uses the French interface"]),
    "Policy Admin": (
        ["policy renewal job", "no-claims bonus", "deductible on the policy schedule", "tariff calculation",
         "cancellation letter", "named driver list", "endorsement workflow", "policy schedule PDF"],
        ["skips the policy", "is reset to class 0", "prints the wrong amount", "times out", "shows the wrong end date",
         "drops the second entry", "stays in status pending", "uses last year's tariff"],
        ["the renewal date is on a weekend", "a policy is transferred to a new vehicle",
         "the excess option was changed mid-term", "more than five drivers are named",
         "the policy is cancelled with notice", "the customer is younger than 23", "the address is in Belgium",
         "the vehicle has an electric drive"]),
    "Billing": (
        ["SEPA mandate", "premium invoice", "refund", "dunning run", "instalment plan", "payment reminder",
         "direct debit file", "account statement"],
        ["is rejected by the bank", "charges the premium twice", "is paid to the old bank account",
         "is sent too early", "rounds the amounts down", "shows a negative balance", "is missing the mandate reference",
         "is generated twice"],
        ["the IBAN contains lower-case letters", "the payment frequency changes to monthly",
         "the customer changed the IBAN last week", "the invoice was split", "the premium is not divisible by 12",
         "a credit note exists", "the policy starts on the 31st", "the customer pays by bank transfer"]),
    "Customer Portal": (
        ["login page", "password reset e-mail", "2FA code", "claim status page", "document download",
         "address change form", "bank details form", "contact form"],
        ["shows a blank screen", "never arrives", "expires too early", "shows 'closed' for open claims",
         "returns an error 500", "does not save the change", "logs the customer out", "shows another language"],
        ["the browser language is French", "the address contains a plus sign", "SMS delivery is slow",
         "a payment is still pending", "the PDF is larger than 10 MB", "the customer uses Safari on iOS",
         "the session is older than 30 minutes", "the customer has two policies"]),
    "Fraud Analytics": (
        ["fraud score", "repeat claimant rule", "garage network check", "fraud alert queue", "score explanation"],
        ["is missing", "flags every claim", "is calculated twice", "shows stale data", "cannot be dismissed"],
        ["the claim was created through the broker API", "the fleet has more than 50 cars",
         "the garage changed its name", "the claim was reopened", "the handler works from home"]),
    "Data Platform": (
        ["nightly claims load", "IFRS 17 cash-flow export", "erasure job", "policy snapshot table",
         "reporting dashboard", "data quality check"],
        ["fails with a duplicate key error", "contains negative premiums", "leaves personal data behind",
         "is one day late", "double counts reopened claims", "reports false alarms"],
        ["a claim is reopened", "a policy is cancelled ab initio", "the customer had a closed claim",
         "daylight saving time ends", "a source file arrives empty", "the currency is CHF"]),
    "Broker API": (
        ["quote endpoint", "bind request", "commission statement", "webhook delivery", "API key rotation",
         "policy lookup"],
        ["returns HTTP 500", "creates a policy without a start date", "is empty", "is retried forever",
         "locks the broker out", "returns another broker's data"],
        ["the vehicle registration contains a space", "the broker omits the optional field",
         "the broker has sub-agents", "the broker's endpoint is slow", "two keys are active",
         "the policy number has a suffix"]),
    "Document Management": (
        ["OCR pipeline", "mail classification", "retention job", "document viewer", "scan import"],
        ["misreads the policy number", "files invoices as complaints", "deletes documents too early",
         "shows the wrong page order", "skips attachments"],
        ["the letter is scanned upside down", "the letter has no subject line", "the claim was reopened after closure",
         "the PDF has more than 100 pages", "the e-mail has a ZIP attachment"]),
}

INCIDENT_FACTS = [
    ("Customer Portal", "customer portal", "unavailable", "after the certificate renewal"),
    ("Claims Intake", "FNOL service", "responding slowly (p95 > 8 s)", "during the storm surge"),
    ("Billing", "SEPA batch", "not transmitted to the bank", "at the monthly run"),
    ("Broker API", "Broker API", "returning 503 errors", "after the gateway deployment"),
    ("Data Platform", "nightly warehouse load", "stuck", "since the schema change"),
    ("Document Management", "scanning inbox", "not processing mail", "after the storage quota was reached"),
    ("Policy Admin", "renewal batch", "aborted", "with an out-of-memory error"),
    ("Fraud Analytics", "fraud scoring service", "timing out", "after the model update"),
]

# Synonym sets used to reword a fact
SYNONYMS = {
    "shows": ["displays", "renders"], "returns": ["gives back", "responds with"], "never arrives": ["is not delivered",
    "does not reach the customer"], "creates": ["registers", "opens"], "rejects": ["refuses", "will not accept"],
    "is missing": ["is not calculated", "stays empty"], "loses": ["forgets", "drops"], "fails": ["breaks", "aborts"],
    "charges": ["bills"], "is paid": ["goes out"], "unavailable": ["down", "not reachable"],
    "twice": ["two times", "a second time"], "customer": ["policyholder", "client"],
}

BUG_TITLES = [
    "{Thing} {symptom} when {trigger}",
    "{Trigger}: {thing} {symptom}",
    "Bug in {component}: {thing} {symptom}",
    "{Thing} {symptom} ({trigger})",
]
INCIDENT_TITLES = [
    "INC: {thing} {symptom} {trigger}",
    "Major incident - {thing} {symptom} {trigger}",
    "{Thing} {symptom} {trigger}",
]

STORY_QUALIFIERS = ["", "", " for Austrian policies", " in the mobile app", " for fleet customers",
                    " for brokers in the Netherlands", " for household claims", " for motor claims",
                    " during storm season", " for customers in France", " in the call-centre desktop",
                    " for closed claims", " for liability policies", " in bulk"]

STORY_ROLES = ["claims handler", "loss adjuster", "underwriter", "broker", "policyholder", "call-centre agent",
               "fraud analyst", "data steward", "finance controller", "team lead in claims"]
STORY_WANTS = {
    "Claims Intake": [("see all photos of a claim on one page", "I can assess the damage without opening files"),
                      ("get a suggested handler group for each new claim", "claims reach the right desk on day one"),
                      ("record the police report number on the claim", "subrogation can start without asking again"),
                      ("pre-fill the FNOL form from the policy", "customers type less and make fewer mistakes")],
    "Policy Admin": [("compare two tariff versions side by side", "I can explain price changes to customers"),
                     ("issue a no-claims bonus certificate as PDF", "customers can switch insurer easily"),
                     ("add a named driver mid-term", "the policy reflects who drives the car")],
    "Billing": [("see the SEPA mandate history of a customer", "I can answer payment questions quickly"),
                ("pause dunning while a complaint is open", "we do not chase customers who dispute a charge"),
                ("export open premiums per broker", "finance can reconcile commissions")],
    "Customer Portal": [("download my policy schedule", "I have my documents when I need them"),
                        ("change my bank details online", "my refunds reach the right account"),
                        ("follow my claim's status", "I do not need to call for updates")],
    "Fraud Analytics": [("see why a claim got its fraud score", "I can decide whether to investigate"),
                        ("mark a fraud alert as false positive", "the model learns from our decisions")],
    "Data Platform": [("receive claims data by 6:00 every day", "morning reports are complete"),
                      ("trace each IFRS 17 figure to its source contracts", "audit questions are answered in hours")],
    "Broker API": [("quote a motor policy with one API call", "brokers can sell from their own tools"),
                   ("receive webhook events for policy changes", "broker systems stay in sync")],
    "Document Management": [("search incoming mail by policy number", "I find a customer's letters at once"),
                            ("see the retention date of each document", "we delete nothing too early")],
}

LABELS = ["customer-impact", "tech-debt", "gdpr", "motor", "household", "liability", "ai-candidate", "quick-win",
          "regulatory", "performance", "security", "storm-season"]
