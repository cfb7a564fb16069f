"""Finding and redacting personal data: validated matches, not bare patterns, and no model to download.

What counts as a find, per type:

- **IBAN** — the country's exact length (a table of SEPA countries) *and* the ISO 7064 mod-97 check; grouped in
  fours or compact. An IBAN-shaped string with a wrong checksum is not flagged (and is never taken for a phone).
- **EMAIL** — ``local@domain.tld``, except role mailboxes (``complaints@``, ``dpo@``, ``support@``, ``hello@``,
  ``members@`` … — RFC 2142's and the usual ones): they are an organisation's contact point, not a natural person's
  data, so they do not make an item restricted; a protocol's account (``git@github.com:owner/repo``), a file name
  (``icon@3x.jpg``: no top-level domain is an image suffix), the password part of a URL (``postgres://u:pw@host``);
  placeholder mailboxes (``you@``, ``user@``, ``name@``, ``foo@`` …) on any domain — but those that read like a
  person (``jane.doe@``, ``john@``) only on a reserved domain, since on a real one a Jane Doe may be real; and on
  the names RFC 2606/6761 reserve for examples (``example.com/.net/.org``, ``*.example``, ``*.test``, ``*.invalid``,
  ``*.localhost``, ``localhost``) every address whose local part does not start with a person's first name —
  ``you@example.com`` and ``user@test.example`` are placeholders, ``anna.weber@example.com`` stands for a person
  (the sample company's invented people live on those domains, as invented people should).
- **PHONE** — international (``+49 30 1234567``, ``0043 1 234 5678``, ``+49 (0)89 …``) or national (``030/1234567``,
  ``0176 12345678``, ``06-12345678``) with at least 7 digits; dates, amounts, versions, times and ticket keys do not
  have these shapes, and the lookarounds keep a match from starting or ending inside another token. A number the
  sentence calls a business line (hotline, pager, switchboard, service desk) is not personal data, and neither is a
  placeholder number: all zeros, or one digit repeated (``0000000``, ``+49 30 0000000``, ``555-5555``), or North
  America's numbers for fiction (``555-0100``–``555-0199``). North American numbers are read as ``+1 415 867 5309``,
  ``+14158675309``, ``(415) 867-5309`` and ``415-867-5309``.
- **POLICY_NUMBER**, **CLAIM_NUMBER** — the company's patterns, configurable with :class:`Patterns` (defaults: the
  sample company's ``NV-(MOT|HH|LIA|TRV)-1234567`` and ``CLM-2024-000123``).
- **DATE_OF_BIRTH** — a date only when a cue ("born", "DOB", "date of birth", "geb.", "Geburtsdatum") precedes it.
- **PERSON** — a capitalised name after a cue ("Dear …", "Name:", "Mr/Ms/Frau/Herr", "regards,", "reported by …"),
  or a first name from the list this package ships (``first_names.txt``) followed by a capitalised surname, or an
  initial and a surname (``J. Neumann``). Strong cues (salutations, titles, "Name:") accept any capitalised name;
  weak ones ("from", "with", "by", Spanish/Portuguese "para", "por", "pelo", "asignado a", German "an", "für") only a
  listed first name (English, German, French, Dutch, Spanish and Portuguese ones; the last two from the most frequent
  names INE and IBGE publish) or an initial. A name takes in its further surnames (``Marcela Aburto Murillo``) and
  the given name before an initial (``Michael J. Fox``), so redaction leaves none of it. A name must end where its
  word ends, combining accents included (``MariaDB`` is not *Maria*, ``Ti\u0301tulo`` is not *Ti*), does not run over
  a line break, is not part of a file name (``Sem Título.mp4``), and words that name things (``Max Retries``,
  ``Julia Package``) are not surnames; a lone first name that is also a programming language (``from Julia to
  Rust``) needs a strong cue.
  An **allow-list** of product and project names is never a person: :data:`DEFAULT_ALLOW`, the terms in
  ``$SHIPLAB_PII_ALLOW`` (one per line or comma-separated; the hub fills it from its settings), and ``allow=`` per
  call (classification passes each item's components and labels).

:func:`detect` returns non-overlapping :class:`Entity` spans (validated types win over guessed ones);
:func:`redact` replaces them as ``[IBAN]`` (tag), ``*****`` (mask) or ``[IBAN:3f2a9c]`` (hash: stable, so the same
value links up across records without being readable).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

TYPES = ("PERSON", "EMAIL", "PHONE", "IBAN", "POLICY_NUMBER", "CLAIM_NUMBER", "DATE_OF_BIRTH")
STYLES = ("tag", "mask", "hash")
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


@dataclass(frozen=True)
class Patterns:
    """The company-specific identifiers (regular expressions, matched as whole words)."""

    policy: tuple[str, ...] = (r"NV-(?:MOT|HH|LIA|TRV)-\d{7}",)
    claim: tuple[str, ...] = (r"CLM-\d{4}-\d{6}",)


DEFAULT_PATTERNS = Patterns()


@functools.lru_cache(maxsize=16)
def _compiled(patterns: Patterns) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r"(?<![\w-])(?:" + p + r")(?![\w-])"), kind)
                 for kind, group in (("POLICY_NUMBER", patterns.policy), ("CLAIM_NUMBER", patterns.claim))
                 for p in group)


def iban_valid(candidate: str) -> bool:
    """Right length for its country and a mod-97 remainder of 1 (ISO 13616)."""
    s = re.sub(r"\s", "", candidate).upper()
    if len(s) < 15 or IBAN_LENGTHS.get(s[:2]) != len(s) or not s[2:4].isdigit() or not s[4:].isalnum():
        return False
    return int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1


EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
PHONE_RE = re.compile(
    r"(?<![\w/+.-])(?:"
    r"(?:\+|00)\d{2,3}[ ]?(?:\(0\))?[ ]?\d{1,4}(?:[ /-]?\d{2,4}){1,4}"  # +49 30 1234567, 0043 1 234 5678
    r"|0\d{1,4}[/ -]\d{3,8}(?:[ -]\d{2,4}){0,3}"  # 030/1234567, 0176 12345678, 06-12345678
    r"|0\d{1,4}(?:[ ]\d{2}){4}"  # 06 12 34 56 78
    r"|(?:\+1[ .-]?)?(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}"  # NANP: (415) 867-5309
    r"|\+1[ .-]?[2-9]\d{2}[ .-]?[2-9]\d{2}[ .-]?\d{4}"  # +1 415 867 5309, +14158675309
    r")(?![\w/-]|[.,]\d)")
DATE = (r"(?:\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}"
        r"|\d{1,2}(?:st|nd|rd|th)?\.? (?:of )?[A-Z][a-zä]{2,8}\.? (?:19|20)\d{2}"
        r"|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d{2})")
DOB_RE = re.compile(r"(?i:\b(?:born|DOB|d\.o\.b\.|date of birth|birth ?date|geb\.|geboren|Geburtsdatum))"
                    r"(?:\s*(?:on|am|:|-|\())?\s*(" + DATE + r")")

# Role mailboxes name a function, not a natural person (RFC 2142's list: info marketing sales support abuse noc
# security postmaster hostmaster usenet news webmaster www uucp ftp; and the common ones organisations publish):
# an organisation's contact point, never someone's personal data — ``hello@``, ``members@``, ``team@`` included.
ROLE_MAILBOXES = frozenset("""info contact kontakt support service help helpdesk servicedesk complaints complaint
beschwerde dpo privacy datenschutz data-protection dataprotection noreply no-reply donotreply postmaster abuse
security admin office sales billing claims schaden oncall on-call pager hr jobs press presse team hello hi hey
members membership marketing noc hostmaster webmaster www usenet news uucp ftp feedback enquiries inquiries careers
legal partners partner community maintainers developers dev ops newsletter events accounts accounting finance
orders shop store booking bookings reception mail""".split())
# A "local part" that is a protocol's account, not a mailbox: ``git@github.com:owner/repo`` (SSH remotes).
SERVICE_LOCALS = frozenset({"git", "hg", "svn", "gitlab", "gitea", "forgejo"})
# Placeholder locals that read like a person: a placeholder only on a reserved domain (``john.doe@example.com``);
# on a real domain (``jane.doe@acme-corp.com``) a Jane Doe may be real.
PERSONLIKE_LOCALS = frozenset("""john.doe jane.doe johndoe janedoe john jane doe max.mustermann alice bob""".split())
FILE_SUFFIXES = frozenset("png jpg jpeg gif svg webp ico bmp tif tiff avif heic mp4 mov webm pdf".split())
BUSINESS_LINE = re.compile(r"(?i)\b(?:hotline|pager|switchboard|service ?desk|help ?desk|on-call|zentrale|"
                           r"servicenummer|customer service)\b[^.\n]{0,40}$")
_UP, _LOW = "A-ZÄÖÜÉÈÅØŁŠŽČ", "a-zäöüßéèçëïíóúáàâêîôûñøåłšžčćő"
PARTICLE = r"(?:(?:van den|van der|van de|van|de la|de|von|zu|du|le|la|di|da|ter|ten)\s)?"
SURNAME = rf"[{_UP}][{_LOW}'’]+(?:-[{_UP}][{_LOW}]+)?"
GIVEN = rf"(?:[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?|[{_UP}]\.)"
STRONG_CUES = r"Dear|Name:|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Herr|Frau|Mme\.?|Mevrouw|Meneer|Policyholder|policyholder|holder:"
WEAK_CUES = (r"Customer|customer|Claimant|claimant|Caller|caller|Contact:|Insured|insured|Witness|witness|"
             r"reported by|complaint by|requested by|request(?:ed)? from|from|with|by|Hi|Hello|Hallo|"
             r"regards,?|Grüße,?|Gruß,?|Thanks,|Cheers,|Sincerely,?|"
             r"para|por|pelo|pela|asignado a|asignada a|atribuído a|atribuída a|enviado por|enviado pelo|an|für|von")
_SP = r"[^\S\n]"  # a space that is not a line break: a name does not run over a line's end ("Lobby B.\nCaso")
_END = r"(?![\w\u0300-\u036f])"  # a name ends where its word ends, combining accents included ("Ti\u0301tulo")
CUE_RE = re.compile(rf"\b({STRONG_CUES}|{WEAK_CUES}){_SP}+(?!(?:Frau|Herr|Mr|Ms|Mrs|Dr)\b)"
                    rf"({GIVEN}(?:{_SP}{PARTICLE}{SURNAME})?){_END}")
# a lookahead, so "Frau Katharina Vogel" is tried at "Frau" and again at "Katharina"
FIRST_NAME_RE = re.compile(rf"\b(?=([{_UP}][{_LOW}]+){_SP}({PARTICLE}{SURNAME}){_END})")
INITIAL_RE = re.compile(rf"(?<![\w.])([{_UP}]\.){_SP}({PARTICLE}{SURNAME}){_END}")
MORE_SURNAMES = re.compile(rf"(?:{_SP}{PARTICLE}{SURNAME}{_END}){{1,2}}")  # María José Hidalgo Vargas
GIVEN_BEFORE = re.compile(rf"([{_UP}][{_LOW}]+){_SP}$")  # the Michael of "Michael J. Fox"
IN_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,4}\b")  # "Sem Título.mp4": a file's name, not a person's
# Single first names that are also programming languages: after a weak cue ("from Julia to Rust") not a person
TECH_NAMES = frozenset({"Julia", "Ruby", "Crystal", "Pascal", "Ada", "Elixir", "Dart", "Swift", "Go"})
NOT_NAMES = frozenset("""Street Strasse Straße Versicherung Claims Claim Team The And Portal API This That Please See If
We It In On For No Our Your Ticket Release Version Step Steps Expected Actual Customer Dear Intake Admin Billing
Analytics Platform Data Document Management Broker Fraud Policy Service Support Desk Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April May June July August September October November December
Regards Thanks AG GmbH Nordlicht Hello Hi Sir Madam Sirs Colleagues All Everyone
Size Length Value Values Count Retries Retry Connections Connection Pooling Pool Width Height Memory Server Servers
Client Clients Version Versions Mode Button Page Pages Field Fields Table List File Files Update Updates Package
Packages Editor Studio Code Language Framework Library Plugin Plugins Theme Themes Extended Connector Driver Database
Engine Protocol Time Timeout Limit Limits Level Tokens Token Depth Items Users User Error Errors Agent Bot Build
Builds Release Project Projects Cluster Node Nodes App Apps Cloud Core Pro Lite Plus Edition Framework Toolkit SDK
CLI UI UX DB SQL""".split())
# Product and project names that read like a name; extend per hub ($SHIPLAB_PII_ALLOW) or per call (allow=).
DEFAULT_ALLOW = ("MariaDB", "JuliaLang", "Julia language", "Hugo Extended", "Jupyter", "JupyterHub", "JupyterLab",
                 "Jenkins", "Grafana", "Kibana", "Ansible", "Sentry", "Elastic")
RESERVED_DOMAIN = re.compile(r"(?i)(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$")
PLACEHOLDER_LOCALS = frozenset("""you your yourname your.name your_name yourself user username user.name user1 user2
name me myself someone somebody anyone nobody foo bar baz qux test tester testing example email e-mail mail address
john.doe jane.doe johndoe janedoe john jane doe firstname.lastname first.last firstname lastname first_last
name.surname vorname.nachname max.mustermann prenom.nom x xx xxx xyz abc anonymous alice bob""".split())


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    text = resources.files("shiplab.data").joinpath("first_names.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


class _Found:
    """Accepts spans that do not overlap one already taken (so validated types, found first, win)."""

    def __init__(self, text: str, types):
        self.text, self.types, self.items = text, set(types), []

    def free(self, start: int, end: int) -> bool:
        return not any(start < e.end and e.start < end for e in self.items)

    def add(self, start: int, end: int, kind: str, confidence: float = 1.0) -> None:
        if kind in self.types and start < end and self.free(start, end):
            self.items.append(Entity(start, end, kind, self.text[start:end], confidence))


def _plausible_name(name: str) -> bool:
    return not any(part.strip(".") in NOT_NAMES for part in name.split())


def _fold(s: str) -> str:
    s = s.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1)
def _folded_first_names() -> tuple[str, ...]:
    names = {_fold(n) for n in first_names()} | {_fold(n).replace("ae", "a").replace("oe", "o").replace("ue", "u")
                                                for n in first_names()}
    return tuple(sorted((n for n in names if len(n) >= 3), key=len, reverse=True))


def placeholder_email(address: str) -> bool:
    """Is this address a placeholder (``you@example.com``), a role mailbox (``hello@``), a protocol's account
    (``git@github.com``) or a file name (``icon@3x.jpg``) — not a person's?"""
    local, _, domain = address.lower().rpartition("@")
    if domain.rsplit(".", 1)[-1] in FILE_SUFFIXES:  # no such top-level domains: a retina asset, icon@3x.jpg
        return True
    if local in SERVICE_LOCALS or local in ROLE_MAILBOXES:
        return True
    if local in PLACEHOLDER_LOCALS and (local not in PERSONLIKE_LOCALS or RESERVED_DOMAIN.search(domain)):
        return True
    if RESERVED_DOMAIN.search(domain):
        return not _fold(local).startswith(_folded_first_names())
    return False


def placeholder_number(value: str) -> bool:
    """Is this phone-shaped number a placeholder: all zeros, one digit over and over (in all or its last part), or
    North America's numbers for fiction (555-0100 to 555-0199)?"""
    digits = re.sub(r"\D", "", value)
    if re.search(r"555[ .-]?01\d\d$", value.strip()):
        return True
    last = re.split(r"[ /-]", value.strip())[-1]
    last = re.sub(r"\D", "", last)
    return len(set(digits)) == 1 or (len(last) >= 4 and len(set(last)) == 1) or set(digits.lstrip("0")) <= {"0"}


def allowed_terms(extra=()) -> tuple[str, ...]:
    """The allow-list: :data:`DEFAULT_ALLOW`, ``$SHIPLAB_PII_ALLOW``, and ``extra``."""
    env = [t.strip() for t in re.split(r"[\n,]", os.environ.get("SHIPLAB_PII_ALLOW", "")) if t.strip()]
    return tuple(dict.fromkeys([*DEFAULT_ALLOW, *env, *(t for t in extra if t and t.strip())]))


@functools.lru_cache(maxsize=64)
def _allow_re(terms: tuple[str, ...]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
                      + r")(?!\w)", re.I)


def _extend(text: str, start: int, end: int) -> tuple[int, int]:
    """A name's span widened to its further surnames (``Marcela Aburto Murillo``) and, before an initial, its given
    name (``Michael J. Fox``), so that redaction leaves no part of it."""
    more = MORE_SURNAMES.match(text, end)
    if more and _plausible_name(more.group(0)):
        end = more.end()
    before = GIVEN_BEFORE.search(text, max(0, start - 40), start)
    if before and text[start:start + 2].rstrip().endswith(".") and before.group(1) in first_names():
        start = before.start(1)
    return start, end


def _person(text: str, found: _Found, start: int, end: int, confidence: float) -> None:
    if IN_FILE_NAME.match(text, end):
        return
    found.add(*_extend(text, start, end), "PERSON", confidence)


def _persons(text: str, found: _Found) -> None:
    names = first_names()
    for m in CUE_RE.finditer(text):
        name = m.group(2)
        parts = name.split()
        if not _plausible_name(name):
            continue
        strong = re.fullmatch(STRONG_CUES, m.group(1)) is not None
        if len(parts) == 1:  # "Herr Vogel" (a surname after a title), "Dear Anna" / "Thanks, Anna" (a first name)
            ok = (parts[0] in names and (strong or parts[0] not in TECH_NAMES)) \
                or (strong and not parts[0].endswith("."))
        else:
            ok = strong or parts[0] in names or parts[0].endswith(".")
        if ok:
            _person(text, found, m.start(2), m.end(2), 0.9 if strong else 0.8)
    for m in INITIAL_RE.finditer(text):
        if _plausible_name(m.group(2)):
            _person(text, found, m.start(), m.end(), 0.7)
    for m in FIRST_NAME_RE.finditer(text):
        if m.group(1) in names and _plausible_name(m.group(2)):
            _person(text, found, m.start(1), m.end(2), 0.8)


def detect(text: str, types: tuple[str, ...] = TYPES, patterns: Patterns = DEFAULT_PATTERNS,
           allow=()) -> list[Entity]:
    """Every piece of personal data in ``text``: non-overlapping entities in text order.

    ``allow``: more product or project names that are never a person (see :func:`allowed_terms`)."""
    found = _Found(text, types)
    for m in EMAIL_RE.finditer(text):
        if re.search(r"://[^\s/@:]*:$", text[max(0, m.start() - 80):m.start()]):
            continue  # the password part of a URL (postgres://admin:S3cret@db…): a credential, not an address
        if not placeholder_email(m.group(0)):
            found.add(m.start(), m.end(), "EMAIL")
    iban_shaped = []  # valid or not, never a phone number
    for m in IBAN_RE.finditer(text):
        iban_shaped.append((m.start(), m.end()))
        value = m.group(0)
        while value and not iban_valid(value):  # greedy grouping may take in a following word: shrink
            value = value[:-1].rstrip()
            if len(value.replace(" ", "")) < 15:
                value = ""
        if value:
            found.add(m.start(), m.start() + len(value), "IBAN")
    for rx, kind in _compiled(patterns):
        for m in rx.finditer(text):
            found.add(m.start(), m.end(), kind)
    for m in DOB_RE.finditer(text):
        found.add(m.start(1), m.end(1), "DATE_OF_BIRTH", 0.9)
    for m in PHONE_RE.finditer(text):
        value = m.group(0)
        if len(re.sub(r"\D", "", value)) < 7:
            continue
        if any(m.start() < b and a < m.end() for a, b in iban_shaped):
            continue
        if BUSINESS_LINE.search(text, max(0, m.start() - 80), m.start()) or placeholder_number(value):
            continue
        found.add(m.start(), m.end(), "PHONE", 0.9)
    if "PERSON" in found.types:
        before = len(found.items)
        _persons(text, found)
        rx = _allow_re(allowed_terms(tuple(allow)))
        if rx is not None and len(found.items) > before:
            spans = [(m.start(), m.end()) for m in rx.finditer(text)]
            found.items[before:] = [e for e in found.items[before:]
                                    if not any(e.start < b and a < e.end for a, b in spans)]
    return sorted(found.items, key=lambda e: e.start)


def replacement(entity: Entity, style: str) -> str:
    if style == "mask":
        return "*" * (entity.end - entity.start)
    if style == "hash":
        return f"[{entity.type}:{hashlib.sha256(entity.value.encode()).hexdigest()[:6]}]"
    return f"[{entity.type}]"


def redact(text: str, types: tuple[str, ...] = TYPES, style: str = "tag", *, entities: list[Entity] | None = None,
           patterns: Patterns = DEFAULT_PATTERNS, allow=()) -> str:
    """``text`` with its personal data (of ``types``) replaced: ``tag`` ``[IBAN]``, ``mask`` ``****``, ``hash``."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    if entities is None:
        entities = detect(text, types, patterns, allow)
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e.start):
        if e.type not in types or e.start < pos:
            continue
        out.append(text[pos:e.start])
        out.append(replacement(e, style))
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
