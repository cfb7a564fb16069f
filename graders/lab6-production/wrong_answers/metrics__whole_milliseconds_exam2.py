# wrong because: the text asks for the latency percentiles in milliseconds (0.1234 s is 123.4 ms), but this stores whole milliseconds, cutting off the fraction.
# counterexample: m = Metrics(); m.observe(0.1234); m.snapshot()["p50_ms"] is 123.4, this answer returns 123
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    def __init__(self):
        self.latencies_ms = []
        self.errors = 0
        self.refusals = 0

    def observe(self, latency_s, refused=False, error=False):
        self.latencies_ms.append(int(latency_s * 1000))
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
            "refusal_rate": self.refusals / answered if answered else None,
            "p50_ms": self._percentile(50) if requests else None,
            "p95_ms": self._percentile(95) if requests else None,
        }
