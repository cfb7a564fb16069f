"""The insurer's documents and the facts inside them that the gold questions ask about.

A document is a title, a classification and a list of sections; a section is a heading and blocks (paragraphs,
numbered steps, bullet lists). A *fact* is a passage inside one block that holds a value found nowhere else in the
corpus (an approval limit, a port, a number of days), with the question it answers. Because the value is unique,
a gold question has exactly one right passage, which makes retrieval evaluation unambiguous.

Passages are short (one line of a PDF page) and never cross a block, so every reader — Markdown body, HTML text,
pypdf, python-docx paragraphs — returns them verbatim. This module is the vocabulary; the content lives in
``doc_*`` modules, one per family of documents, and :mod:`shiplab.samplegen.corpus` assembles the 42 documents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MAX_PASSAGE = 110  # characters; longer passages would wrap in the PDF and stop being exact substrings


class SampleDataError(Exception):
    """A generator invariant broke (a passage missing from its document, a value space exhausted)."""


@dataclass(frozen=True)
class Steps:
    """A numbered list (runbook steps, action items)."""
    items: tuple[str, ...]


@dataclass(frozen=True)
class Bullets:
    """An unordered list (definitions, exclusions, options)."""
    items: tuple[str, ...]


Block = str | Steps | Bullets


@dataclass
class Fact:
    passage: str
    question: str  # close to the passage's own words
    answer: str
    paraphrases: tuple[str, ...] = ()  # how a person would ask without the document's words

    def ask(self, rng: random.Random) -> str:
        """Mostly a paraphrase: a gold set that only repeats the document's words tests keyword search alone."""
        return rng.choice(self.paraphrases) if self.paraphrases and rng.random() < 0.7 else self.question


@dataclass
class Doc:
    id: str
    title: str
    doc_type: str
    classification: str
    sections: list[tuple[str, list[Block]]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def add(self, heading: str, *blocks: Block, facts: tuple[Fact, ...] | list[Fact] = ()) -> None:
        self.sections.append((heading, [b for b in blocks if b]))
        self.facts += list(facts)

    def block_texts(self) -> list[str]:
        out = []
        for _, blocks in self.sections:
            for b in blocks:
                out += list(b.items) if isinstance(b, (Steps, Bullets)) else [b]
        return out

    def words(self) -> int:
        return sum(len(t.split()) for t in [self.title, *[h for h, _ in self.sections], *self.block_texts()])

    def check(self) -> None:
        """Every fact's passage sits inside exactly one block, single-spaced and short enough for one PDF line."""
        texts = self.block_texts()
        for f in self.facts:
            holders = [t for t in texts if f.passage in t]
            if len(holders) != 1:
                raise SampleDataError(f"{self.id}: passage {f.passage!r} is in {len(holders)} blocks, not 1")
            if len(f.passage) > MAX_PASSAGE or "  " in f.passage or "\n" in f.passage:
                raise SampleDataError(f"{self.id}: passage {f.passage!r} is too long or not single-spaced")


def one(rng: random.Random, *options: str) -> str:
    """One phrasing out of several, so documents of one kind do not read like clones."""
    return rng.choice(options)


class Values:
    """Hands out values never used before in the corpus, so each fact's passage is unique."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def pick(self, make):
        for _ in range(2000):
            v = make(self.rng)
            if v not in self.used:
                self.used.add(v)
                return v
        raise SampleDataError("ran out of unique values; widen the range")

    def eur(self, lo: int, hi: int, step: int) -> str:
        return self.pick(lambda r: f"EUR {r.randrange(lo, hi + 1, step):,}")

    def num(self, lo: int, hi: int, tag: str) -> int:
        """A number unique among the numbers of one ``tag`` (days, ports, ...)."""
        return self.pick(lambda r: (tag, r.randint(lo, hi)))[1]
