# wrong because: percentiles interpolated between ranks (numpy's default, statistics.quantiles) instead of nearest rank
# counterexample: latencies 0.1, 0.2, 0.3, 2.0 s: p50 250 ms, should be 200 ms
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    def __init__(self):
        self.calls = []

    def observe(self, latency_s, refused=False, error=False):
        self.calls.append((latency_s * 1000.0, bool(refused), bool(error)))

    def _percentile(self, p):
        sorted_ms = sorted(ms for ms, _, _ in self.calls)
        n = len(sorted_ms)
        if not n:
            return None
        return __import__("numpy").percentile(sorted_ms, p).item()

    def snapshot(self):
        n = len(self.calls)
        errors = sum(1 for _, _, e in self.calls if e)
        ok = sum(1 for _, _, e in self.calls if not e)
        return {"requests": n, "errors": errors, "error_rate": errors / n if n else None,
                "refusal_rate": sum(1 for _, r, e in self.calls if r and not e) / ok if ok else None,
                "p50_ms": self._percentile(50), "p95_ms": self._percentile(95)}
