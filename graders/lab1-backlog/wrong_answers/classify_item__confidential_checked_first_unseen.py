# wrong because: the rules are applied in the wrong order (security/fraud first), so a security ticket that holds
#   personal data comes out confidential; rule 1 (restricted) comes first.
# counterexample: ticket("X-1", labels=["security"], description="Please call Anna Berger on +49 30 1234567.")
#   -> "restricted"; this returns "confidential".
# check: f(ticket("X-1", labels=["security"], description="Please call Anna Berger on +49 30 1234567."))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    if pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    return "internal"
