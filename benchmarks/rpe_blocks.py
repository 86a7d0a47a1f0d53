#!/usr/bin/env python3
"""RPE at the CS and at the US per block of training trials, from a Pavlovian bench run.

Usage: benchmarks/rpe_blocks.py OUT/runs/NAME   (the directory holding seed-*/signals.csv, recorded
with record = ["rpe"]). Prints, per (block, condition, epoch), the median and interquartile range
over seeds of each seed's mean RPE in that block.
"""
import collections
import csv
import glob
import statistics
import sys

BLOCKS = [(0, 1, "trial 1"), (1, 100, "trials 2-100"), (100, 500, "trials 101-500"), (900, 1000, "trials 901-1000")]


def block_of(episode):
    for lo, hi, name in BLOCKS:
        if lo <= episode < hi:
            return name
    return None


def quartiles(v):
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return q[0], statistics.median(v), q[2]


per_seed = collections.defaultdict(list)
for path in sorted(glob.glob(sys.argv[1] + "/seed-*/signals.csv")):
    sums = collections.defaultdict(list)
    for row in csv.DictReader(open(path)):
        block = block_of(int(row["episode"]))
        if block and row["epoch"] in ("cs", "us"):
            sums[(block, row["condition"], row["epoch"])].append(float(row["rpe"]))
    for key, values in sums.items():
        per_seed[key].append(sum(values) / len(values))

order = {name: i for i, (_, _, name) in enumerate(BLOCKS)}
print("| block | condition | epoch | seeds | RPE median [IQR] |\n|---|---|---|---|---|")
for key in sorted(per_seed, key=lambda k: (order[k[0]], k[1], k[2])):
    lo, med, hi = quartiles(per_seed[key])
    print(f"| {key[0]} | {key[1]} | {key[2]} | {len(per_seed[key])} | {med:.3f} [{lo:.3f}, {hi:.3f}] |")
