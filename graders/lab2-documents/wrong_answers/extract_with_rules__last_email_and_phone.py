# wrong because: email and phone are the FIRST entity of their type; this takes the last one (like claimant_name).
# counterexample: extract_with_rules("E-mail: anna.berger@example.com, phone 030/1234567. Copy to jonas.weber@example.com, 040/7654321.") must give email "anna.berger@example.com" and phone "030/1234567"; this gives "jonas.weber@example.com" and "040/7654321".
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
        "incident_date": dates[0].isoformat() if dates else None,
        "claim_type": LINES[policy.split("-")[1]] if policy else None,
        "amount_eur": amounts[0] if amounts else None,
        "iban": iban.replace(" ", "") if iban else None,
        "email": ([e.value for e in entities if e.type == "EMAIL"] or [None])[-1],
        "phone": ([e.value for e in entities if e.type == "PHONE"] or [None])[-1],
    }
