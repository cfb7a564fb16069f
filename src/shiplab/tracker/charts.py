"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, every label escaped.

:func:`team_bars` shows the share shipped within 60 days per team; :func:`shipped_curve` the cumulative share of
plans shipped by each day after the workshop, with the check-in days marked.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from shiplab.tracker.models import DUE_DAYS
from shiplab.tracker.rules import Figures


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
                     f'<title>{escape(team)}: {g.shipped_within_60} of {g.plans - g.killed}</title></rect>')
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
