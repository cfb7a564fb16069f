# wrong because: claim_type comes from the policy number's line and is None without a policy number; this guesses it from words in the text when there is no policy number.
# counterexample: extract_with_rules("Someone scratched my car yesterday.")["claim_type"] must be None; this returns "motor".
LINES = {"MOT": "motor", "HH": "household", "LIA": "liability", "TRV": "travel"}


KEYWORDS = {"car": "motor", "van": "motor", "flat": "household", "water": "household", "trip": "travel",
            "flight": "travel", "neighbour": "liability"}


def guess_type(text):
    words = re.findall(r"[a-z]+", text.lower())
    return next((KEYWORDS[w] for w in words if w in KEYWORDS), None)


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
        "claim_type": LINES[policy.split("-")[1]] if policy else guess_type(text),
        "amount_eur": amounts[0] if amounts else None,
        "iban": iban.replace(" ", "") if iban else None,
        "email": first("EMAIL"),
        "phone": first("PHONE"),
    }
