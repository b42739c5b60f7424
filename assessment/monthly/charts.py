"""Small inline SVG charts rendered on the server (no JavaScript, no CDN)."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

COLORS = ["#1f5fa8", "#c0392b", "#1e8449", "#d68910"]


def line_chart(labels, series, *, width=640, height=220, top=100):
    """series: [(name, [value or None, ...])]; values in 0..top (rates and scores in percent)."""
    left, bottom, pad, legend = 40, 30, 10, 24  # the legend has its own band above the plot
    plot_w, plot_h = width - left - pad, height - bottom - pad - legend
    step = plot_w / max(len(labels) - 1, 1)
    pad += legend
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="月度趋势图">']
    for tick in range(0, top + 1, 25):
        y = pad + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#e3e7eb"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    for i, text in enumerate(labels):
        parts.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" text-anchor="middle" font-size="11">'
                     f'{escape(text)}</text>')
    for index, (name, values) in enumerate(series):
        color = COLORS[index % len(COLORS)]
        points = [(left + i * step, pad + plot_h - plot_h * float(v) / top) for i, v in enumerate(values)
                  if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
            parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points)
        parts.append(f'<text x="{left + 8 + index * 110}" y="{pad - legend + 6}" font-size="12" '
                     f'fill="{color}">■ {escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def bar_chart(items, *, width=640, bar=20):
    """items: [(label, count)] as horizontal bars, largest scale first."""
    if not items:
        return format_html('<p class="muted">暂无数据</p>')
    label_w, pad = 150, 60
    biggest = max(count for _, count in items) or 1
    height = len(items) * (bar + 6) + 6
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="工单量柱状图">']
    for i, (text, count) in enumerate(items):
        y = 6 + i * (bar + 6)
        length = (width - label_w - pad) * count / biggest
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 6}" text-anchor="end" font-size="12">{escape(text)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" fill="{COLORS[0]}"/>'
                     f'<text x="{label_w + length + 4:.1f}" y="{y + bar - 6}" font-size="12">{count}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above
