# Strip plot of every network: single unattended-cue probe accuracy (left) and training accuracy
# (right) per learner and unattended gain, with a box of the quartiles (whiskers: min and max).
# Input: networks.csv of `sgym experiment augment-rrc` (columns: gain arm network seed train_acc
# attend_share acc_attended acc_unattended follows_attended strength_attended strength_unattended
# looks_other; a header line first).
#   gnuplot -e "data='DIR/networks.csv'; out='benchmarks/results/augment-rrc.svg'" benchmarks/plot_rrc_attention.gp
if (!exists("data")) data = 'networks.csv'
if (!exists("out")) out = 'augment-rrc.svg'
set terminal svg size 1200,480 dynamic font 'Helvetica,11' background '#ffffff'
set output out
set termoption noenhanced
set datafile separator ','
# x position: 3 learners per gain cluster, clusters 3 apart; points jittered by network
gi(g) = (g > 0.9 ? 0 : (g > 0.6 ? 1 : 2))
x(g, arm) = 3 * gi(g) + arm
jit(s) = 0.4 * ((int(s) * 7919) % 97 / 97.0 - 0.5)
colour(arm) = (arm == 0 ? 0x3070c0 : (arm == 1 ? 0xe08020 : 0x60a060))
set style boxplot nooutliers range 100.0
set style fill empty
set yrange [0:1.12]
set xrange [-0.6:8.6]
set ytics 0,0.25,1
set grid ytics
set xtics ("gated" 0, "control" 1, "FB=1" 2, "gated" 3, "control" 4, "FB=1" 5, "gated" 6, "control" 7, "FB=1" 8) font ',9'
set arrow 1 from 2.5,0 to 2.5,1.12 nohead lc rgb '#999999'
set arrow 2 from 5.5,0 to 5.5,1.12 nohead lc rgb '#999999'
set label 1 "gain 1.0" at 1,1.07 center
set label 2 "gain 0.8" at 4,1.07 center
set label 3 "gain 0.5" at 7,1.07 center
set multiplot layout 1,2 title "AuGMEnT on RedundantRelevantCue-v0, one point per network (gated: attention_map; control: attention_gate=false; FB=1: gate=false)"
set title "single unattended-cue probe accuracy (chance 0.5)"
set arrow 3 from -0.6,0.5 to 8.6,0.5 nohead dt 2 lc rgb '#666666'
plot for [k=0:8] data every ::1 using (k):(x($1, $2) == k ? $8 : 1/0):(0.6) with boxplot lc rgb '#444444' notitle, \
     data every ::1 using (x($1, $2) + jit($3)):8:(colour($2)) with points pt 7 ps 0.35 lc rgb variable notitle
set title "training accuracy, last 10 % of training (exploring)"
unset arrow 3
plot for [k=0:8] data every ::1 using (k):(x($1, $2) == k ? $5 : 1/0):(0.6) with boxplot lc rgb '#444444' notitle, \
     data every ::1 using (x($1, $2) + jit($3)):5:(colour($2)) with points pt 7 ps 0.35 lc rgb variable notitle
unset multiplot
