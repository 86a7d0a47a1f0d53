#!/usr/bin/env python3
"""Learning curves of `sgym bench` runs as an SVG (no plotting library needed).

Usage: benchmarks/learning_curves.py OUT.svg TITLE MEASURE BLOCK OUTDIR/runs/NAME[=LABEL] ...
MEASURE is `accuracy` or `return` (per training episode, from seed-*/episodes.jsonl); BLOCK is the number
of episodes per point. Each run is drawn as the median over seeds (line) and the interquartile range
(band), against training episodes.
"""
import glob
import json
import statistics
import sys

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def curve(run_dir, measure, block):
    per_seed = []
    for path in sorted(glob.glob(run_dir + "/seed-*/episodes.jsonl")):
        rows = [json.loads(line) for line in open(path)]
        values = [(r[measure] or 0.0) for r in rows if r["phase"] == "train"]
        per_seed.append([statistics.mean(values[i:i + block]) for i in range(0, len(values) - block + 1, block)])
    n = min(len(c) for c in per_seed)
    points = []
    for i in range(n):
        v = sorted(c[i] for c in per_seed)
        q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
        points.append(((i + 1) * block, q[0], statistics.median(v), q[2]))
    return points, len(per_seed)


def main():
    out, title, measure, block = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    series = []
    for arg in sys.argv[5:]:
        path, _, label = arg.partition("=")
        points, seeds = curve(path, measure, block)
        series.append((label or path.rstrip("/").split("/")[-1], points, seeds))
    xs = [p[0] for _, pts, _ in series for p in pts]
    ys = [y for _, pts, _ in series for p in pts for y in p[1:]]
    x0, x1 = 0, max(xs)
    y0, y1 = min(ys + [0.0]), max(ys + [1.0 if measure == "accuracy" else max(ys)])
    if y1 == y0:
        y1 = y0 + 1
    w, h, left, right, top, bottom = 640, 400, 70, 160, 40, 50
    sx = lambda x: left + (x - x0) / (x1 - x0) * (w - left - right)
    sy = lambda y: h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2 - 60}" y="20" font-size="14">{title}</text>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>',
           f'<text x="{(left + w - right) / 2 - 50}" y="{h - 12}">training episodes</text>',
           f'<text x="12" y="{top - 10}">{measure} (median, IQR)</text>']
    for k in range(5):
        yv = y0 + k * (y1 - y0) / 4
        xv = x0 + k * (x1 - x0) / 4
        svg.append(f'<text x="{left - 50}" y="{sy(yv) + 4:.1f}">{yv:.2f}</text>')
        svg.append(f'<text x="{sx(xv) - 10:.1f}" y="{h - bottom + 16}">{xv:.0f}</text>')
    for i, (label, pts, seeds) in enumerate(series):
        c = COLOURS[i % len(COLOURS)]
        band = [f"{sx(x):.1f},{sy(q3):.1f}" for x, _, _, q3 in pts] + [f"{sx(x):.1f},{sy(q1):.1f}" for x, q1, _, _ in reversed(pts)]
        svg.append(f'<polygon points="{" ".join(band)}" fill="{c}" fill-opacity="0.2" stroke="none"/>')
        line = " ".join(f"{sx(x):.1f},{sy(m):.1f}" for x, _, m, _ in pts)
        svg.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="2"/>')
        svg.append(f'<text x="{w - right + 10}" y="{top + 20 + 18 * i}" fill="{c}">{label} ({seeds} seeds)</text>')
    svg.append("</svg>")
    open(out, "w").write("\n".join(svg) + "\n")


main()
