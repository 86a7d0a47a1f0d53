#!/usr/bin/env python3
"""Cumulative fraction of AuGMEnT networks that have converged (criterion + greedy check) against
trials, from the per-network CSV files (networks.csv) of `sgym experiment augment-saccade`. Writes an SVG without any
plotting library.

    plot_saccade_convergence.py OUT.svg LABEL=FILE.csv [LABEL=FILE.csv ...]
"""
import csv
import sys

W, H = 640, 400
L, R, T, B = 70, 20, 30, 60
CAP = 25000
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def x_of(trials):
    return L + (W - L - R) * trials / CAP


def y_of(frac):
    return T + (H - T - B) * (1.0 - frac)


def main():
    out, series = sys.argv[1], sys.argv[2:]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>']
    # axes, grid and ticks
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(f)
        parts.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{L - 8}" y="{y + 4:.1f}" text-anchor="end">{int(f * 100)} %</text>')
    for t in range(0, CAP + 1, 5000):
        x = x_of(t)
        parts.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{H - B + 18}" text-anchor="middle">{t}</text>')
    parts.append(f'<text x="{(L + W - R) / 2}" y="{H - 15}" text-anchor="middle">trials to criterion (90 % over the last 50 of each type, then greedy check)</text>')
    parts.append(f'<text x="16" y="{(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 {(T + H - B) / 2})">networks converged</text>')
    parts.append(f'<text x="{L}" y="18">AuGMEnT on SaccadeAntisaccade-v0: cumulative fraction of networks converged</text>')
    for i, item in enumerate(series):
        label, path = item.split("=", 1)
        with open(path) as f:
            rows = list(csv.DictReader(f))
        n = len(rows)
        trials = sorted(int(r["trials"]) for r in rows if r["converged"] == "1")
        # the cumulative fraction sampled every 100 trials
        pts, k = [], 0
        for t in range(0, CAP + 1, 100):
            while k < len(trials) and trials[k] <= t:
                k += 1
            pts.append((x_of(t), y_of(k / n)))
        c = COLOURS[i % len(COLOURS)]
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="1.8"/>')
        parts.append(f'<text x="{W - R - 8}" y="{y_of(len(trials) / n) - 6:.1f}" text-anchor="end" fill="{c}">'
                     f'{label}: {100.0 * len(trials) / n:.1f} % of {n}</text>')
    parts.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
