def evaluate_extraction(results, labelled):
    """Per-field accuracy and minutes saved against typing every claim by hand."""
    right = dict.fromkeys(FIELDS, 0)
    with_tool = 0.0
    for (fields, _source), item in zip(results, labelled):
        if fields is None:
            with_tool += MANUAL_MINUTES
            continue
        wrong = 0
        for name in FIELDS:
            got, want = getattr(fields, name), item["expected"].get(name)
            if isinstance(got, date):
                got = got.isoformat()
            if isinstance(got, float) and want is not None:
                ok = abs(got - want) <= 0.01
            else:
                ok = got == want
            right[name] += ok
            wrong += not ok
        with_tool += wrong * FIX_MINUTES
    n = len(labelled)
    return {"accuracy": {name: right[name] / n if n else 0.0 for name in FIELDS},
            "minutes_saved": n * MANUAL_MINUTES - with_tool}
