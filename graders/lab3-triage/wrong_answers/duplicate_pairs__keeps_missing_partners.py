def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {i.key for i in items}
    return {frozenset((i.key, other)) for i in items for kind, other in i.links
            if "duplicate" in kind.lower() and other != i.key}
