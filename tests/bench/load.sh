#!/bin/sh
# bench/load.sh DIR: brul-load against psql's \copy, on the 90-day dataset
# in DIR, in a throwaway PostgreSQL cluster (tests/helpers/pg.sh).  Run
# by run.sh; medians of $BENCH_RUNS runs, the two interleaved, the table
# truncated before each.
set -eu
bin=${BRUL_BIN:-build/bin}
runs=${BENCH_RUNS:-5}
ds=$1
here=$(cd "$(dirname "$0")" && pwd)
pg=$(mktemp -d /tmp/brul-bench-pg.XXXXXX)
chmod 755 "$pg"
export PG_PORT=5497 PGPORT=5497
sh "$here/../helpers/pg.sh" start "$pg/c" >/dev/null
trap 'sh "$here/../helpers/pg.sh" stop "$pg/c"; rm -rf "$pg"' EXIT INT TERM
export PGHOST=$pg/c PGUSER=postgres PGDATABASE=postgres
unset DATABASE_URL

"$bin"/brul-load -q --migrate
for k in sites systems strings batteries; do
	"$bin"/brul-load -q $k "$ds/$k.csv.gz"
done
tz=$ds/telemetry.csv.gz
rows=$(($(gzip -dc "$tz" | wc -l) - 1))

# psql's \copy goes into a table of the CSV's columns with the same
# primary key and monthly partitions (telemetry's rows also carry their
# site, which the CSV does not have).
psql -qX >/dev/null <<'EOF'
CREATE TABLE copy_baseline (ts timestamptz NOT NULL, battery_id text NOT NULL,
	string_id text, voltage_v float8, current_a float8,
	temperature_c float8, resistance_mohm float8,
	PRIMARY KEY (battery_id, ts)) PARTITION BY RANGE (ts);
SELECT brul_partition_for('copy_baseline', m)
FROM generate_series('2026-01-01'::timestamptz, '2026-12-01', '1 month') m;
EOF

# secs CMD: wall time of CMD, the tables truncated first.
secs() {
	psql -qXc "TRUNCATE telemetry, telemetry_hourly, copy_baseline"
	s=$(date +%s.%N)
	sh -c "$1" >/dev/null
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }'
}
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A first load creates the month partitions both then load into (and
# warms the caches).
"$bin"/brul-load -q telemetry "$tz"
: > "$pg/psql"
: > "$pg/load"
i=0
while [ $i -lt "$runs" ]; do
	secs "psql -qXc \"\\copy copy_baseline from program 'gzip -dc $tz' csv header\"" >> "$pg/psql"
	secs "$bin/brul-load -q telemetry $tz" >> "$pg/load"
	i=$((i + 1))
done
t_psql=$(med < "$pg/psql")
t_load=$(med < "$pg/load")
echo "== brul-load: the 90-day telemetry ($rows rows, gzip) into the partitioned table"
printf '%s\n' "  psql \\copy ... from program 'gzip -dc' csv:  $t_psql s = $(awk -v r=$rows -v t="$t_psql" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s (runs: $(tr '\n' ' ' < "$pg/psql"))"
echo "  brul-load telemetry, rollup included:      $t_load s = $(awk -v r=$rows -v t="$t_load" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s (runs: $(tr '\n' ' ' < "$pg/load"))"
echo "  rows/s, brul-load / psql: $(awk -v a="$t_psql" -v b="$t_load" 'BEGIN { printf "%.2f", a / b }')x (target >= 1.2)"
# A reload (the table holds the file: every hour checked against the
# rollup's digest, nothing merged) and an overlap (the first half of the
# file loaded, then the whole: half checked, half new), each against a
# first load's time (target <= 1.2x).
gzip -dc "$tz" | awk -F, 'NR == 1 || $1 < "2026-02-15"' | gzip -1 > "$pg/half.csv.gz"
: > "$pg/reload"
: > "$pg/overlap"
i=0
while [ $i -lt "$runs" ]; do
	s=$(date +%s.%N)
	"$bin"/brul-load -q telemetry "$tz"
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }' >> "$pg/reload"
	psql -qXc "TRUNCATE telemetry, telemetry_hourly"
	"$bin"/brul-load -q telemetry "$pg/half.csv.gz"
	s=$(date +%s.%N)
	"$bin"/brul-load -q telemetry "$tz"
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }' >> "$pg/overlap"
	i=$((i + 1))
done
t_re=$(med < "$pg/reload")
t_ov=$(med < "$pg/overlap")
echo "  reloading the same file (hours checked, nothing merged): $t_re s = $(awk -v a="$t_re" -v b="$t_load" 'BEGIN { printf "%.2f", a / b }')x a first load (target <= 1.2; runs: $(tr '\n' ' ' < "$pg/reload"))"
echo "  the whole file over its first half (half checked, half new): $t_ov s = $(awk -v a="$t_ov" -v b="$t_load" 'BEGIN { printf "%.2f", a / b }')x a first load (target <= 1.2; runs: $(tr '\n' ' ' < "$pg/overlap"))"
psql -qXc "TRUNCATE telemetry, telemetry_hourly"
kb=$(/usr/bin/time -f %M "$bin"/brul-load -q telemetry "$tz" 2>&1 | tail -1)
echo "  peak memory of brul-load telemetry: $((kb / 1024)) MB"
s=$(date +%s.%N)
"$bin"/brul-load --export telemetry > "$pg/out.csv"
e=$(date +%s.%N)
echo "  --export telemetry, all of it: $(echo "$s $e" | awk '{ printf "%.2f", $2 - $1 }') s"
