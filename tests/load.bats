#!/usr/bin/env bats
# brul-load against a real PostgreSQL 15, a throwaway cluster started here
# (tests/helpers/pg.sh: initdb into a temporary directory, a unix socket, no
# TCP) and stopped at the end.  Each test has a database of its own.

bats_require_minimum_version 1.5.0
load helpers/common

PG=$BATS_TEST_DIRNAME/helpers/pg.sh

setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	# The socket's path must stay short (108 bytes at most).
	PGDIR=$(mktemp -d /tmp/brul-pg.XXXXXX)
	chmod 755 "$PGDIR"	# for the server, which runs as postgres under root
	echo "$PGDIR" > "$d/pgdir"
	sh "$PG" start "$PGDIR/c" > "$d/conninfo"
	# The 90-day research dataset, and a week of a smaller fleet.
	"$B"/brul-gen --dataset "$d/ds" --days 90 --batteries 24 -z --seed 1
	"$B"/brul-gen --dataset "$d/wk" --days 7 --batteries 48 --seed 4
	# The same week as the tools write it in NDJSON.
	"$B"/brul-gen --dataset "$d/wkj" --days 7 --batteries 48 --seed 4 \
	    --format ndjson
}

teardown_file() {
	PGDIR=$(cat "$BATS_FILE_TMPDIR/pgdir")
	sh "$PG" stop "$PGDIR/c" || true
	rm -rf "$PGDIR"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	PGDIR=$(cat "$F/pgdir")
	export PGHOST=$PGDIR/c PGPORT=${PG_PORT:-5433} PGUSER=postgres
	unset DATABASE_URL PGDATABASE
	# A database per test, named after it.
	export PGDATABASE=t$BATS_SUITE_TEST_NUMBER
	psql -d postgres -qXc "DROP DATABASE IF EXISTS $PGDATABASE" \
	    -c "CREATE DATABASE $PGDATABASE"
}

q() { psql -qXAtc "$1"; }

fleet() {
	brul-load --migrate -q
	for k in sites systems strings batteries; do
		brul-load -q $k "$1/$k.csv"*
	done
}

# What --migrate says of a new database: every migration, in order; and
# the last one's version.
applied() {
	for f in "$BATS_TEST_DIRNAME"/../data/sql/[0-9][0-9][0-9]-*.sql; do
		echo "brul-load: applied ${f##*/}"
	done
}
V=$(schema_version)

# A fingerprint of a table's rows, whatever their physical order.
digest() {
	q "SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM $1 x"
}

@test "--help and --version go to stdout and exit 0; a bad option exits 2" {
	run brul-load --help
	assert_success
	assert_output --partial "usage: brul-load [--db CONNINFO] --migrate"
	run brul-load --version
	assert_success
	assert_output --regexp '^brul-load [0-9]+\.[0-9]+\.[0-9]+$'
	run brul-load --bogus
	assert_failure 2
	run brul-load
	assert_failure 2
	assert_output --partial "say what to load"
	run brul-load --migrate --retain 90d
	assert_failure 2
	run brul-load --retain 3x
	assert_failure 2
	assert_output --partial '--retain: expected a duration'
	# A bare number would be seconds: refused, not taken as days.
	run brul-load --retain 90
	assert_failure 2
	assert_output --partial '--retain: expected a duration (90d, 12w, 36h), not "90"'
	run brul-load --since 2026-01-01 telemetry
	assert_failure 2
	# An unknown kind is a usage error, even with no database to reach.
	run brul-load --db "host=/nonexistent" fleet x.csv
	assert_failure 2
	assert_output --partial 'KIND: expected sites, systems, strings, batteries, events, labels, telemetry, string_telemetry, features, predictions, twin or alerts, not "fleet"'
}

@test "a value or an option refused: its message, then the usage line, status 2" {
	usage='usage: brul-load [--db CONNINFO] KIND [FILE ...] (brul-load --help lists them)'
	# refused ARGS... MESSAGE: brul-load ARGS says MESSAGE, then the
	# usage line, and nothing else, with status 2.
	refused() {
		local want=${!#}
		run brul-load --db "host=/nonexistent" "${@:1:$#-1}"
		assert_failure 2
		assert_output "$(printf 'brul-load: %s\n%s' "$want" "$usage")"
	}
	refused 'KIND: missing: say what to load (KIND [FILE ...]), or --migrate, --dataset, --retain, --export, --add-shard or --shards'
	refused --migrate --retain 90d '--retain: not with --migrate: --migrate, --dataset, --retain, --export, --add-shard and --shards go one at a time'
	refused --export telemetry --dataset d '--dataset: not with --export: --migrate, --dataset, --retain, --export, --add-shard and --shards go one at a time'
	refused --migrate labels '--migrate: takes no KIND or FILE, not "labels"'
	refused --retain '' '--retain: expected a duration (90d, 12w, 36h), not ""'
	refused --retain 12x '--retain: expected a duration (90d, 12w, 36h), not "12x"'
	refused --dry-run labels '--dry-run: goes with --retain'
	refused --create-db labels '--create-db: goes with --migrate'
	refused --now 2026-01-01 --migrate '--now: goes with --retain'
	refused --until 2026-01-01 labels '--until: goes with --export'
	refused --battery B0001-1 labels '--battery: goes with --export'
	refused -o x.csv labels '--output: goes with --export'
	refused -z --migrate '--gzip: goes with --export'
	refused --batch-rows 10 --migrate '--batch-rows: goes with a load (KIND [FILE ...] or --dataset)'
	refused --replace --export batteries '--replace: goes with a load (KIND [FILE ...] or --dataset)'
	refused --batch-rows 0 labels '--batch-rows: expected a whole number from 1 to 9223372036854775807, not "0"'
	refused --format xml labels '--format: expected csv or ndjson, not "xml"'
	# --format is the output's, as everywhere: a load detects its input's.
	refused --format ndjson labels "--format: goes with --export (a load detects its input's format)"
	refused --export twin '--export: expected sites, systems, strings, batteries, events, labels, telemetry, string_telemetry, features, predictions or alerts, not "twin"'
	refused --export sites --since 2026-01-01 '--since: sites rows have no time to select by'
	refused --export string_telemetry --battery B0001-1 '--battery: string_telemetry rows have no battery to select by'
	refused --since tomorrow --export telemetry '--since: expected a time (2026-01-01T00:00:00Z) or a date (2026-01-01), not "tomorrow"'
	# getopt's own complaint, then the usage line.
	run brul-load --bogus
	assert_failure 2
	assert_line --index 1 "$usage"
}

@test "migrate twice: the schema once, then nothing to do" {
	run brul-load --migrate
	assert_success
	assert_output "$(applied)"
	[ "$(applied | head -n 3)" = "$(printf 'brul-load: applied 001-schema.sql\nbrul-load: applied 002-serve.sql\nbrul-load: applied 003-twin-runtime.sql')" ]
	run brul-load --migrate
	assert_success
	assert_output "brul-load: the schema is up to date (version $V)"
	[ "$(q 'SELECT count(*) FROM schema_migrations')" = "$V" ]
	[ "$(q "SELECT count(*) FROM pg_tables WHERE tablename IN ('sites', 'systems', 'strings', 'batteries', 'labels', 'events', 'features', 'predictions', 'alerts', 'alert_events', 'users', 'telemetry_hourly', 'twin', 'refresh_tokens')")" = 14 ]
	[ "$(q "SELECT relkind FROM pg_class WHERE relname = 'telemetry'")" = p ]
}

@test "a changed migration is refused, and a missing schema says to migrate" {
	run brul-load labels "$F/ds/labels.csv.gz"
	assert_failure 1
	assert_output --partial "no brul schema (no table schema_migrations): run brul-load --migrate"
	brul-load --migrate -q
	q "CREATE TABLE saved AS SELECT * FROM schema_migrations WHERE version = $V"
	q "DELETE FROM schema_migrations WHERE version = $V"
	run brul-load labels "$F/ds/labels.csv.gz"
	assert_failure 1
	assert_output --partial "schema (version $((V - 1))) is older than this brul's ($V): run brul-load --migrate"
	q "INSERT INTO schema_migrations SELECT * FROM saved"
	q "INSERT INTO schema_migrations VALUES ($((V + 1)), 'future.sql', 'x')"
	run brul-load labels "$F/ds/labels.csv.gz"
	assert_failure 1
	assert_output --partial "is newer than this brul's ($V): install a newer brul"
	run brul-load --migrate
	assert_failure 1
	assert_output --partial "is newer than this brul's ($V): install a newer brul"
	q "DELETE FROM schema_migrations WHERE version = $((V + 1))"
	q "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1"
	run brul-load --migrate
	assert_failure 1
	assert_output --partial "001-schema.sql: changed since it was applied"
}

@test "an unreachable server: what to do, and exit status 3" {
	run brul-load --db "host=$T port=1 dbname=x" --migrate
	assert_failure 3
	assert_output --partial "brul-load: cannot connect to PostgreSQL:"
	assert_output --partial "is the server running?"
	DATABASE_URL="postgresql:///nosuchdb?host=$PGHOST&port=$PGPORT" \
	    run brul-load --migrate
	assert_failure 3
	# The server is running: the hint is the one that fits.
	assert_output --partial 'database "nosuchdb" does not exist: create the database with brul-load --migrate --create-db, or createdb nosuchdb'
	refute_output --partial "is the server running?"
	# A user the server does not know: neither hint.
	PGUSER=nobody run brul-load --migrate
	assert_failure 3
	assert_output --partial 'role "nobody" does not exist'
	refute_output --partial "is the server running?"
	refute_output --partial "createdb"
}

@test "--migrate --create-db creates the database, its name quoted, once" {
	export PGDATABASE="t$BATS_SUITE_TEST_NUMBER's \"new\" db"
	run brul-load --migrate
	assert_failure 3
	assert_output --partial "create the database with brul-load --migrate --create-db, or createdb 't${BATS_SUITE_TEST_NUMBER}'\\''s \"new\" db'"
	run brul-load --migrate --create-db
	assert_success
	assert_output "$(printf 'brul-load: created the database %s\n' "$PGDATABASE"; applied)"
	[ "$(psql -d postgres -qXAtc "SELECT count(*) FROM pg_database WHERE datname = '$(printf '%s' "$PGDATABASE" | sed "s/'/''/g")'")" = 1 ]
	[ "$(q 'SELECT count(*) FROM schema_migrations')" = "$V" ]
	# There now: nothing to create, nothing to migrate.
	run brul-load --migrate --create-db
	assert_success
	assert_output "brul-load: the schema is up to date (version $V)"
	# The server not running: its own hint, status 3.
	run brul-load --db "host=$T port=1 dbname=x" --migrate --create-db
	assert_failure 3
	assert_output --partial "is the server running?"
	psql -d postgres -qXc "DROP DATABASE \"$(printf '%s' "$PGDATABASE" | sed 's/"/""/g')\""
}

@test "the 90-day dataset: every count equals the file's" {
	brul-load --migrate -q
	run brul-load --dataset "$F/ds"
	assert_success
	assert_line --partial "telemetry.csv.gz: 3110400 telemetry rows (3110400 new, 0 merged, 0 unchanged)"
	for k in sites systems strings batteries events labels telemetry string_telemetry; do
		want=$(($(unz "$F/ds/$k.csv.gz" | wc -l) - 1))
		got=$(q "SELECT count(*) FROM $k")
		echo "$k: file $want, table $got"
		[ "$want" = "$got" ]
		[ "$got" -gt 0 ]
	done
	# One partition per month of the data, and nothing else.
	run q "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry_here'::regclass ORDER BY 1"
	assert_output "$(printf 'telemetry_here_2026_01\ntelemetry_here_2026_02\ntelemetry_here_2026_03')"
	# 24 blocks x 90 days x 24 hours in the rollup, 60 samples in each.
	[ "$(q 'SELECT count(*), min(samples), max(samples) FROM telemetry_hourly')" = "51840|60|60" ]
	# Values arrive as they were: a row checked by hand.
	unz "$F/ds/telemetry.csv.gz" | sed -n 1000p > "$T/row"
	IFS=, read -r ts b s v i t r < "$T/row"
	run q "SELECT string_id, voltage_v, current_a, temperature_c FROM telemetry WHERE battery_id = '$b' AND ts = '$ts'"
	assert_output "$s|$v|$i|$t"
	# The rollup equals a GROUP BY over the raw rows: exactly, every
	# column, with the means summed in time order as the rollup defines
	# them and the latest resistance found another way ...
	run q "WITH g AS (SELECT battery_id, date_trunc('hour', ts) AS hour, count(*)::integer AS n, min(voltage_v) AS a, max(voltage_v) AS b, avg(voltage_v ORDER BY ts) AS c, min(current_a) AS d, max(current_a) AS e, avg(current_a ORDER BY ts) AS f, min(temperature_c) AS g, max(temperature_c) AS h, avg(temperature_c ORDER BY ts) AS i FROM telemetry GROUP BY 1, 2), r AS (SELECT DISTINCT ON (battery_id, date_trunc('hour', ts)) battery_id, date_trunc('hour', ts) AS hour, resistance_mohm FROM telemetry WHERE resistance_mohm IS NOT NULL ORDER BY battery_id, date_trunc('hour', ts), ts DESC), x AS (SELECT g.*, r.resistance_mohm FROM g LEFT JOIN r USING (battery_id, hour)) SELECT (SELECT count(*) FROM x), (SELECT count(*) FROM (SELECT * FROM x EXCEPT SELECT battery_id, hour, samples, voltage_min_v, voltage_max_v, voltage_mean_v, current_min_a, current_max_a, current_mean_a, temperature_min_c, temperature_max_c, temperature_mean_c, resistance_mohm FROM telemetry_hourly) d)"
	assert_output "51840|0"
	# Every hour, its digest included, equals the rollup's definition:
	# the digests hashed here are the server's to the bit.
	run q "SELECT count(*) FROM telemetry_hourly h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS NOT DISTINCT FROM (r.*) AND h.digest IS NOT NULL"
	assert_output 51840
	# A schema 3 database's hours get theirs from migration 004.
	q "UPDATE telemetry_hourly SET digest = NULL"
	sed -n '/^UPDATE telemetry_hourly/,$p' "$BATS_TEST_DIRNAME/../data/sql/004-telemetry-digest.sql" | psql -qX
	run q "SELECT count(*) FROM telemetry_hourly h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS NOT DISTINCT FROM (r.*) AND h.digest IS NOT NULL"
	assert_output 51840
	# ... and to 1e-12 summed in any order.
	run q "WITH g AS (SELECT date_trunc('hour', ts) AS hour, battery_id, avg(voltage_v) AS vmean, avg(temperature_c) AS tmean FROM telemetry GROUP BY 1, 2) SELECT count(*) FROM g JOIN telemetry_hourly h USING (battery_id, hour) WHERE abs(h.voltage_mean_v - g.vmean) < 1e-12 AND abs(h.temperature_mean_c - g.tmean) < 1e-12"
	assert_output 51840
	# The latest resistance of each hour: the hours with an ohmic test.
	ohm=$(unz "$F/ds/telemetry.csv.gz" | awk -F, 'NR > 1 && $7 != ""' | wc -l)
	[ "$(q 'SELECT count(resistance_mohm) FROM telemetry_hourly')" = "$ohm" ]
	[ "$ohm" -gt 2000 ]
}

@test "export round-trips the load byte for byte" {
	fleet "$F/ds"
	brul-load -q telemetry "$F/ds/telemetry.csv.gz"
	brul-load --export telemetry > "$T/out.csv"
	unz "$F/ds/telemetry.csv.gz" | sort > "$T/a"
	sort "$T/out.csv" > "$T/b"
	cmp "$T/a" "$T/b"
	# A day and a battery, as a cron job reads yesterday back.
	brul-load --export telemetry --since 2026-02-01 --until 2026-02-02 \
	    --battery B0007-1 -z -o "$T/day.csv.gz"
	unz "$F/ds/telemetry.csv.gz" | awk -F, 'NR == 1 || ($2 == "B0007-1" && $1 ~ /^2026-02-01T/)' > "$T/want"
	unz "$T/day.csv.gz" | cmp - "$T/want"
	[ "$(wc -l < "$T/want")" = 1441 ]
	# ... and feeds brul-features.
	brul-load --export telemetry --since 2026-02-01 --until 2026-02-02 |
	    brul-features --window day > "$T/feat.csv"
	[ "$(wc -l < "$T/feat.csv")" = 25 ]
}

@test "every kind exports as the tools wrote it, in CSV and NDJSON, and loads again" {
	fleet "$F/wk"
	for k in events labels telemetry string_telemetry; do
		brul-load -q $k "$F/wk/$k.csv"
	done
	# What the other tools write, in both formats.
	mkdir "$T/csv" "$T/ndjson"
	for f in csv ndjson; do
		brul-features --window day --format $f "$F/wk/telemetry.csv" > "$T/$f/features"
		brul-predict --baseline --format $f "$T/$f/features" > "$T/$f/predictions"
		brul-alert --format $f --fleet "$F/wk/batteries.csv" \
		    --systems "$F/wk/systems.csv" \
		    --strings "$F/wk/string_telemetry.csv" "$F/wk/telemetry.csv" > "$T/$f/alerts"
	done
	for k in features predictions alerts; do
		brul-load -q $k "$T/csv/$k"
	done
	kinds="sites systems strings batteries events labels telemetry string_telemetry features predictions alerts"
	for k in sites systems strings batteries events labels telemetry string_telemetry; do
		cp "$F/wk/$k.csv" "$T/csv/$k"
		cp "$F/wkj/$k.ndjson" "$T/ndjson/$k"
	done
	for k in $kinds; do
		[ "$(wc -l < "$T/csv/$k")" -gt 1 ]
		# Byte for byte, up to row order, in both formats.
		brul-load --export $k > "$T/out.csv"
		sort "$T/out.csv" > "$T/b"
		sort "$T/csv/$k" | cmp - "$T/b" || { echo "$k: CSV differs"; false; }
		brul-load --export $k --format ndjson -o "$T/$k.ndjson.gz"
		unz "$T/$k.ndjson.gz" | sort > "$T/b"
		sort "$T/ndjson/$k" | cmp - "$T/b" || { echo "$k: NDJSON differs"; false; }
		# Each kind in its order: the first columns of the CSV sorted.
		case $k in
		sites|systems|strings|batteries) key=-k1,1 ;;
		events) key="-k1,1 -k3,3 -k4,4" ;;
		labels) key="-k1,1 -k2,2" ;;
		telemetry|string_telemetry) key="-k1,1 -k2,2" ;;
		features) key="-k4,4 -k5,5n -k1,1" ;;
		predictions) key="-k2,2 -k1,1 -k10,10" ;;
		alerts) key="-k1,1 -k2,2 -k3,3" ;;
		esac
		tail -n +2 "$T/out.csv" | LC_ALL=C sort -c -s -t, $key || { echo "$k: not in order"; false; }
	done
	# The NDJSON loads again, into a database of its own, to the same
	# rows and rollups.
	# Rows selected by time and battery: a day of labels, a block's
	# events (those whose scope it is).
	brul-load --export labels --since 2026-01-03 --until 2026-01-05 > "$T/b"
	awk -F, 'NR == 1 || ($1 >= "2026-01-03" && $1 < "2026-01-05")' "$F/wk/labels.csv" | cmp - "$T/b"
	[ "$(wc -l < "$T/b")" = $((1 + 2 * 48)) ]
	b=$(awk -F, '$4 == "sensor_fault" { print $3; exit }' "$F/wk/events.csv")
	[ -n "$b" ]
	brul-load --export events --battery "$b" > "$T/b"
	awk -F, -v b="$b" 'NR == 1 || $3 == b' "$F/wk/events.csv" | cmp - "$T/b"
	for t in sites systems strings batteries events labels telemetry telemetry_hourly string_telemetry features predictions alert_events alerts; do
		echo "$t $(digest $t)"
	done > "$T/before"
	export PGDATABASE=${PGDATABASE}b
	psql -d postgres -qXc "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
	brul-load -q --migrate
	for k in $kinds; do
		brul-load --export $k --format ndjson --db "dbname=${PGDATABASE%b}" |
		    brul-load -q $k
	done
	for t in sites systems strings batteries events labels telemetry telemetry_hourly string_telemetry features predictions alert_events alerts; do
		echo "$t $(digest $t)"
	done | diff "$T/before" -
}

@test "reloading, and overlapping files, leave the same rows and rollups" {
	fleet "$F/wk"
	brul-load -q telemetry "$F/wk/telemetry.csv"
	raw=$(digest telemetry)
	hourly=$(digest telemetry_hourly)
	n=$(q 'SELECT count(*) FROM telemetry')
	run brul-load telemetry "$F/wk/telemetry.csv"
	assert_success
	assert_output --partial "(0 new, 0 merged, $n unchanged)"
	[ "$(digest telemetry)" = "$raw" ]
	[ "$(digest telemetry_hourly)" = "$hourly" ]
	# One reading changed in the middle of an hour: that hour's rows
	# are merged, the others found unchanged by their digests.
	awk -F, -v OFS=, 'NR == 1 { print; next }
	    $1 == "2026-01-03T05:31:00Z" && $2 == "B0002-1" { $4 = "12.345" } 1' \
	    "$F/wk/telemetry.csv" > "$T/one.csv"
	! cmp -s "$T/one.csv" "$F/wk/telemetry.csv"
	run brul-load telemetry "$T/one.csv"
	assert_success
	assert_output --partial "(0 new, 60 merged, $((n - 60)) unchanged)"
	[ "$(q "SELECT voltage_v FROM telemetry WHERE battery_id = 'B0002-1' AND ts = '2026-01-03T05:31:00Z'")" = 12.345 ]
	[ "$(q "SELECT count(*) FROM telemetry_hourly h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS DISTINCT FROM (r.*)")" = 0 ]
	# A reading taken away (or a row) changes the hour too; the file
	# again puts everything back.
	awk -F, -v OFS=, '$1 == "2026-01-05T10:07:00Z" && $2 == "B0007-1" { $6 = "" } 1' \
	    "$F/wk/telemetry.csv" | grep -v '^2026-01-06T23:59:00Z,B0012-1,' > "$T/less.csv"
	# (B0002-1's hour back as it was, B0007-1's reading, B0012-1's
	# hour short of a row, which stays in the table: loads never delete)
	nulls=$(q "SELECT count(*) FROM telemetry WHERE temperature_c IS NULL")
	run brul-load telemetry "$T/less.csv"
	assert_output --partial "(0 new, $((60 + 60 + 59)) merged, $((n - 1 - 179)) unchanged)"
	[ "$(q "SELECT count(*) FROM telemetry WHERE temperature_c IS NULL")" = $((nulls + 1)) ]
	[ "$(q 'SELECT count(*) FROM telemetry')" = "$n" ]
	run brul-load telemetry "$F/wk/telemetry.csv"
	assert_output --partial "(0 new, 60 merged, $((n - 60)) unchanged)"
	[ "$(digest telemetry)" = "$raw" ]
	[ "$(digest telemetry_hourly)" = "$hourly" ]
	# A file that goes back to an hour it gave: the last of a row
	# repeated wins.  In one chunk the rows are sorted first (the
	# repeats counted as merged); chunks apart, every older row of that
	# battery is merged, since its hour was checked without the rows to
	# come.  (A chunk is 65,536 rows here; 47 blocks' first 25 hours are
	# 70,500.)
	grep '^2026-01-02T0[34]:..:00Z,B0003-1,' "$F/wk/telemetry.csv" |
	    sed 's/,1[0-9]\.[0-9]*,/,11.000,/' > "$T/new"
	grep '^2026-01-02T03:..:00Z,B0003-1,' "$F/wk/telemetry.csv" > "$T/old"
	awk -F, '$1 < "2026-01-02T01" && $2 != "B0003-1"' "$F/wk/telemetry.csv" > "$T/others"
	[ "$(wc -l < "$T/others")" = 70500 ]
	for apart in 0 1; do
		{ head -n 1 "$F/wk/telemetry.csv"; cat "$T/new"
		  [ $apart = 0 ] || cat "$T/others"; cat "$T/old"; } > "$T/back.csv"
		run brul-load telemetry "$T/back.csv"
		if [ $apart = 0 ]; then
			assert_output --partial "(0 new, 120 merged, 60 unchanged)"
		else
			assert_output --partial "(0 new, 180 merged, 70500 unchanged)"
		fi
		[ "$(q "SELECT count(*) FROM telemetry WHERE battery_id = 'B0003-1' AND voltage_v = 11")" = 60 ]
		[ "$(q "SELECT count(*) FROM telemetry WHERE battery_id = 'B0003-1' AND voltage_v = 11 AND ts >= '2026-01-02T04:00:00Z' AND ts < '2026-01-02T05:00:00Z'")" = 60 ]
		[ "$(q "SELECT count(*) FROM telemetry_hourly h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS DISTINCT FROM (r.*)")" = 0 ]
		brul-load -q telemetry "$F/wk/telemetry.csv"
	done
	brul-load -q telemetry "$F/wk/telemetry.csv"
	[ "$(digest telemetry)" = "$raw" ]
	[ "$(digest telemetry_hourly)" = "$hourly" ]
	# Two files that overlap by a day, loaded in either order, into an
	# empty database, give the same rows and rollups as the whole.
	awk -F, 'NR == 1 || $1 < "2026-01-05"' "$F/wk/telemetry.csv" > "$T/a.csv"
	awk -F, 'NR == 1 || $1 >= "2026-01-04T12"' "$F/wk/telemetry.csv" > "$T/b.csv"
	for order in "a b" "b a"; do
		q "TRUNCATE telemetry, telemetry_hourly"
		for f in $order; do
			brul-load -q telemetry "$T/$f.csv"
		done
		[ "$(digest telemetry)" = "$raw" ]
		[ "$(digest telemetry_hourly)" = "$hourly" ]
	done
	# Rows repeated within a file count once; the later one wins: far
	# apart (another chunk, merged) and side by side (the same chunk).
	q "TRUNCATE telemetry, telemetry_hourly"
	{ cat "$F/wk/telemetry.csv"; sed -n 2,49p "$F/wk/telemetry.csv" | sed 's/,13\.[0-9]*,/,12.000,/'; } |
	    awk -F, -v OFS=, '{ print } NR == 101 { $4 = "11.500"; print }' > "$T/twice.csv"
	brul-load -q telemetry "$T/twice.csv"
	[ "$(q 'SELECT count(*) FROM telemetry')" = "$n" ]
	[ "$(q "SELECT count(*) FROM telemetry WHERE voltage_v = 12 AND ts = '2026-01-01T00:00:00Z'")" = 48 ]
	[ "$(q "SELECT voltage_min_v FROM telemetry_hourly WHERE battery_id = 'B0001-1' AND hour = '2026-01-01T00:00:00Z'")" = 12 ]
	b=$(sed -n 101p "$F/wk/telemetry.csv" | cut -d, -f2)
	[ "$(q "SELECT voltage_v FROM telemetry WHERE battery_id = '$b' AND ts = '2026-01-01T00:02:00Z'")" = 11.5 ]
	[ "$(q "SELECT voltage_min_v FROM telemetry_hourly WHERE battery_id = '$b' AND hour = '2026-01-01T00:00:00Z'")" = 11.5 ]
	# Transactions of a few chunks' rows, or less than one, change
	# nothing either (the week is 483,840 rows; a chunk 65,536).
	for rows in 7777 200000; do
		q "TRUNCATE telemetry, telemetry_hourly"
		brul-load -q --batch-rows $rows telemetry "$F/wk/telemetry.csv"
		[ "$(digest telemetry)" = "$raw" ]
		[ "$(digest telemetry_hourly)" = "$hourly" ]
	done
}

@test "another fleet's batteries are refused; --replace loads them; reloads change nothing" {
	fleet "$F/wk"
	before=$(digest batteries)
	# Another seed's fleet, under the same ids.
	brul-gen --dataset "$T/other" --days 1 --batteries 48 --seed 5
	o=$T/other/batteries.csv
	# The rows that differ, counted here: a value the table has that the
	# file does not (the first such row and column said).
	read -r n line id col old new <<-EOF
	$(awk -F, 'NR == FNR { if (FNR > 1) a[$1] = $0; next }
	    FNR == 1 { split($0, h, ",") }
	    FNR > 1 && ($1 in a) { split(a[$1], x, ",")
	        for (i = 2; i <= NF; i++) if (x[i] != "" && x[i] != $i) {
	            if (!n++) first = FNR " " $1 " " h[i] " " x[i] " " $i; break } }
	    END { print n, first }' "$F/wk/batteries.csv" "$o")
	EOF
	[ "$n" -gt 10 ]
	run brul-load batteries "$o"
	assert_failure 1
	assert_line "brul-load: $o:$line: $n rows differ from the database's (battery_id $id: $col is $old there, $new here), as another fleet's would: nothing was replaced (--replace replaces what differs)"
	assert_line "brul-load: $o: nothing was loaded"
	[ "$(digest batteries)" = "$before" ]
	# A whole dataset stops at its first fleet file that differs.
	run brul-load --dataset "$T/other"
	assert_failure 1
	assert_line --partial "brul-load: $T/other/systems.csv:2: 1 row differs from the database's (system_id CMI-REC1: "
	# Asked for, they replace the database's, and say how many.
	run brul-load --replace batteries "$o"
	assert_success
	assert_output --regexp "^brul-load: $o: 48 batteries rows \($n that differed replaced\) in [0-9.]+ s\$"
	[ "$(q "SELECT $col FROM batteries WHERE battery_id = '$id'")" = "$new" ]
	after=$(digest batteries)
	# The same file again: nothing differs, nothing changes.
	run brul-load batteries "$o"
	assert_success
	refute_output --partial "differed"
	[ "$(digest batteries)" = "$after" ]
	# A removal date filled in is news, not another fleet; taken away
	# again, it is a difference.
	awk -F, -v OFS=, 'NR == 2 { $9 = "2026-01-05" } 1' "$o" > "$T/removed.csv"
	brul-load -q batteries "$T/removed.csv"
	[ "$(q "SELECT removed_date FROM batteries WHERE battery_id = 'B0001-1'")" = 2026-01-05 ]
	run brul-load batteries "$o"
	assert_failure 1
	assert_line "brul-load: $o:2: 1 row differs from the database's (battery_id B0001-1: removed_date is 2026-01-05 there, missing here), as another fleet's would: nothing was replaced (--replace replaces what differs)"
}

@test "a file without some columns replaces only those it has" {
	fleet "$F/wk"
	brul-load -q telemetry "$F/wk/telemetry.csv"
	hourly=$(q "SELECT temperature_mean_c, current_mean_a FROM telemetry_hourly WHERE battery_id = 'B0002-1' AND hour = '2026-01-03T05:00:00Z'")
	# A correction of one hour's voltages, without the other readings.
	awk -F, -v OFS=, 'NR == 1 || ($2 == "B0002-1" && $1 ~ /^2026-01-03T05/) { print $1, $2, "13.000" }' "$F/wk/telemetry.csv" |
	    sed '1s/.*/ts,battery_id,voltage_v/' > "$T/fix.csv"
	[ "$(wc -l < "$T/fix.csv")" = 61 ]
	run brul-load telemetry "$T/fix.csv"
	assert_success
	assert_output --partial "60 telemetry rows (0 new, 60 merged, 0 unchanged)"
	[ "$(q "SELECT count(*) FROM telemetry WHERE voltage_v = 13 AND temperature_c IS NOT NULL AND string_id IS NOT NULL")" = 60 ]
	[ "$(q "SELECT voltage_mean_v, voltage_max_v FROM telemetry_hourly WHERE battery_id = 'B0002-1' AND hour = '2026-01-03T05:00:00Z'")" = "13|13" ]
	[ "$(q "SELECT temperature_mean_c, current_mean_a FROM telemetry_hourly WHERE battery_id = 'B0002-1' AND hour = '2026-01-03T05:00:00Z'")" = "$hourly" ]
}

@test "loads of telemetry at the same time take turns, and the rollup stays right" {
	fleet "$F/wk"
	brul-load -q telemetry "$F/wk/telemetry.csv"
	raw=$(digest telemetry)
	hourly=$(digest telemetry_hourly)
	q "TRUNCATE telemetry, telemetry_hourly"
	# Two halves of every hour, loaded at once: each alone would take
	# its hours for its own.
	awk -F, 'NR == 1 || substr($1, 15, 2) < 30' "$F/wk/telemetry.csv" > "$T/a.csv"
	awk -F, 'NR == 1 || substr($1, 15, 2) >= 30' "$F/wk/telemetry.csv" > "$T/b.csv"
	brul-load -q telemetry "$T/a.csv" & a=$!
	brul-load -q telemetry "$T/b.csv" & b=$!
	wait $a
	wait $b
	[ "$(digest telemetry)" = "$raw" ]
	[ "$(digest telemetry_hourly)" = "$hourly" ]
}

@test "the other streams: reloads change nothing, NDJSON and stdin work" {
	fleet "$F/wk"
	for k in events labels string_telemetry; do
		brul-load -q $k "$F/wk/$k.csv"
	done
	brul-features --window day "$F/wk/telemetry.csv" > "$T/features.csv"
	brul-load -q features "$T/features.csv"
	before=$(for t in sites systems strings batteries events labels string_telemetry features; do digest $t; done)
	for k in sites systems strings batteries events labels string_telemetry; do
		brul-load -q $k < "$F/wk/$k.csv"
	done
	brul-features --window day --format ndjson "$F/wk/telemetry.csv" |
	    gzip | brul-load -q features -
	after=$(for t in sites systems strings batteries events labels string_telemetry features; do digest $t; done)
	[ "$before" = "$after" ]
	[ "$(q 'SELECT count(*) FROM features')" = $((48 * 7)) ]
	[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'string_telemetry'::regclass")" = 1 ]
}

@test "predictions and alerts load, and export as they came" {
	fleet "$F/wk"
	cat > "$T/pred.csv" <<-EOF
	battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id
	B0001-1,2026-01-07,142.6,88.0,231.4,0.0100,0.1130,0.6250,medium,c62545e7358f
	B0002-1,2026-01-07,,,,,,,,baseline
	B0001-1,2026-01-08,140.0,86.5,230.0,0.0110,0.1200,0.6300,medium,c62545e7358f
	EOF
	brul-load -q predictions "$T/pred.csv"
	brul-load -q predictions "$T/pred.csv"
	brul-load --export predictions > "$T/out.csv"
	# Written before brul-predict gave p_sudden_90d: it comes out empty,
	# and without reasons.
	{ head -1 "$T/pred.csv"; tail -n +2 "$T/pred.csv" | sort -t, -k2,2 -k1,1; } |
	    sed '1s/$/,p_sudden_90d/; 2,$s/$/,/' > "$T/want"
	cmp "$T/want" "$T/out.csv"
	cat > "$T/alerts.csv" <<-'EOF'
	ts,alert_id,event,kind,severity,priority,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message
	2026-01-02T10:00:00Z,a1,open,temperature_high,warning,2,CMI,CMI-REC1-S1,B0003-1,36.2,35,2026-01-02T10:00:00Z,,"block B0003-1 at 36.2 °C, over 35"
	2026-01-02T11:00:00Z,a1,update,temperature_high,critical,1,CMI,CMI-REC1-S1,B0003-1,41,40,2026-01-02T10:00:00Z,,block B0003-1 at 41.0 °C
	2026-01-02T13:00:00Z,a1,clear,temperature_high,,,CMI,CMI-REC1-S1,B0003-1,33.1,34,2026-01-02T10:00:00Z,2026-01-02T13:00:00Z,cleared
	2026-01-03T08:00:00Z,a2,open,resistance_high,warning,4,CMI,CMI-REC1-S1,B0004-1,1.25,1.2,2026-01-03T08:00:00Z,,resistance 25 % over baseline
	EOF
	brul-load -q alerts "$T/alerts.csv"
	run q "SELECT alert_id, state, severity, priority, ts_open, ts_clear FROM alerts ORDER BY 1"
	assert_output "$(printf 'a1|cleared|critical|1|2026-01-02 10:00:00+00|2026-01-02 13:00:00+00\na2|open|warning|4|2026-01-03 08:00:00+00|')"
	# Written before brul-alert gave priorities: an alert takes one
	# from its severity (critical 2, warning 3), and exports without.
	printf '%s\n' ts,alert_id,event,kind,severity,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message \
	    2026-01-03T09:00:00Z,old,open,voltage_low,critical,CMI,CMI-REC1-S1,B0005-1,-0.7,-0.6,2026-01-03T09:00:00Z,,low > "$T/old.csv"
	brul-load -q alerts "$T/old.csv"
	[ "$(q "SELECT priority FROM alerts WHERE alert_id = 'old'")" = 2 ]
	sed 's/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),/\1,,/; 1s/,,/,priority,/' "$T/old.csv" |
	    cmp - <(brul-load --export alerts --since 2026-01-03T09:00:00Z)
	q "DELETE FROM alert_events WHERE alert_id = 'old'; DELETE FROM alerts WHERE alert_id = 'old'"
	# An operator's acknowledgement survives a reload.
	q "UPDATE alerts SET acknowledged_by = 'somchai' WHERE alert_id = 'a2'"
	brul-load -q alerts "$T/alerts.csv"
	[ "$(q "SELECT acknowledged_by FROM alerts WHERE alert_id = 'a2'")" = somchai ]
	brul-load --export alerts | cmp - "$T/alerts.csv"
	# The same events in two files, one at a time, give the same state.
	state=$(digest alerts)
	q "TRUNCATE alerts, alert_events"
	head -2 "$T/alerts.csv" > "$T/a1.csv"
	{ head -1 "$T/alerts.csv"; tail -n +3 "$T/alerts.csv"; } > "$T/a2.csv"
	brul-load -q alerts "$T/a1.csv"
	brul-load -q alerts "$T/a2.csv"
	q "UPDATE alerts SET acknowledged_by = 'somchai' WHERE alert_id = 'a2'"
	[ "$(digest alerts)" = "$state" ]
	# An event that is none of open, update and clear, with its line.
	sed '3s/,update,/,reopen,/' "$T/alerts.csv" > "$T/bad.csv"
	run brul-load alerts "$T/bad.csv"
	assert_failure 1
	assert_line "brul-load: $T/bad.csv:3: event: expected one of |open|update|clear|, not \"reopen\""
}

@test "predictions: p_sudden_90d and the reasons round-trip; a file without them still loads" {
	fleet "$F/wk"
	# As brul-predict --explain writes them: reasons quoted where CSV
	# needs it, a row with one reason, rows with none.
	cat > "$T/new.csv" <<-'EOF'
	battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id,p_sudden_90d,reason_1,reason_2,reason_3
	B0001-1,2026-01-07,142.6,88.0,231.4,0.0100,0.1130,0.6250,medium,c62545e7358f,0.0042,resistance +38 % over baseline: -210 days,"float current 0.31 A, rising: -45 days",room at 31.2 °C: -12 days
	B0002-1,2026-01-07,,,,,,,,baseline,,,,
	B0003-1,2026-01-07,60.0,31.5,98.0,0.1500,0.7000,0.9500,high,c62545e7358f,0.0815,"""dry-out"" signature: -90 days",,
	B0001-1,2026-01-08,140.0,86.5,230.0,0.0110,0.1200,0.6300,medium,c62545e7358f,0.0043,,,
	EOF
	brul-load -q predictions "$T/new.csv"
	run q "SELECT battery_id, date, p_sudden_90d, reason_1, reason_2, reason_3 FROM predictions ORDER BY date, battery_id"
	assert_output "$(printf '%s\n' \
	    'B0001-1|2026-01-07|0.0042|resistance +38 % over baseline: -210 days|float current 0.31 A, rising: -45 days|room at 31.2 °C: -12 days' \
	    'B0002-1|2026-01-07||||' \
	    'B0003-1|2026-01-07|0.0815|"dry-out" signature: -90 days||' \
	    'B0001-1|2026-01-08|0.0043|||')"
	# Exported as they came, in CSV; in NDJSON, loaded again to the same.
	{ head -1 "$T/new.csv"; tail -n +2 "$T/new.csv" | sort -t, -k2,2 -k1,1; } > "$T/want"
	brul-load --export predictions | cmp "$T/want" -
	brul-load --export predictions --format ndjson > "$T/out.ndjson"
	head -1 "$T/out.ndjson" | grep -qF '"p_sudden_90d":0.0042,"reason_1":"resistance +38 % over baseline: -210 days","reason_2":"float current 0.31 A, rising: -45 days","reason_3":"room at 31.2 °C: -12 days"}'
	q "TRUNCATE predictions"
	brul-load -q predictions "$T/out.ndjson"
	brul-load --export predictions | cmp "$T/want" -
	# Selected rows without reasons come out without their columns, as
	# brul-predict writes them without --explain.
	brul-load --export predictions --since 2026-01-08 > "$T/day8.csv"
	printf '%s\n' battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id,p_sudden_90d \
	    B0001-1,2026-01-08,140.0,86.5,230.0,0.0110,0.1200,0.6300,medium,c62545e7358f,0.0043 | cmp - "$T/day8.csv"
	brul-load --export predictions --battery B0003-1 | grep -qF '"""dry-out"" signature: -90 days",,'
	# A file written before: it loads, and replaces only the columns it
	# has; its rows have neither the sudden part nor reasons.
	cat > "$T/old.csv" <<-'EOF'
	battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id
	B0003-1,2026-01-07,58.0,30.0,97.0,0.1600,0.7100,0.9600,high,c62545e7358f
	B0004-1,2026-01-07,300.0,210.0,390.0,0.0010,0.0100,0.1000,low,c62545e7358f
	EOF
	run brul-load predictions "$T/old.csv"
	assert_success
	assert_output --partial "2 predictions rows"
	run q "SELECT battery_id, rul_days, p_sudden_90d, reason_1 FROM predictions WHERE battery_id IN ('B0003-1', 'B0004-1') ORDER BY 1"
	assert_output "$(printf '%s\n' 'B0003-1|58|0.0815|"dry-out" signature: -90 days' 'B0004-1|300||')"
	printf '%s\n' battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id,p_sudden_90d \
	    B0004-1,2026-01-07,300.0,210.0,390.0,0.0010,0.0100,0.1000,low,c62545e7358f, |
	    cmp - <(brul-load --export predictions --battery B0004-1)
}

@test "brul-alert's events load: the table's open alerts are those it left open" {
	fleet "$F/wk"
	# resistance an alert again, not a digest item, for alerts left open
	cat > "$T/r.json" <<-'EOF'
	{"extends": "default", "rules": [{"name": "resistance_high",
	  "metric": "resistance_mohm", "smooth": "2d", "relative": "percent",
	  "baseline": "fleet", "warning": 20, "critical": 50, "clear": 15}]}
	EOF
	brul-alert --fleet "$F/wk/batteries.csv" --systems "$F/wk/systems.csv" \
	    --rules "$T/r.json" --strings "$F/wk/string_telemetry.csv" \
	    "$F/wk/telemetry.csv" > "$T/a.csv"
	brul-load -q alerts "$T/a.csv"
	want=$(/usr/bin/python3 -c '
import csv, sys
st = {}
for r in csv.DictReader(open(sys.argv[1])):
    st[r["alert_id"]] = (r["event"] != "clear", r["severity"])
print(len(st), sum(o for o, s in st.values()), sum(o and s == "critical" for o, s in st.values()))' "$T/a.csv")
	[ "$(echo "$want" | cut -d' ' -f1)" -gt 10 ]
	run q "SELECT count(*), count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'open' AND severity = 'critical') FROM alerts"
	assert_output "$(echo "$want" | tr ' ' '|')"
	brul-load --export alerts | cmp - "$T/a.csv"
}

@test "a bad row in the middle leaves nothing behind and names its line" {
	fleet "$F/wk"
	awk -F, -v OFS=, 'NR == 5001 { $4 = "13.5x" } 1' "$F/wk/telemetry.csv" > "$T/bad.csv"
	run brul-load telemetry "$T/bad.csv"
	assert_failure 1
	assert_line "brul-load: $T/bad.csv:5001: voltage_v: not a number: \"13.5x\""
	assert_line "brul-load: $T/bad.csv: nothing was loaded"
	[ "$(q 'SELECT count(*) FROM telemetry')" = 0 ]
	[ "$(q 'SELECT count(*) FROM telemetry_hourly')" = 0 ]
	# A battery the database has not heard of, with the way out.
	awk -F, -v OFS=, 'NR == 300000 { $2 = "B9999-1" } 1' "$F/wk/telemetry.csv" > "$T/unknown.csv"
	run brul-load telemetry "$T/unknown.csv"
	assert_failure 1
	assert_line "brul-load: $T/unknown.csv:300000: battery_id: B9999-1 is not in batteries: load batteries first (brul-load batteries FILE)"
	[ "$(q 'SELECT count(*) FROM telemetry')" = 0 ]
	# A block in another string than the one batteries gives it.
	awk -F, -v OFS=, 'NR == 4000 { $3 = "CMI-UPS1-S9" } 1' "$F/wk/telemetry.csv" > "$T/str.csv"
	b=$(sed -n 4000p "$F/wk/telemetry.csv" | cut -d, -f2)
	s=$(sed -n 4000p "$F/wk/telemetry.csv" | cut -d, -f3)
	run brul-load telemetry "$T/str.csv"
	assert_failure 1
	assert_line "brul-load: $T/str.csv:4000: string_id: CMI-UPS1-S9, but battery $b is in $s"
	# A reading no monitor gives.
	awk -F, -v OFS=, 'NR == 77 { $5 = "1e12" } 1' "$F/wk/telemetry.csv" > "$T/big.csv"
	run brul-load telemetry "$T/big.csv"
	assert_failure 1
	assert_line "brul-load: $T/big.csv:77: current_a: out of range: 1e+12"
	# Text that is not UTF-8.
	awk -F, -v OFS=, 'NR == 9 { $5 = $5 "\377" } 1' "$F/wk/events.csv" > "$T/events.csv"
	run brul-load events "$T/events.csv"
	assert_failure 1
	assert_output --partial "brul-load: $T/events.csv:9: detail: not UTF-8 (byte 0xff at "
	[ "$(q 'SELECT count(*) FROM telemetry')$(q 'SELECT count(*) FROM events')" = 00 ]
	# The same for the merged kinds, whose references the database checks.
	awk -F, -v OFS=, 'NR == 100 { $2 = "B9999-1" } 1' "$F/wk/labels.csv" > "$T/labels.csv"
	run brul-load labels "$T/labels.csv"
	assert_failure 1
	assert_line "brul-load: $T/labels.csv:100: battery_id: B9999-1 is not in batteries: load batteries first (brul-load batteries FILE)"
	[ "$(q 'SELECT count(*) FROM labels')" = 0 ]
	sed '20s/,[0-9]*,\([0-9-]*\),[01],/,x,\1,0,/' "$F/wk/labels.csv" > "$T/labels.csv"
	run brul-load labels "$T/labels.csv"
	assert_failure 1
	assert_output --partial "labels.csv:20: rul_days: not an integer"
	# A missing key column, named.
	cut -d, -f2- "$F/wk/events.csv" > "$T/events.csv"
	run brul-load events "$T/events.csv"
	assert_failure 1
	assert_output --partial 'missing column "ts_start"'
	# A truncated gzip file is an error, not a short load.
	gzip -c "$F/wk/telemetry.csv" | head -c 300000 > "$T/cut.csv.gz"
	run brul-load telemetry "$T/cut.csv.gz"
	assert_failure 1
	assert_line "brul-load: $T/cut.csv.gz: nothing was loaded"
	[ "$(q 'SELECT count(*) FROM telemetry')" = 0 ]
}

@test "--batch-rows: whole batches only, the position reported, a rerun finishes" {
	fleet "$F/wk"
	brul-load -q telemetry "$F/wk/telemetry.csv"
	whole=$(digest telemetry_hourly)
	raw=$(digest telemetry)
	q "TRUNCATE telemetry, telemetry_hourly"
	awk -F, -v OFS=, 'NR == 250001 { $6 = "warm" } 1' "$F/wk/telemetry.csv" > "$T/bad.csv"
	run brul-load --batch-rows 100000 telemetry "$T/bad.csv"
	assert_failure 1
	assert_line "brul-load: $T/bad.csv:250001: temperature_c: not a number: \"warm\""
	assert_line "brul-load: $T/bad.csv: the first 200000 rows, to line 200001, were committed; run the same load again to finish (rows already there are replaced, never doubled)"
	[ "$(q 'SELECT count(*) FROM telemetry')" = 200000 ]
	# The rollup of what was committed is right too.
	run q "SELECT count(*) FROM telemetry_hourly h WHERE samples <> (SELECT count(*) FROM telemetry t WHERE t.battery_id = h.battery_id AND date_trunc('hour', t.ts) = h.hour)"
	assert_output 0
	# Fixed, the rerun finishes the job.
	brul-load -q --batch-rows 100000 telemetry "$F/wk/telemetry.csv"
	[ "$(digest telemetry)" = "$raw" ]
	[ "$(digest telemetry_hourly)" = "$whole" ]
}

@test "retention drops exactly the partitions wholly before the cutoff" {
	fleet "$F/ds"
	brul-load -q telemetry "$F/ds/telemetry.csv.gz"
	brul-load -q string_telemetry "$F/ds/string_telemetry.csv.gz"
	hourly=$(digest telemetry_hourly)
	# Now 2026-04-15; 60 days back is 2026-02-14: January goes, February
	# straddles the cutoff and stays.
	run brul-load --retain 60d --now 2026-04-15 --dry-run
	assert_success
	assert_output "$(printf 'would drop string_telemetry_2026_01 (string_telemetry, 2026-01-01 to 2026-02-01)\nwould drop telemetry_here_2026_01 (telemetry_here, 2026-01-01 to 2026-02-01)')"
	[ "$(q 'SELECT count(*) FROM telemetry')" = 3110400 ]
	run brul-load --retain 60d --now 2026-04-15
	assert_success
	assert_line "brul-load: dropped telemetry_here_2026_01 (telemetry_here, 2026-01-01 to 2026-02-01)"
	[ "$(q "SELECT min(ts) FROM telemetry")" = "2026-02-01 00:00:00+00" ]
	[ "$(q 'SELECT count(*) FROM telemetry')" = $((3110400 - 24 * 31 * 1440)) ]
	[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'telemetry_here'::regclass")" = 2 ]
	# The rollups stay.
	[ "$(digest telemetry_hourly)" = "$hourly" ]
	run brul-load --retain 60d --now 2026-04-15
	assert_success
	assert_output --partial "no partition lies wholly before 2026-02-14T00:00:00Z"
	# A late row from the dropped month would recompute its hour from
	# one row: refused, and the kept hour stays.
	unz "$F/ds/telemetry.csv.gz" | sed -n '1p; 100000p' > "$T/late.csv"
	run brul-load telemetry "$T/late.csv"
	assert_failure 1
	assert_line "brul-load: $T/late.csv:2: ts: before 2026-02-01T00:00:00Z, whose raw telemetry retention dropped (its hours live on in telemetry_hourly, which a part of their rows would overwrite)"
	[ "$(digest telemetry_hourly)" = "$hourly" ]
	# Later rows still load.
	unz "$F/ds/telemetry.csv.gz" | sed -n '1p; 3000000p' > "$T/recent.csv"
	brul-load -q telemetry "$T/recent.csv"
}

@test "each load sends a NOTIFY on its stream's channel after it commits" {
	fleet "$F/wk"
	# psql prints notifications between the statements of a script.
	printf 'LISTEN brul_labels;\nLISTEN brul_telemetry;\nSELECT pg_sleep(4);\nSELECT 1;\n' |
	    psql -qXAt > "$T/listen" 2>&1 &
	sleep 1
	brul-load -q labels "$F/wk/labels.csv"
	head -4801 "$F/wk/telemetry.csv" | brul-load -q telemetry
	wait
	cat "$T/listen"
	grep -F 'notification "brul_labels" with payload "{"kind":"labels","rows":336,"from":"2026-01-01","to":"2026-01-07"}"' "$T/listen"
	grep -F 'notification "brul_telemetry" with payload "{"kind":"telemetry","rows":4800,"from":"2026-01-01T00:00:00Z","to":"2026-01-01T01:39:00Z","sites":["CMI"]}"' "$T/listen"
}

@test "export: a full disk is an error, and the output is not left behind" {
	fleet "$F/wk"
	head -1000 "$F/wk/telemetry.csv" | brul-load -q telemetry
	run brul-load --export telemetry -o /dev/full
	assert_failure 1
	assert_output --partial "brul-load: /dev/full:"
	run brul-load --export predictions --since yesterday
	assert_failure 2
}

@test "the server stopped mid-load: a clear error, status 3, what was committed said" {
	# A cluster of its own, stopped under the load's feet: the input
	# pauses after 100,000 rows, two batches of 40,000 are committed by
	# then and a third is open; the server goes during the pause.
	dir=$(mktemp -d /tmp/brul-pg.XXXXXX)
	chmod 755 "$dir"
	PG_PORT=5499 sh "$PG" start "$dir/c" > /dev/null
	export PGHOST=$dir/c PGPORT=5499 PGDATABASE=postgres
	fleet "$F/ds"
	{ unz "$F/ds/telemetry.csv.gz" | head -100001; sleep 4
	  unz "$F/ds/telemetry.csv.gz" | sed -n '100002,200001p'; } |
	    brul-load --batch-rows 40000 telemetry 2> "$T/err" &
	pid=$!
	sleep 2.5
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/c/data" -m immediate stop > /dev/null
	else
		/usr/lib/postgresql/15/bin/pg_ctl -D "$dir/c/data" -m immediate stop > /dev/null
	fi
	status=0
	wait $pid || status=$?
	cat "$T/err"
	[ "$status" = 3 ]
	grep -q "^brul-load: <stdin>: lost the connection to PostgreSQL: " "$T/err"
	grep -qxF "brul-load: <stdin>: the first 80000 rows, to line 80001, were committed; run the same load again to finish (rows already there are replaced, never doubled)" "$T/err"
	PG_PORT=5499 sh "$PG" restart "$dir/c"
	[ "$(psql -qXAtc 'SELECT count(*) FROM telemetry')" = 80000 ]
	[ "$(psql -qXAtc 'SELECT sum(samples) FROM telemetry_hourly')" = 80000 ]
	PG_PORT=5499 sh "$PG" stop "$dir/c"
	rm -rf "$dir"
}

@test "a dataset or file that is not there is said before the database is" {
	run --separate-stderr brul-load --db "host=/nonexistent" --dataset "$T/none"
	assert_failure 1
	[ "$stderr" = "brul-load: $T/none: no such directory" ]
	run --separate-stderr brul-load --db "host=/nonexistent" --dataset /etc/passwd
	assert_failure 1
	[ "$stderr" = "brul-load: /etc/passwd: not a directory (--dataset takes brul-gen --dataset's directory)" ]
	run --separate-stderr brul-load --db "host=/nonexistent" telemetry "$T/none.csv"
	assert_failure 1
	[ "$stderr" = "brul-load: $T/none.csv: cannot open: No such file or directory" ]
}
