"""How an export is read (:class:`ReadOptions`) and what reading it gave (:class:`ReadResult`).

Every importer takes the same options: the zone of times that carry none, the date format and the language of month
names when the column alone cannot tell, and whether bad rows refuse the file (the graded path, the default) or are
left out and reported (a participant exploring their own export). Besides the items, a :class:`ReadResult` keeps the
problems of the rows left out and notes on everything else that did not become an item (blank rows, a footer line,
pull requests in a GitHub export), so nothing disappears without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone, tzinfo

from shiplab.data.errors import ImportProblem, Problem


@dataclass(frozen=True)
class ReadOptions:
    tz: tzinfo = timezone.utc
    date_format: str | None = None  # strftime (%d/%m/%Y %H:%M) or Jira's own (dd/MM/yyyy HH:mm) style
    locale: str | None = None  # the language of month names (de, fr, …); None: English or told from the column
    skip_bad: bool = False  # leave out (and report) bad rows instead of refusing the file


@dataclass
class ReadResult:
    items: list
    skipped: list[Problem] = field(default_factory=list)  # the problems of the rows left out (skip_bad)
    notes: list[str] = field(default_factory=list)  # what else was not imported, or was read by a guess, and why


def date_reader(values: list[str], styles, options: ReadOptions, file: str, column: str | None,
                related: list[str] = (), ambiguous: str = "refuse"):
    """A :class:`~shiplab.data.dates.DateReader` for a column (``related``: the file's other date values, evidence
    of day-first or month-first); a date format that cannot be used, or dates that read both ways, refuse the file."""
    from shiplab.data import dates

    if options.locale and options.locale not in dates.LOCALES:
        raise ImportProblem(f"unknown language {options.locale!r} for month names.", file=file,
                            hint=f"use one of {', '.join(dates.LOCALES)}.")
    try:
        return dates.DateReader(values, styles, options.tz, options.date_format, options.locale, related, ambiguous)
    except dates.AmbiguousDates as exc:
        us, eu = exc.formats()
        shown = ", ".join(repr(v) for v in exc.examples)
        raise ImportProblem(f"cannot tell whether the dates ({shown} …) are month-first or day-first: no date in the "
                            "file has a day above 12 that would settle it.", file=file, column=column,
                            hint=f"say which: --date-format '{us}' (month first, as in the US) or --date-format "
                                 f"'{eu}' (day first); in ~/backlog/mapping.yaml: date_format: '{us}'") from None
    except ValueError as exc:
        raise ImportProblem(f"cannot use the date format {options.date_format!r}: {exc}.", file=file, column=column,
                            hint="write it like '%d/%m/%Y %H:%M' or 'dd/MMM/yy h:mm a'.") from None
