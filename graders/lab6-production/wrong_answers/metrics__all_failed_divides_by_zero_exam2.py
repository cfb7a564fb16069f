# wrong because: the text says a value that cannot be computed (no request that did not fail) is None, but this guards the refusal rate only against no requests at all, so when every request failed snapshot() raises ZeroDivisionError.
# counterexample: m = Metrics(); m.observe(0.1, error=True); m.snapshot()["refusal_rate"] is None, this answer raises ZeroDivisionError
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
            "error_rate": self.errors / requests if requests else None,
            "refusal_rate": self.refusals / answered if requests else None,
            "p50_ms": self._percentile(50) if requests else None,
            "p95_ms": self._percentile(95) if requests else None,
        }
