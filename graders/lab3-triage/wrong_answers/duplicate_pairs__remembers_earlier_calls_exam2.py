# wrong because: the text asks for the pairs whose both tickets are among *these* `items`, but the set lives at module level, so a second call also returns the pairs of every earlier call.
# counterexample: after duplicate_pairs([a, b]) with a = T-1 "duplicates" T-2, duplicate_pairs([BacklogItem(key="T-5", summary="c")]) is set(), this answer returns {frozenset({"T-1", "T-2"})}
_pairs = set()


def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {item.key for item in items}
    for item in items:
        for link_type, other in item.links:
            if "duplicate" in link_type.lower() and other in present:
                _pairs.add(frozenset({item.key, other}))
    return _pairs
