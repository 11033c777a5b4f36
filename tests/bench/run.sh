#!/bin/sh
# bench: the speed and memory figures of brul, as ratios measured in one run
# against named baselines (medians of several runs: the machine is shared).
set -eu
bin=${BRUL_BIN:-build/bin}
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# median wall time in seconds of a shell command, over $runs runs
median() {
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null
		e=$(date +%s.%N)
		echo "$s $e" | awk '{ printf "%.4f\n", $2 - $1 }'
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
peak_kb() { /usr/bin/time -f %M sh -c "exec $1 >/dev/null" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

rows=3110400
echo "brul bench: $(nproc) cores, $runs runs each, medians"
echo
echo "== brul-gen: the 90-day, 24-block dataset (3,110,400 telemetry rows)"
"$bin"/brul-gen --days 90 --batteries 24 > "$tmp/t.csv"
t_plain=$(median "$bin/brul-gen --days 90 --batteries 24")
t_one=$(median "taskset -c 0 $bin/brul-gen --days 90 --batteries 24")
echo "  uncompressed, one core:  $t_one s  = $(awk -v r=$rows -v t="$t_one" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s (target >= 3)"
echo "  vs the Python original (3,110,400 rows in ~190 s): $(ratio 190 "$t_plain")x faster"
t_z=$(median "$bin/brul-gen --days 90 --batteries 24 -z")
t_pigz=$(median "pigz -p 2 -6 < $tmp/t.csv")
t_gzip=$(median "gzip -6 < $tmp/t.csv")
echo "  with -z (level 6):       $t_z s; pigz -p 2 on the same bytes: $t_pigz s; gzip: $t_gzip s"
echo "  -z / pigz -p 2 = $(ratio "$t_z" "$t_pigz") (target <= 1.25)"
echo
echo "== brul-gen: the whole fleet, one day (3,421,440 rows)"
t_f=$(median "$bin/brul-gen --days 1")
echo "  uncompressed: $t_f s = $(awk -v t="$t_f" 'BEGIN { printf "%.2f", 3421440 / t / 1e6 }') M rows/s (with the fleet's history: ageing since installation, lives to end)"
echo
echo "== brul-gen: peak memory (max RSS)"
m1=$(peak_kb "$bin/brul-gen --days 1 --batteries 24 -z")
m90=$(peak_kb "$bin/brul-gen --days 90 --batteries 24 -z")
mf=$(peak_kb "$bin/brul-gen --days 1 -z")
md=$(peak_kb "$bin/brul-gen --days 90 --batteries 24 -z --dataset $tmp/ds --quiet")
echo "  24 blocks, 1 day -z:    $((m1 / 1024)) MB"
echo "  24 blocks, 90 days -z:  $((m90 / 1024)) MB"
echo "  fleet, 1 day -z:        $((mf / 1024)) MB"
echo "  90-day --dataset -z:    $((md / 1024)) MB (target <= 32 MB for each)"
