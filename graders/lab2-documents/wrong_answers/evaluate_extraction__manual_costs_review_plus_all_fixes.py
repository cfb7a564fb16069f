# wrong because: "a manual claim still costs MANUAL_MINUTES" (4.0); this charges it like an extracted claim with all 8 fields wrong (0.5 + 8 * 0.75 = 6.5 minutes).
# counterexample: evaluate_extraction([(None, "manual")], [two[0]])["minutes_saved"] must be 0.0 (4.0 - 4.0); this returns -2.5.
def evaluate_extraction(results, labelled):
    """Per-field accuracy and minutes saved against typing every claim by hand."""
    right = {f: 0 for f in FIELDS}
    with_tool = 0.0
    for (fields, _source), item in zip(results, labelled):
        wrong = 0
        for f in FIELDS:
            want = item["expected"][f]
            if fields is None:
                ok = False
            else:
                got = getattr(fields, f)
                if f == "incident_date" and got is not None:
                    got = got.isoformat()
                if f == "amount_eur" and got is not None and want is not None:
                    ok = abs(got - want) <= 0.01 + 1e-9
                else:
                    ok = got == want
            right[f] += ok
            wrong += not ok
        with_tool += REVIEW_MINUTES + FIX_MINUTES * wrong
    n = len(labelled)
    return {"accuracy": {f: right[f] / n for f in FIELDS}, "minutes_saved": n * MANUAL_MINUTES - with_tool}
