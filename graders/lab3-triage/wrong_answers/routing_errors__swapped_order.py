def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    wrong = Counter((p, a) for a, p in zip(actual, predicted) if a != p)
    return sorted(wrong.items(), key=lambda item: (-item[1], item[0]))
