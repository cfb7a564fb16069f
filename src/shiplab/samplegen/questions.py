"""The gold question set: questions answered by one passage of one document, and questions nothing answers.

Answerable questions come from the documents' facts, mostly paraphrased so that keyword search alone does not
find everything. Unanswerable questions sound like they belong to the corpus (same company, same topics) but no
document holds the answer: a RAG system must say so instead of inventing one.
"""

from __future__ import annotations

import random

from shiplab.samplegen.docmodel import Doc

UNANSWERABLE = [
    "What is the excess for cyber insurance policies?",
    "Who is the chief executive officer of Nordlicht Versicherung?",
    "What was Nordlicht's combined ratio in 2023?",
    "Which cloud provider hosts the fraud scoring models?",
    "How many employees work in the Vienna office?",
    "What does a Basic motor policy cost for a Tesla Model 3?",
    "When will the pet insurance product launch?",
    "What is the minimum password length for broker accounts?",
    "Which bank receives the SEPA direct debit files?",
    "What is the approval limit for claims handlers in the marine cargo team?",
    "How many claims did the household team settle last year?",
    "Which law firm represents Nordlicht in liability disputes?",
]


def gold_questions(rng: random.Random, docs: list[Doc], per_doc: int = 2) -> list[dict]:
    questions = []
    for doc in docs:
        for fact in rng.sample(doc.facts, k=min(per_doc, len(doc.facts))):
            questions.append({"question": fact.ask(rng), "answer": fact.answer, "answerable": True,
                              "sources": [{"doc_id": doc.id, "passage": fact.passage}]})
    rng.shuffle(questions)
    questions += [{"question": q, "answer": "not in the documents", "answerable": False, "sources": []}
                  for q in UNANSWERABLE]
    return [{"id": f"Q{n:03d}", **q} for n, q in enumerate(questions, start=1)]
