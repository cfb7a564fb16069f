def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    wrong = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return wrong.most_common()
