#!/usr/bin/env bats
# The dashboard in a real browser: Debian's Chromium driven by
# playwright-core (from the npm registry, installed under the build
# directory on first use; no browser download), against a live brul-serve
# over a throwaway PostgreSQL.  Screenshots go to build/screenshots.

bats_require_minimum_version 1.5.0
load helpers/common

PG=$BATS_TEST_DIRNAME/helpers/pg.sh
PW='correct horse battery staple'
PLAYWRIGHT=1.65.1

setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	node=$(cd "$B/../.." && pwd)/build/node
	if [ ! -d "$node/node_modules/playwright-core" ]; then
		mkdir -p "$node"
		npm install --silent --no-audit --no-fund --prefix "$node" \
		    "playwright-core@$PLAYWRIGHT" >&2
	fi
	echo "$node" > "$d/node"
	PGDIR=$(mktemp -d /tmp/brul-br.XXXXXX)
	chmod 755 "$PGDIR"
	echo "$PGDIR" > "$d/pgdir"
	export PG_PORT=5437
	sh "$PG" start "$PGDIR/c" > "$d/conninfo"
	export DATABASE_URL=$(cat "$d/conninfo")
	"$B"/brul-gen --dataset "$d/ds" --days 7 --batteries 72 --seed 5 --quiet
	"$B"/brul-load --migrate -q
	"$B"/brul-load -q --dataset "$d/ds"
	"$B"/brul-alert --fleet "$d/ds/batteries.csv" --systems "$d/ds/systems.csv" \
	    --strings "$d/ds/string_telemetry.csv" "$d/ds/telemetry.csv" |
	    "$B"/brul-load -q alerts
	# Predictions: the labels' own RUL, as a fixture of known values.
	awk -F, 'BEGIN { OFS = ","; print "battery_id,date,rul_days,p_fail_30d,risk,model_id" }
	    NR > 1 && $3 != "" { r = $3 < 30 ? "critical" : $3 < 90 ? "high" : $3 < 180 ? "medium" : "low";
	    print $2, $1, $3, ($3 < 30 ? 0.6 : 0.01), r, "fixture" }' "$d/ds/labels.csv" |
	    "$B"/brul-load -q predictions
	head -c 48 /dev/urandom | base64 > "$d/secret"
	printf '%s\n' "$PW" > "$d/pw"
	"$B"/brul-serve --create-user eng --role engineer --password-file "$d/pw" 2>/dev/null
	"$B"/brul-serve --create-user view --role viewer --password-file "$d/pw" 2>/dev/null
	"$B"/brul-serve --listen 127.0.0.1:0 --secret-file "$d/secret" --threads 2 \
	    --quiet 2> "$d/log" &
	echo $! > "$d/pid"
	for i in $(seq 50); do
		grep -q 'listening on' "$d/log" && break
		sleep 0.1
	done
	sed -n 's/.*listening on \(http:[^ ]*\) .*/\1/p' "$d/log" > "$d/url"
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	PGDIR=$(cat "$d/pgdir")
	PG_PORT=5437 sh "$PG" stop "$PGDIR/c" || true
	rm -rf "$PGDIR"
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

@test "the overview, the morning list and the alerts show what SQL counts; engineers act, viewers cannot" {
	F=$BATS_FILE_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	shots=$(cd "$BRUL_BIN/../.." && pwd)/build/screenshots
	mkdir -p "$shots"
	latest="SELECT DISTINCT ON (p.battery_id) p.* FROM predictions p JOIN batteries b USING (battery_id) WHERE b.removed_date IS NULL ORDER BY p.battery_id, p.date DESC, p.model_id"
	q "SELECT json_build_object(
	    'sites', (SELECT count(*) FROM sites),
	    'strings', (SELECT count(*) FROM strings),
	    'batteries', (SELECT count(*) FROM batteries WHERE removed_date IS NULL),
	    'critical', (SELECT count(*) FROM alerts WHERE state = 'open' AND severity = 'critical'),
	    'warning', (SELECT count(*) FROM alerts WHERE state = 'open' AND severity = 'warning'),
	    'due30', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 30),
	    'due90', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 90),
	    'due180', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 180),
	    'in_service_predicted', (SELECT count(*) FROM ($latest) x),
	    'high', (SELECT count(*) FROM ($latest) x WHERE risk = 'high'),
	    'open', (SELECT count(*) FROM alerts WHERE state = 'open'),
	    'first', (SELECT battery_id FROM ($latest) x ORDER BY rul_days NULLS LAST, battery_id LIMIT 1))" > "$F/expect.json"
	cat "$F/expect.json"
	[ "$(q "SELECT count(*) FROM ($latest) x WHERE risk = 'high'")" -gt 0 ]
	# The next minute of every block, for the live check.
	head -1 "$F/ds/telemetry.csv" > "$F/next.csv"
	awk -F, -v OFS=, 'NR > 1 && NR <= 73 { $1 = "2026-01-08T00:00:00Z"; print }' "$F/ds/telemetry.csv" >> "$F/next.csv"
	run env NODE_MODULES="$(cat "$F/node")/node_modules" LIVE_CSV="$F/next.csv" node \
	    "$BATS_TEST_DIRNAME/browser/dashboard.mjs" "$(cat "$F/url")" eng "$PW" \
	    "$F/expect.json" "$shots" view
	echo "$output"
	assert_success
	refute_line --partial 'not ok'
	[ -s "$shots/overview.png" ] && [ -s "$shots/morning.png" ] && [ -s "$shots/alert.png" ]
	# What the engineer did is what the API now says.
	aid=$(echo "$output" | sed -n 's/^# acknowledged //p')
	[ "$(q "SELECT acknowledged_by || '|' || ack_note FROM alerts WHERE alert_id = '$aid'")" = 'eng|replacing it Tuesday' ]
}
