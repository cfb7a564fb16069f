"""Invented people and their identifiers: names, e-mails, phones, valid IBANs, policy and claim numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = {
    "DE": ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Lea", "Paul", "Hannah", "Maximilian", "Julia",
           "Tobias", "Katharina", "Stefan", "Sabine", "Jürgen", "Monika", "Andreas"],
    "AT": ["Lena", "Florian", "Valentina", "Matthias", "Theresa", "Dominik", "Magdalena", "Wolfgang", "Elisabeth"],
    "NL": ["Sanne", "Daan", "Femke", "Bram", "Lotte", "Sem", "Eva", "Joris", "Anouk", "Pieter"],
    "FR": ["Camille", "Louis", "Chloé", "Hugo", "Manon", "Antoine", "Élodie", "Mathieu", "Claire", "Julien"],
    "BE": ["Lien", "Wout", "Amélie", "Thibault", "Noor", "Arne"],
    "CH": ["Nina", "Reto", "Corinne", "Beat", "Seraina", "Urs"],
}
LAST = {
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz",
           "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Krüger"],
    "AT": ["Gruber", "Huber", "Bauer", "Pichler", "Moser", "Steiner", "Hofer", "Leitner", "Berger"],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"],
    "BE": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems"],
    "CH": ["Meier", "Keller", "Brunner", "Baumann", "Frei", "Gerber"],
}
COUNTRIES = ["DE", "DE", "DE", "AT", "NL", "FR", "BE", "CH"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]

# BBAN layout per country: (total IBAN length, BBAN pattern: n = digit)
IBAN_LENGTH = {"DE": 22, "AT": 20, "NL": 18, "FR": 27, "BE": 16, "CH": 21}


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def iban_is_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if len(s) < 15 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    numeric = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(numeric) % 97 == 1


def make_iban(rng: random.Random, country: str) -> str:
    n = IBAN_LENGTH[country] - 4
    if country == "NL":
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + _digits(rng, n - 4)
    else:
        bban = _digits(rng, n)
    return country + iban_check_digits(country, bban) + bban


def break_iban(rng: random.Random, iban: str) -> str:
    """Same shape, wrong checksum: a decoy a validator must not flag."""
    check = int(iban[2:4])
    wrong = (check + rng.randint(1, 9)) % 97 or 11
    bad = iban[:2] + f"{wrong:02d}" + iban[4:]
    return bad if not iban_is_valid(bad) else break_iban(rng, iban)


def group4(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def make_phone(rng: random.Random, country: str) -> str:
    """Numbers in the style each country writes them (fictitious subscriber numbers)."""
    styles = {
        "DE": [lambda: f"+49 30 {_digits(rng, 7)}", lambda: f"030/{_digits(rng, 7)}",
               lambda: f"+49 (0)89 {_digits(rng, 3)} {_digits(rng, 4)}", lambda: f"0176 {_digits(rng, 8)}"],
        "AT": [lambda: f"+43 1 {_digits(rng, 3)} {_digits(rng, 4)}",
               lambda: f"0043 1 {_digits(rng, 3)} {_digits(rng, 4)}"],
        "NL": [lambda: f"+31 20 {_digits(rng, 3)} {_digits(rng, 4)}", lambda: f"06-{_digits(rng, 8)}"],
        "FR": [lambda: "+33 1 " + " ".join(_digits(rng, 2) for _ in range(4)),
               lambda: "06 " + " ".join(_digits(rng, 2) for _ in range(4))],
        "BE": [lambda: f"+32 2 {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"],
        "CH": [lambda: f"+41 44 {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"],
    }
    return rng.choice(styles[country])()


LINES = {"motor": "MOT", "household": "HH", "liability": "LIA", "travel": "TRV"}


def make_policy_number(rng: random.Random, line: str) -> str:
    return f"NV-{LINES[line]}-{_digits(rng, 7)}"


def make_claim_number(rng: random.Random, year: int) -> str:
    return f"CLM-{year}-{rng.randint(1, 999999):06d}"


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    country: str
    email: str
    phone: str
    iban: str
    birth: tuple[int, int, int]  # y, m, d

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def _ascii(s: str) -> str:
    table = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "é": "e", "É": "E", "è": "e", "ç": "c"})
    return s.translate(table).lower().replace(" ", "")


def make_person(rng: random.Random) -> Person:
    country = rng.choice(COUNTRIES)
    first, last = rng.choice(FIRST[country]), rng.choice(LAST[country])
    sep = rng.choice([".", "_", ""])
    number = rng.randint(1, 99) if rng.random() < 0.3 else ""
    email = f"{_ascii(first)}{sep}{_ascii(last)}{number}@{rng.choice(DOMAINS)}"
    return Person(first, last, country, email, make_phone(rng, country), make_iban(rng, country),
                  (rng.randint(1948, 2003), rng.randint(1, 12), rng.randint(1, 28)))
