#!/bin/sh
# demo.sh DIR: the main job: the 90-day research dataset, and what is in it.
set -eu
dir=${1:-build/demo}
bin=${BRUL_BIN:-build/bin}

echo "== brul-gen: the 90-day, 24-block research dataset into $dir"
start=$(date +%s.%N)
"$bin"/brul-gen --dataset "$dir" --days 90 --batteries 24 -z --seed 1
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "   took %.1f s (the Python original: ~190 s)\n", b - a }'
ls -l "$dir" | awk 'NR > 1 { printf "   %-28s %10d bytes\n", $9, $5 }'

echo "== telemetry: rows, blocks, missing values"
gzip -dc "$dir/telemetry.csv.gz" | awk -F, 'NR > 1 {
	n++; b[$2] = 1; if ($4 == "") miss++; if ($7 != "") ohm++
	if ($5 + 0 < 0) dis++
} END {
	for (k in b) nb++
	printf "   %d rows, %d blocks, %d rows without voltage (sensor dropouts),\n", n, nb, miss
	printf "   %d ohmic readings, %d rows while discharging\n", ohm, dis
}'

echo "== events by kind"
gzip -dc "$dir/events.csv.gz" | awk -F, 'NR > 1 { k[$4]++ } END {
	for (x in k) printf "   %-16s %d\n", x, k[x] }' | sort

soh() {
	awk -F, 'NR == 2 { d = $1 } NR > 1 && $1 == d {
		n++; s = $3 + 0
		if (s < 80) b["a  <80 %"]++; else if (s < 85) b["b 80-85 %"]++
		else if (s < 90) b["c 85-90 %"]++; else if (s < 95) b["d 90-95 %"]++
		else b["e >=95 %"]++
		if ($6 == 0 && $4 + 0 <= 365) soon++
		if ($6 == 1) cens++
		m[$7]++
	} END {
		for (k in b) printf "   %s %5.1f %% (%d)\n", substr(k, 3), 100 * b[k] / n, b[k] | "sort"
		close("sort")
		printf "   %d of %d blocks reach end of life within a year; %d censored (beyond the horizon)\n", soon, n, cens
		printf "   how they will end:"
		for (k in m) if (k != "") printf " %s %d", k, m[k]
		printf "\n"
	}'
}
echo "== state of health on the first day, the dataset's string"
gzip -dc "$dir/labels.csv.gz" | soh
echo "== state of health on the first day, the whole fleet (2,376 blocks)"
"$bin"/brul-gen --emit labels --interval 86400 --seed 1 | soh

echo "== brul-features: the dataset's daily features"
"$bin"/brul-features --window day --fleet "$dir/batteries.csv.gz" \
    -o "$dir/features.csv.gz" "$dir/telemetry.csv.gz"
gzip -dc "$dir/features.csv.gz" | awk 'END { printf "   %d rows (24 blocks x 90 days)\n", NR - 1 }'

# The model learns from another fleet: seed 2, all 2,376 blocks, 45 days;
# none of its batteries is the dataset's, and its weather and history differ.
train=$dir/train
mkdir -p "$train"
echo "== a training fleet: seed 2, 2,376 blocks, 45 days (telemetry straight into brul-features)"
start=$(date +%s.%N)
"$bin"/brul-gen --seed 2 --emit batteries -o "$train/batteries.csv"
"$bin"/brul-gen --seed 2 --days 45 --emit labels -z -o "$train/labels.csv.gz"
"$bin"/brul-gen --seed 2 --days 45 --quiet |
    "$bin"/brul-features --window day --fleet "$train/batteries.csv" \
    -o "$train/features.csv.gz"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "   took %.1f s\n", b - a }'

echo "== brul-train: cross-validated by battery, then judged on the dataset (test)"
"$bin"/brul-train --labels "$train/labels.csv.gz" -o "$dir/model.json" \
    --report "$dir/report.json" --test "$dir/features.csv.gz" \
    --test-labels "$dir/labels.csv.gz" "$train/features.csv.gz" 2>&1 |
    sed 's/^/   /'

echo "== brul-predict --latest: each block's newest day, against the truth"
"$bin"/brul-predict -m "$dir/model.json" --latest "$dir/features.csv.gz" \
    -o "$dir/latest.csv"
gzip -dc "$dir/labels.csv.gz" | awk -F, '
	NR == FNR { if (FNR > 1) { key[$1 "," $2] = $4 "," $7 } ; next }
	FNR == 1 { printf "   %-9s %-10s %8s %17s %8s %-9s %s\n", "battery", "date",
	    "RUL", "p10-p90", "true", "risk", "ends by"; next }
	{ split(key[$2 "," $1], t, ",")
	  printf "   %-9s %-10s %8s %8s-%-8s %8s %-9s %s\n", $1, $2, $3, $4, $5,
	    t[1], $9, t[2] }' /dev/stdin "$dir/latest.csv"

echo "== brul-twin: each block's state, estimated from its telemetry, against the truth"
start=$(date +%s.%N)
"$bin"/brul-twin --fleet "$dir/batteries.csv.gz" -z -o "$dir/twin-samples.csv.gz" \
    "$dir/telemetry.csv.gz"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "   3,110,400 samples in %.1f s\n", b - a }'
# (hourly for the database and the alerts; every sample for the check)
"$bin"/brul-twin --fleet "$dir/batteries.csv.gz" --every 1h -z -o "$dir/twin.csv.gz" \
    "$dir/telemetry.csv.gz"
/usr/bin/python3 - "$dir/twin-samples.csv.gz" "$dir/truth.csv.gz" "$dir/events.csv.gz" <<'PY' | sed 's/^/   /'
import csv, gzip, io, math, sys
def rows(path):
    return csv.DictReader(io.TextIOWrapper(gzip.open(path), encoding="utf-8"))
out = [r for r in rows(sys.argv[3]) if r["kind"] == "outage"]
tw = {}
for r in rows(sys.argv[1]):
    tw[(r["ts"], r["battery_id"])] = r
soc = []; r0 = []; soh = {}; last = {}
for r in rows(sys.argv[2]):
    t = tw.get((r["ts"], r["battery_id"]))
    if t is None:
        continue
    if any(o["ts_start"] <= r["ts"] < o["ts_end"] for o in out):
        soc.append(float(t["soc_pct"]) - float(r["soc_pct"]))
    r0.append(abs(float(t["r0_mohm"]) / float(r["r0_mohm"]) - 1))
    last[r["battery_id"]] = (float(t["soh_pct"]), float(t["soh_sd_pct"]), float(r["soh_pct"]))
for o in out:
    print("outage %s to %s (%s)" % (o["ts_start"], o["ts_end"], o["detail"]))
if soc:
    print("state of charge during the outages: RMSE %.2f points over %d samples"
          % (math.sqrt(sum(e * e for e in soc) / len(soc)), len(soc)))
r0.sort()
print("R0 against the truth: median error %.1f %%, 95th percentile %.1f %%"
      % (100 * r0[len(r0) // 2], 100 * r0[int(len(r0) * 0.95)]))
seen = [(a, s, c) for a, s, c in last.values() if s < 5]
print("state of health at the end, %d blocks that went through the outage: within %.1f"
      " points of the truth (standard deviation about %.1f: a partial discharge)"
      % (len(seen), max(abs(a - c) for a, s, c in seen), max(s for a, s, c in seen)))
for b, (a, s, c) in sorted(last.items()):
    if s >= 5:
        print("%s never discharged while in service: %.0f +- %.0f (the prior), truth %.1f"
              % (b, a, s, c))
PY

echo "== brul-alert: the default rules over telemetry, the string stream, the twin and the predictions"
# (brul-alert takes each stream in time order: the latest predictions by date)
{ head -1 "$dir/latest.csv"; tail -n +2 "$dir/latest.csv" | sort -t, -k2,2 -s; } > "$dir/latest-by-date.csv"
start=$(date +%s.%N)
"$bin"/brul-alert --fleet "$dir/batteries.csv.gz" --systems "$dir/systems.csv.gz" \
    --string-telemetry "$dir/string_telemetry.csv.gz" --twin "$dir/twin.csv.gz" \
    --predictions "$dir/latest-by-date.csv" -z -o "$dir/alerts.csv.gz" "$dir/telemetry.csv.gz"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "   3,110,400 samples in %.1f s\n", b - a }'
/usr/bin/python3 - "$dir/alerts.csv.gz" "$dir/events.csv.gz" "$dir/truth.csv.gz" <<'PY' | sed 's/^/   /'
import csv, gzip, io, collections, sys
def rows(path):
    return csv.DictReader(io.TextIOWrapper(gzip.open(path), encoding="utf-8"))
al = list(rows(sys.argv[1])); ev = list(rows(sys.argv[2]))
state = {}
for r in al:
    state[r["alert_id"]] = (r["kind"], r["event"] != "clear", r["severity"], r["battery_id"])
opened = collections.Counter((r["kind"], r["severity"]) for r in al if r["event"] == "open")
upd = collections.Counter(r["kind"] for r in al if r["event"] == "update" and r["severity"] == "critical")
print("%-26s %9s %9s %13s %9s" % ("kind", "opened", "", "to critical", "open at"))
print("%-26s %9s %9s %13s %9s" % ("", "warning", "critical", "later", "the end"))
for k in sorted({k for k, s in opened} | {s[0] for s in state.values()}):
    print("%-26s %9d %9d %13d %9d" % (k, opened[(k, "warning")], opened[(k, "critical")], upd[k],
          sum(1 for s in state.values() if s[0] == k and s[1])))
out = [e for e in ev if e["kind"] == "outage"]
volt = [r for r in al if r["kind"] in ("voltage_low", "voltage_high", "string_imbalance")
        and any(o["ts_start"] <= r["ts"] <= o["ts_end"] for o in out)]
print("outages: %d; voltage alarms during them: %d (suppressed while on battery)" % (len(out), len(volt)))
drops = [e for e in ev if e["kind"] == "sensor_fault" and e["detail"] == "dropout"]
long_ = [e for e in drops if (int(e["ts_end"][11:13]) * 60 + int(e["ts_end"][14:16]) -
         int(e["ts_start"][11:13]) * 60 - int(e["ts_start"][14:16])) % 1440 >= 16]
seen = [e for e in long_ if any(r["kind"] == "data_missing" and r["event"] == "open"
        and r["battery_id"] == e["scope"] and e["ts_start"] <= r["ts"] <= e["ts_end"] for r in al)]
print("sensor dropouts: %d, of which %d longer than 15 min; data_missing raised for %d of those"
      % (len(drops), len(long_), len(seen)))
end = {}
for r in rows(sys.argv[3]):
    end[r["battery_id"]] = float(r["soh_pct"])
low = {b for b, v in end.items() if v < 85}
flag = {s[3] for s in state.values() if s[0] == "soh_low" and s[1]}
print("state of health under 85 %% at the end (truth): %d blocks; soh_low open for %d, %d of them right"
      % (len(low), len(flag), len(flag & low)))
PY

# PostgreSQL: the database the environment names (DATABASE_URL, or PGHOST
# or PGDATABASE), else a throwaway cluster under the build directory.
# The throwaway cluster is the tests' (tests/helpers/pg.sh).
pg_sh=$(cd "$(dirname "$0")/.." && pwd)/tests/helpers/pg.sh
if [ -n "${DATABASE_URL:-}${PGHOST:-}${PGDATABASE:-}" ]; then
	echo "== brul-load: the dataset into the database the environment names"
else
	pg=$(cd "$dir/.." && pwd)/pg
	# The server runs as postgres when we are root: it must reach pg.
	if [ "$(id -u)" = 0 ] && ! { mkdir -p "$pg" && chmod 755 "$pg" &&
	    runuser -u postgres -- test -x "$pg"; }; then
		pg=$(mktemp -d /tmp/brul-demo-pg.XXXXXX)
		chmod 755 "$pg"
	fi
	rm -rf "$pg/c"
	export PG_PORT=${PG_PORT:-5433}
	sh "$pg_sh" start "$pg/c" >/dev/null
	trap 'sh "$pg_sh" stop "$pg/c"' EXIT INT TERM
	export PGHOST=$pg/c PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
	echo "== brul-load: the dataset into a throwaway PostgreSQL in $pg/c"
fi
"$bin"/brul-load --migrate 2>&1 | sed 's/^/   /'
start=$(date +%s.%N)
"$bin"/brul-load --dataset "$dir" 2>&1 | sed 's/^/   /'
"$bin"/brul-load predictions "$dir/latest.csv" 2>&1 | sed 's/^/   /'
"$bin"/brul-load alerts "$dir/alerts.csv.gz" 2>&1 | sed 's/^/   /'
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "   took %.1f s\n", b - a }'
sql() { psql -qX -P footer=off -c "$1" | sed 's/^/   /'; }
echo "== the tables, and telemetry's monthly partitions"
psql -qXc "ANALYZE"
sql "SELECT c.relname AS table, c.reltuples::bigint AS rows_about,
	pg_size_pretty(pg_total_relation_size(c.oid)) AS size
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0
    ORDER BY pg_total_relation_size(c.oid) DESC"
echo "== the five blocks that ran hottest in the last week, from the hourly rollup"
sql "SELECT battery_id, max(temperature_max_c) AS max_c,
	round(avg(temperature_mean_c)::numeric, 2) AS mean_c,
	round(avg(voltage_mean_v)::numeric, 3) AS mean_v
    FROM telemetry_hourly
    WHERE hour >= (SELECT max(hour) FROM telemetry_hourly) - interval '7 days'
    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"
echo "== the grid outages, and the lowest block voltage during each"
sql "SELECT e.ts_start, e.ts_end - e.ts_start AS lasted,
	min(h.voltage_min_v) AS lowest_v
    FROM events e JOIN telemetry_hourly h
      ON h.hour >= date_trunc('hour', e.ts_start) AND h.hour < e.ts_end
    WHERE e.kind = 'outage' GROUP BY 1, 2 ORDER BY 1"
echo "== the morning list: blocks by predicted RUL"
sql "SELECT battery_id, date, rul_days, rul_p10_days, rul_p90_days, risk
    FROM predictions ORDER BY rul_days LIMIT 5"
echo "== open alerts in the database, by kind and severity"
sql "SELECT kind, severity, count(*) AS open, min(ts_open) AS oldest
    FROM alerts WHERE state = 'open' GROUP BY 1, 2 ORDER BY 1, 2"
echo "== export round-trips the load: brul-load --export telemetry, sorted, against the file"
if "$bin"/brul-load --export telemetry | sort |
    cmp -s - "$(gzip -dc "$dir/telemetry.csv.gz" | sort > "$dir/.sorted" && echo "$dir/.sorted")"; then
	echo "   identical, byte for byte"
else
	echo "   DIFFERENT"
	exit 1
fi
rm -f "$dir/.sorted"
echo "== retention: what --retain 60d would drop on 2026-04-15 (--dry-run)"
"$bin"/brul-load --retain 60d --now 2026-04-15 --dry-run | sed 's/^/   /'

echo "== brul-serve: the API over this database, four requests, then stopped"
printf 'demo-password-1\n' > "$dir/demo-password"
"$bin"/brul-serve --create-user demo --role admin --password-file "$dir/demo-password" 2>&1 |
    sed 's/^/   /'
head -c 48 /dev/urandom | base64 > "$dir/demo-secret"
chmod 600 "$dir/demo-secret"
"$bin"/brul-serve --listen 127.0.0.1:0 --secret-file "$dir/demo-secret" --quiet \
    --model "$dir/model.json" 2> "$dir/serve.log" &
serve=$!
stop() {
	[ -z "$serve" ] || kill "$serve" 2>/dev/null || :
	[ -z "${pg:-}" ] || sh "$pg_sh" stop "$pg/c"
}
trap stop EXIT INT TERM
for i in $(seq 50); do
	grep -q 'listening on' "$dir/serve.log" && break
	sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/ .*/\1/p' "$dir/serve.log")
echo "   $(head -1 "$dir/serve.log")"
echo "   POST $url/api/v1/auth/login {\"username\":\"demo\",\"password\":\"demo-password-1\"}"
curl -s -H 'Content-Type: application/json' \
    -d '{"username":"demo","password":"demo-password-1"}' "$url/api/v1/auth/login" > "$dir/login.json"
tok=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$dir/login.json")
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("   -> access token (%d s) for %s, role %s, and a refresh token" % (d["expires_in"], d["user"]["username"], d["user"]["role"]))' "$dir/login.json"
echo "   GET $url/api/v1/predictions/latest?limit=5   (the morning list)"
curl -s -H "Authorization: Bearer $tok" "$url/api/v1/predictions/latest?limit=5" |
    /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print("   -> %d batteries in service with a prediction; the first %d:" % (d["total"], len(d["items"])))
for p in d["items"]:
    print("      %-8s %s  RUL %6.1f d (%5.1f-%6.1f)  P(fail 30 d) %.2f  %s" % (p["battery_id"], p["date"],
          p["rul_days"], p["rul_p10_days"], p["rul_p90_days"], p["p_fail_30d"], p["risk"]))'
echo "   GET $url/api/v1/batteries/B0015-1/telemetry?resolution=hour&from=2026-03-31&to=2026-04-01"
curl -s -H "Authorization: Bearer $tok" \
    "$url/api/v1/batteries/B0015-1/telemetry?resolution=hour&from=2026-03-31&to=2026-04-01" |
    /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
p = d["points"]
print("   -> %d hours of %s; voltage %.3f-%.3f V, temperature %.1f-%.1f degC; the first hour:"
      % (len(p), d["battery_id"], min(x["voltage_min_v"] for x in p), max(x["voltage_max_v"] for x in p),
         min(x["temperature_min_c"] for x in p), max(x["temperature_max_c"] for x in p)))
print("      " + json.dumps(p[0]))'
echo "   GET $url/api/v1/model"
curl -s -H "Authorization: Bearer $tok" "$url/api/v1/model" | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
a = m["cv"]["model"]["all"]
print("   -> model %s, %d features; cross-validated over %d rows: MAE %.0f d, p10-p90 holds the truth %.1f %%"
      % (m["model_id"], len(m["features"]), a["rows"], a["mae_days"], a["coverage_pct"]))'
kill -TERM "$serve"
wait "$serve"
serve=
echo "   $(tail -1 "$dir/serve.log")"
echo "   The dashboard: make serve, then open http://127.0.0.1:8080/ (brul-serve(1))."
