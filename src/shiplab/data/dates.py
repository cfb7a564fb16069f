"""Dates as the tools write them, read into timezone-aware datetimes — without depending on the machine's locale.

Each tool has its own style: Jira ``12/Mar/24 9:15 AM``, Azure DevOps (US) ``3/12/2024 9:15 AM``, GitHub ISO-8601
``2024-03-12T09:15:00Z``. Every importer also accepts ISO-8601. A time without a zone is read in ``tz`` (UTC unless
the caller says otherwise: Jira and Azure export in the exporting user's zone and do not say which).

Month names and AM/PM are matched here rather than with ``strptime('%b %p')``, which follows the process locale and
would reject ``Mar`` on a German-configured server.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), start=1)}
_TIME = r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
STYLES = {
    # name: (pattern, example shown in messages)
    "iso": (None, "2024-03-12T09:15:00Z"),
    "jira": (re.compile(r"(?P<d>\d{1,2})/(?P<mon>[A-Za-z]{3})/(?P<y>\d{2}|\d{4})" + _TIME), "12/Mar/24 9:15 AM"),
    "us": (re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})" + _TIME), "3/12/2024 9:15 AM"),
    "dotted": (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME), "12.03.2024 09:15"),
}
JIRA = ("jira", "iso")
AZURE = ("us", "iso")
GITHUB = ("iso",)
ANY = ("iso", "jira", "us", "dotted")


class DateProblem(ValueError):
    """The value is not a date in any of the expected styles."""


def expected(styles: tuple[str, ...]) -> str:
    """The styles as examples, for an error message."""
    return ", ".join(STYLES[s][1] for s in styles)


def _from_match(m: re.Match) -> datetime:
    g = m.groupdict()
    year = int(g["y"])
    if year < 100:
        year += 2000 if year < 69 else 1900
    month = MONTHS.get(g["mon"].lower()) if g.get("mon") else int(g["m"])
    if month is None:
        raise ValueError("month")
    hour, minute, second = int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0)
    if g["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if g["ampm"][0] in "Pp" else 0)
    return datetime(year, month, int(g["d"]), hour, minute, second)


def parse_date(value: str, styles: tuple[str, ...] = ANY, tz: tzinfo = timezone.utc) -> datetime | None:
    """A timezone-aware datetime, or None for an empty cell; :class:`DateProblem` for anything else."""
    v = (value or "").strip()
    if not v:
        return None
    for style in styles:
        pattern = STYLES[style][0]
        try:
            if pattern is None:
                if not re.match(r"\d{4}-\d{2}-\d{2}", v):
                    continue
                d = datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v)
            else:
                m = pattern.fullmatch(v)
                if not m:
                    continue
                d = _from_match(m)
        except ValueError:  # right shape, impossible value (31/Feb, 13th month, 25 PM)
            continue
        return d if d.tzinfo else d.replace(tzinfo=tz)
    raise DateProblem(v)


def date_message(value: str, styles: tuple[str, ...]) -> str:
    return f"cannot read the date {value!r} (expected a date like {expected(styles)})."
