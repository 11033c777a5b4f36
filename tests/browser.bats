#!/usr/bin/env bats
# The dashboard in a real browser: Debian's Chromium driven by
# playwright-core (from the npm registry, installed under the build
# directory on first use; no browser download), against a live brul-serve
# over a throwaway PostgreSQL holding a day of the whole fleet (2,376
# blocks).  Screenshots go to build/screenshots.  The cluster listens on
# BROWSER_PG_PORT (5437), so that two checkouts can run it at once.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PW=$FLEET_PW
# The newest playwright-core that runs on Debian 12's Node.js 18 (1.62 and
# later require Node.js 20); it drives Debian's Chromium 156.
PLAYWRIGHT=1.61.1

setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	node=$(cd "$B/../.." && pwd)/build/node
	pkg=$node/node_modules/playwright-core/package.json
	if ! grep -q "\"version\": \"$PLAYWRIGHT\"" "$pkg" 2>/dev/null; then
		mkdir -p "$node"
		npm install --silent --no-audit --no-fund --prefix "$node" \
		    "playwright-core@$PLAYWRIGHT" >&2
	fi
	echo "$node" > "$d/node"
	# A day of the whole fleet, with what the other tools make of it,
	# and an evening's outage at Khon Kaen for the night's account.
	fleet_setup "$d" "${BROWSER_PG_PORT:-5437}" --days 1 --seed 5 \
	    --scenario outage,site=KKN,start=2026-01-01T13:00:00Z,duration=3h
	# server.sh start [PORT] | stop: the server, for the set-up and for the
	# browser test, which stops and starts it under an open page.
	cat > "$d/server.sh" <<-EOF
	set -e
	case \$1 in
	start)
		"$B"/brul-serve --listen 127.0.0.1:\${2:-0} --secret-file "$d/secret" \\
		    --threads 2 --model "$d/model.json" --quiet > /dev/null 2> "$d/log" 3>&- &
		echo \$! > "$d/pid"
		for i in \$(seq 50); do
			grep -q 'listening on' "$d/log" && break
			sleep 0.1
		done
		sed -n 's/.*listening on \\(http:[^ ]*\\) .*/\\1/p' "$d/log" > "$d/url" ;;
	stop)
		kill "\$(cat "$d/pid")"
		while kill -0 "\$(cat "$d/pid")" 2>/dev/null; do sleep 0.1; done ;;
	esac
	EOF
	sh "$d/server.sh" start
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	fleet_teardown "$d" "${BROWSER_PG_PORT:-5437}"
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

@test "every page shows what SQL and the API say, the fleet in under a second; engineers act, viewers cannot, admins manage users" {
	F=$BATS_FILE_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	shots=$(cd "$BRUL_BIN/../.." && pwd)/build/screenshots
	# this run's screenshots only: an old one must not stand in for one
	rm -rf "$shots"
	mkdir -p "$shots"
	latest="SELECT DISTINCT ON (p.battery_id) p.* FROM predictions p JOIN batteries b USING (battery_id) WHERE b.removed_date IS NULL ORDER BY p.battery_id, p.date DESC, p.model_id"
	# a band only when the estimate tells it (twin/health.h), else unknown
	twin="SELECT DISTINCT ON (w.battery_id) CASE WHEN w.soh_sd_pct <= 5 OR w.soh_pct + w.soh_sd_pct < 80 THEN w.soh_pct END AS soh_pct FROM twin w JOIN batteries b USING (battery_id) WHERE b.removed_date IS NULL ORDER BY w.battery_id, w.ts DESC"
	site=$(q "SELECT site_id FROM batteries WHERE removed_date IS NULL GROUP BY site_id ORDER BY count(*) DESC, site_id LIMIT 1")
	inside="SELECT battery_id FROM batteries WHERE site_id = '$site' AND removed_date IS NULL"
	# The block the pages open: its latest hour again through brul-twin
	# --load and brul-load, with the minutes it would hold 10 A.
	block=$(q "SELECT min(battery_id) FROM ($inside) x")
	brul-twin --fleet "$F/ds/batteries.csv" --every 1h --load 10 "$F/ds/telemetry.csv" |
	    awk -F, -v b="$block" 'NR == 1 { print; next } $2 == b { l = $0 } END { print l }' |
	    brul-load -q twin
	# Its latest prediction again with what brul-predict --explain adds:
	# the sudden part, and three reasons (one that CSV quotes).
	{
		echo battery_id,date,model_id,p_sudden_90d,reason_1,reason_2,reason_3
		q "SELECT battery_id || ',' || date || ',' || model_id FROM ($latest) x WHERE battery_id = '$block'" |
		    sed 's/$/,0.0123,resistance +38 % over baseline: -210 days,"float current 0.31 A, rising: -45 days",room at 31.2 °C: -12 days/'
	} | brul-load -q predictions
	q "SELECT json_build_object(
	    'sites', (SELECT count(*) FROM sites),
	    'strings', (SELECT count(*) FROM strings),
	    'batteries', (SELECT count(*) FROM batteries WHERE removed_date IS NULL),
	    'critical', (SELECT count(*) FROM alerts WHERE state = 'open' AND severity = 'critical'),
	    'warning', (SELECT count(*) FROM alerts WHERE state = 'open' AND severity = 'warning'),
	    'due30', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 30),
	    'due90', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 90),
	    'due180', (SELECT count(*) FROM ($latest) x WHERE rul_days <= 180),
	    'soh', (SELECT json_build_array(count(*) FILTER (WHERE soh_pct < 80),
	        count(*) FILTER (WHERE soh_pct >= 80 AND soh_pct < 85), count(*) FILTER (WHERE soh_pct >= 85 AND soh_pct < 90),
	        count(*) FILTER (WHERE soh_pct >= 90 AND soh_pct < 95), count(*) FILTER (WHERE soh_pct >= 95),
	        (SELECT count(*) FROM batteries WHERE removed_date IS NULL) - count(soh_pct)) FROM ($twin) x),
	    'in_service_predicted', (SELECT count(*) FROM ($latest) x),
	    'high', (SELECT count(*) FROM ($latest) x WHERE risk = 'high'),
	    'open', (SELECT count(*) FROM alerts WHERE state = 'open'),
	    'first', (SELECT battery_id FROM ($latest) x ORDER BY rul_days NULLS LAST, battery_id LIMIT 1),
	    'site', '$site',
	    'site_blocks', (SELECT count(*) FROM ($inside) x),
	    'site_strings', (SELECT count(DISTINCT string_id) FROM batteries WHERE site_id = '$site' AND removed_date IS NULL),
	    'site_temperature', (SELECT json_object_agg(battery_id, temperature_c) FROM (SELECT DISTINCT ON (battery_id)
	        battery_id, temperature_c FROM telemetry WHERE battery_id IN ($inside) ORDER BY battery_id, ts DESC) x),
	    'site_resistance_pct', (SELECT json_object_agg(x.battery_id, (x.resistance_mohm / b.baseline_mohm - 1) * 100)
	        FROM (SELECT DISTINCT ON (battery_id) battery_id, resistance_mohm FROM telemetry WHERE resistance_mohm IS NOT NULL
	        AND battery_id IN ($inside) ORDER BY battery_id, ts DESC) x JOIN batteries b USING (battery_id)),
	    'block', '$block',
	    'runtime', (SELECT to_char(round(runtime_min::numeric), 'FM999,999') FROM twin WHERE battery_id = '$block' ORDER BY ts DESC LIMIT 1),
	    'why', (SELECT json_build_object('reasons', brul_prediction_reasons(reason_1, reason_2, reason_3),
	        'sudden_pct', to_char(round((p_sudden_90d * 100)::numeric, 1), 'FM990.0')) FROM ($latest) x WHERE battery_id = '$block'),
	    'next', '2026-01-02T00:00',
	    'model', json_build_object('rows', $(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["learner"]["attributes"]; print(json.loads(a["brul_cv"])["model"]["all"]["rows"])' "$F/model.json"),
	        'sampled', $(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["learner"]["attributes"]; print(json.loads(a["brul_oof"])["sampled"])' "$F/model.json"),
	        'calibration', $(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["learner"]["attributes"]; c=json.loads(a["brul_cv"])["model"]["calibration"]; print("json_build_object(\x27ece90\x27, \x27%.4f\x27, \x27bins\x27, %d, \x27first30\x27, \x27%.3f / %.3f\x27)" % (c["90d"]["ece"], sum(1 for b in range(10) if any(c[h]["n"][b] for h in c)), c["30d"]["p_mean"][0], c["30d"]["failed"][0]))' "$F/model.json"),
	        'sudden_seen', $(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["learner"]["attributes"]; print(json.loads(a["brul_cv"])["model"]["sudden_90d"]["observed"])' "$F/model.json")))" > "$F/expect.json"
	head -c 400 "$F/expect.json"; echo
	[ "$(q "SELECT count(*) FROM ($latest) x WHERE risk = 'high'")" -gt 0 ]
	[ "$(q "SELECT count(*) FROM alerts WHERE state = 'open'")" -gt 0 ]
	# The next minute of every block, for the live check.
	n=$(q "SELECT count(*) FROM batteries WHERE removed_date IS NULL")
	head -1 "$F/ds/telemetry.csv" > "$F/next.csv"
	awk -F, -v OFS=, -v n="$n" 'NR > 1 && NR <= n + 1 { $1 = "2026-01-02T00:00:00Z"; print }' "$F/ds/telemetry.csv" >> "$F/next.csv"
	port=$(sed 's/.*:\([0-9]*\)\/$/\1/' "$F/url")
	run env NODE_MODULES="$(cat "$F/node")/node_modules" LIVE_CSV="$F/next.csv" OUTAGE_SITE=KKN \
	    SERVER_STOP="sh $F/server.sh stop" SERVER_START="sh $F/server.sh start $port" node \
	    "$BATS_TEST_DIRNAME/browser/dashboard.mjs" "$(cat "$F/url")" "$PW" \
	    "$F/expect.json" "$shots"
	echo "$output"
	assert_success
	refute_line --partial 'not ok'
	for s in signin overview morning site site-temperature block-raw block-hour model alert alerts \
	    events string overview-overnight inservice-morning inservice-site inservice-block \
	    users phone-site phone-overview phone-block phone-morning; do
		[ -s "$shots/$s.png" ] || { echo "no screenshot $s"; false; }
	done
	# What the engineer did is what the database now holds.
	aid=$(echo "$output" | sed -n 's/^# acknowledged //p')
	[ "$(q "SELECT acknowledged_by || '|' || ack_note FROM alerts WHERE alert_id = '$aid'")" = 'eng|replacing it Tuesday' ]
	[ "$(q "SELECT role || '|' || active FROM users WHERE username = 'newbie'")" = 'engineer|false' ]
}
