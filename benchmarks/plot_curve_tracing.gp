# Accuracy vs target-curve length, recurrent vs feedforward augment-recurrent (median and IQR over
# seeds), from the CSV written by `sgym_curve_tracing --csv`:
#   gnuplot -e "csv='/tmp/ct.csv'; out='benchmarks/results/curve-tracing.svg'; trained=9" benchmarks/plot_curve_tracing.gp
set terminal svg size 720,440 font "Helvetica,13" background rgb "white"
set output out
set xlabel "target-curve length (pixels), held-out shapes"
set ylabel "greedy accuracy (1 distractor)"
set yrange [0:1.05]
set xrange [1.5:15.5]
set key bottom left
set grid ytics
set object 1 rect from trained+0.5, graph 0 to graph 1, graph 1 fc rgb "#eeeeee" fs solid noborder behind
set label 1 "never trained" at trained+0.8, 0.7
set arrow 1 from graph 0, first 0.85 to graph 1, first 0.85 nohead dt 2 lc rgb "#888888"
set label 2 "85 %" at graph 0.01, first 0.87 tc rgb "#888888"
set arrow 2 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb "#bbbbbb"
set label 3 "chance" at graph 0.01, first 0.44 tc rgb "#888888"
plot csv using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb "#1f77b4" title "recurrent (lateral on): median, IQR", \
     csv using 1:5:6:7 with yerrorlines lw 2 pt 5 lc rgb "#d62728" title "feedforward (lateral off): median, IQR"
