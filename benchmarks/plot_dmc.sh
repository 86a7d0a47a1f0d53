#!/bin/sh
# Draws benchmarks/results/augment-dmc.svg from the CSV files of `sgym experiment augment-dmc --out DIR`:
# left, greedy accuracy against the sample's angular distance from the category boundary (median and
# interquartile range over networks), with the learning curve before it; right, the distribution of the memory units' delay-epoch
# category tuning index (trained vs initial units, shuffled labels, after retraining).
#
#   benchmarks/plot_dmc.sh DIR OUT.svg
set -eu
dir=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# summaries for gnuplot: distance.dat (distance, then median q1 q3 per condition), cti.dat (bin centre,
# fraction of units per condition)
python3 - "$dir" "$tmp" <<'EOF'
import csv, sys

src, tmp = sys.argv[1], sys.argv[2]


def quantile(v, q):
    v = sorted(v)
    h = q * (len(v) - 1)
    lo = int(h)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


rows = list(csv.DictReader(open(f"{src}/distance.csv")))
with open(f"{tmp}/distance.dat", "w") as f:
    for d in ("15", "45", "75"):
        out = [d]
        for key in ("during", "after_phase1", "after_retraining"):
            v = [100 * float(r[key]) for r in rows if r["distance_deg"] == d and r[key] != "nan"]
            out += [f"{quantile(v, q):.2f}" for q in (0.5, 0.25, 0.75)]
        f.write(" ".join(out) + "\n")

series = [("initial", "45°"), ("after phase 1", "45°"),
          ("after phase 1", "shuffled (one random 6/6 split of the directions per unit)"),
          ("after retraining", "135°")]
values = {s: [] for s in series}
for r in csv.reader(open(f"{src}/cti.csv")):
    if len(r) == 5 and r[0] == "memory" and r[1].strip() == "delay" and (r[2], r[3]) in values:
        values[(r[2], r[3])].append(float(r[4]))
width = 0.1
with open(f"{tmp}/cti.dat", "w") as f:
    for b in range(20):
        lo = -1.0 + b * width
        line = [f"{lo + width / 2:.2f}"]
        for s in series:
            v = values[s]
            n = sum(1 for x in v if lo <= x < lo + width or (b == 19 and x == 1.0))
            line.append(f"{n / len(v):.4f}")
        f.write(" ".join(line) + "\n")
print("units per CTI series:", [len(values[s]) for s in series])

rows = list(csv.reader(open(f"{src}/curve.csv")))[1:]
with open(f"{tmp}/curve.dat", "w") as f:
    for r in rows:
        v = [100 * float(x) for x in r[1:]]
        f.write(f"{r[0]} {quantile(v, 0.5):.2f} {quantile(v, 0.25):.2f} {quantile(v, 0.75):.2f}\n")
EOF

gnuplot <<EOF
set terminal svg size 1440,420 font "sans,12" background rgb "white"
set output "$out"
set multiplot layout 1,3
set title "Learning: greedy accuracy (boundary 45°, then 135°)"
set xlabel "training trials (thousands)"
set ylabel "correct (%), median and IQR over networks"
set yrange [0:102]
set key bottom right
set grid ytics
plot "$tmp/curve.dat" using (\$1/1000):3:4 with filledcurves lc rgb "#c6dbef" title "IQR", \
     "" using (\$1/1000):2 with lines lw 2 lc rgb "#1f77b4" title "median", \
     50 with lines dashtype 2 lc rgb "#888888" title "chance"
set title "Greedy accuracy vs the sample's distance from the boundary"
set xlabel "angular distance of the sample from the boundary (deg)"
set ylabel "correct (%), median and IQR over networks"
set xrange [0:90]
set yrange [40:102]
set xtics (15, 45, 75)
set key bottom right
set grid ytics
plot 50 with lines dashtype 2 lc rgb "#888888" title "chance", \
     "$tmp/distance.dat" using (\$1-2):2:3:4 with yerrorlines lc rgb "#2ca02c" pt 7 title "during learning (first probe >= 70 %)", \
     "" using 1:5:6:7 with yerrorlines lc rgb "#1f77b4" pt 7 title "after training, boundary 45°", \
     "" using (\$1+2):8:9:10 with yerrorlines lc rgb "#d62728" pt 7 title "after retraining, boundary 135°"
set title "Memory units, delay epoch: category tuning index"
set xlabel "CTI = (BCD - WCD) / (BCD + WCD)"
set ylabel "fraction of units"
set xrange [-1:1]
set yrange [0:0.7]
set xtics -1,0.5,1
set key top left
plot "$tmp/cti.dat" using 1:2 with histeps lw 2 lc rgb "#888888" title "initial (45° labels)", \
     "" using 1:4 with histeps lw 2 dashtype 3 lc rgb "#9467bd" title "trained, shuffled labels", \
     "" using 1:3 with histeps lw 2 lc rgb "#1f77b4" title "trained, boundary 45°", \
     "" using 1:5 with histeps lw 2 lc rgb "#d62728" title "retrained, boundary 135°"
unset multiplot
EOF
