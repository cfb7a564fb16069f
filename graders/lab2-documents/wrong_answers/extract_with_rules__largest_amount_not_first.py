# wrong because: amount_eur is the FIRST amount find_amounts finds; this takes the largest one.
# counterexample: extract_with_rules("The repair estimate is 1.234,50 EUR. The car was worth 9.000,00 EUR.")["amount_eur"] must be 1234.5; this returns 9000.0.
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
        "amount_eur": max(amounts) if amounts else None,
        "iban": iban.replace(" ", "") if iban else None,
        "email": first("EMAIL"),
        "phone": first("PHONE"),
    }
