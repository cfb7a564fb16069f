# wrong because: iban is the first IBAN entity of pii.detect (right length and mod-97 checksum); this takes the first IBAN-shaped string from its own regex, so an IBAN with a wrong checksum is returned.
# counterexample: extract_with_rules("Please pay to DE89 3704 0044 0532 0130 01.")["iban"] must be None (wrong checksum); this returns "DE89370400440532013001".
LINES = {"MOT": "motor", "HH": "household", "LIA": "liability", "TRV": "travel"}


def extract_with_rules(text):
    """The claim's fields by rules: pii entities, the policy line, and the date and amount helpers."""
    entities = pii.detect(text)

    def first(kind):
        return next((e.value for e in entities if e.type == kind), None)

    persons = [e.value for e in entities if e.type == "PERSON"]
    policy = first("POLICY_NUMBER")
    shaped = re.search(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b", text)
    iban = shaped.group(0) if shaped else None
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
