# wrong because: the text defines error_rate as errors / requests, but this rounds it to two decimals for display, so 1 error in 3 requests reads 0.33 instead of 0.333….
# counterexample: m = Metrics(); m.observe(0.1, error=True); m.observe(0.1); m.observe(0.1); m.snapshot()["error_rate"] is 1/3, this answer returns 0.33
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
        return ordered[math.ceil(p / 100 * len(ordered)) - 1]

    def snapshot(self):
        requests = len(self.latencies_ms)
        answered = requests - self.errors
        return {
            "requests": requests,
            "errors": self.errors,
            "error_rate": round(self.errors / requests, 2) if requests else None,
            "refusal_rate": self.refusals / answered if answered else None,
            "p50_ms": self._percentile(50) if requests else None,
            "p95_ms": self._percentile(95) if requests else None,
        }
