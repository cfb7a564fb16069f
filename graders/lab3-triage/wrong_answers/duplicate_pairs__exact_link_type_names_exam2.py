# wrong because: the text asks for every link whose type *contains* "duplicate" in any case (it names "is duplicate of"), but this accepts only three spellings it knows.
# counterexample: duplicate_pairs([BacklogItem(key="T-1", summary="a", links=[("is duplicate of", "T-2")]), BacklogItem(key="T-2", summary="b")]) is {frozenset({"T-1", "T-2"})}, this answer returns set()
DUPLICATE_LINKS = {"duplicate", "duplicates", "is duplicated by"}


def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {item.key for item in items}
    pairs = set()
    for item in items:
        for link_type, other in item.links:
            if link_type.strip().lower() in DUPLICATE_LINKS and other in present:
                pairs.add(frozenset({item.key, other}))
    return pairs
