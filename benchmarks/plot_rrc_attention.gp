# Single-cue probe accuracy of the attended and the unattended cue, per learner and unattended gain:
# median with interquartile range over networks. Input: the --data file of sgym_rrc_attention.
#   gnuplot -e "data='rrc.dat'; out='benchmarks/results/augment-rrc.svg'" benchmarks/plot_rrc_attention.gp
if (!exists("data")) data = 'rrc.dat'
if (!exists("out")) out = 'augment-rrc.svg'
set terminal svg size 960,460 dynamic font 'Helvetica,12' background '#ffffff'
set output out
set title "AuGMEnT on RedundantRelevantCue-v0: what is learned about each cue (median, IQR)"
set ylabel "single-cue probe accuracy"
set yrange [0:1.15]
set xrange [-0.6:8.6]
set ytics 0,0.25,1
set grid ytics
set key outside right top vertical
set style fill solid 0.8 border -1
set arrow from -0.6,0.5 to 8.6,0.5 nohead dt 2 lc rgb '#666666'
set label "chance" at -0.55,0.47 left tc rgb '#666666'
# AuGMEnT = the published rule (association-level gate only, no attention_map)
# x position: 3 learners per gain cluster, clusters 3 apart; bars offset by ±0.17
gi(g) = (g > 0.9 ? 0 : (g > 0.6 ? 1 : 2))
x(g, arm) = 3 * gi(g) + arm
set xtics ("gated" 0, "un-gated" 1, "AuGMEnT" 2, "gated" 3, "un-gated" 4, "AuGMEnT" 5, "gated" 6, "un-gated" 7, "AuGMEnT" 8) font ',10'
set label "unattended gain 1.0" at 1,1.09 center
set label "unattended gain 0.8" at 4,1.09 center
set label "unattended gain 0.5" at 7,1.09 center
set arrow from 2.5,0 to 2.5,1.15 nohead lc rgb '#999999'
set arrow from 5.5,0 to 5.5,1.15 nohead lc rgb '#999999'
plot data using (x($1,$2)-0.17):4:3:5:(0.32) with boxerrorbars lc rgb '#3070c0' title "attended cue", \
     data using (x($1,$2)+0.17):7:6:8:(0.32) with boxerrorbars lc rgb '#e08020' title "unattended cue"
