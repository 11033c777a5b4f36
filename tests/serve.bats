#!/usr/bin/env bats
# brul-serve against a real PostgreSQL 15 (a throwaway cluster) and real
# HTTP (curl on loopback): every route under every kind of token, the
# sign-in flows, throttling, lists against counts computed in SQL,
# telemetry against the rollups, the live stream fed by brul-load, the
# OpenAPI document against the routes, a PostgreSQL restart, limits and a
# graceful stop.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PG=$BATS_TEST_DIRNAME/helpers/pg.sh
PW=$FLEET_PW

setup_file() {
	d=$BATS_FILE_TMPDIR
	# A week of two strings, with what the other tools make of it.
	fleet_setup "$d" 5436 --days 7 --batteries 48 --seed 4
	fleet_serve "$d" --timeout 2 --cors-origin http://dash.example \
	    --max-body 4096 --model "$d/model.json"
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	fleet_teardown "$d" 5436
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	PORT=$(cat "$F/port")
	URL=http://127.0.0.1:$PORT
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

# req METHOD PATH [TOKEN [BODY]]: prints the body, then the status on a
# line of its own.
req() {
	local auth=() body=()
	[ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
	[ -n "${4:-}" ] && body=(-H 'Content-Type: application/json' --data-binary "$4")
	curl -s -X "$1" "${auth[@]}" "${body[@]}" -w '\n%{http_code}\n' "$URL$2"
}

# status METHOD PATH [TOKEN [BODY]]: the status only.
status() { req "$@" | tail -1; }

# login USER: the answer of a sign-in (JSON).
login() {
	curl -s -X POST -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/v1/auth/login"
}

token() { login "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }

# forge KIND: a token signed (or not) as an attacker or time would:
# expired, tampered, none, future.
forge() {
	/usr/bin/python3 - "$F/secret" "$1" "$(q "SELECT user_id FROM users WHERE username = 'admin'")" <<'PY'
import base64, hashlib, hmac, json, sys, time
key = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
kind, uid = sys.argv[2], sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
claims = {"iss": "brul", "sub": uid, "name": "admin", "role": "admin", "typ": "access",
          "jti": "x", "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}
if kind == "future":
    claims.update(iat=now + 3600, nbf=now + 3600, exp=now + 7200)
if kind in ("tampered", "none", "hs512"):
    claims.update(iat=now, nbf=now, exp=now + 600)
alg = {"none": "none", "hs512": "HS512"}.get(kind, "HS256")
head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
body = b64(json.dumps(claims).encode())
msg = (head + "." + body).encode()
if kind == "none":
    sig = ""
elif kind == "hs512":
    sig = b64(hmac.new(key, msg, hashlib.sha512).digest())
else:
    sig = b64(hmac.new(key, msg, hashlib.sha256).digest())
if kind == "tampered":
    body = b64(json.dumps(dict(claims, role="admin", sub=uid, name="mallory")).encode())
print(head + "." + body + "." + sig)
PY
}

@test "health, readiness, metrics and the OpenAPI document need no token" {
	run req GET /health
	assert_output "$(printf '{"status":"ok"}\n200')"
	run req GET /health/ready
	assert_output "$(printf '{"status":"ready","schema":%s}\n200' "$(schema_version)")"
	run status GET /metrics
	assert_output 200
	run curl -s "$URL/metrics"
	assert_output --partial '# TYPE brul_http_requests_total counter'
	assert_output --partial 'brul_http_requests_total{route="/health",method="GET",status="200"}'
	assert_output --partial 'brul_db_pool_connections{state="size"} 4'
	assert_output --partial 'brul_streams_open'
	run status GET /api/openapi.json
	assert_output 200
}

@test "openapi.json describes exactly the routes the server has" {
	curl -s "$URL/api/openapi.json" > "$T/api.json"
	brul-serve --routes > "$T/routes"
	run /usr/bin/python3 - "$T/api.json" "$T/routes" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["openapi"].startswith("3."), doc["openapi"]
have = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops
        if m in ("get", "post", "put", "patch", "delete")}
routes = set()
for line in open(sys.argv[2]):
    m, p, role = line.split()
    routes.add((m, p))
    op = doc["paths"][p][m.lower()]
    # A route that needs a role says so, and one that does not, too.
    assert (op.get("security") == []) == (role == "public"), (m, p, role)
print(len(routes), "routes")
assert have == routes, (sorted(have - routes), sorted(routes - have))
PY
	assert_success
	assert_output --regexp '^[0-9]+ routes$'
}

@test "every route under every kind of token: the status each deserves" {
	admin=$(token admin); eng=$(token eng); view=$(token view)
	expired=$(forge expired); tampered=$(forge tampered); none=$(forge none)
	hs512=$(forge hs512); future=$(forge future)
	aid=$(q "SELECT alert_id FROM alerts ORDER BY alert_id LIMIT 1")
	aid2=$(q "SELECT alert_id FROM alerts ORDER BY alert_id LIMIT 1 OFFSET 1")
	vid=$(q "SELECT user_id FROM users WHERE username = 'view'")
	# A user to patch and then delete.
	uid=$(req POST /api/v1/auth/users "$admin" "{\"username\":\"temp\",\"password\":\"$PW\",\"role\":\"viewer\"}" |
	    head -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	refresh=$(login view | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
	n=0
	while read -r method path role; do
		p=${path//\{site_id\}/CMI}
		p=${p//\{battery_id\}/B0001-1}
		p=${p//\{string_id\}/$(q "SELECT min(string_id) FROM strings")}
		p=${p//\{user_id\}/$uid}
		case $path in
		*acknowledge) p=${p//\{alert_id\}/$aid} ;;
		*resolve) p=${p//\{alert_id\}/$aid2} ;;
		*) p=${p//\{alert_id\}/$aid} ;;
		esac
		body=
		case "$method $path" in
		"GET /api/v1/search") p="$p?q=B0001-1" ;;
		"POST /api/v1/auth/login") body="{\"username\":\"view\",\"password\":\"$PW\"}" ;;
		"POST /api/v1/auth/refresh") body="{\"refresh_token\":\"$refresh\"}" ;;
		"POST /api/v1/auth/users") body="{\"username\":\"new$n\",\"password\":\"$PW\",\"role\":\"viewer\"}" ;;
		"PATCH "*) body='{"full_name":"Somchai"}' ;;
		"POST /api/v1/auth/change-password") body="{\"current_password\":\"$PW\",\"new_password\":\"$PW\"}" ;;
		"POST /api/v1/auth/logout") body='{}' ;;
		"POST "*acknowledge) body='{"note":"on site tomorrow"}' ;;
		"POST "*resolve) body='{"resolution":"block replaced"}' ;;
		esac
		if [ "$path" = /api/v1/stream ]; then
			call() { curl -s -o /dev/null -w '%{http_code}' --max-time 1 ${1:+-H "Authorization: Bearer $1"} "$URL$p" || true; }
		else
			call() { status "$method" "$p" "${1:-}" "$body"; }
		fi
		want=200
		case "$method $path" in
		"POST /api/v1/auth/users") want=201 ;;
		"DELETE "* | "POST /api/v1/auth/logout") want=204 ;;
		esac
		case $role in
		public) right=; wrong= ;;
		viewer) right=$view; wrong= ;;
		engineer) right=$eng; wrong=$view ;;
		admin) right=$admin; wrong=$eng ;;
		esac
		if [ "$role" != public ]; then
			for bad in "" "$expired" "$tampered" "$none" "$hs512" "$future" "not.a.token"; do
				got=$(call "$bad")
				[ "$got" = 401 ] || { echo "$method $path with a bad token: $got"; false; }
			done
			if [ -n "$wrong" ]; then
				got=$(call "$wrong")
				[ "$got" = 403 ] || { echo "$method $path with a lesser role: $got"; false; }
			fi
		fi
		got=$(call "$right")
		[ "$got" = "$want" ] || { echo "$method $path as $role: $got, not $want"; false; }
		# Signing out of every session and a new password end the
		# viewer's access tokens.
		case "$method $path" in
		"POST /api/v1/auth/logout" | "POST /api/v1/auth/change-password") view=$(token view) ;;
		esac
		n=$((n + 1))
	done < <(brul-serve --routes)
	[ "$n" -ge 28 ]
	# The admin may act on another admin's behalf, not on a lesser one's:
	# a viewer is refused the admin's routes (above) and so is an
	# engineer; and the engineer's acknowledgement is recorded.
	[ "$(q "SELECT acknowledged_by || '|' || ack_note FROM alerts WHERE alert_id = '$aid'")" = "eng|on site tomorrow" ]
	[ "$(q "SELECT resolved_by || '|' || resolution FROM alerts WHERE alert_id = '$aid2'")" = "eng|block replaced" ]
	run req POST "/api/v1/alerts/$aid/acknowledge" "$eng" '{}'
	assert_line --index 1 409
}

@test "sign in, refresh (rotating), reuse revokes the family, sign out" {
	login view > "$T/a.json"
	r1=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["token_type"] == "bearer" and d["expires_in"] == 1800 and d["refresh_expires_in"] == 604800 and d["user"]["role"] == "viewer"; print(d["refresh_token"])' "$T/a.json")
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r1\"}"
	assert_line --index 1 200
	r2=$(echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
	a2=$(echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
	[ "$r2" != "$r1" ]
	run status GET /api/v1/auth/me "$a2"
	assert_output 200
	# r1 again: someone else has it; r2 then no longer works either.
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r1\"}"
	assert_line --index 1 401
	assert_line --index 0 --partial 'used twice'
	run status POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r2\"}"
	assert_output 401
	# Only hashes are kept.
	[ "$(q "SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%$r1%'")" = 0 ]
	# Sign out ends that session's refresh token.
	login view > "$T/b.json"
	r3=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$T/b.json")
	a3=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$T/b.json")
	run status POST /api/v1/auth/logout "$a3" "{\"refresh_token\":\"$r3\"}"
	assert_output 204
	run status POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r3\"}"
	assert_output 401
	# A disabled user's tokens stop working within seconds.
	admin=$(token admin)
	login eng > "$T/c.json"
	e=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$T/c.json")
	er=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$T/c.json")
	eid=$(q "SELECT user_id FROM users WHERE username = 'eng'")
	run status PATCH "/api/v1/auth/users/$eid" "$admin" '{"active":false}'
	assert_output 200
	run status POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$er\"}"
	assert_output 401
	sleep 5.2
	run status GET /api/v1/auth/me "$e"
	assert_output 401
	run status PATCH "/api/v1/auth/users/$eid" "$admin" '{"active":true}'
	assert_output 200
	run status POST /api/v1/auth/login "" "{\"username\":\"eng\",\"password\":\"$PW\"}"
	assert_output 200
}

@test "failed sign-ins are throttled per user, and say nothing of who exists" {
	run status POST /api/v1/auth/users "$(token admin)" "{\"username\":\"victim\",\"password\":\"$PW\",\"role\":\"viewer\"}"
	assert_output 201
	for i in 1 2 3 4 5; do
		run req POST /api/v1/auth/login "" '{"username":"victim","password":"wrong password"}'
		assert_line --index 1 401
		assert_line --index 0 '{"error":{"status":401,"code":"unauthorized","message":"wrong user name or password"}}'
	done
	run curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"VICTIM\",\"password\":\"$PW\"}" "$URL/api/v1/auth/login"
	assert_line --partial 'HTTP/1.1 429'
	assert_line --regexp '^Retry-After: [0-9]+'
	# Another user is not held up by it.
	run status POST /api/v1/auth/login "" "{\"username\":\"view\",\"password\":\"$PW\"}"
	assert_output 200
	# An unknown user: the same answer, in about the same time.
	run req POST /api/v1/auth/login "" '{"username":"nobody","password":"wrong password"}'
	assert_line --index 0 '{"error":{"status":401,"code":"unauthorized","message":"wrong user name or password"}}'
	# Interleaved, so that a busy machine slows both alike; medians of 3
	# (no more: failures from this address are throttled too).
	for i in 1 2 3; do
		for u in nobody view; do
			s=$(date +%s%N)
			status POST /api/v1/auth/login "" "{\"username\":\"$u\",\"password\":\"not it at all\"}" >/dev/null
			echo "$u $(( ($(date +%s%N) - s) / 1000000 ))"
		done
	done > "$T/ms"
	run awk '{ t[$1, ++n[$1]] = $2 }
	    function med(u,  a, b, c) { a = t[u, 1]; b = t[u, 2]; c = t[u, 3]
		return a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b)) }
	    END { a = med("nobody"); b = med("view"); r = a / b; print a, b; exit !(r > 0.5 && r < 2 && a > 10) }' "$T/ms"
	assert_success
}

@test "lists: pages and filters agree with counts in SQL" {
	v=$(token view)
	run req GET "/api/v1/batteries?limit=10&offset=40" "$v"
	assert_line --index 1 200
	echo "${lines[0]}" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["limit"] == 10 and d["offset"] == 40 and d["total"] == int(sys.argv[1]), d["total"]
assert [b["battery_id"] for b in d["items"]] == sys.argv[2].split(), [b["battery_id"] for b in d["items"]]
' "$(q 'SELECT count(*) FROM batteries')" "$(q 'SELECT string_agg(battery_id, $$ $$ ORDER BY battery_id) FROM (SELECT battery_id FROM batteries ORDER BY battery_id LIMIT 10 OFFSET 40) x')"
	total() { curl -s -H "Authorization: Bearer $v" "$URL$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
	s2=$(q "SELECT string_id FROM strings ORDER BY string_id DESC LIMIT 1")
	[ "$(total "/api/v1/batteries?string=$s2")" = "$(q "SELECT count(*) FROM batteries WHERE string_id = '$s2'")" ]
	[ "$(total "/api/v1/batteries?status=removed")" = "$(q "SELECT count(*) FROM batteries WHERE removed_date IS NOT NULL")" ]
	[ "$(total "/api/v1/batteries?risk=low&site=CMI")" = "$(q "SELECT count(*) FROM batteries b WHERE site_id = 'CMI' AND (SELECT risk FROM predictions p WHERE p.battery_id = b.battery_id ORDER BY date DESC LIMIT 1) = 'low'")" ]
	[ "$(total "/api/v1/alerts?state=open&severity=warning")" = "$(q "SELECT count(*) FROM alerts WHERE state = 'open' AND severity = 'warning'")" ]
	[ "$(total "/api/v1/alerts?kind=resistance_high")" = "$(q "SELECT count(*) FROM alerts WHERE kind = 'resistance_high'")" ]
	[ "$(total "/api/v1/predictions/latest?risk=high")" = "$(q "SELECT count(*) FROM (SELECT DISTINCT ON (battery_id) risk FROM predictions JOIN batteries USING (battery_id) WHERE removed_date IS NULL ORDER BY battery_id, date DESC) x WHERE risk = 'high'")" ]
	run status GET /api/v1/auth/users "$v"
	assert_output 403
	# The morning list is sorted by RUL.
	curl -s -H "Authorization: Bearer $v" "$URL/api/v1/predictions/latest?limit=1000" |
	    /usr/bin/python3 -c 'import json,sys; r=[x["rul_days"] for x in json.load(sys.stdin)["items"]]; assert r == sorted(r) and len(r) > 40, r'
	run req GET "/api/v1/batteries?limit=0" "$v"
	assert_line --index 0 '{"error":{"status":400,"code":"bad_argument","message":"limit: expected an integer from 1 to 1000, not \"0\""}}'
	run req GET "/api/v1/batteries?risk=scary" "$v"
	assert_line --index 0 --partial 'risk: expected low, medium, high or critical'
	run req GET /api/v1/sites/XYZ "$v"
	assert_line --index 1 404
	# A list's total is remembered, until a load changes the fleet.
	t0=$(total /api/v1/batteries)
	printf '%s\n' battery_id,site_id,system_id,string_id,position,model,capacity_ah,install_date,removed_date,baseline_mohm \
	    B9999-1,CMI,CMI-REC1,CMI-REC1-S1,25,VRLA-12V100,100,2026-01-01,,4.5 | brul-load -q batteries
	for i in $(seq 20); do [ "$(total /api/v1/batteries)" = $((t0 + 1)) ] && break; sleep 0.1; done
	[ "$(total /api/v1/batteries)" = $((t0 + 1)) ]
	q "DELETE FROM batteries WHERE battery_id = 'B9999-1'"
	q "NOTIFY brul_batteries, '{}'"
	for i in $(seq 20); do [ "$(total /api/v1/batteries)" = "$t0" ] && break; sleep 0.1; done
	[ "$(total /api/v1/batteries)" = "$t0" ]
}

@test "telemetry: raw rows, and the hourly and daily rollups" {
	v=$(token view)
	get() { curl -s -H "Authorization: Bearer $v" "$URL/api/v1/batteries/B0002-1/telemetry?$1"; }
	get 'from=2026-01-03&to=2026-01-04' > "$T/raw.json"
	get 'resolution=hour&from=2026-01-03&to=2026-01-04' > "$T/hour.json"
	get 'resolution=day&from=2026-01-01&to=2026-01-08' > "$T/day.json"
	q "SELECT json_agg(json_build_object('ts', ts, 'v', voltage_v) ORDER BY ts) FROM telemetry WHERE battery_id = 'B0002-1' AND ts >= '2026-01-03' AND ts < '2026-01-04'" > "$T/raw.sql"
	q "SELECT json_agg(to_json(h) ORDER BY hour) FROM telemetry_hourly h WHERE battery_id = 'B0002-1' AND hour >= '2026-01-03' AND hour < '2026-01-04'" > "$T/hour.sql"
	run /usr/bin/python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
raw, want = json.load(open(d + "/raw.json")), json.load(open(d + "/raw.sql"))
assert raw["resolution"] == "raw" and raw["from"] == "2026-01-03T00:00:00Z" and raw["to"] == "2026-01-04T00:00:00Z"
assert len(raw["points"]) == len(want) == 1440
assert [p["voltage_v"] for p in raw["points"]] == [w["v"] for w in want]
assert raw["points"][0]["ts"] == "2026-01-03T00:00:00Z"
hour, rows = json.load(open(d + "/hour.json")), json.load(open(d + "/hour.sql"))
assert len(hour["points"]) == 24 == len(rows)
for p, h in zip(hour["points"], rows):
    for k in ("samples", "voltage_mean_v", "voltage_min_v", "temperature_max_c", "current_mean_a"):
        assert p[k] == h[k], (k, p[k], h[k])
day = json.load(open(d + "/day.json"))
assert len(day["points"]) == 7 and all(p["samples"] == 1440 for p in day["points"]), [p["samples"] for p in day["points"]]
# A day's mean is its hours' means weighted by their samples.
h3 = [h["voltage_mean_v"] for h in rows]
assert abs(day["points"][2]["voltage_mean_v"] - sum(h3) / 24) < 1e-9
print("ok")
PY
	assert_output ok
	run req GET "/api/v1/batteries/B0002-1/telemetry?from=2026-01-01&to=2026-03-01" "$v"
	assert_line --index 1 400
	run req GET "/api/v1/batteries/B0002-1/telemetry?from=2026-01-02&to=2026-01-01" "$v"
	assert_line --index 0 --partial 'to: must come after from'
	run req GET "/api/v1/batteries/NOPE-1/telemetry" "$v"
	assert_line --index 1 404
	# Without a window: the last day the battery has.
	get '' | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["to"] == "2026-01-08T00:00:00Z" and len(d["points"]) == 1440, (d["to"], len(d["points"]))'
	# One battery: its latest reading, prediction and twin state.
	curl -s -H "Authorization: Bearer $v" "$URL/api/v1/batteries/B0002-1" |
	    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["telemetry"]["ts"].startswith("2026-01-07T23:59") and d["twin"]["soh_pct"] > 0 and d["prediction"]["model_id"] == "fixture", d'
}

@test "a block's runtime to cut-off: from brul-twin through brul-load to the API" {
	v=$(token view)
	# The twin's latest hour of B0002-1 again, now with the minutes it
	# would hold 10 A (brul-twin --load): the row it replaces plus them.
	brul-twin --fleet "$F/ds/batteries.csv" --every 1h --load 10 \
	    "$F/ds/telemetry.csv" | awk -F, 'NR == 1 { print; next }
	    $2 == "B0002-1" { l = $0 } END { print l }' > "$T/tw.csv"
	want=$(tail -1 "$T/tw.csv" | cut -d, -f1,11-13)
	[ "$(tail -1 "$T/tw.csv" | cut -d, -f11)" != "" ]
	brul-load -q twin "$T/tw.csv"
	run /usr/bin/python3 -c 'import json,sys
d = json.load(sys.stdin)["twin"]
print(",".join([d["ts"]] + ["%.1f" % d[k] for k in ("runtime_min", "runtime_lo_min", "runtime_hi_min")]))' \
	    < <(curl -s -H "Authorization: Bearer $v" "$URL/api/v1/batteries/B0002-1")
	assert_output "$want"
	run /usr/bin/python3 -c 'import json,sys
p = json.load(sys.stdin)["points"]
print(p[-1]["runtime_min"], sum(x["runtime_min"] is None for x in p) == len(p) - 1)' \
	    < <(curl -s -H "Authorization: Bearer $v" "$URL/api/v1/batteries/B0002-1/twin")
	assert_output "$(echo "$want" | cut -d, -f2) True"
}

@test "a prediction's sudden part and reasons: from a predictions file through brul-load to the API and the live stream" {
	v=$(token view)
	get() { curl -s -H "Authorization: Bearer $v" "$URL/api/v1/$1"; }
	# The latest predictions of B0005-1 and B0006-1 again, with what
	# brul-predict --explain adds: B0005-1's with two reasons (one that
	# CSV quotes), B0006-1's with none.
	d5=$(q "SELECT date FROM predictions WHERE battery_id = 'B0005-1' ORDER BY date DESC LIMIT 1")
	d6=$(q "SELECT date FROM predictions WHERE battery_id = 'B0006-1' ORDER BY date DESC LIMIT 1")
	printf '%s\n' battery_id,date,model_id,p_sudden_90d,reason_1,reason_2,reason_3 \
	    "B0005-1,$d5,fixture,0.0123,resistance +38 % over baseline: -210 days,\"float current 0.31 A, rising: -45 days\"," \
	    "B0006-1,$d6,fixture,0.0007,,," > "$T/why.csv"
	curl -s -N --max-time 6 "$URL/api/v1/stream?battery=B0005-1&access_token=$v" > "$T/live.sse" &
	c=$!
	sleep 1
	brul-load -q predictions "$T/why.csv"
	for i in $(seq 40); do grep -q '^event: prediction' "$T/live.sse" && break; sleep 0.1; done
	kill $c 2>/dev/null || true
	wait $c 2>/dev/null || true
	get batteries/B0005-1 > "$T/one.json"
	get 'batteries/B0005-1/predictions?limit=1000' > "$T/list.json"
	get 'predictions/latest?limit=1000' > "$T/latest.json"
	run /usr/bin/python3 - "$T" "$d5" <<'PY'
import json, sys
t, d5 = sys.argv[1], sys.argv[2]
show = lambda p: "%s %s %s %s" % (p["date"], p["p_sudden_90d"], json.dumps(p["reasons"]), sorted(k for k in p if k.startswith("reason")))
one = json.load(open(t + "/one.json"))["prediction"]
print("battery", show(one))
items = json.load(open(t + "/list.json"))["items"]
print("list", show(items[0]), len(items) > 1 and all(p["reasons"] == [] and p["p_sudden_90d"] is None for p in items[1:]))
latest = {p["battery_id"]: p for p in json.load(open(t + "/latest.json"))["items"]}
print("latest", show(latest["B0005-1"]))
print("latest", show(latest["B0006-1"]))
rest = [p for b, p in latest.items() if b not in ("B0005-1", "B0006-1")]
print("others", len(rest) > 40 and all(p["reasons"] == [] and p["p_sudden_90d"] is None for p in rest))
live = [l[6:] for l in open(t + "/live.sse").read().split("\n") if l.startswith("data: [")]
print("live", len(live), show([p for p in json.loads(live[0]) if p["date"] == d5][0]))
PY
	r='["resistance +38 % over baseline: -210 days", "float current 0.31 A, rising: -45 days"]'
	assert_output "$(printf '%s\n' \
	    "battery $d5 0.0123 $r ['reasons']" \
	    "list $d5 0.0123 $r ['reasons'] True" \
	    "latest $d5 0.0123 $r ['reasons']" \
	    "latest $d6 0.0007 [] ['reasons']" \
	    "others True" \
	    "live 1 $d5 0.0123 $r ['reasons']")"
}

@test "the dashboard's reads: summary, a site's blocks, twin, events, model and rules agree with SQL and the files" {
	v=$(token view)
	get() { curl -s -H "Authorization: Bearer $v" "$URL/api/v1/$1"; }
	get summary > "$T/summary.json"
	get sites/CMI/blocks > "$T/blocks.json"
	get 'batteries/B0002-1/twin?from=2026-01-03&to=2026-01-05' > "$T/twin.json"
	get 'batteries/B0002-1/events?limit=1000' > "$T/events.json"
	get model > "$T/model.json"
	get alert-rules > "$T/rules.json"
	# What SQL says, as JSON: the latest twin state and prediction of
	# each block in service.
	latest="SELECT b.battery_id, b.site_id, (SELECT soh_pct FROM twin w WHERE w.battery_id = b.battery_id ORDER BY ts DESC LIMIT 1) AS soh, (SELECT soh_sd_pct FROM twin w WHERE w.battery_id = b.battery_id ORDER BY ts DESC LIMIT 1) AS sd, (SELECT rul_days FROM predictions p WHERE p.battery_id = b.battery_id ORDER BY date DESC LIMIT 1) AS rul FROM batteries b WHERE removed_date IS NULL"
	q "SELECT json_agg(x) FROM ($latest) x" > "$T/latest.sql"
	q "SELECT json_agg(x) FROM (SELECT DISTINCT ON (battery_id) battery_id, temperature_c, voltage_v FROM telemetry WHERE battery_id IN (SELECT battery_id FROM batteries WHERE site_id = 'CMI') ORDER BY battery_id, ts DESC) x" > "$T/tele.sql"
	q "SELECT json_agg(x) FROM (SELECT DISTINCT ON (battery_id) battery_id, resistance_mohm FROM telemetry WHERE resistance_mohm IS NOT NULL AND battery_id IN (SELECT battery_id FROM batteries WHERE site_id = 'CMI') ORDER BY battery_id, ts DESC) x" > "$T/res.sql"
	q "SELECT count(*) FROM twin WHERE battery_id = 'B0002-1' AND ts >= '2026-01-03' AND ts < '2026-01-05'" > "$T/twin.sql"
	q "SELECT count(*) FROM events e, batteries b WHERE b.battery_id = 'B0002-1' AND e.scope IN (b.battery_id, b.string_id, b.system_id, b.site_id)" > "$T/events.sql"
	run /usr/bin/python3 - "$T" "$F/model.json" "$BATS_TEST_DIRNAME/../data/alert-rules.json" <<'PY'
import json, sys
d = sys.argv[1]
j = lambda n: json.load(open(f"{d}/{n}"))
s, latest = j("summary.json"), j("latest.sql")
assert s["soh_edges_pct"] == [80, 85, 90, 95]
f = s["fleet"]
assert f["batteries"] == len(latest) == 48, f
for days in (30, 90, 180):
    assert f[f"due_{days}d"] == sum(1 for x in latest if x["rul"] is not None and x["rul"] <= days), days
edges = [-1e9, 80, 85, 90, 95, 1e9]
# a band only when the estimate tells it (twin/health.h)
known = lambda x: x["soh"] is not None and x["sd"] is not None and (x["sd"] <= 5 or x["soh"] + x["sd"] < 80)
want = [sum(1 for x in latest if known(x) and lo <= x["soh"] < hi) for lo, hi in zip(edges, edges[1:])]
assert f["soh"] == want and sum(want) > 0, (f["soh"], want)
assert f["soh_unknown"] == sum(1 for x in latest if not known(x))
assert sum(x["batteries"] for x in s["sites"]) == f["batteries"]
blocks = j("blocks.json")["items"]
assert len(blocks) == sum(1 for x in latest if x["site_id"] == "CMI") > 0
assert [(b["string_id"], b["position"]) for b in blocks] == sorted((b["string_id"], b["position"]) for b in blocks)
tele = {t["battery_id"]: t for t in j("tele.sql")}
res = {t["battery_id"]: t["resistance_mohm"] for t in j("res.sql")}
soh = {x["battery_id"]: x["soh"] for x in latest}
for b in blocks:
    assert b["temperature_c"] == tele[b["battery_id"]]["temperature_c"], b
    assert b["resistance_mohm"] == res[b["battery_id"]], b
    assert b["soh_pct"] == soh[b["battery_id"]] and b["baseline_mohm"] > 0, b
    assert b["soh_known"] == known(next(x for x in latest if x["battery_id"] == b["battery_id"])), b
tw = j("twin.json")
assert len(tw["points"]) == j("twin.sql") > 0 and tw["from"] == "2026-01-03T00:00:00Z"
assert [p["ts"] for p in tw["points"]] == sorted(p["ts"] for p in tw["points"])
ev = j("events.json")
assert ev["total"] == j("events.sql") == len(ev["items"]) > 0
assert [e["ts_start"] for e in ev["items"]] == sorted((e["ts_start"] for e in ev["items"]), reverse=True)
m, attrs = j("model.json"), json.load(open(sys.argv[2]))["learner"]
assert m["model_id"] == attrs["attributes"]["brul_model_id"] and m["features"] == attrs["feature_names"]
assert m["cv"]["model"]["all"]["rows"] > 0 and m["file"]["name"] == "model.json", m["cv"]
rules = j("rules.json")["rules"]
assert [r["name"] for r in rules] == [r["name"] for r in json.load(open(sys.argv[3]))["rules"]]
r = next(r for r in rules if r["name"] == "resistance_high")
assert (r["warning"], r["critical"], r["relative"], r["baseline"]) == (20, 50, "percent", "fleet"), r
print("ok")
PY
	assert_output ok
	run req GET /api/v1/sites/NOPE/blocks "$v"
	assert_line --index 1 404
	run req GET "/api/v1/batteries/NOPE-1/twin" "$v"
	assert_line --index 1 404
	run req GET "/api/v1/batteries/B0002-1/events" "$v"
	assert_line --index 1 200
	run req GET "/api/v1/batteries/B0002-1/twin?from=2026-01-01&to=2027-03-01" "$v"
	assert_line --index 1 400
	# Without a range: the 30 days up to the latest estimate.
	get batteries/B0002-1/twin | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["points"][-1]["ts"].startswith("2026-01-07T23") and d["to"] > d["points"][-1]["ts"], d["to"]'
	# A model retrained in place is served without a restart; one that
	# cannot be read is a 503 that names nothing.
	cp "$F/model.json" "$T/keep.json"
	/usr/bin/python3 - "$F/model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["learner"]["attributes"]["brul_model_id"] = "retrained1"
json.dump(m, open(sys.argv[1] + ".tmp", "w"))
PY
	mv "$F/model.json.tmp" "$F/model.json"
	get model | grep -q '"model_id":"retrained1"'
	echo '{' > "$F/model.json"
	run req GET /api/v1/model "$v"
	assert_line --index 1 503
	refute_output --partial "$F"
	cp "$T/keep.json" "$F/model.json"
	get model | grep -q "\"model_id\":\"$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["learner"]["attributes"]["brul_model_id"])' "$F/model.json")\""
}

@test "every time in every answer is UTC with Z, as the streams write it" {
	admin=$(token admin)
	# A user for the routes that sign in and out, and one to delete.
	req POST /api/v1/auth/users "$admin" "{\"username\":\"zulu\",\"password\":\"$PW\",\"role\":\"viewer\"}" > /dev/null
	tid=$(req POST /api/v1/auth/users "$admin" "{\"username\":\"zgone\",\"password\":\"$PW\",\"role\":\"viewer\"}" |
	    head -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	z=$(token zulu)
	r1=$(login zulu | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
	r2=$(login zulu | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
	uid=$(q "SELECT user_id FROM users WHERE username = 'view'")
	aid=$(q "SELECT alert_id FROM alerts WHERE acknowledged_at IS NULL ORDER BY alert_id LIMIT 1")
	rid=$(q "SELECT alert_id FROM alerts WHERE resolved_at IS NULL ORDER BY alert_id DESC LIMIT 1")
	# A battery without readings: its telemetry's window ends now, a
	# time with fractions of a second that brul writes itself.
	q "INSERT INTO batteries (battery_id, site_id, system_id, string_id, position, model, capacity_ah, install_date, baseline_mohm) SELECT 'B9998-1', site_id, system_id, string_id, 99, model, capacity_ah, install_date, baseline_mohm FROM batteries WHERE battery_id = 'B0002-1'"
	# Every route, then other forms of some: each answer in a file, its
	# route in the index.
	mkdir "$T/a"
	n=0
	while read -r method path role; do
		p=${path//\{site_id\}/CMI}
		p=${p//\{battery_id\}/B0002-1}
		p=${p//\{string_id\}/$(q "SELECT min(string_id) FROM strings")}
		p=${p//\{alert_id\}/$aid}
		[ "$method" = DELETE ] && p=${p//\{user_id\}/$tid} || p=${p//\{user_id\}/$uid}
		tok=$admin body=
		case "$method $path" in
		"GET /api/v1/stream") continue ;;	# the live stream's test
		"GET /api/v1/search") p="$p?q=B0002-1" ;;
		"POST /api/v1/auth/login") body="{\"username\":\"zulu\",\"password\":\"$PW\"}" ;;
		"POST /api/v1/auth/refresh") body="{\"refresh_token\":\"$r1\"}" ;;
		"POST /api/v1/auth/logout") tok=$z body="{\"refresh_token\":\"$r2\"}" ;;
		"POST /api/v1/auth/change-password") tok=$(token zulu) body="{\"current_password\":\"$PW\",\"new_password\":\"$PW\"}" ;;
		"POST /api/v1/auth/users") body="{\"username\":\"zed\",\"password\":\"$PW\",\"role\":\"viewer\"}" ;;
		"PATCH "*) body='{"full_name":"View"}' ;;
		"POST "*acknowledge) body='{"note":"checked"}' ;;
		"POST "*resolve) p=${p//$aid/$rid} body='{"resolution":"replaced"}' ;;
		esac
		req "$method" "$p" "$tok" "$body" > "$T/a/$n"
		echo "$method $path" >> "$T/a/index"
		n=$((n + 1))
	done < <(brul-serve --routes)
	for p in 'batteries/B0002-1/telemetry?resolution=hour' 'batteries/B0002-1/telemetry?resolution=day' \
	    'batteries/B9998-1/telemetry' 'batteries/B0002-1/twin?from=2026-01-03&to=2026-01-04' \
	    'alerts/stats?until=2026-01-07T12:00:00Z' 'alerts?state=cleared'; do
		req GET "/api/v1/$p" "$admin" > "$T/a/$n"
		echo "GET /api/v1/$p" >> "$T/a/index"
		n=$((n + 1))
	done
	q "DELETE FROM batteries WHERE battery_id = 'B9998-1'"
	q "NOTIFY brul_batteries, '{}'"
	q "SELECT to_json(created_at) FROM users WHERE username = 'admin'" > "$T/created.sql"
	run /usr/bin/python3 - "$T/a" "$T/created.sql" <<'PY'
import json, re, sys
d = sys.argv[1]
z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
timeish = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
def strings(x):		# every string, keys too
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)
seen, frac = {}, 0
for i, route in enumerate(open(d + "/index").read().splitlines()):
    body, status = open(f"{d}/{i}").read().rstrip("\n").rsplit("\n", 1)
    assert status in ("200", "201", "204"), (route, status, body)
    # The OpenAPI document says a query may give +00:00; no answer does.
    assert "+00:00" not in body or route == "GET /api/openapi.json", (route, body[:300])
    if not body or route == "GET /metrics":
        continue
    times = [s for s in strings(json.loads(body)) if timeish.match(s)]
    bad = [s for s in times if not z.fullmatch(s)]
    assert not bad, (route, bad[:3])
    seen[route] = len(times)
    frac += sum(1 for s in times if "." in s)
want = {"GET /api/openapi.json", "POST /api/v1/auth/login",
        "GET /api/v1/auth/me", "GET /api/v1/auth/users",
        "POST /api/v1/auth/users", "GET /api/v1/auth/users/{user_id}",
        "PATCH /api/v1/auth/users/{user_id}", "GET /api/v1/sites/{site_id}/blocks",
        "GET /api/v1/batteries/{battery_id}",
        "GET /api/v1/batteries/{battery_id}/telemetry",
        "GET /api/v1/batteries/{battery_id}/twin",
        "GET /api/v1/batteries/{battery_id}/events", "GET /api/v1/model",
        "GET /api/v1/alerts", "GET /api/v1/alerts/stats",
        "GET /api/v1/alerts/{alert_id}",
        "POST /api/v1/alerts/{alert_id}/acknowledge",
        "POST /api/v1/alerts/{alert_id}/resolve",
        "GET /api/v1/batteries/B0002-1/telemetry?resolution=hour",
        "GET /api/v1/batteries/B0002-1/telemetry?resolution=day",
        "GET /api/v1/batteries/B9998-1/telemetry",
        "GET /api/v1/alerts/stats?until=2026-01-07T12:00:00Z"}
missing = sorted(r for r in want if not seen.get(r))
assert not missing, missing
# Fractions of a second where the value has them, PostgreSQL's digits
# then Z: a user's creation (now()), and a window brul ends at now().
routes = open(d + "/index").read().splitlines()
def answer(route):
    return json.loads(open(f"{d}/{routes.index(route)}").read().rstrip("\n").rsplit("\n", 1)[0])
created = json.load(open(sys.argv[2]))
assert created.endswith("+00:00") and "." in created, created
assert answer("GET /api/v1/auth/me")["created_at"] == created[:-6] + "Z"
w = answer("GET /api/v1/batteries/B9998-1/telemetry")
assert "." in w["to"] and w["to"][:19] > w["from"][:19] and w["points"] == [], w
# The alerts' statistics are counted over whole seconds: a window of
# whole days, from and to without fractions.
st = answer("GET /api/v1/alerts/stats")
assert re.fullmatch(r"[-\dT:]{19}Z", st["to"]) and re.fullmatch(r"[-\dT:]{19}Z", st["from"]), st
print(len(seen), "answers,", sum(seen.values()), "times,", frac, "with fractions")
PY
	assert_success
	# Only whole times are rewritten: text that holds one is text.
	run req PATCH "/api/v1/auth/users/$uid" "$admin" '{"full_name":"since 2026-03-01T00:00:00+00:00"}'
	echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["full_name"] == "since 2026-03-01T00:00:00+00:00" and d["updated_at"].endswith("Z"), d'
	run status PATCH "/api/v1/auth/users/$uid" "$admin" '{"full_name":null}'
	assert_output 200
}

@test "the live stream gets what brul-load notifies, filtered, and an alert as it opens" {
	v=$(token view)
	curl -s -N --max-time 8 "$URL/api/v1/stream?battery=B0003-1&access_token=$v" > "$T/one.sse" &
	c1=$!
	curl -s -N --max-time 8 -H "Authorization: Bearer $v" "$URL/api/v1/stream?site=CMI" > "$T/site.sse" &
	c2=$!
	sleep 1
	# The next minute of two blocks, loaded.
	printf '%s\n' ts,battery_id,string_id,voltage_v,current_a,temperature_c,resistance_mohm \
	    2026-01-08T00:00:00Z,B0003-1,CMI-REC1-S1,13.571,0.15,26.9, \
	    2026-01-08T00:00:00Z,B0030-1,CMI-REC1-S2,13.560,0.15,27.1, > "$T/t.csv"
	start=$(date +%s%N)
	brul-load -q telemetry "$T/t.csv"
	for i in $(seq 40); do grep -q B0030-1 "$T/site.sse" && break; sleep 0.05; done
	echo "$(( ($(date +%s%N) - start) / 1000000 )) ms" >&3
	printf '%s\n' ts,alert_id,event,kind,severity,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message \
	    '2026-01-08T00:00:00Z,test.B0003-1.x,open,temperature_high,warning,CMI,CMI-REC1-S1,B0003-1,36,35,2026-01-08T00:00:00Z,,hot' > "$T/a.csv"
	brul-load -q alerts "$T/a.csv"
	sleep 1
	kill $c1 $c2 2>/dev/null || true
	wait 2>/dev/null || true
	run cat "$T/one.sse"
	assert_line 'event: telemetry'
	assert_line --partial 'data: [{"battery_id":"B0003-1","site_id":"CMI","ts":"2026-01-08T00:00:00Z","voltage_v":13.571,'
	refute_output --partial B0030-1
	assert_line 'event: alert_opened'
	assert_line --partial 'data: {"alert_id":"test.B0003-1.x","ts":"2026-01-08T00:00:00Z","event":"open",'
	run grep -c '"battery_id"' "$T/site.sse"
	[ "$output" -ge 2 ]
	grep -q B0030-1 "$T/site.sse"
	# Every time in the events as the streams write it.
	run /usr/bin/python3 - "$T/one.sse" "$T/site.sse" <<'PY'
import json, re, sys
z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
n = 0
for f in sys.argv[1:]:
    text = open(f).read()
    assert "+00:00" not in text, f
    for line in text.splitlines():
        if line.startswith("data: "):
            d = json.loads(line[6:])
            for o in d if isinstance(d, list) else [d]:
                if not o:	# expired, revoked
                    continue
                ts = [v for k, v in o.items() if k == "ts" or k.startswith("ts_")]
                assert ts and all(z.fullmatch(t) for t in ts), o
                n += len(ts)
assert n >= 5, n
print(n)
PY
	assert_success
}

@test "a live stream ends when its user is disabled or deleted, not when another is" {
	a=$(token admin)
	for u in kasem malee; do
		req POST /api/v1/auth/users "$a" "{\"username\":\"$u\",\"password\":\"$PW\",\"role\":\"viewer\"}" > /dev/null
	done
	k=$(token kasem); m=$(token malee); v=$(token view)
	curl -s -N --max-time 10 "$URL/api/v1/stream?access_token=$k" > "$T/kasem.sse" &
	kp=$!
	curl -s -N --max-time 10 "$URL/api/v1/stream?access_token=$m" > "$T/malee.sse" &
	mp=$!
	curl -s -N --max-time 4 "$URL/api/v1/stream?access_token=$v" > "$T/view.sse" &
	vp=$!
	sleep 0.5
	s=$(date +%s%N)
	req PATCH "/api/v1/auth/users/$(q "SELECT user_id FROM users WHERE username = 'kasem'")" "$a" '{"active":false}' > /dev/null
	wait "$kp" || true
	echo "disabled: the stream ended $(( ($(date +%s%N) - s) / 1000000 )) ms after"
	[ $(( ($(date +%s%N) - s) / 1000000 )) -lt 3000 ]
	grep -q '^event: revoked' "$T/kasem.sse"
	s=$(date +%s%N)
	req DELETE "/api/v1/auth/users/$(q "SELECT user_id FROM users WHERE username = 'malee'")" "$a" > /dev/null
	wait "$mp" || true
	[ $(( ($(date +%s%N) - s) / 1000000 )) -lt 3000 ]
	grep -q '^event: revoked' "$T/malee.sse"
	# The others' streams go on (curl's own limit ends this one).
	wait "$vp" || true
	! grep -q '^event: revoked' "$T/view.sse"
	grep -q 'brul live stream' "$T/view.sse"
}

@test "a live client that does not read holds up no one" {
	v=$(token view)
	# It asks for the stream with a tiny receive buffer, and never reads.
	/usr/bin/python3 - "$PORT" "$v" <<-'PY' &
	import socket, sys, time
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
	s.connect(("127.0.0.1", int(sys.argv[1])))
	s.sendall(("GET /api/v1/stream?access_token=%s HTTP/1.1\r\nHost: x\r\n\r\n" % sys.argv[2]).encode())
	time.sleep(60)
	PY
	stuck=$!
	# Both are killed below: their own limits only outlast the loads.
	curl -s -N --max-time 60 "$URL/api/v1/stream?access_token=$v" > "$T/ok.sse" &
	c=$!
	sleep 0.5
	[ "$(curl -s "$URL/metrics" | awk '/^brul_streams_open/ { print $2 }')" -ge 2 ]
	head -49 "$F/ds/telemetry.csv" > "$T/minute.csv"
	start=$(date +%s%N)
	for m in $(seq 10 39); do
		awk -F, -v OFS=, -v m="$m" 'NR > 1 { $1 = sprintf("2026-01-09T00:%02d:00Z", m) } { print }' \
		    "$T/minute.csv" | brul-load -q telemetry
	done
	for i in $(seq 40); do [ "$(grep -c '^event: telemetry' "$T/ok.sse")" -ge 30 ] && break; sleep 0.1; done
	echo "30 loads of 48 blocks seen in $(( ($(date +%s%N) - start) / 1000000 )) ms" >&3
	kill $c $stuck 2>/dev/null || true
	wait 2>/dev/null || true
	run grep -c '^event: telemetry' "$T/ok.sse"
	assert_output 30
	[ "$(grep -o '"battery_id"' "$T/ok.sse" | wc -l)" = 1440 ]
}

@test "PostgreSQL restarts: 503 meanwhile, then served again without a restart of brul-serve" {
	v=$(token view)
	PGDIR=$(cat "$F/pgdir")
	PG_PORT=5436 sh "$PG" stop "$PGDIR/c"
	run req GET /health/ready
	assert_line --index 1 503
	run req GET /api/v1/batteries "$v"
	assert_line --index 1 503
	assert_line --index 0 --partial 'the database cannot be reached'
	run status GET /health
	assert_output 200
	PG_PORT=5436 sh "$PG" restart "$PGDIR/c"
	for i in $(seq 30); do [ "$(status GET /health/ready)" = 200 ] && break; sleep 0.2; done
	run status GET /api/v1/batteries "$v"
	assert_output 200
	run status GET /api/v1/auth/me "$v"
	assert_output 200
}

@test "limits: body size, content type, slow clients, CORS closed but to its origins" {
	big=$(head -c 8000 /dev/zero | tr '\0' x)
	run status POST /api/v1/auth/login "" "{\"username\":\"$big\"}"
	assert_output 413
	run curl -s -w '\n%{http_code}' -X POST --data-binary '{}' -H 'Content-Type: text/plain' "$URL/api/v1/auth/login"
	assert_line --index 1 415
	run status POST /api/v1/auth/login "" '{"username": "a"'
	assert_output 400
	# A client that sends half a request is closed after --timeout (2 s).
	run /usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
t = time.time()
s.settimeout(10)
data = s.recv(100)
print("closed after %.1f s" % (time.time() - t), data == b"")
assert data == b"" and time.time() - t < 5
PY
	assert_success
	run curl -s -D - -o /dev/null -H 'Origin: http://dash.example' "$URL/health"
	assert_line --partial 'Access-Control-Allow-Origin: http://dash.example'
	run curl -s -D - -o /dev/null -H 'Origin: http://evil.example' "$URL/health"
	refute_output --partial 'Access-Control-Allow-Origin'
	run curl -s -D - -o /dev/null -X OPTIONS -H 'Origin: http://dash.example' "$URL/api/v1/batteries"
	assert_line --partial 'HTTP/1.1 204'
	assert_line --partial 'Access-Control-Allow-Methods: GET'
	run curl -s -D - -o /dev/null -X OPTIONS -H 'Origin: http://evil.example' "$URL/api/v1/batteries"
	assert_line --partial 'HTTP/1.1 403'
	run curl -s -D - -o /dev/null "$URL/health"
	assert_line --partial 'Cache-Control: no-store'
	assert_line --partial 'X-Content-Type-Options: nosniff'
}

@test "the dashboard's files: types, a strict CSP, revalidation, nothing else" {
	run curl -s -D - -o "$T/index" "$URL/"
	assert_line --partial 'HTTP/1.1 200'
	assert_line --partial 'Content-Type: text/html; charset=utf-8'
	assert_line --partial "Content-Security-Policy: default-src 'self'; script-src 'self';"
	assert_line --partial 'Cache-Control: no-cache'
	cmp "$T/index" "$BATS_TEST_DIRNAME/../data/www/index.html"
	run curl -s -D - -o /dev/null "$URL/app.js"
	assert_line --partial 'Content-Type: text/javascript; charset=utf-8'
	etag=$(printf '%s\n' "${lines[@]}" | sed -n 's/^ETag: \(.*\)\r$/\1/p')
	[ -n "$etag" ]
	run curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/app.js"
	assert_output 304
	# Only the files loaded at start: no way out of the directory.
	for p in /../secret /..%2f..%2fetc/passwd /.hidden /app.js/x; do
		run curl -s --path-as-is -o /dev/null -w '%{http_code}' "$URL$p"
		assert_output 404
	done
	run status POST /app.js
	assert_output 404
}

@test "the access log: a JSON line a request, without tokens or passwords" {
	v=$(token view)
	curl -s -o /dev/null "$URL/api/v1/batteries?access_token=$v&limit=1"
	sleep 0.2
	run /usr/bin/python3 - "$F/log" "$v" "$PW" <<'PY'
import json, sys
log, tok, pw = sys.argv[1:]
n = 0
for line in open(log):
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    assert set(r) >= {"ts", "remote", "method", "path", "route", "status", "bytes", "ms", "user"}, r
    assert tok not in line and pw not in line and "access_token" not in line, line
    n += 1
assert n > 50, n
print(n)
PY
	assert_success
}

@test "users: create, change role, disable, delete; passwords checked, names unique" {
	a=$(token admin)
	run req POST /api/v1/auth/users "$a" '{"username":"somchai","password":"short","role":"viewer"}'
	assert_line --index 0 --partial 'password: at least 10 characters'
	run req POST /api/v1/auth/users "$a" "{\"username\":\"somchai\",\"password\":\"$PW\",\"role\":\"god\"}"
	assert_line --index 0 --partial 'role: expected viewer, engineer or admin'
	run req POST /api/v1/auth/users "$a" "{\"username\":\"somchai\",\"password\":\"$PW\",\"role\":\"viewer\",\"email\":\"s@example.com\"}"
	assert_line --index 1 201
	id=$(echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert "password_hash" not in d; print(d["id"])')
	run status POST /api/v1/auth/users "$a" "{\"username\":\"somchai\",\"password\":\"$PW\",\"role\":\"viewer\"}"
	assert_output 409
	[ "$(q "SELECT password_hash LIKE '\$argon2id\$%' FROM users WHERE user_id = $id")" = t ]
	run req PATCH "/api/v1/auth/users/$id" "$a" '{"role":"engineer","email":null}'
	echo "${lines[0]}" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["role"] == "engineer" and d["email"] is None and d["username"] == "somchai", d'
	aid=$(q "SELECT user_id FROM users WHERE username = 'admin'")
	run status PATCH "/api/v1/auth/users/$aid" "$a" '{"active":false}'
	assert_output 409
	run status DELETE "/api/v1/auth/users/$aid" "$a"
	assert_output 409
	run status DELETE "/api/v1/auth/users/$id" "$a"
	assert_output 204
	run status GET "/api/v1/auth/users/$id" "$a"
	assert_output 404
	run status GET "/api/v1/auth/users?role=admin" "$a"
	assert_output 200
}

@test "--check-config, --create-user and bad usage" {
	run -0 brul-serve --check-config --secret-file "$F/secret" --listen 127.0.0.1:0
	assert_line "database: reachable, schema version $(schema_version)"
	run -1 brul-serve --check-config --listen 127.0.0.1:0
	assert_output --partial 'no secret: give --secret-file FILE'
	head -c 10 /dev/urandom > "$T/short"
	run -1 brul-serve --check-config --secret-file "$T/short"
	assert_output --partial 'it needs 32 or more'
	run -3 env DATABASE_URL="host=$T port=1" brul-serve --check-config --secret-file "$F/secret"
	assert_output --partial 'cannot connect to PostgreSQL'
	run -2 brul-serve --listen
	run -2 brul-serve --threads 0
	assert_output --partial 'expected a whole number from 1 to 256'
	run -2 brul-serve --create-user x
	assert_output --partial '--create-user needs --role'
	printf 'short\n' > "$T/pw"
	run -1 brul-serve --create-user x --role viewer --password-file "$T/pw"
	assert_output --partial 'too weak'
	run -1 brul-serve --create-user view --role viewer --password-file "$F/pw"
	assert_output --partial 'exists already'
	run -1 brul-serve --listen 127.0.0.1:$PORT --secret-file "$F/secret"
	assert_output --partial "cannot listen on 127.0.0.1:$PORT"
	# a file an option names that is not there: the option, the file, why
	run -1 brul-serve --create-user x --role viewer --password-file "$T/nopw"
	assert_output "brul-serve: --password-file: $T/nopw: cannot open: No such file or directory"
	run -1 brul-serve --check-config --secret-file "$T/nosecret"
	assert_output "brul-serve: --secret-file: $T/nosecret: cannot open: No such file or directory"
	run -1 brul-serve --check-config --secret-file "$F/secret" --openapi "$T/no.json"
	assert_line "brul-serve: --openapi: $T/no.json: cannot open: No such file or directory"
	run -1 brul-serve --check-config --secret-file "$F/secret" --model "$T/no.json"
	assert_line "brul-serve: --model: $T/no.json: cannot open: No such file or directory"
	run -2 brul-serve --dev --secret-file "$F/secret"
	assert_line -n 0 'brul-serve: --dev makes a throwaway secret: not with --secret-file'
	run -0 brul-serve --help
	assert_output --partial '--secret-file FILE'
	run -0 brul-serve --version
	assert_output --regexp '^brul-serve [0-9.]+$'
}

@test "reads: an ETag and 304; remembered until a load, a retention run or a write changes the data" {
	v=$(token view)
	eng=$(token eng)
	u="$URL/api/v1/batteries/B0002-1/telemetry?from=2026-01-03T00:00:00Z&to=2026-01-03T01:00:00Z"
	get() { curl -s -D "$T/h" -H "Authorization: Bearer $v" "$1"; }
	volt() { get "$u" | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["points"]; print(p[0]["voltage_v"] if p else "none")'; }
	get "$u" > "$T/a.json"
	grep -qi '^cache-control: private, no-cache' "$T/h"
	e=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\("[0-9a-f]*"\).*/\1/p' "$T/h")
	[ ${#e} -eq 18 ]
	# The client has it: 304 and no body; another ETag: the answer.
	run curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Authorization: Bearer $v" -H "If-None-Match: $e" "$u"
	assert_output '304 0'
	run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $v" -H 'If-None-Match: "0"' "$u"
	assert_output 200
	# Errors are never kept.
	curl -s -D "$T/h404" -o /dev/null -H "Authorization: Bearer $v" "$URL/api/v1/batteries/NOPE-1/telemetry"
	grep -qi '^cache-control: no-store' "$T/h404"
	# Remembered: a change behind brul-load's back (psql, no NOTIFY) is
	# not seen at once (brul-serve(1): within a minute) ...
	old=$(volt)
	q "UPDATE telemetry SET voltage_v = 11.111 WHERE battery_id = 'B0002-1' AND ts = '2026-01-03T00:00:00Z'"
	[ "$(volt)" = "$old" ]
	# (A sign-in writes, but not the data: still remembered.)
	login view > /dev/null
	[ "$(volt)" = "$old" ]
	# ... a load is, in the very next answer.
	printf '%s\n' ts,battery_id,string_id,voltage_v,current_a,temperature_c,resistance_mohm \
	    "2026-01-03T00:00:00Z,B0002-1,$(q "SELECT string_id FROM batteries WHERE battery_id = 'B0002-1'"),12.345,0.15,26.9," > "$T/t.csv"
	brul-load -q telemetry "$T/t.csv"
	[ "$(volt)" = 12.345 ]
	# The server's own writes: an acknowledgement shows in the next list.
	aid=$(q "SELECT alert_id FROM alerts WHERE state = 'open' AND acknowledged_at IS NULL ORDER BY alert_id LIMIT 1")
	a="$URL/api/v1/alerts?state=open&acknowledged=false&limit=500"
	get "$a" | grep -q "\"$aid\""
	[ "$(status POST "/api/v1/alerts/$aid/acknowledge" "$eng" '{"note":"seen"}')" = 200 ]
	! get "$a" | grep -q "\"$aid\""
	# A retention run: the rows it dropped are gone from the next answer.
	brul-load -q --retain 30d
	[ "$(volt)" = none ]
}

@test "SIGTERM: the live streams end, the server exits 0" {
	d=$T/srv
	mkdir -p "$d"
	cp "$F/secret" "$F/model.json" "$d/"
	fleet_serve "$d" --timeout 2 --cors-origin http://dash.example \
	    --max-body 4096 --model "$d/model.json"
	URL=http://127.0.0.1:$(cat "$d/port")
	v=$(token view)
	curl -s -N --max-time 20 "$URL/api/v1/stream?access_token=$v" > "$d/sse" &
	c=$!
	sleep 0.5
	s=$(date +%s)
	kill -TERM "$(cat "$d/pid")"
	wait "$c" || true
	run wait "$(cat "$d/pid")"
	[ $(( $(date +%s) - s )) -lt 5 ]
	run grep -c 'stopping' "$d/log"
	assert_output 1
	grep -q 'brul live stream' "$d/sse"
}
