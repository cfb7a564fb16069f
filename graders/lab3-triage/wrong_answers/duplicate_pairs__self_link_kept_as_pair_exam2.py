# wrong because: the text returns a set of *pairs* `frozenset({key_a, key_b})`, but a ticket that links to itself as a duplicate (a slip in Jira) becomes the one-key set frozenset({"T-1"}), which is no pair.
# counterexample: duplicate_pairs([BacklogItem(key="T-1", summary="a", links=[("duplicates", "T-1")])]) is set(), this answer returns {frozenset({"T-1"})}
def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {item.key for item in items}
    pairs = set()
    for item in items:
        for link_type, other in item.links:
            if "duplicate" in link_type.lower() and other in present:
                pairs.add(frozenset({item.key, other}))
    return pairs
