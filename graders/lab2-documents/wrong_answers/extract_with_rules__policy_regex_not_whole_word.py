# wrong because: policy_number is the first POLICY_NUMBER entity of pii.detect (matched as a whole word); a bare re.search finds a "policy number" inside a longer token such as an 8-digit number.
# counterexample: extract_with_rules("My policy is NV-MOT-12345678.")["policy_number"] must be None (and claim_type None); this returns "NV-MOT-1234567" and "motor".
LINES = {"MOT": "motor", "HH": "household", "LIA": "liability", "TRV": "travel"}


def extract_with_rules(text):
    """The claim's fields by rules: pii entities, the policy line, and the date and amount helpers."""
    entities = pii.detect(text)

    def first(kind):
        return next((e.value for e in entities if e.type == kind), None)

    persons = [e.value for e in entities if e.type == "PERSON"]
    found = re.search(r"NV-(?:MOT|HH|LIA|TRV)-\d{7}", text)
    policy = found.group(0) if found else None
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
        "email": first("EMAIL"),
        "phone": first("PHONE"),
    }
