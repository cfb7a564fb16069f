# wrong because: the request list is a class attribute: every Metrics() shares (and keeps) the same counts
# counterexample: m1 = Metrics(); m1.observe(0.1); Metrics().snapshot()['requests'] == 1, should be 0
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""
    calls = []

    def __init__(self):
        pass

    def observe(self, latency_s, refused=False, error=False):
        self.calls.append((latency_s * 1000.0, bool(refused), bool(error)))

    def _percentile(self, p):
        sorted_ms = sorted(ms for ms, _, _ in self.calls)
        n = len(sorted_ms)
        if not n:
            return None
        return sorted_ms[max(1, math.ceil(p / 100 * n)) - 1]

    def snapshot(self):
        n = len(self.calls)
        errors = sum(1 for _, _, e in self.calls if e)
        ok = sum(1 for _, _, e in self.calls if not e)
        return {"requests": n, "errors": errors, "error_rate": errors / n if n else None,
                "refusal_rate": sum(1 for _, r, e in self.calls if r and not e) / ok if ok else None,
                "p50_ms": self._percentile(50), "p95_ms": self._percentile(95)}
