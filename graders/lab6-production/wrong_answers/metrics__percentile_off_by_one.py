class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    def __init__(self):
        self.latencies_ms = []
        self.errors = 0
        self.refusals = 0

    def observe(self, latency_s, refused=False, error=False):
        self.latencies_ms.append(latency_s * 1000.0)
        if error:
            self.errors += 1
        elif refused:
            self.refusals += 1

    def _percentile(self, p):
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else None

    def snapshot(self):
        n = len(self.latencies_ms)
        answered = n - self.errors
        return {"requests": n, "errors": self.errors, "error_rate": self.errors / n if n else None,
                "refusal_rate": self.refusals / answered if answered else None,
                "p50_ms": self._percentile(50), "p95_ms": self._percentile(95)}
    ### END SOLUTION
