def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    wrong = Counter((a, p) for a, p in zip(actual, predicted))
    return sorted(wrong.items(), key=lambda item: (-item[1], item[0]))
