"""Finding and redacting personal data: validated matches, not bare patterns.

An IBAN must have its country's length and pass the mod-97 check; a phone number must look like one in a European
numbering style and not be a date, an amount, a version or a ticket key; a date is a birth date only next to a cue
("born", "DOB", "geb."); a name is found from context ("Dear …", "Name:", "Customer …", "holder: …") or from a
first name the package ships, followed by a capitalised surname. No model is downloaded or needed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

TYPES = ("PERSON", "EMAIL", "PHONE", "IBAN", "POLICY_NUMBER", "CLAIM_NUMBER", "DATE_OF_BIRTH")
IBAN_LENGTHS = {"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
                "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
                "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
                "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27}


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    type: str
    value: str
    confidence: float = 1.0


def iban_valid(candidate: str) -> bool:
    s = re.sub(r"\s", "", candidate).upper()
    if len(s) < 15 or s[:2] not in IBAN_LENGTHS or len(s) != IBAN_LENGTHS[s[:2]] or not s[2:4].isdigit():
        return False
    if not s[4:].isalnum():
        return False
    return int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1


EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?![\w-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
POLICY_RE = re.compile(r"\bNV-(?:MOT|HH|LIA|TRV)-\d{7}\b")
CLAIM_RE = re.compile(r"\bCLM-\d{4}-\d{6}\b")
PHONE_RE = re.compile(
    r"(?<![\w/+.-])(?:"
    r"(?:\+|00)\d{2,3}[ ]?(?:\(0\))?[ ]?\d{1,4}(?:[ /-]?\d{2,4}){1,4}"  # +49 30 1234567, 0043 1 234 5678
    r"|0\d{1,4}[/ -]\d{3,8}(?:[ -]\d{2,4}){0,3}"  # 030/1234567, 0176 12345678, 06-12345678, 06 12 34 56 78
    r"|0\d{1,4}(?:[ ]\d{2}){4}"
    r")(?![\w/-])")
DATE_RE = r"(?:\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})"
DOB_RE = re.compile(r"(?i)(?:born(?: on)?|DOB|date of birth|geb\.|geboren(?: am)?)[:\s]+(" + DATE_RE + ")")

NAME_PARTICLES = r"(?:(?:van den|van der|van|de|von|du|le|la|di)\s)?"
SURNAME = r"[A-ZÄÖÜÉÈ][a-zäöüßéèçëï'-]+"
CUE_RE = re.compile(
    r"(?:Dear|Name:|Customer|customer|Policyholder|policyholder|holder:|Mr\.?|Ms\.?|Mrs\.?|Herr|Frau|Contact:|"
    r"reported by|complaint by|request(?:ed)? from|from|with|by)\s+"
    r"((?!(?:Frau|Herr|Mr|Ms|Mrs|Dr)\b)(?:[A-ZÄÖÜÉ][a-zäöüßéèçëï-]+|[A-ZÄÖÜÉ]\.)\s" + NAME_PARTICLES + SURNAME + ")")


def _first_names() -> frozenset[str]:
    text = resources.files("shiplab.data").joinpath("first_names.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


FIRST_NAMES = _first_names()
# a lookahead, so "Frau Katharina Vogel" is tried at "Frau" and again at "Katharina"
FIRST_NAME_RE = re.compile(r"\b(?=([A-ZÄÖÜÉ][a-zäöüßéèçëï-]+)\s(" + NAME_PARTICLES + SURNAME + r"))")
INITIAL_RE = re.compile(r"(?<![\w.])([A-ZÄÖÜÉ]\.)\s(" + NAME_PARTICLES + SURNAME + r")")
NOT_SURNAMES = frozenset({"Street", "Versicherung", "Claims", "Team", "The", "And", "Portal", "API", "This", "That",
                          "Please", "See", "If", "We", "It", "In", "On", "For", "No", "Our", "Your", "Ticket",
                          "Release", "Version", "Step", "Steps", "Expected", "Actual", "Customer", "Dear"})


def _spans(entities: list[Entity]) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in entities]


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in taken)


def detect(text: str, types: tuple[str, ...] = TYPES) -> list[Entity]:
    """Every piece of personal data in ``text``, non-overlapping, in order."""
    found: list[Entity] = []

    def add(start: int, end: int, kind: str, confidence: float = 1.0) -> None:
        if kind in types and not _overlaps(start, end, _spans(found)):
            found.append(Entity(start, end, kind, text[start:end], confidence))

    for m in EMAIL_RE.finditer(text):
        add(m.start(), m.end(), "EMAIL")
    iban_shaped = [(m.start(), m.end()) for m in IBAN_RE.finditer(text)]  # valid or not: never a phone number
    for m in IBAN_RE.finditer(text):
        value = m.group(0).rstrip()
        # greedy grouping may swallow a following word: shrink until the checksum holds
        while value and not iban_valid(value):
            value = value[:-1].rstrip()
            if len(re.sub(r"\s", "", value)) < 15:
                value = ""
        if value:
            add(m.start(), m.start() + len(value), "IBAN")
    for rx, kind in ((POLICY_RE, "POLICY_NUMBER"), (CLAIM_RE, "CLAIM_NUMBER")):
        for m in rx.finditer(text):
            add(m.start(), m.end(), kind)
    for m in DOB_RE.finditer(text):
        add(m.start(1), m.end(1), "DATE_OF_BIRTH")
    for m in PHONE_RE.finditer(text):
        value = m.group(0)
        digits = re.sub(r"\D", "", value)
        if len(digits) < 7 or re.fullmatch(DATE_RE, value) or _overlaps(m.start(), m.end(), iban_shaped):
            continue
        add(m.start(), m.end(), "PHONE", 0.9)
    for m in CUE_RE.finditer(text):
        first, _, last = m.group(1).partition(" ")
        if last.split()[-1] in NOT_SURNAMES:
            continue
        if first.endswith(".") or first in FIRST_NAMES or m.group(0).split()[0] in ("Dear", "Name:", "Herr", "Frau",
                                                                                   "Mr", "Mr.", "Ms", "Ms.", "Mrs"):
            add(m.start(1), m.end(1), "PERSON", 0.9)
    for m in INITIAL_RE.finditer(text):
        if m.group(2).split()[-1] not in NOT_SURNAMES:
            add(m.start(), m.end(), "PERSON", 0.7)
    for m in FIRST_NAME_RE.finditer(text):
        if m.group(1) in FIRST_NAMES and m.group(2).split()[-1] not in NOT_SURNAMES:
            add(m.start(1), m.end(2), "PERSON", 0.8)
    return sorted(found, key=lambda e: e.start)


def redact(text: str, entities: list[Entity] | None = None, style: str = "tag",
           types: tuple[str, ...] = TYPES) -> str:
    """Replace personal data: ``tag`` → ``[IBAN]``, ``mask`` → ``*****``, ``hash`` → ``[IBAN:3f2a9c]`` (stable)."""
    if entities is None:
        entities = detect(text, types)
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e.start):
        if e.type not in types or e.start < pos:
            continue
        out.append(text[pos:e.start])
        if style == "mask":
            out.append("*" * (e.end - e.start))
        elif style == "hash":
            out.append(f"[{e.type}:{hashlib.sha256(e.value.encode()).hexdigest()[:6]}]")
        else:
            out.append(f"[{e.type}]")
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
