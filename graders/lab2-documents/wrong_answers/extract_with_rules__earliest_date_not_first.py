# wrong because: incident_date is the FIRST date find_dates finds (text order); this takes the earliest date (min), which is a different date when an older one is mentioned later.
# counterexample: extract_with_rules("On 12.03.2024 a van hit my car. I bought it on 01.02.2020.")["incident_date"] must be "2024-03-12"; this returns "2020-02-01".
LINES = {"MOT": "motor", "HH": "household", "LIA": "liability", "TRV": "travel"}


def extract_with_rules(text):
    """The claim's fields by rules: pii entities, the policy line, and the date and amount helpers."""
    entities = pii.detect(text)

    def first(kind):
        return next((e.value for e in entities if e.type == kind), None)

    persons = [e.value for e in entities if e.type == "PERSON"]
    policy = first("POLICY_NUMBER")
    iban = first("IBAN")
    dates = find_dates(text)
    amounts = find_amounts(text)
    return {
        "policy_number": policy,
        "claimant_name": persons[-1] if persons else None,
        "incident_date": min(dates).isoformat() if dates else None,
        "claim_type": LINES[policy.split("-")[1]] if policy else None,
        "amount_eur": amounts[0] if amounts else None,
        "iban": iban.replace(" ", "") if iban else None,
        "email": first("EMAIL"),
        "phone": first("PHONE"),
    }
