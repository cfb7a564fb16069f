"""Dates as the tools write them, read into timezone-aware datetimes — without depending on the machine's locale.

Each tool has its own style, and each Jira site its own date format: ``12/Mar/24 9:15 AM`` (Jira's default),
``22/Mar/14 07:59`` (24-hour), ``16/02/2017 15:26`` (a site set to ``dd/MM/yyyy HH:mm``), Azure DevOps (US)
``3/12/2024 9:15 AM``, GitHub ISO-8601 ``2024-03-12T09:15:00Z``. Every importer accepts ISO-8601 too.

**One style per column.** :class:`DateReader` looks at every value of a date column before reading any: the style
that reads the most values is the column's — never one way in one row and the other way in the next. Whether
``3/4/24`` is day-first or month-first is told from the evidence in the whole file (every date column of the export):
a value whose first number is above 12 (``16/02/2017``) proves day-first, one whose second number is above 12
(``3/15/24``) proves month-first. When nothing in the file tells (every number ≤ 12), the column is **refused**
(:class:`AmbiguousDates`) with the two formats to choose from — never silently read the tool's way — unless such
values are a minority in a column of another style (a stray ``03/05/24`` among ``12/Mar/24``), which are read
the tool's way and noted (:attr:`DateReader.other_styles`), or the importer says the tool has one default order
(``ambiguous="habit"``: Azure DevOps writes its default ``M/d/yyyy h:mm:ss AM`` unless the user's profile says
otherwise), when the order is read that way and noted (:attr:`DateReader.guessed_order`).

A format can be given instead (``--date-format``, ``date_format:`` in ``mapping.yaml``), in strftime style
(``%d/%m/%Y %H:%M``) or as Jira's administrators write it (``dd/MM/yyyy HH:mm``, ``dd/MMM/yy h:mm a``).

**Month names in other languages.** A Jira whose users see German writes ``22/Mär/14``, a French one
``10/oct./16`` or ``06/août/15``. Month names are matched here (:data:`MONTH_NAMES`), not with
``strptime('%b')``, which follows the process locale: ``locale="de"`` reads German names (English ones always
read), and without a locale the column's names pick the one language that reads them all.

A time without a zone is read in ``tz`` (UTC unless the caller says otherwise: Jira and Azure export in the
exporting user's zone and do not say which).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone, tzinfo

# Full month names; an abbreviation is any unambiguous prefix of three letters or more ("Mär", "oct.", "févr.",
# "Sept."), plus the irregular ones in ABBREVIATIONS. Names are compared without accents and case.
MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "pl": "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
}
ABBREVIATIONS = {"nl": {"mrt": 3}, "de": {"mrz": 3}, "fr": {"fevr": 2, "juil": 7}, "es": {"set": 9},
                 "pl": {"sty": 1, "lut": 2, "kwi": 4, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paz": 10, "lis": 11,
                        "gru": 12}}
LOCALES = tuple(MONTH_NAMES)

_TIME = r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?"
_MON = r"(?P<mon>[^\W\d_]{3,10}\.?)"
STYLES = {
    # name: (pattern, example shown in messages); "us" and "dmy" read the same shapes, one or the other per column
    "iso": (None, "2024-03-12T09:15:00Z"),
    "jira": (re.compile(r"(?P<d>\d{1,2})[/ -]" + _MON + r"[/ -](?P<y>\d{2}|\d{4})" + _TIME), "12/Mar/24 9:15 AM"),
    "dmy": (re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME), "16/02/2017 15:26"),
    "us": (re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME), "3/12/2024 9:15 AM"),
    "dotted": (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})" + _TIME), "12.03.2024 09:15"),
    "named": (re.compile(r"(?:[^\W\d_]{2,9}\.?,?\s+)?" + r"(?P<d>\d{1,2})\.?\s+" + _MON + r",?\s+(?P<y>\d{4})" + _TIME),
              "12 March 2024 09:15"),
}
JIRA = ("jira", "iso", "dmy", "us", "dotted", "named")
AZURE = ("us", "iso", "dmy", "dotted", "jira")
GITHUB = ("iso",)
ANY = ("iso", "jira", "dmy", "us", "dotted", "named")
ONE_OF = {"dmy", "us"}  # read the same shapes: a column uses one of them, never both


class DateProblem(ValueError):
    """The value is not a date in any of the expected styles."""


class AmbiguousDates(ValueError):
    """Every ``a/b/y`` date in the file reads both day-first and month-first: the order must be given."""

    def __init__(self, examples: list[str]):
        super().__init__(examples)
        self.examples = examples

    def formats(self) -> tuple[str, str]:
        """The month-first and day-first formats matching the values' shape (year digits, clock, seconds)."""
        return suggest(self.examples[0], month_first=True), suggest(self.examples[0], month_first=False)


_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")


def order_evidence(values) -> tuple[int, int]:
    """How many ``a/b/y`` values prove day-first (a > 12) and how many prove month-first (b > 12)."""
    day = month = 0
    for v in values:
        m = _SLASH.match((v or "").strip())
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day += a > 12 >= b
            month += b > 12 >= a
    return day, month


def suggest(value: str, month_first: bool) -> str:
    """A strftime format for ``value``'s shape, in the given order: ``3/15/24 9:04 AM`` → ``%m/%d/%y %I:%M %p``."""
    m = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(.*)$", value or "")
    year = "%Y" if m and len(m.group(3)) == 4 else "%y"
    rest = m.group(4) if m else ""
    clock = ""
    t = re.search(r"\d{1,2}[:.]\d{2}([:.]\d{2})?\s*([AaPp]\.?\s?[Mm])?", rest)
    if t:
        clock = (" %I:%M" if t.group(2) else " %H:%M") + (":%S" if t.group(1) else "") + (" %p" if t.group(2) else "")
    return ("%m/%d/" if month_first else "%d/%m/") + year + clock


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower().rstrip("."))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).replace("ß", "ss")


def month_number(name: str, locale: str | None = None) -> int | None:
    """1–12 for a month name or abbreviation in English or ``locale`` (every known language when None)."""
    token = _fold(name)
    if len(token) < 3:
        return None
    langs = ["en"] + ([locale] if locale else [lang for lang in LOCALES if lang != "en"])
    for lang in langs:
        found = _month_in(token, lang)
        if found:
            return found
    return None


def _month_in(token: str, lang: str) -> int | None:
    if token in ABBREVIATIONS.get(lang, {}):
        return ABBREVIATIONS[lang][token]
    hits = {n for n, full in enumerate(MONTH_NAMES[lang].split(), start=1) if _fold(full).startswith(token)}
    return hits.pop() if len(hits) == 1 else None


def locales_reading(names: set[str]) -> list[str]:
    """The languages (other than English) in which every one of ``names`` is a month."""
    return [lang for lang in LOCALES if lang != "en"
            and all(_month_in(_fold(n), "en") or _month_in(_fold(n), lang) for n in names)]


def expected(styles: tuple[str, ...]) -> str:
    """The styles as examples, for an error message."""
    return ", ".join(STYLES[s][1] for s in styles if s in STYLES)


def _build(g: dict, locale: str | None) -> datetime:
    year = int(g["y"])
    if year < 100:
        year += 2000 if year < 69 else 1900
    month = month_number(g["mon"], locale) if g.get("mon") else int(g["m"])
    if month is None:
        raise ValueError("month")
    hour, minute, second = int(g.get("H") or 0), int(g.get("M") or 0), int(g.get("S") or 0)
    if g.get("ampm"):
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if g["ampm"][0] in "Pp" else 0)
    return datetime(year, month, int(g["d"]), hour, minute, second)


def _read(v: str, style: str, locale: str | None):
    if style == "iso":
        if not re.match(r"\d{4}-\d{2}-\d{2}", v):
            return None
        return datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v)
    m = STYLES[style][0].fullmatch(v)
    return _build(m.groupdict(), locale) if m else None


def parse_date(value: str, styles: tuple[str, ...] = ANY, tz: tzinfo = timezone.utc,
               locale: str | None = None) -> datetime | None:
    """A timezone-aware datetime, or None for an empty cell; :class:`DateProblem` for anything else.

    For one value on its own the first style that reads it wins; a column is better read with :class:`DateReader`.
    """
    v = (value or "").strip()
    if not v:
        return None
    for style in styles:
        try:
            d = _read(v, style, locale)
        except ValueError:  # right shape, impossible value (31/Feb, 13th month, 25 PM)
            continue
        if d is not None:
            return d if d.tzinfo else d.replace(tzinfo=tz)
    raise DateProblem(v)


# --- a given format: strftime style, or Java's (what a Jira administrator sets) -------------------------------------
_JAVA = [("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("M", "%m"), ("dd", "%d"),
         ("d", "%d"), ("HH", "%H"), ("H", "%H"), ("hh", "%I"), ("h", "%I"), ("mm", "%M"), ("ss", "%S"), ("a", "%p")]
_DIRECTIVES = {"%Y": r"(?P<y>\d{4})", "%y": r"(?P<y>\d{2})", "%m": r"(?P<m>\d{1,2})", "%d": r"(?P<d>\d{1,2})",
               "%b": _MON, "%B": _MON, "%H": r"(?P<H>\d{1,2})", "%I": r"(?P<H>\d{1,2})", "%M": r"(?P<M>\d{2})",
               "%S": r"(?P<S>\d{2})", "%p": r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)", "%z": r"(?P<z>Z|[+-]\d{2}:?\d{2})",
               "%%": "%"}


def compile_format(fmt: str) -> re.Pattern:
    """A regular expression for a date format (``%d/%m/%Y %H:%M`` or ``dd/MM/yyyy HH:mm``); ValueError if unusable."""
    if "%" not in fmt:
        out, i = [], 0
        while i < len(fmt):
            for java, strf in _JAVA:
                if fmt.startswith(java, i):
                    out.append(strf)
                    i += len(java)
                    break
            else:
                out.append(fmt[i].replace("%", "%%"))
                i += 1
        fmt = "".join(out)
    parts, pos = [], 0
    for m in re.finditer(r"%.", fmt):
        parts.append(re.escape(fmt[pos:m.start()]).replace(r"\ ", r"\s+"))
        if m.group() not in _DIRECTIVES:
            raise ValueError(f"{m.group()} is not a date directive shiplab reads (use %d %m %b %Y %y %H %I %M %S %p)")
        parts.append(_DIRECTIVES[m.group()])
        pos = m.end()
    parts.append(re.escape(fmt[pos:]).replace(r"\ ", r"\s+"))
    try:
        rx = re.compile("".join(parts))
    except re.error as exc:  # a directive used twice
        raise ValueError(f"the format names a part twice ({exc})") from None
    if not {"y", "d"} <= set(rx.groupindex) or not {"m", "mon"} & set(rx.groupindex):
        raise ValueError("the format needs a day, a month and a year")
    return rx


class DateReader:
    """Reads one column's dates in one style, chosen from all of the column's values (see the module docstring).

    ``styles`` are the candidates in the tool's order of habit; ``date_format`` replaces them (ISO still reads);
    ``locale`` names the month names' language (None: English, or the one language that reads every name).
    """

    def __init__(self, values: list[str], styles: tuple[str, ...] = ANY, tz: tzinfo = timezone.utc,
                 date_format: str | None = None, locale: str | None = None, related: list[str] = (),
                 ambiguous: str = "refuse"):
        self.tz, self.locale = tz, locale
        self.format = date_format
        self.pattern = compile_format(date_format) if date_format else None
        values = [v.strip() for v in values if v and v.strip()]
        self.detected_locale = None
        self.other_styles: dict[str, int] = {}  # values read in another style than the column's, by style
        self.evidence = order_evidence(list(values) + list(related))  # (day-first, month-first) proofs
        self.ambiguous, self.guessed_order = ambiguous, None  # "habit": the tool's order, noted in guessed_order
        if self.pattern is not None:
            self.styles = ("given", "iso")
        else:
            self.styles = self._choose(values, styles)
        if locale is None:
            names = {m.group("mon") for v in values for s in self.styles if s not in ("iso", "given")
                     for m in [STYLES[s][0].fullmatch(v)] if m and m.groupdict().get("mon")}
            if self.pattern is not None:
                names |= {m.group("mon") for v in values for m in [self.pattern.fullmatch(v)]
                          if m and m.groupdict().get("mon")}
            foreign = {n for n in names if not _month_in(_fold(n), "en")}
            langs = locales_reading(foreign) if foreign else []
            self.locale = langs[0] if len(langs) == 1 else None
            self.detected_locale = self.locale

    def _choose(self, values: list[str], styles: tuple[str, ...]) -> tuple[str, ...]:
        counts = {s: sum(1 for v in values if self._try(v, s) is not None) for s in styles}
        pair = [s for s in styles if s in ONE_OF]
        if len(pair) == 2:  # the order the file's own values prove; none: refused, unless a minority in the column
            day, month = self.evidence
            if day != month:
                drop = "us" if day > month else "dmy"
            elif day:  # as many proofs each way: the tool's habit, and the values that contradict it fail
                drop = pair[1]
            else:
                slash = [v for v in values if (m := _SLASH.match(v)) and max(int(m[1]), int(m[2])) <= 12]
                others = max((counts[s] for s in styles if s not in ONE_OF), default=0)
                if slash and len(slash) > others:
                    if self.ambiguous != "habit":
                        raise AmbiguousDates(slash[:3])
                    self.guessed_order = ("month" if pair[0] == "us" else "day", slash[0])
                drop = pair[1]  # the tool's habit: a stray value among another style's, or told to (noted)
            styles = tuple(s for s in styles if s != drop)
        # the column's own style first (most values read), then the tool's habit
        return tuple(sorted(styles, key=lambda s: -counts[s]))

    def _try(self, v: str, style: str):
        try:
            if style == "given":
                m = self.pattern.fullmatch(v)
                if not m:
                    return None
                g = m.groupdict()
                d = _build(g, self.locale)
                if g.get("z"):
                    d = datetime.fromisoformat(d.isoformat() + (g["z"] if g["z"] != "Z" else "+00:00"))
                return d
            return _read(v, style, self.locale)
        except ValueError:
            return None

    def read(self, value: str) -> datetime | None:
        """The value as a timezone-aware datetime, None when empty; :class:`DateProblem` otherwise."""
        v = (value or "").strip()
        if not v:
            return None
        for n, style in enumerate(self.styles):
            d = self._try(v, style)
            if d is not None:
                if n and style != "iso":
                    self.other_styles[style] = self.other_styles.get(style, 0) + 1
                return d if d.tzinfo else d.replace(tzinfo=self.tz)
        raise DateProblem(v)

    def hint(self, value: str) -> str:
        """How to fix an unreadable ``value``: the format for its shape in the order this file's dates prove."""
        day, month = self.evidence
        if _SLASH.match((value or "").strip()) or re.match(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", value or ""):
            fmt = suggest(value, month_first=month > day)
            return (f"correct the value, or say how the export writes dates: --date-format '{fmt}' (or "
                    f"date_format: '{fmt}' in ~/backlog/mapping.yaml).")
        return DATE_HINT

    def message(self, value: str) -> str:
        """Why ``value`` could not be read, with the styles this column expects."""
        if self.format:
            return f"cannot read the date {value!r} with the format {self.format!r}."
        shown = expected(tuple(s for s in self.styles if s != "named")[:2])
        return f"cannot read the date {value!r} (expected a date like {shown})."


DATE_HINT = ("correct the value, or say how the export writes dates: --date-format '%d/%m/%Y %H:%M' (or "
             "'date_format: dd/MMM/yy h:mm a' in ~/backlog/mapping.yaml); month names in another language: "
             "--locale de (fr, es, it, nl, pt, pl, sv, da).")


def date_message(value: str, styles: tuple[str, ...]) -> str:
    return f"cannot read the date {value!r} (expected a date like {expected(styles)})."
