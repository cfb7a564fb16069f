# wrong because: each Metrics() counts the requests "since start" of its own service, but the latency list is a class attribute, so every instance (a second app, a test's fresh Metrics) sees the latencies of all earlier ones.
# counterexample: a = Metrics(); a.observe(0.1); Metrics().snapshot()["requests"] is 0, this answer returns 1
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    latencies_ms = []  # filled by observe()
    errors = 0
    refusals = 0

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
            "refusal_rate": self.refusals / answered if answered else None,
            "p50_ms": self._percentile(50) if requests else None,
            "p95_ms": self._percentile(95) if requests else None,
        }
