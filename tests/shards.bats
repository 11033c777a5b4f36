#!/usr/bin/env bats
# The fleet's telemetry across three PostgreSQL servers: a coordinator
# and two shards (brul-load --add-shard), throwaway clusters on unix
# sockets, against the same load into one server.

bats_require_minimum_version 1.5.0
load helpers/common

PG=$BATS_TEST_DIRNAME/helpers/pg.sh

setup_file() {
	d=$BATS_FILE_TMPDIR
	PGDIR=$(mktemp -d /tmp/brul-shards.XXXXXX)
	chmod 755 "$PGDIR"	# for the servers, which run as postgres under root
	echo "$PGDIR" > "$d/pgdir"
	PG_PORT=5451 sh "$PG" start "$PGDIR/c" > /dev/null
	PG_PORT=5452 sh "$PG" start "$PGDIR/a" > /dev/null
	PG_PORT=5453 sh "$PG" start "$PGDIR/b" > /dev/null
	# A day of three sites: 792 blocks, 1,140,480 rows.
	"$BRUL_BIN"/brul-gen --dataset "$d/ds" --days 1 --site BRK \
	    --site CMI --site HDY --seed 7 --quiet
	# A week of the whole fleet (2,376 blocks, 9 sites, 23,950,080
	# rows), and the 90-day dataset (a string of CMI).
	"$BRUL_BIN"/brul-gen --dataset "$d/full" --days 7 --seed 7 -z --quiet
	"$BRUL_BIN"/brul-gen --dataset "$d/d90" --days 90 --batteries 24 \
	    --seed 7 -z --quiet
}

teardown_file() {
	PGDIR=$(cat "$BATS_FILE_TMPDIR/pgdir")
	PG_PORT=5451 sh "$PG" stop "$PGDIR/c" || true
	PG_PORT=5452 sh "$PG" stop "$PGDIR/a" || true
	PG_PORT=5453 sh "$PG" stop "$PGDIR/b" || true
	rm -rf "$PGDIR"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	PGDIR=$(cat "$F/pgdir")
	n=$BATS_SUITE_TEST_NUMBER
	export PGHOST=$PGDIR/c PGPORT=5451 PGUSER=postgres PGDATABASE=c$n
	unset DATABASE_URL
	A="host=$PGDIR/a port=5452 user=postgres dbname=a$n"
	Bs="host=$PGDIR/b port=5453 user=postgres dbname=b$n"
	for db in "c$n:5451:c" "a$n:5452:a" "b$n:5453:b"; do
		IFS=: read -r name port dir <<< "$db"
		psql -h "$PGDIR/$dir" -p "$port" -d postgres -qXc \
		    "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
	done
	psql -d postgres -qXc "DROP DATABASE IF EXISTS one$n" \
	    -c "CREATE DATABASE one$n"
	brul-load -q --migrate
	for k in sites systems strings batteries; do
		brul-load -q $k "$F/ds/$k.csv"
	done
}

teardown() {
	for p in "$T"/pid.*; do
		[ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
}

q() { psql -qXAtc "$1"; }
# on CONNINFO SQL: a query on another database
on() { psql "$1" -qXAtc "$2"; }

# A fingerprint of the rows a query gives, whatever their order: their
# count and their text's hashes XORed (in constant memory).
rows() {
	q "SELECT count(*), bit_xor(hashtextextended(x::text, 7)) FROM ($1) x"
}

@test "--add-shard: a shard migrated and attached; --shards says what each holds" {
	run brul-load --add-shard "$A" --sites BRK
	assert_success
	assert_line "brul-load: applied 001-schema.sql on shard shard1"
	assert_line "brul-load: shard shard1 keeps the telemetry of BRK"
	run brul-load --add-shard "$Bs" --sites HDY --name south
	assert_success
	assert_line "brul-load: shard south keeps the telemetry of HDY"
	[ "$(on "$A" "SELECT count(*) FROM schema_migrations")" = "$(schema_version)" ]
	# The foreign partitions, one a table per shard and site list.
	run q "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry'::regclass ORDER BY 1"
	assert_output "$(printf "telemetry_here|DEFAULT\ntelemetry_on_shard1|FOR VALUES IN ('BRK')\ntelemetry_on_south|FOR VALUES IN ('HDY')")"
	[ "$(q "SELECT count(*) FROM pg_foreign_table")" = 4 ]
	run brul-load --shards
	assert_success
	assert_line --index 0 "shard,sites,rows,bytes,status"
	assert_line --index 1 --regexp "^here,,0,[0-9]+,ok$"
	assert_line --index 2 --regexp "^shard1,BRK,0,[0-9]+,ok$"
	assert_line --index 3 --regexp "^south,HDY,0,[0-9]+,ok$"
	# More sites for a shard: its partitions made again.
	brul-load -q --add-shard "$A" --sites CMI --name shard1
	run q "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = 'telemetry_hourly_on_shard1'"
	assert_output "FOR VALUES IN ('BRK', 'CMI')"
	# A shard down is said, and the status is 3.
	PG_PORT=5453 sh "$PG" stop "$PGDIR/b"
	run brul-load --shards
	PG_PORT=5453 sh "$PG" restart "$PGDIR/b"
	assert_failure 3
	assert_line --index 3 --regexp '^south,HDY,,,"unreachable: .*is the server running'
}

@test "--add-shard refuses what cannot be a shard" {
	run brul-load --add-shard "$A" --sites XXX
	assert_failure 1
	assert_output "brul-load: site XXX is not in sites: load the fleet first"
	run brul-load --add-shard "$A" --sites BRK --name 'Bad-Name'
	assert_failure 1
	assert_output --partial "shard name Bad-Name: expected up to 32 lowercase letters"
	run brul-load --add-shard "host=$PGDIR/c port=5451 user=postgres dbname=c$n" --sites BRK
	assert_failure 1
	assert_output "brul-load: the shard is this database: give another server's or database's"
	brul-load -q --add-shard "$A" --sites BRK
	run brul-load --add-shard "$Bs" --sites BRK
	assert_failure 1
	assert_output "brul-load: site BRK is on shard shard1 already"
	run brul-load --add-shard "$Bs" --sites HDY --name shard1
	assert_failure 1
	assert_output "brul-load: shard shard1 is at another address already"
	# A site whose telemetry is here must be moved first.
	site=$(q "SELECT site_id FROM batteries WHERE battery_id = 'B0001-1'")
	awk -F, 'NR == 1 || $2 == "B0001-1"' "$F/ds/telemetry.csv" > "$T/one.csv"
	brul-load -q telemetry "$T/one.csv"
	run brul-load --add-shard "$Bs" --sites "$site"
	assert_failure 1
	assert_output "brul-load: site $site has telemetry in this database: move it to the shard first (brul-scale(7), \"Moving a site\")"
	run brul-load --add-shard "$Bs" --name x
	assert_failure 2
	assert_output --partial "--add-shard: needs --sites"
	run brul-load --sites BRK --shards
	assert_failure 2
	assert_output --partial "--sites: goes with --add-shard"
	# Nothing was half made.
	[ "$(q "SELECT count(*) FROM shards")" = 1 ]
	[ "$(q "SELECT count(*) FROM pg_foreign_server")" = 1 ]
}

@test "a load through two shards equals one server's, row for row and rollup for rollup" {
	brul-load -q --add-shard "$A" --sites BRK
	brul-load -q --add-shard "$Bs" --sites HDY
	run brul-load telemetry "$F/ds/telemetry.csv"
	assert_success
	assert_output --regexp "^brul-load: .*telemetry.csv: 1140480 telemetry rows \(1140480 new, 0 merged, 0 unchanged\) in "
	# Each server holds its sites' rows only, with their rollup.
	[ "$(on "$A" "SELECT string_agg(DISTINCT site_id, ',') FROM telemetry_here")" = BRK ]
	[ "$(on "$Bs" "SELECT string_agg(DISTINCT site_id, ',') FROM telemetry_hourly_here")" = HDY ]
	[ "$(q "SELECT string_agg(DISTINCT site_id, ',') FROM telemetry_here")" = CMI ]
	# The same file into one server.
	PGDATABASE=one$n brul-load -q --migrate
	for k in sites systems strings batteries telemetry; do
		PGDATABASE=one$n brul-load -q $k "$F/ds/$k.csv"
	done
	for t in telemetry telemetry_hourly; do
		whole=$(PGDATABASE=one$n rows "SELECT * FROM $t")
		[ "$(rows "SELECT * FROM $t")" = "$whole" ]
	done
	# The shard's rollup is its rows' (the definition, run there).
	[ "$(on "$A" "SELECT count(*) FROM telemetry_hourly_here h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS DISTINCT FROM (r.*)")" = 0 ]
	# Exported through the coordinator, byte for byte the file.
	brul-load --export telemetry | LC_ALL=C sort > "$T/out"
	LC_ALL=C sort "$F/ds/telemetry.csv" | cmp - "$T/out"
	# Again: every hour found unchanged, on every server.
	run brul-load telemetry "$F/ds/telemetry.csv"
	assert_output --partial "(0 new, 0 merged, 1140480 unchanged)"
	# A battery's hour read through the coordinator asks its shard
	# only for that hour of that battery.
	b=$(q "SELECT battery_id FROM batteries WHERE site_id = 'BRK' LIMIT 1")
	run q "EXPLAIN (VERBOSE, COSTS OFF) SELECT ts, voltage_v FROM telemetry WHERE site_id = 'BRK' AND battery_id = '$b' AND ts >= '2026-01-01T05:00Z' AND ts < '2026-01-01T06:00Z'"
	assert_line --partial "Foreign Scan on public.telemetry_on_shard1"
	assert_line --regexp "Remote SQL: SELECT .* FROM public.telemetry_here WHERE .*ts >= .*ts < .*battery_id = '$b'"
	refute_output --partial "telemetry_on_shard2"
	refute_output --partial "telemetry_here_2026"
	# A site's sums by hour are made on its shard, every shard's at once.
	run q "EXPLAIN (VERBOSE, COSTS OFF) SELECT site_id, hour, sum(samples) FROM telemetry_hourly WHERE battery_id = '$b' GROUP BY 1, 2"
	assert_line --partial "Relations: Aggregate on (public.telemetry_hourly_on_shard1 telemetry_hourly)"
	assert_line --regexp "Remote SQL: SELECT site_id, hour, sum\(samples\) FROM public.telemetry_hourly_here WHERE .*battery_id = '$b'.* GROUP BY 1, 2"
	assert_line --partial "Async Foreign Scan"
	# brul-serve's days of a battery, grouped on its shard.
	run q "EXPLAIN (VERBOSE, COSTS OFF) SELECT date_bin('1 day', hour, '2000-01-01T00:00:00Z') AS ts, sum(samples), (array_agg(resistance_mohm ORDER BY hour DESC) FILTER (WHERE resistance_mohm IS NOT NULL))[1] FROM telemetry_hourly WHERE battery_id = '$b' AND site_id = 'BRK' AND hour >= '2026-01-01' AND hour < '2026-01-03' GROUP BY site_id, 1"
	assert_line --partial "Relations: Aggregate on (public.telemetry_hourly_on_shard1 telemetry_hourly)"
	# ... and give what one server's give.
	sums="SELECT site_id, hour, sum(samples) FROM telemetry_hourly GROUP BY 1, 2"
	[ "$(rows "$sums")" = "$(PGDATABASE=one$n rows "$sums")" ]
}

@test "a week of the whole fleet and the 90-day dataset through two shards equal one server's" {
	for db in f$n onef$n; do
		psql -d postgres -qXc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
		PGDATABASE=$db brul-load -q --migrate
		for k in sites systems strings batteries; do
			PGDATABASE=$db brul-load -q $k "$F/full/$k.csv.gz"
		done
		# the 90 days' blocks: one replaced since the first day
		PGDATABASE=$db brul-load -q --replace batteries "$F/d90/batteries.csv.gz"
	done
	export PGDATABASE=f$n
	brul-load -q --add-shard "$A" --sites CMI,BRK,KKN
	brul-load -q --add-shard "$Bs" --sites HDY,PKT,SNI
	for db in f$n onef$n; do
		PGDATABASE=$db brul-load -q telemetry "$F/full/telemetry.csv.gz" "$F/d90/telemetry.csv.gz"
	done
	[ "$(q "SELECT count(*) FROM telemetry")" -gt 26000000 ]
	[ "$(on "$A" "SELECT count(DISTINCT site_id) FROM telemetry_here")" = 3 ]
	[ "$(on "$Bs" "SELECT count(DISTINCT site_id) FROM telemetry_here")" = 3 ]
	[ "$(q "SELECT count(DISTINCT site_id) FROM telemetry_here")" = 3 ]
	for t in telemetry telemetry_hourly; do
		whole=$(PGDATABASE=onef$n rows "SELECT * FROM $t")
		[ "$(rows "SELECT * FROM $t")" = "$whole" ]
	done
	run brul-load --shards
	assert_line --index 1 --regexp "^here,,[0-9]+,[0-9]+,ok$"
	[ "$(echo "$output" | awk -F, 'NR > 1 { n += $3 } END { print n }')" = "$(q "SELECT count(*) FROM telemetry")" ]
}

@test "a shard stopped: its error, status 3, the others' rows kept, a rerun finishes" {
	brul-load -q --add-shard "$A" --sites BRK
	brul-load -q --add-shard "$Bs" --sites HDY
	PG_PORT=5453 sh "$PG" stop "$PGDIR/b"
	run brul-load telemetry "$F/ds/telemetry.csv"
	PG_PORT=5453 sh "$PG" restart "$PGDIR/b"
	assert_failure 3
	assert_line --partial "brul-load: shard shard2: "
	assert_line --partial "is the server running?"
	assert_line --regexp "telemetry.csv: nothing was loaded$"
	[ "$(q "SELECT count(*) FROM telemetry_here")" = 0 ]
	[ "$(on "$A" "SELECT count(*) FROM telemetry_here")" = 0 ]
	# A file without a row of its sites loads all the same.
	q "SELECT battery_id FROM batteries WHERE site_id <> 'HDY'" > "$T/ids"
	awk -F, 'NR == FNR { ok[$1] = 1; next } FNR == 1 || ($2 in ok)' \
	    "$T/ids" "$F/ds/telemetry.csv" > "$T/not-hdy.csv"
	PG_PORT=5453 sh "$PG" stop "$PGDIR/b"
	run brul-load telemetry "$T/not-hdy.csv"
	PG_PORT=5453 sh "$PG" restart "$PGDIR/b"
	assert_success
	[ "$(q "SELECT count(*) FROM telemetry")" = $(($(wc -l < "$T/not-hdy.csv") - 1)) ]
	q "TRUNCATE telemetry_here, telemetry_hourly_here"
	on "$A" "TRUNCATE telemetry_here, telemetry_hourly_here"
	# Gone while the others commit: theirs are kept, and said.  (The
	# shard waits on a lock until it is stopped.)
	psql "$Bs" -qXc "BEGIN; LOCK TABLE telemetry_hourly_here IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)" > /dev/null 2>&1 3>&- &
	sleep 1
	( sleep 5; PG_PORT=5453 sh "$PG" stop "$PGDIR/b" ) > /dev/null 2>&1 3>&- &
	run brul-load telemetry "$F/ds/telemetry.csv"
	wait
	PG_PORT=5453 sh "$PG" restart "$PGDIR/b"
	assert_failure 3
	assert_line --partial "brul-load: shard shard2: "
	assert_line --regexp "telemetry.csv: [0-9]+ rows were committed, on the servers whose transactions ended; run the same load again to finish"
	[ "$(on "$Bs" "SELECT count(*) FROM telemetry_here")" = 0 ]
	[ "$(q "SELECT count(*) FROM telemetry_here")" -gt 0 ]
	[ "$(on "$A" "SELECT count(*) FROM telemetry_here")" -gt 0 ]
	# The rerun finishes: every row there, each hour rolled up.
	run brul-load telemetry "$F/ds/telemetry.csv"
	assert_success
	[ "$(q "SELECT count(*) FROM telemetry")" = 1140480 ]
	[ "$(q "SELECT sum(samples) FROM telemetry_hourly")" = 1140480 ]
	[ "$(on "$Bs" "SELECT count(*) FROM telemetry_hourly_here h, brul_telemetry_hourly_of(h.battery_id, h.hour, h.hour + interval '1 hour') r WHERE (h.*) IS DISTINCT FROM (r.*)")" = 0 ]
}

@test "rows loaded into shards are told on the coordinator's channel" {
	brul-load -q --add-shard "$A" --sites BRK,CMI
	brul-load -q --add-shard "$Bs" --sites HDY
	awk -F, 'NR == 1 || $1 < "2026-01-01T00:10"' "$F/ds/telemetry.csv" > "$T/ten.csv"
	{ echo "LISTEN brul_telemetry;"; sleep 2; echo "SELECT 1;"; } |
	    psql -qX > "$T/heard" 2>&1 &
	sleep 1
	brul-load -q telemetry "$T/ten.csv"
	wait
	cat "$T/heard"
	grep -q '"rows":7920,"from":"2026-01-01T00:00:00Z","to":"2026-01-01T00:09:00Z"' "$T/heard"
}

@test "--retain drops each server's old months, the shards' too, and says where" {
	brul-load -q --add-shard "$A" --sites CMI
	brul-load -q --replace batteries "$F/d90/batteries.csv.gz"
	brul-load -q telemetry "$F/d90/telemetry.csv.gz"
	[ "$(q "SELECT count(*) FROM telemetry_here")" = 0 ]
	run brul-load --retain 60d --now 2026-04-15 --dry-run
	assert_success
	assert_output "would drop telemetry_here_2026_01 (telemetry_here on shard shard1, 2026-01-01 to 2026-02-01)"
	run brul-load --retain 60d --now 2026-04-15
	assert_success
	assert_output "brul-load: dropped telemetry_here_2026_01 (telemetry_here on shard shard1, 2026-01-01 to 2026-02-01)"
	[ "$(q "SELECT min(ts) FROM telemetry")" = "2026-02-01 00:00:00+00" ]
	[ "$(on "$A" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'telemetry_here'::regclass")" = 2 ]
	# The shard refuses what retention dropped there.
	unz "$F/d90/telemetry.csv.gz" | sed -n '1p; 100p' > "$T/late.csv"
	run brul-load telemetry "$T/late.csv"
	assert_failure 1
	assert_output --partial "ts: before 2026-02-01T00:00:00Z, whose raw telemetry retention dropped"
}

@test "--migrate brings every shard along, and says which it could not" {
	brul-load -q --add-shard "$A" --sites BRK
	run brul-load --migrate
	assert_success
	assert_output "brul-load: the schema is up to date (version $(schema_version))"
	on "$A" "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1"
	run brul-load --migrate
	assert_failure 1
	assert_output --partial "brul-load: shard shard1: changed since it was applied"
}

# serve DB: brul-serve on database DB of the coordinator's cluster; its
# address in $T/url.DB, a viewer's token in $T/token.DB.
serve() {
	local url="host=$PGDIR/c port=5451 user=postgres dbname=$1" i
	[ -s "$T/secret" ] || head -c 48 /dev/urandom | base64 > "$T/secret"
	chmod 600 "$T/secret"
	echo 'correct horse battery staple' > "$T/pw"
	DATABASE_URL=$url brul-serve --create-user v --role viewer \
	    --password-file "$T/pw" 2>/dev/null
	DATABASE_URL=$url brul-serve --listen 127.0.0.1:0 --threads 2 \
	    --secret-file "$T/secret" 2> "$T/log.$1" 3>&- &
	echo $! > "$T/pid.$1"
	for i in $(seq 50); do
		grep -q 'listening on' "$T/log.$1" 2>/dev/null && break
		sleep 0.1
	done
	sed -n 's/.*listening on \(http:[^ ]*[^/]\)\/* .*/\1/p' "$T/log.$1" > "$T/url.$1"
	curl -s -X POST -H 'Content-Type: application/json' \
	    --data-binary '{"username":"v","password":"correct horse battery staple"}' \
	    "$(cat "$T/url.$1")/api/v1/auth/login" |
	    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' > "$T/token.$1"
}
# get DB PATH: the body and the status of a GET from DB's server
get() {
	curl -s -H "Authorization: Bearer $(cat "$T/token.$1")" \
	    -w '\n%{http_code}\n' "$(cat "$T/url.$1")$2"
}

@test "brul-serve through the coordinator answers as one server; a shard stopped: its sites' 503s, the rest answers" {
	brul-load -q --add-shard "$A" --sites BRK
	brul-load -q --add-shard "$Bs" --sites HDY
	brul-load -q telemetry "$F/ds/telemetry.csv"
	PGDATABASE=one$n brul-load -q --migrate
	for k in sites systems strings batteries telemetry events; do
		PGDATABASE=one$n brul-load -q $k "$F/ds/$k.csv"
	done
	brul-load -q events "$F/ds/events.csv"
	for db in c$n one$n; do
		awk -f "$BATS_TEST_DIRNAME/helpers/predictions.awk" "$F/ds/labels.csv" |
		    PGDATABASE=$db brul-load -q predictions
	done
	serve c$n
	serve one$n
	paths=(/api/v1/summary /api/v1/sites "/api/v1/batteries?limit=20"
	    "/api/v1/predictions/latest?limit=20" /api/v1/alerts
	    /api/v1/alerts/stats)
	for site in BRK CMI HDY; do
		b=$(q "SELECT min(battery_id) FROM batteries WHERE site_id = '$site'")
		paths+=("/api/v1/sites/$site" "/api/v1/sites/$site/blocks"
		    "/api/v1/sites/$site/batteries" "/api/v1/batteries/$b"
		    "/api/v1/batteries/$b/telemetry?from=2026-01-01T05:00:00Z&to=2026-01-01T07:00:00Z"
		    "/api/v1/batteries/$b/telemetry?resolution=hour"
		    "/api/v1/batteries/$b/telemetry?resolution=day"
		    "/api/v1/batteries/$b/predictions"
		    "/api/v1/batteries/$b/twin?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"
		    "/api/v1/batteries/$b/events?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")
	done
	for p in "${paths[@]}"; do
		get c$n "$p" > "$T/a"
		get one$n "$p" > "$T/b"
		echo "$p: $(tail -1 "$T/a")"
		[ "$(tail -1 "$T/a")" = 200 ]
		cmp "$T/a" "$T/b"
	done
	# The server of HDY stopped: its blocks' telemetry is a 503 that
	# names the site; BRK's and CMI's answer as before.
	hdy=$(q "SELECT max(battery_id) FROM batteries WHERE site_id = 'HDY'")
	brk=$(q "SELECT max(battery_id) FROM batteries WHERE site_id = 'BRK'")
	PG_PORT=5453 sh "$PG" stop "$PGDIR/b"
	run get c$n "/api/v1/batteries/$hdy/telemetry?resolution=hour"
	assert_line --index 1 503
	assert_line --index 0 --partial '"code":"shard_unavailable"'
	assert_line --index 0 --partial 'the telemetry of HDY is on shard shard2, which cannot be reached; try again shortly'
	run get c$n "/api/v1/batteries/$hdy"
	assert_line --index 1 503
	# (An answer remembered from before, as HDY's blocks are, is still
	# given: it was right, and no load has changed it since.)
	get c$n "/api/v1/batteries/$brk/telemetry?resolution=hour" > "$T/a"
	get one$n "/api/v1/batteries/$brk/telemetry?resolution=hour" > "$T/b"
	cmp "$T/a" "$T/b"
	[ "$(get c$n "/api/v1/sites/CMI/blocks" | tail -n 1)" = 200 ]
	run curl -s "$(cat "$T/url.c$n")/health/ready"
	assert_output '{"status":"degraded","schema":'"$(schema_version)"',"shards":[{"shard" : "shard1", "status" : "ok"}, {"shard" : "shard2", "status" : "unreachable"}]}'
	# Back: its answers again, and ready.
	PG_PORT=5453 sh "$PG" restart "$PGDIR/b"
	get c$n "/api/v1/batteries/$hdy/telemetry?resolution=hour" > "$T/a"
	get one$n "/api/v1/batteries/$hdy/telemetry?resolution=hour" > "$T/b"
	cmp "$T/a" "$T/b"
	run curl -s "$(cat "$T/url.c$n")/health/ready"
	assert_output --partial '{"status":"ready","schema":'
}

@test "a load through the coordinator streams live every site's readings, as one server does" {
	brul-load -q --add-shard "$A" --sites BRK
	brul-load -q --add-shard "$Bs" --sites HDY
	PGDATABASE=one$n brul-load -q --migrate
	for k in sites systems strings batteries; do
		PGDATABASE=one$n brul-load -q $k "$F/ds/$k.csv"
	done
	# The day's first ten minutes, then the next minute while the
	# streams are open.
	awk -F, 'NR == 1 || $1 < "2026-01-01T00:10"' "$F/ds/telemetry.csv" > "$T/ten.csv"
	awk -F, 'NR == 1 || substr($1, 1, 16) == "2026-01-01T00:10"' \
	    "$F/ds/telemetry.csv" > "$T/next.csv"
	for db in c$n one$n; do
		PGDATABASE=$db brul-load -q telemetry "$T/ten.csv"
		serve $db
		curl -sN "$(cat "$T/url.$db")/api/v1/stream?access_token=$(cat "$T/token.$db")" \
		    > "$T/sse.$db" &
		echo $! > "$T/pid.sse.$db"
	done
	for db in c$n one$n; do
		until_in "$T/sse.$db" '^: brul live stream'	# its hello
		PGDATABASE=$db brul-load -q telemetry "$T/next.csv"
	done
	# Every block's reading of the minute, from all three sites, once,
	# the same as one server's.  Through the coordinator its own site's
	# rows and the shards' come in two events, each naming its sites:
	# when each read every site, blocks came twice.
	# Whole events only: one still arriving has no blank line yet.
	events() {
		/usr/bin/python3 - "$1" <<'PY'
import json, sys
rows, n = [], 0
for ev in open(sys.argv[1]).read().split("\n\n")[:-1]:
    lines = ev.split("\n")
    if "event: telemetry" in lines:
        n += 1
        rows += [json.dumps(r, sort_keys=True) for l in lines
                 if l.startswith("data: ") for r in json.loads(l[6:])]
print(n)
print("\n".join(sorted(rows)))
PY
	}
	for db in c$n one$n; do
		want=1
		[ $db = c$n ] && want=2
		for i in $(seq 50); do
			[ "$(events "$T/sse.$db" | head -1)" -ge $want ] && break
			sleep 0.1
		done
		sleep 0.3	# and nothing more
		events "$T/sse.$db" > "$T/data.$db"
		[ "$(head -1 "$T/data.$db")" -eq $want ]
		sed -i 1d "$T/data.$db"
	done
	/usr/bin/python3 - "$T/data.c$n" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
assert len(rows) == 792 and len({r["battery_id"] for r in rows}) == 792, len(rows)
assert {r["ts"] for r in rows} == {"2026-01-01T00:10:00Z"}, {r["ts"] for r in rows}
assert {r["site_id"] for r in rows} == {"BRK", "CMI", "HDY"}
PY
	cmp "$T/data.c$n" "$T/data.one$n"
}
