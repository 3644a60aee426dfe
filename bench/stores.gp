# The store series of `make bench` (bench/serve_bench.py writes the data and calls this):
# throughput of a uniform random Host over N stores, Orion against nginx serving a copy of its
# page, and Orion's resident memory after that run, against N on a log scale.
#   gnuplot -e "data='stores.dat'; out='stores.png'; stamp='...'" bench/stores.gp
set terminal pngcairo size 1000,560 font ",11"
set output out
set title "orion serve against nginx, uniform random Host over N stores (" . stamp . ")"
set logscale x 10
set xlabel "stores"
set xrange [7:1.4e6]
set xtics ("10" 10, "1k" 1000, "10k" 10000, "100k" 100000, "1M" 1000000)
set ylabel "requests per second (log scale)"
set logscale y 10
set format y "%.0s%c"
set y2label "Orion RSS (MiB)"
set ytics nomirror
set y2tics
set yrange [100:300000]
set y2range [0:*]
set key below horizontal
set grid ytics
plot data using 1:3 with linespoints lw 2 pt 7 title "nginx req/s", \
     data using 1:2 with linespoints lw 2 pt 5 title "orion req/s", \
     data using 1:4 axes x1y2 with linespoints lw 2 dt 2 pt 9 title "orion RSS (MiB)"
