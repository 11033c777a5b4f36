#!/bin/sh
# bench/shards.sh: the fleet's telemetry on a coordinator and two shards
# (three throwaway clusters on this machine, tests/helpers/pg.sh) against
# one server: a day of three sites (792 blocks, 1,140,480 rows) loaded,
# medians of $BENCH_RUNS runs, the two interleaved; then, with pgbench
# for $BENCH_SECONDS each, a battery's day of telemetry (its site looked
# up first, as brul-serve does) and the morning list, through the
# coordinator and from the one server.  Run by run.sh.  All of it shares
# this machine's cores: the honest finding is overhead, not speed-up.
set -eu
bin=${BRUL_BIN:-build/bin}
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-5}
here=$(cd "$(dirname "$0")" && pwd)
pgbench=/usr/lib/postgresql/15/bin/pgbench
pg=$(mktemp -d /tmp/brul-bench-sh.XXXXXX)
chmod 755 "$pg"
for c in c:5494 a:5495 b:5496; do
	PG_PORT=${c#*:} sh "$here/../helpers/pg.sh" start "$pg/${c%:*}" >/dev/null
done
trap 'for c in c:5494 a:5495 b:5496; do PG_PORT=${c#*:} sh "$here/../helpers/pg.sh" stop "$pg/${c%:*}"; done; rm -rf "$pg"' EXIT INT TERM
export PGHOST=$pg/c PGPORT=5494 PGUSER=postgres
unset DATABASE_URL PGDATABASE
A="host=$pg/a port=5495 user=postgres dbname=postgres"
B="host=$pg/b port=5496 user=postgres dbname=postgres"

"$bin"/brul-gen --dataset "$pg/ds" --days 1 --site BRK --site CMI \
    --site HDY --seed 7 --quiet
awk -v model=bench -f "$here/../helpers/predictions.awk" "$pg/ds/labels.csv" \
    > "$pg/predictions.csv"
psql -d postgres -qXc "CREATE DATABASE one" -c "CREATE DATABASE coord"
for db in one coord; do
	PGDATABASE=$db "$bin"/brul-load -q --migrate
	for k in sites systems strings batteries; do
		PGDATABASE=$db "$bin"/brul-load -q $k "$pg/ds/$k.csv"
	done
	PGDATABASE=$db "$bin"/brul-load -q predictions "$pg/predictions.csv"
done
PGDATABASE=coord "$bin"/brul-load -q --add-shard "$A" --sites BRK
PGDATABASE=coord "$bin"/brul-load -q --add-shard "$B" --sites HDY

med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# load DB: seconds to load the day into DB, its telemetry emptied first
load() {
	psql -d "$1" -qXc "TRUNCATE telemetry_here, telemetry_hourly_here"
	if [ "$1" = coord ]; then
		for s in "$A" "$B"; do
			psql "$s" -qXc "TRUNCATE telemetry_here, telemetry_hourly_here"
		done
	fi
	s=$(date +%s.%N)
	PGDATABASE=$1 "$bin"/brul-load -q telemetry "$pg/ds/telemetry.csv"
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }'
}
: > "$pg/t_one"
: > "$pg/t_coord"
i=0
while [ $i -lt "$runs" ]; do
	load one >> "$pg/t_one"
	load coord >> "$pg/t_coord"
	i=$((i + 1))
done
t1=$(med < "$pg/t_one")
t3=$(med < "$pg/t_coord")
echo "== shards: a day of three sites (1,140,480 rows) loaded, one server against a coordinator and two shards (all on these 2 cores)"
echo "  one server:                    $t1 s (runs: $(tr '\n' ' ' < "$pg/t_one"))"
echo "  coordinator + 2 shards:        $t3 s (runs: $(tr '\n' ' ' < "$pg/t_coord"))"
echo "  time, sharded / one server: $(awk -v a="$t3" -v b="$t1" 'BEGIN { printf "%.2f", a / b }')x"

# A battery's day (1,440 rows) and its day of hours (24), its site
# looked up first (as brul-serve does), and the morning list's first
# page: transactions a second, one client.
cat > "$pg/day.sql" <<'EOF'
\set n random(0, 791)
SELECT battery_id AS b, site_id AS s FROM batteries ORDER BY battery_id OFFSET :n LIMIT 1 \gset
SELECT ts, voltage_v, current_a, temperature_c, resistance_mohm FROM telemetry WHERE site_id = :s AND battery_id = :b AND ts >= '2026-01-01' AND ts < '2026-01-02' ORDER BY ts;
EOF
cat > "$pg/hours.sql" <<'EOF'
\set n random(0, 791)
SELECT battery_id AS b, site_id AS s FROM batteries ORDER BY battery_id OFFSET :n LIMIT 1 \gset
SELECT hour, samples, voltage_mean_v, current_mean_a, temperature_mean_c, resistance_mohm FROM telemetry_hourly WHERE site_id = :s AND battery_id = :b AND hour >= '2026-01-01' AND hour < '2026-01-02' ORDER BY hour;
EOF
cat > "$pg/morning.sql" <<'EOF'
SELECT to_jsonb(y) FROM (SELECT DISTINCT ON (p.battery_id) p.*, b.site_id, b.string_id, b.position FROM predictions p JOIN batteries b USING (battery_id) WHERE b.removed_date IS NULL ORDER BY p.battery_id, p.date DESC, p.model_id) y ORDER BY rul_days NULLS LAST, battery_id LIMIT 50;
EOF
tps() {
	"$pgbench" -n -M prepared -c 1 -T "$secs" -f "$pg/$2.sql" "$1" 2>/dev/null |
	    awk '/^tps/ { printf "%.0f", $3 }'
}
echo "== shards: reads, pgbench -M prepared, one client, $secs s each"
for q in day hours morning; do
	one=$(tps one $q)
	co=$(tps coord $q)
	echo "  $q: one server $one tps, through the coordinator $co tps: $(awk -v a="$one" -v b="$co" 'BEGIN { printf "%.2f", a / b }')x the time per query"
done
