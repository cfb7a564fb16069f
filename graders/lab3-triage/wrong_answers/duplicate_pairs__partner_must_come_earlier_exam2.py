# wrong because: the text keeps every pair whose both tickets are among `items`, but this single pass only knows the keys seen so far, so a link from an earlier ticket to a later one that does not link back is lost.
# counterexample: duplicate_pairs([BacklogItem(key="T-1", summary="a", links=[("duplicates", "T-2")]), BacklogItem(key="T-2", summary="b")]) is {frozenset({"T-1", "T-2"})}, this answer returns set()
def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    seen = set()
    pairs = set()
    for item in items:
        seen.add(item.key)
        for link_type, other in item.links:
            if "duplicate" in link_type.lower() and other in seen:
                pairs.add(frozenset({item.key, other}))
    return pairs
