# wrong because: the text says the type contains "duplicate" in *any* case, but this recognises only "duplicate" and "Duplicate", so "DUPLICATE" (or "Is Duplicated By" with a capital D) is missed.
# counterexample: duplicate_pairs([BacklogItem(key="T-1", summary="a", links=[("DUPLICATES", "T-2")]), BacklogItem(key="T-2", summary="b")]) is {frozenset({"T-1", "T-2"})}, this answer returns set()
def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {item.key for item in items}
    pairs = set()
    for item in items:
        for link_type, other in item.links:
            if ("duplicate" in link_type or "Duplicate" in link_type) and other in present:
                pairs.add(frozenset({item.key, other}))
    return pairs
