"""The sample insurer's corpus: the 42 documents of the four families (``doc_policy``, ``doc_claims``, ``doc_ops``,
``doc_governance``), each fact's value unique across all of them, every document checked."""

from __future__ import annotations

import random

from shiplab.samplegen import doc_claims, doc_governance, doc_ops, doc_policy
from shiplab.samplegen.docmodel import Doc, SampleDataError, Values


def build(rng: random.Random) -> list[Doc]:
    v = Values(rng)
    docs = doc_policy.build(v, rng) + doc_claims.build(v, rng) + doc_ops.build(v, rng) + doc_governance.build(v, rng)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise SampleDataError("two documents share an id")
    for d in docs:
        d.check()
    return docs
