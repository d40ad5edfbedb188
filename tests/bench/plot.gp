# plot.gp - throughput and p99 latency against concurrency (tests/bench/run).
# datafile columns: conns null_rate null_p99_us file_rate file_p99_us
#                   ldap_warm_rate ldap_warm_p99_us (NaN: not measured)
set terminal pngcairo size 1000,420 noenhanced
set output outfile
set datafile missing "NaN"
set multiplot layout 1,2 title "origin-milter vs the null libmilter filter (new milter connection per session)"
set logscale x 2
set xlabel "concurrent milter connections"
set xtics (1, 16, 256)
set grid
set key bottom right
set ylabel "messages/s"
set yrange [0:*]
plot datafile using 1:2 with linespoints lw 2 title "null filter", \
     datafile using 1:4 with linespoints lw 2 title "origin-milter (accounts file)", \
     datafile using 1:6 with linespoints lw 2 title "origin-milter (LDAP, warm cache)"
set ylabel "p99 latency (ms)"
plot datafile using 1:($3/1000) with linespoints lw 2 title "null filter", \
     datafile using 1:($5/1000) with linespoints lw 2 title "origin-milter (accounts file)", \
     datafile using 1:($7/1000) with linespoints lw 2 title "origin-milter (LDAP, warm cache)"
unset multiplot
