#!/usr/bin/env bats
# brul-serve's account of what happened (/api/v1/discharges,
# /api/v1/activity, apievents.c), its strings (apistrings.c) and its search
# (apisearch.c) against a throwaway PostgreSQL holding two
# hot-season days of Phuket: an outage of 3 h on the second night (the
# UPS strings run to cut-off, the rectifier's ride it out) and a cooling
# failure that day.  Every value is checked against the strings' and
# blocks' telemetry, the twin and the alerts, read here with SQL and
# worked out again in Python, a different way (mode changes over every
# sample, not runs of discharge samples).

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PW=$FLEET_PW
PORT_PG=5458

setup_file() {
	d=$BATS_FILE_TMPDIR
	fleet_setup "$d" $PORT_PG --start 2026-04-01 --days 2 --seed 1 \
	    --site PKT --scenario outage,site=PKT,start=2026-04-02T01:00:00Z,duration=3h \
	    --scenario hvac,site=PKT,start=2026-04-02T05:00:00Z,duration=8h
	# An alert that went from warning to critical on the second day.
	{
		echo ts,alert_id,event,site_id,string_id,battery_id,kind,severity,value,threshold,ts_open,ts_clear,message
		echo 2026-04-02T06:00:00Z,t.esc,open,PKT,PKT-UPS1-S1,B2041-1,temperature_high,warning,41,40,2026-04-02T06:00:00Z,,hot
		echo 2026-04-02T07:00:00Z,t.esc,update,PKT,PKT-UPS1-S1,B2041-1,temperature_high,critical,46,45,2026-04-02T06:00:00Z,,hotter
	} | brul-load -q alerts
	fleet_serve "$d" --model "$d/model.json"
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	fleet_teardown "$d" $PORT_PG
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	URL=http://127.0.0.1:$(cat "$F/port")
	TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"view\",\"password\":\"$PW\"}" \
	    "$URL/api/v1/auth/login" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

# get PATH: the body, then the status on a line of its own.
get() { curl -s -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}\n' "$URL$1"; }

# expect FILE: what the discharges of [2026-04-01T23:59:01Z, +1 day)
# should be, worked out from every sample of every string (JSON).
expect() {
	q "SELECT string_id, ts, mode, current_a, voltage_v FROM string_telemetry ORDER BY string_id, ts" > "$T/st"
	/usr/bin/python3 - "$T/st" "2026-04-01 23:59:01+00" > "$T/runs" <<'PY'
import sys, datetime as dt
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
lo = sys.argv[2]
t = lambda s: dt.datetime.fromisoformat(s)
out = []
for i, (s, ts, mode, cur, v) in enumerate(rows):
    prev = rows[i - 1] if i and rows[i - 1][0] == s else None
    if mode != "discharge" or (prev and prev[2] == "discharge"):
        continue
    j = i
    while j + 1 < len(rows) and rows[j + 1][0] == s and rows[j + 1][2] == "discharge":
        j += 1
    nxt = rows[j + 1] if j + 1 < len(rows) and rows[j + 1][0] == s else None
    end = nxt[1] if nxt else rows[j][1]
    ah = 0.0
    for k in range(i, j + 1):
        later = rows[k + 1][1] if k < j else end
        ah += -float(rows[k][3]) * (t(later) - t(rows[k][1])).total_seconds() / 3600
    if t(rows[j][1]) < t(lo):
        continue
    out.append("|".join([s, ts, rows[j][1], end, nxt[2] if nxt else "", str(j - i + 1),
                         repr(ah), str(min(float(r[4]) for r in rows[i:j + 1]))]))
print("\n".join(out))
PY
}

@test "the discharges of the last day: every value as the samples, the blocks and the twin say" {
	expect
	[ "$(wc -l < "$T/runs")" -eq 9 ]	# the 9 strings of Phuket
	get /api/v1/discharges > "$T/ans"
	[ "$(tail -1 "$T/ans")" = 200 ]
	# What the blocks and the twin say of each run, in SQL.
	while IFS='|' read -r s t0 t1 end mode n ah smin; do
		q "SELECT json_build_object('string', '$s',
		    'cap', (SELECT capacity_ah FROM strings WHERE string_id = '$s'),
		    'bmin', (SELECT min(t.voltage_v) FROM telemetry t JOIN batteries b USING (battery_id)
		        WHERE b.string_id = '$s' AND t.ts BETWEEN '$t0' AND '$t1'),
		    'runtime', (SELECT min(w.runtime_min) FROM twin w JOIN batteries b USING (battery_id)
		        WHERE b.string_id = '$s' AND w.ts = (SELECT max(ts) FROM twin x WHERE x.battery_id = w.battery_id
		        AND x.ts BETWEEN '$t0' AND '$t1' AND x.runtime_min IS NOT NULL)),
		    'capacity', (SELECT min(w.soh_pct * b.capacity_ah / 100) FROM twin w JOIN batteries b USING (battery_id)
		        WHERE b.string_id = '$s' AND w.ts = (SELECT min(ts) FROM twin x WHERE x.battery_id = w.battery_id
		        AND x.ts > '$t1' AND x.ts <= timestamptz '$t1' + interval '1 day' AND x.soh_pct IS NOT NULL)))"
	done < "$T/runs" > "$T/sql"
	run /usr/bin/python3 - "$T/ans" "$T/runs" "$T/sql" <<'PY'
import json, sys, datetime as dt
ans = json.loads(open(sys.argv[1]).read().rsplit("\n", 2)[0])
runs = [l.rstrip("\n").split("|") for l in open(sys.argv[2])]
sql = [json.loads(l) for l in open(sys.argv[3])]
z = lambda s: dt.datetime.fromisoformat(s).strftime("%Y-%m-%dT%H:%M:%SZ")
assert (ans["from"], ans["to"]) == ("2026-04-01T23:59:01Z", "2026-04-02T23:59:01Z"), ans["to"]
got = {d["string_id"]: d for d in ans["items"]}
assert [d["string_id"] for d in ans["items"]] == sorted(got), "by site, string, start"
assert len(got) == len(runs), (len(got), len(runs))
close = lambda a, b: a is not None and b is not None and abs(a - b) <= 1e-9 * max(1, abs(b))
cut = 0
for (s, t0, t1, end, mode, n, ah, smin), x in zip(runs, sql):
    d = got[s]
    assert d["site_id"] == "PKT" and d["system_id"] == s.rsplit("-", 1)[0], d
    assert (d["start"], d["end"]) == (z(t0), z(end)), (s, d["start"], d["end"], t0, end)
    mins = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(t0)).total_seconds() / 60
    assert d["duration_min"] == mins and d["samples"] == int(n), (s, d["duration_min"], mins)
    assert d["mode_after"] == mode and d["ongoing"] is False and d["start_seen"] is True, (s, d)
    assert close(d["ah"], float(ah)), (s, d["ah"], ah)
    assert close(d["depth_pct"], float(ah) / x["cap"] * 100), (s, d["depth_pct"])
    assert d["string_min_v"] == float(smin) and d["block_min"]["voltage_v"] == x["bmin"], (s, d)
    assert d["runtime"]["runtime_min"] == x["runtime"], (s, d["runtime"], x["runtime"])
    assert close(d["twin_capacity"]["capacity_ah"], x["capacity"]), (s, d["twin_capacity"], x["capacity"])
    cut += mode == "rest"
# The outage of 3 h: the six UPS strings cut off, the rectifier's three
# were still discharging when the mains came back and recharged.
assert cut == 6 and sum(r[4] in ("boost", "float") for r in runs) == 3, [r[4] for r in runs]
print("ok", len(runs))
PY
	echo "$output"
	assert_success
	assert_output "ok 9"
}

@test "discharges: a site, a string, a range; what is refused" {
	run get "/api/v1/discharges?string=PKT-UPS1-S4&from=2026-04-02&to=2026-04-03"
	assert_line --index 1 200
	assert_output --partial '"string_id" : "PKT-UPS1-S4"'
	n=$(echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]), d["items"][0]["mode_after"], d["from"], d["to"])')
	[ "$n" = "1 rest 2026-04-02T00:00:00Z 2026-04-03T00:00:00Z" ]
	# The first day had none at Phuket; another site, none at all.
	run get "/api/v1/discharges?site=PKT&from=2026-04-01T00:00:00Z&to=2026-04-01T23:00:00Z"
	assert_output "$(printf '{"from" : "2026-04-01T00:00:00Z", "to" : "2026-04-01T23:00:00Z", "items" : []}\n200')"
	run get "/api/v1/discharges?site=CMI"
	assert_line --index 1 200
	assert_output --partial '"items" : []'
	# A range that ends before the discharges' end still tells them whole.
	run get "/api/v1/discharges?string=PKT-UPS1-S4&from=2026-04-02T02:00:00Z&to=2026-04-02T03:00:00Z"
	assert_output --partial '"start" : "2026-04-02T01:00:00Z"'
	run get "/api/v1/discharges?from=2026-04-03&to=2026-04-02"
	assert_output "$(printf '{"error":{"status":400,"code":"bad_argument","message":"to: must come after from"}}\n400')"
	run get "/api/v1/discharges?from=2026-01-01&to=2026-03-01"
	assert_output "$(printf '{"error":{"status":400,"code":"bad_argument","message":"from, to: at most 31 days"}}\n400')"
	run get "/api/v1/discharges?battery=B2041-1"
	assert_line --index 1 400
	run get "/api/v1/activity?string=PKT-UPS1-S4"
	assert_line --index 1 400
}

@test "the activity: the discharges, the room that ran hot, the alerts opened and escalated (SQL)" {
	get /api/v1/activity > "$T/ans"
	[ "$(tail -1 "$T/ans")" = 200 ]
	get /api/v1/discharges > "$T/dis"
	lo=2026-04-01T23:59:01Z hi=2026-04-02T23:59:01Z
	q "SELECT json_build_object(
	    'room', (SELECT json_agg(alert_id ORDER BY ts_open DESC, alert_id) FROM alerts
	        WHERE kind IN ('room_temperature_high', 'room_temperature_rise')
	        AND ts_open < '$hi' AND coalesce(ts_clear, 'infinity') >= '$lo'),
	    'opened', (SELECT json_build_object('total', count(*),
	        'critical', count(*) FILTER (WHERE severity = 'critical'),
	        'warning', count(*) FILTER (WHERE severity = 'warning'))
	        FROM alerts WHERE ts_open >= '$lo' AND ts_open < '$hi'),
	    'kinds', (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*) AS n FROM alerts
	        WHERE ts_open >= '$lo' AND ts_open < '$hi' GROUP BY kind) k),
	    'escalated', (SELECT json_agg(json_build_array(alert_id, ts) ORDER BY ts DESC, alert_id)
	        FROM (SELECT DISTINCT ON (alert_id) alert_id, to_char(ts AT TIME ZONE 'UTC',
	            'YYYY-MM-DD') || 'T' || to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS') || 'Z' AS ts
	        FROM (SELECT alert_id, ts, event, severity, lag(severity) OVER w AS was
	            FROM alert_events WINDOW w AS (PARTITION BY alert_id ORDER BY ts)) e
	        WHERE event = 'update' AND severity = 'critical' AND was = 'warning'
	            AND ts >= '$lo' AND ts < '$hi' ORDER BY alert_id, ts) x))" > "$T/sql"
	run /usr/bin/python3 - "$T/ans" "$T/dis" "$T/sql" <<'PY'
import json, sys
body = lambda f: json.loads(open(f).read().rsplit("\n", 2)[0])
ans, dis, sql = body(sys.argv[1]), body(sys.argv[2]), json.load(open(sys.argv[3]))
assert ans["discharges"] == dis["items"] and (ans["from"], ans["to"]) == (dis["from"], dis["to"])
assert len(sql["room"]) == 2, sql["room"]
assert [a["alert_id"] for a in ans["room_faults"]] == sql["room"], ans["room_faults"]
assert all(a["site_id"] == "PKT" and a["message"] for a in ans["room_faults"])
o = ans["alerts_opened"]
assert {k: o[k] for k in ("total", "critical", "warning")} == sql["opened"], (o, sql["opened"])
assert {k["kind"]: k["total"] for k in o["by_kind"]} == sql["kinds"], o["by_kind"]
assert len(o["items"]) == min(100, o["total"])
crit = [a["severity"] == "critical" for a in o["items"]]
assert crit == sorted(crit, reverse=True), "critical first"
# the alert loaded as escalated, and the outage's string at cut-off
esc = ans["alerts_escalated"]
assert [[a["alert_id"], a["ts_escalated"]] for a in esc] == sql["escalated"], (esc, sql["escalated"])
assert ["t.esc", "2026-04-02T07:00:00Z"] in sql["escalated"], sql["escalated"]
assert any(a["kind"] == "string_cutoff" for a in esc), esc
assert all(a["severity"] == "critical" for a in esc), esc
print("ok", len(ans["discharges"]), len(ans["room_faults"]), o["total"])
PY
	echo "$output"
	assert_success
	assert_output --regexp '^ok 9 2 [0-9]+$'
	# A site without any of it.
	run get "/api/v1/activity?site=CMI&from=2026-04-02&to=2026-04-03"
	assert_line --index 1 200
	assert_output --partial '"discharges" : [], "room_faults" : [], "alerts_opened" : {"total" : 0'
}

@test "a string: its latest reading, its readings over a range, a site's strings; search (SQL)" {
	s=PKT-UPS1-S4
	run get "/api/v1/strings/$s"
	assert_line --index 1 200
	echo "${lines[0]}" > "$T/one"
	get "/api/v1/strings/$s/telemetry?from=2026-04-02T00:00:00Z&to=2026-04-02T06:00:00Z" > "$T/tel"
	get /api/v1/sites/PKT/strings > "$T/site"
	q "SELECT json_build_object(
	    'latest', (SELECT row_to_json(x) FROM (SELECT voltage_v, current_a, mode FROM string_telemetry
	        WHERE string_id = '$s' ORDER BY ts DESC LIMIT 1) x),
	    'blocks', (SELECT count(*) FROM batteries WHERE string_id = '$s' AND removed_date IS NULL),
	    'points', (SELECT json_agg(json_build_array(voltage_v, current_a, mode) ORDER BY ts) FROM string_telemetry
	        WHERE string_id = '$s' AND ts >= '2026-04-02' AND ts < '2026-04-02T06:00:00Z'),
	    'site', (SELECT json_agg(string_id ORDER BY string_id) FROM strings WHERE site_id = 'PKT'))" > "$T/sql"
	run /usr/bin/python3 - "$T/one" "$T/tel" "$T/site" "$T/sql" <<'PY'
import json, sys
body = lambda f: json.loads(open(f).read().rsplit("\n", 2)[0]) if f.endswith(("tel", "site")) else json.load(open(f))
one, tel, site, sql = (body(f) for f in sys.argv[1:])
l = one["latest"]
assert {k: l[k] for k in ("voltage_v", "current_a", "mode")} == sql["latest"], (l, sql["latest"])
assert one["blocks_in_service"] == sql["blocks"] and one["site_id"] == "PKT", one
assert [[p["voltage_v"], p["current_a"], p["mode"]] for p in tel["points"]] == sql["points"]
assert (tel["from"], tel["to"]) == ("2026-04-02T00:00:00Z", "2026-04-02T06:00:00Z")
assert {p["mode"] for p in tel["points"]} >= {"float", "discharge", "rest"}
assert [x["string_id"] for x in site["items"]] == sql["site"]
assert next(x for x in site["items"] if x["string_id"] == "PKT-UPS1-S4")["latest"]["mode"] == sql["latest"]["mode"]
print("ok", len(tel["points"]))
PY
	echo "$output"
	assert_success
	assert_output "ok 360"
	run get /api/v1/strings/NOPE
	assert_line --index 1 404
	run get "/api/v1/strings/$s/telemetry?from=2026-01-01&to=2026-03-01"
	assert_line --index 1 400
	run get /api/v1/sites/NOPE/strings
	assert_line --index 1 404
	# Search: a block (in small letters too), a string, a site; nothing.
	for x in B2041-1:battery b2041-1:battery PKT-UPS1-S4:string PKT:site; do
		run get "/api/v1/search?q=${x%%:*}"
		assert_line --index 1 200
		echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); i=d["items"]; assert len(i) == 1 and i[0]["kind"] == sys.argv[1] and i[0]["id"] == sys.argv[2].upper(), d' "${x#*:}" "${x%%:*}"
	done
	run get "/api/v1/search?q=B9999-9"
	assert_output "$(printf '{"q" : "B9999-9", "items" : []}\n200')"
	run get /api/v1/search
	assert_line --index 1 400
}
