"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, every label escaped.

:func:`team_bars` shows the share shipped within 60 days per team; :func:`shipped_curve` the cumulative share of
plans shipped by each day after the workshop, with the check-in days marked; :func:`metric_series` one plan's
metric — baseline → target → the readings over time, the ship date marked.
"""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

from shiplab.tracker.models import DUE_DAYS
from shiplab.tracker.figurebook import Figures
from shiplab.tracker.rules import MAX_VALUE


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def team_bars(figs: Figures, width: int = 560, bar: int = 22) -> Markup:
    teams = list(figs.by_team.items())
    if not teams:
        return Markup('<p class="muted">No plans yet.</p>')
    label_w, gap = 140, 8
    height = len(teams) * (bar + gap) + 24
    span = width - label_w - 60
    parts = [f'<svg class="chart" role="img" aria-label="Share shipped within 60 days per team" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (team, g) in enumerate(teams):
        y = i * (bar + gap) + 4
        share = g.share_within_60 or 0.0
        parts.append(f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(team)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{span}" height="{bar}" class="track"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{span * share:.1f}" height="{bar}" class="bar">'
                     f'<title>{escape(team)}: {g.shipped_within_60} of {g.plans - g.killed + g.killed_after_60}</title></rect>')
        parts.append(f'<text x="{label_w + span + 6}" y="{y + bar * 0.7:.1f}">{_pct(g.share_within_60)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def shipped_curve(curve: list[int], eligible: int, width: int = 560, height: int = 220) -> Markup:
    left, bottom, top, right = 40, 24, 10, 28
    w, h = width - left - right, height - top - bottom
    days = len(curve) - 1
    denom = max(eligible, 1)

    def xy(d: int, n: int) -> str:
        return f"{left + w * d / days:.1f},{top + h * (1 - n / denom):.1f}"

    points = " ".join(xy(d, n) for d, n in enumerate(curve))
    parts = [f'<svg class="chart" role="img" aria-label="Cumulative share shipped by day after the workshop" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" class="axis"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">100%</text>',
             f'<text x="{left - 4}" y="{top + h}" text-anchor="end">0%</text>']
    for d in (0, *DUE_DAYS):
        x = left + w * d / days
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + h}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">day {d}</text>')
    parts.append(f'<polyline points="{points}" class="curve"><title>{curve[-1]} of {eligible} shipped by day '
                 f'{days}</title></polyline></svg>')
    return Markup("".join(parts))


def _num(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e6 else f"{x:.3g}"


def metric_series(readings: list[tuple[dt.date, float]], baseline: float | None, target: float | None,
                  shipped_on: dt.date | None, metric: str, unit: str = "", width: int = 560,
                  height: int = 220) -> Markup:
    """The plan's metric: baseline and target as dashed lines, the readings as a line over their dates, and the
    ship date marked. Values outside ±1e12 never reach here (refused on the way in; left out if stored)."""
    values = [v for _d, v in readings if math.isfinite(v) and abs(v) <= MAX_VALUE]
    points = [(d, v) for d, v in readings if math.isfinite(v) and abs(v) <= MAX_VALUE]
    refs = [x for x in (baseline, target) if x is not None and math.isfinite(x) and abs(x) <= MAX_VALUE]
    if not points:
        return Markup('<p class="muted">No readings yet.</p>')
    lo, hi = min(values + refs), max(values + refs)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    first, last = points[0][0], points[-1][0]
    if shipped_on is not None:
        first, last = min(first, shipped_on), max(last, shipped_on)
    span_days = max((last - first).days, 1)
    left, right, top, bottom = 64, 90, 10, 24
    w, h = width - left - right, height - top - bottom

    def x(d: dt.date) -> float:
        return left + w * (d - first).days / span_days

    def y(v: float) -> float:
        return top + h * (1 - (v - lo) / (hi - lo))

    label = escape(f"{metric} ({unit})" if unit else metric)
    parts = [f'<svg class="chart metric" role="img" aria-label="{label}: baseline, target and readings" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" class="axis"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{escape(_num(hi))}</text>',
             f'<text x="{left - 4}" y="{top + h}" text-anchor="end">{escape(_num(lo))}</text>',
             f'<text x="{left}" y="{height - 6}">{first.isoformat()}</text>',
             f'<text x="{left + w}" y="{height - 6}" text-anchor="end">{last.isoformat()}</text>']
    for name, value, css in (("baseline", baseline, "baseline"), ("target", target, "target")):
        if value is not None and value in refs:
            parts.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + w}" y2="{y(value):.1f}" class="{css}">'
                         f'<title>{name} {escape(_num(value))}</title></line>')
            parts.append(f'<text x="{left + w + 4}" y="{y(value) + 4:.1f}" class="{css}-label">{name} '
                         f'{escape(_num(value))}</text>')
    if shipped_on is not None:
        parts.append(f'<line x1="{x(shipped_on):.1f}" y1="{top}" x2="{x(shipped_on):.1f}" y2="{top + h}" '
                     f'class="grid shipped"><title>shipped {shipped_on.isoformat()}</title></line>')
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline points="{line}" class="curve series"><title>{len(points)} readings, last '
                 f'{escape(_num(points[-1][1]))} on {points[-1][0].isoformat()}</title></polyline>')
    for d, v in points[-60:]:
        parts.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="2.5" class="point"><title>{d.isoformat()}: '
                     f'{escape(_num(v))}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
