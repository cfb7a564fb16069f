# wrong because: only the description is searched for personal data; rule 1 says the summary OR the description.
# counterexample: an item with summary "Call back Anna Berger" and a clean description -> "restricted";
#   this returns "internal".
# check: f(replace(ticket("X-1"), summary="Call back Anna Berger"))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.description):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
