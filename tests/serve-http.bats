#!/usr/bin/env bats
# brul-serve against what a hostile or careless client sends over HTTP:
# bytes that are not UTF-8, NULs, control characters and quotes in the
# request line, query arguments no route takes, bodies and headers over
# the limits.  Raw requests go through a Python socket, so that nothing
# between the test and the server tidies them up.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PG=$BATS_TEST_DIRNAME/helpers/pg.sh

setup_file() {
	d=$BATS_FILE_TMPDIR
	fleet_setup "$d" 5443 --days 2 --batteries 24 --seed 4
	fleet_serve "$d" --timeout 2 --max-body 4096
	for u in view admin; do
		curl -s -X POST -H 'Content-Type: application/json' \
		    --data-binary "{\"username\":\"$u\",\"password\":\"$FLEET_PW\"}" \
		    "http://127.0.0.1:$(cat "$d/port")/api/v1/auth/login" |
		    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' > "$d/token.$u"
	done
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	fleet_teardown "$d" 5443
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	PORT=$(cat "$F/port")
	URL=http://127.0.0.1:$PORT
	TOKEN=$(cat "$F/token.view")
	ADMIN=$(cat "$F/token.admin")
}

# raw BYTES: sends BYTES (printf's escapes: \r\n, \x01) as they are and
# prints the answer's status line, then its body on a line of its own.
raw() {
	/usr/bin/python3 - "$PORT" "$1" <<'PY'
import socket, sys
req = sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
s.sendall(req)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep and b"content-length: " in head.lower():
            n = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            if len(body) >= n:
                break
except (socket.timeout, ConnectionResetError):
    pass
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode("latin-1"))
print(body.decode("latin-1"))
PY
}

# get PATH: the body, then the status on a line of its own, as the
# viewer, the path sent as it is.
get() {
	curl -s --path-as-is -H "Authorization: Bearer $TOKEN" \
	    -w '\n%{http_code}\n' "$URL$1"
}

# loglines: every line of the server's log but the first (listening on),
# each checked to be one JSON object with the access log's fields; prints
# them as Python reprs of (method, path, status, error).
loglines() {
	sleep 0.2
	tail -n +2 "$F/log" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin.buffer:
    assert line.endswith(b"\n") and line.count(b"\n") == 1, line
    r = json.loads(line)
    assert set(r) >= {"ts", "remote", "method", "path", "route", "status", "bytes", "ms", "user"}, line
    # Every byte a client sent is one character of the strings.
    print(repr((r["method"], r["path"], r["status"], r.get("error"))))
'
}

@test "the log: every byte a client sends is escaped, each line one JSON object" {
	run raw 'GE"T,"x":"y /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	run raw 'G\x01ET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	# A failure: the database stops while the viewer's role is
	# still remembered, and the handler fails to reach it (503).
	run get /api/v1/auth/me
	assert_line --index 1 200
	PG_PORT=5443 sh "$PG" stop "$(cat "$F/pgdir")/c"
	run get '/api/v1/batteries/B%0A%7B%22ts%22%3A%22forged%22%7D%0A'
	PG_PORT=5443 sh "$PG" restart "$(cat "$F/pgdir")/c"
	assert_line --index 1 503
	run loglines
	assert_success
	assert_line "('GE\"T,\"x\":\"y', '/health', 405, None)"
	assert_line "('G\\x01ET', '/health', 405, None)"
	assert_line --regexp "^\\('GET', '/api/v1/batteries/B\\\\n\\{\"ts\":\"forged\"\\}\\\\n', 503, '.*PostgreSQL.*'\\)\$"
}

@test "a path parameter that is not UTF-8 is 404 on every route that has one" {
	n=0
	while read -r method path role; do
		case $path in *"{"*) ;; *) continue ;; esac
		for bad in %FF%FE B0001-1%C3 %ED%A0%80 %C0%AF; do
			p=$(echo "$path" | sed "s/{[a-z_]*}/$bad/")
			got=$(curl -s --path-as-is -X "$method" -H "Authorization: Bearer $TOKEN" \
			    -w ' %{http_code}' "$URL$p")
			[ "$got" = '{"error":{"status":404,"code":"not_found","message":"no such path"}} 404' ] ||
			    { echo "$method $p: $got"; false; }
		done
		n=$((n + 1))
	done < <(brul-serve --routes)
	[ "$n" -ge 12 ]
	# Still found in UTF-8.
	run get /api/v1/batteries/B0001-1
	assert_line --index 1 200
}

@test "%00 never cuts a path or an argument short" {
	run get /api/v1/batteries/B0001-1%00anything
	assert_output "$(printf '%s\n404' '{"error":{"status":404,"code":"not_found","message":"no such battery"}}')"
	run get /health%00
	assert_line --index 1 404
	run get /app.js%00.map
	assert_line --index 1 404
	run get '/api/v1/batteries?limit=5%00'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"limit: expected an integer from 1 to 1000, not \"5%00\""}}')"
	# Other escapes are still decoded.
	run get /api/v1/batteries/%42%30001-1
	assert_line --index 1 200
	assert_line --index 0 --partial '"battery_id": "B0001-1"'
}

@test "an argument quoted in a 400 is text: bytes that are not UTF-8, a character cut" {
	run get '/api/v1/batteries?limit=%ff'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"limit: expected an integer from 1 to 1000, not \"\\xFF\""}}')"
	a63=$(printf 'a%.0s' $(seq 63))
	run get "/api/v1/batteries?limit=${a63}%c3%a9"
	assert_output "$(printf '%s\n400' "{\"error\":{\"status\":400,\"code\":\"bad_argument\",\"message\":\"limit: expected an integer from 1 to 1000, not \\\"$a63\\\"\"}}")"
	run get "/api/v1/alerts?severity=%c3%a9%ff"
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"severity: expected warning or critical, not \"é\\xFF\""}}')"
	run get "/api/v1/alerts?site=x%ed%a0%80"
	assert_line --index 0 --partial 'not \"x\\xED\\xA0\\x80\"'
	assert_line --index 1 400
}

@test "a time in year 0, which PostgreSQL has not, is 400" {
	run get '/api/v1/alerts/stats?until=0000-01-01'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"until: expected a time (2026-01-01T00:00:00Z) or a date in years 0001-9999, not \"0000-01-01\""}}')"
	for q in 'alerts?from=0000-12-31T23:59:59Z' 'batteries/B0001-1/telemetry?to=0000-06-01' \
	    'batteries/B0001-1/twin?from=0000-01-01' 'batteries/B0001-1/events?to=0000-01-01' \
	    'batteries/B0001-1/predictions?from=0000-01-01'; do
		run get "/api/v1/$q"
		assert_line --index 1 400
	done
	run get '/api/v1/alerts/stats?until=0001-02-01&days=31'
	assert_line --index 1 200
}

@test "a window worked out from one end stays within years 0001-9999" {
	run get '/api/v1/batteries/B0001-1/telemetry?from=9999-12-31'
	assert_output "$(printf '%s\n200' '{"battery_id":"B0001-1","resolution":"raw","from":"9999-12-31T00:00:00Z","to":"9999-12-31T23:59:59Z","points":[]}')"
	run get '/api/v1/batteries/B0001-1/telemetry?to=0001-01-01T12:00:00Z'
	assert_output "$(printf '%s\n200' '{"battery_id":"B0001-1","resolution":"raw","from":"0001-01-01T00:00:00Z","to":"0001-01-01T12:00:00Z","points":[]}')"
	run get '/api/v1/batteries/B0001-1/twin?to=0001-01-02'
	assert_line --index 0 '{"battery_id" : "B0001-1", "from" : "0001-01-01T00:00:00Z", "to" : "0001-01-02T00:00:00Z", "points" : []}'
	run get '/api/v1/batteries/B0001-1/twin?from=9999-12-31'
	assert_line --index 0 --partial '"to" : "9999-12-31T23:59:59Z"'
	run get '/api/v1/alerts/stats?until=0001-01-01'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"until, days: the window would begin before 0001-01-01"}}')"
	run get '/api/v1/alerts/stats?until=0001-01-31&days=30'
	assert_line --index 0 --partial '"from" : "0001-01-01T00:00:00Z", "to" : "0001-01-31T00:00:00Z"'
	# A window given whole, or one end in this era, as before.
	run get '/api/v1/batteries/B0001-1/telemetry?resolution=hour&to=2026-01-03'
	assert_line --index 0 --partial '"from":"2025-12-27T00:00:00Z","to":"2026-01-03T00:00:00Z"'
}

@test "a query argument a route does not take, or one given twice or without a value, is 400 naming it" {
	run get '/api/v1/alerts?since=notadate'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"since: not an argument of this route, which takes limit, offset, site, battery, string, kind, severity, state, acknowledged, from, to and sort"}}')"
	run get '/health?verbose=1'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"verbose: not an argument of this route, which takes none"}}')"
	run get '/api/v1/batteries?limit=1&limit=2'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"limit: given twice"}}')"
	run get '/api/v1/batteries?limit'
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_argument","message":"limit: expected limit=VALUE"}}')"
	run get '/api/v1/alerts?%ffx=1'
	assert_line --index 0 --partial '"message":"\\xFFx: not an argument of this route'
	# A token in the query is the live stream's alone.
	run get "/api/v1/batteries?access_token=$TOKEN"
	assert_line --index 0 --partial '"message":"access_token: not an argument of this route'
	run curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$URL/api/v1/stream?access_token=$TOKEN&site=CMI"
	assert_output 200
	# Every route refuses what it does not take, before its handler runs
	# (nothing is created or deleted), and takes what it lists.
	n=0
	while read -r method path role; do
		p=$(echo "$path" | sed 's/{user_id}/1/; s/{[a-z_]*}/B0001-1/')
		got=$(curl -s --path-as-is -X "$method" -H "Authorization: Bearer $ADMIN" \
		    -H 'Content-Type: application/json' --data-binary '{}' \
		    -w ' %{http_code}' "$URL$p?bogus=1")
		case $got in
		*'"message":"bogus: not an argument of this route, which takes '*'"}} 400') ;;
		*) echo "$method $p?bogus=1: $got"; false ;;
		esac
		n=$((n + 1))
	done < <(brul-serve --routes)
	[ "$n" -ge 30 ]
	[ "$(psql -qXAt "$DATABASE_URL" -c 'SELECT count(*) FROM users')" = 3 ]
	run get '/api/v1/batteries?limit=2&offset=1&site=CMI&string=CMI-REC1-S1&status=active&risk=low&sort=position'
	assert_line --index 1 200
	run get '/api/v1/alerts?limit=2&offset=0&site=CMI&battery=B0001-1&string=CMI-REC1-S1&kind=x&severity=warning&state=open&acknowledged=false&from=2026-01-01&to=2026-02-01'
	assert_line --index 1 200
}

# send_py: runs the Python on stdin against the server, with socket,
# sys, time imported and PORT set.
send_py() {
	/usr/bin/python3 -c "import socket, sys, time
PORT = $PORT
$(cat)"
}

@test "a body declared over --max-body is 413 at once, before it is read, and the connection closed" {
	for p in /api/v1/auth/login /nowhere; do
		run send_py <<PY
s = socket.create_connection(("127.0.0.1", PORT))
s.settimeout(5)
t = time.time()
s.sendall(b"POST $p HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
print(body.decode())
print("closed after %s s" % ("<1" if time.time() - t < 1 else ">1"))
for h in (b"Connection: close", b"X-Content-Type-Options: nosniff", b"Cache-Control: no-store"):
    print(h in head.split(b"\r\n"))
PY
		assert_output "$(printf '%s\n' 'HTTP/1.1 413 Content Too Large' \
		    '{"error":{"status":413,"code":"too_large","message":"the body is over 4096 bytes"}}' \
		    'closed after <1 s' True True True)"
	done
}

@test "a body sent in chunks is cut off once it passes --max-body" {
	run send_py <<'PY'
s = socket.create_connection(("127.0.0.1", PORT))
s.settimeout(5)
s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
t = time.time()
closed = False
try:
    for i in range(200):
        s.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
        time.sleep(0.01)
except (BrokenPipeError, ConnectionResetError):
    closed = True
if not closed:
    try:
        closed = s.recv(100) == b""
    except ConnectionResetError:
        closed = True
print("closed", closed, "within 1 s" if time.time() - t < 1 else "late")
PY
	assert_output 'closed True within 1 s'
	sleep 0.2
	run tail -1 "$F/log"
	assert_output --partial '"method":"POST","path":"/api/v1/auth/login","route":"","status":413,"bytes":0,'
}

@test "request headers over 16 KiB are 431 in JSON, with the headers every answer has" {
	for n in 15000 17000 30000; do
		run send_py <<PY
s = socket.create_connection(("127.0.0.1", PORT))
s.settimeout(5)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * $n + b"\r\n\r\n")
data = b""
try:
    while not data.endswith(b"}"):
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    pass
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
print(body.decode())
for h in (b"X-Content-Type-Options: nosniff", b"Cache-Control: no-store",
          b"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'"):
    print(h in head.split(b"\r\n"))
PY
		if [ "$n" = 15000 ]; then
			assert_output "$(printf '%s\n' 'HTTP/1.1 200 OK' '{"status":"ok"}' True True True)"
		else
			assert_output "$(printf '%s\n' 'HTTP/1.1 431 Request Header Fields Too Large' \
			    '{"error":{"status":431,"code":"headers_too_large","message":"the request line and headers are over 16384 bytes"}}' \
			    True True True)"
		fi
	done
}
