# wrong because: the text's nearest rank is position ceil(p / 100 * n), but this rounds p / 100 * n (half to even), which is one position too low whenever the product ends in .5 or less above a whole number.
# counterexample: after observe(0.1), observe(0.2), observe(0.3), observe(0.4), observe(0.5): p50_ms is 300.0 (ceil(2.5) = 3), this answer returns 200.0 (round(2.5) = 2)
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    def __init__(self):
        self.latencies_ms = []
        self.errors = 0
        self.refusals = 0

    def observe(self, latency_s, refused=False, error=False):
        self.latencies_ms.append(latency_s * 1000)
        if error:
            self.errors += 1
        elif refused:
            self.refusals += 1

    def _percentile(self, p):
        ordered = sorted(self.latencies_ms)
        return ordered[max(1, round(p / 100 * len(ordered))) - 1]

    def snapshot(self):
        requests = len(self.latencies_ms)
        answered = requests - self.errors
        return {
            "requests": requests,
            "errors": self.errors,
            "error_rate": self.errors / requests if requests else None,
            "refusal_rate": self.refusals / answered if answered else None,
            "p50_ms": self._percentile(50) if requests else None,
            "p95_ms": self._percentile(95) if requests else None,
        }
