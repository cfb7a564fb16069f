# wrong because: pii.detect runs on summary and description glued together, so a "name" can form across the seam
#   (the summary's last word + the description's first word); rule 1 asks whether the summary or the description
#   holds personal data.
# counterexample: summary "Call back Anna", description "Berger about the refund." -> neither holds an entity
#   -> "internal"; the joined text "Call back Anna Berger about ..." yields PERSON "Anna Berger" -> "restricted".
# check: f(replace(ticket("X-1", description="Berger about the refund."), summary="Call back Anna"))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(f"{item.summary} {item.description}"):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
