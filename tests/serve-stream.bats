#!/usr/bin/env bats
# brul-serve's live stream (GET /api/v1/stream) under clients that
# misbehave or go away: clients that leave or stop reading, and what each
# costs the server, against a real PostgreSQL (a throwaway cluster) and
# real HTTP (curl and raw sockets on loopback).  serve.bats has the
# stream's events; this file its limits.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PGPORT_STREAM=5441

setup_file() {
	d=$BATS_FILE_TMPDIR
	# Three days of one string: the live events come from loads the
	# tests make.
	fleet_setup "$d" $PGPORT_STREAM --days 3 --batteries 24 --seed 4
	# Loads of 165 days of predictions for every battery: an event of
	# about 900 kB each; two fill the queue (1 MiB) of a client that reads
	# neither.
	/usr/bin/python3 - "$d/ds/batteries.csv" "$d/pred" <<-'PY'
	import csv, datetime, sys
	bats = [r["battery_id"] for r in csv.DictReader(open(sys.argv[1]))]
	for part in (1, 2, 3, 4):
	    with open("%s%d.csv" % (sys.argv[2], part), "w") as f:
	        f.write("battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,risk,model_id\n")
	        for d in range(165 * (part - 1), 165 * part):
	            day = datetime.date(2027, 1, 1) + datetime.timedelta(days=d)
	            for b in bats:
	                f.write(f"{b},{day},500,350,650,0.01,low,big\n")
	PY
}

teardown_file() {
	fleet_teardown "$BATS_FILE_TMPDIR" $PGPORT_STREAM
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
}

teardown() {
	# Whatever a test started in the background: the server last.
	for p in $(cat "$T"/*.bg 2>/dev/null) $(cat "$T/pid" 2>/dev/null); do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

# serve ARGS...: brul-serve on a free port with ARGS; sets URL and PORT.
serve() {
	"$BRUL_BIN"/brul-serve --listen 127.0.0.1:0 --secret-file "$F/secret" \
	    --threads 2 "$@" 2> "$T/log" &
	echo $! > "$T/pid"
	for i in $(seq 50); do
		grep -q 'listening on' "$T/log" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$T/log")
	[ -n "$PORT" ]
	URL=http://127.0.0.1:$PORT
}

token() {
	curl -s -X POST -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"$1\",\"password\":\"$FLEET_PW\"}" \
	    "$URL/api/v1/auth/login" |
	    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# streams: the streams the server counts open (brul_streams_open).
streams() { curl -s --max-time 5 "$URL/metrics" | awk '/^brul_streams_open/ { print $2 }'; }

# until_streams N [TENTHS]: waits (at most TENTHS tenths of a second, 50)
# until the server counts N streams; prints the milliseconds it took.
until_streams() {
	local s=$(date +%s%N) i
	for i in $(seq "${2:-50}"); do
		[ "$(streams)" = "$1" ] && break
		sleep 0.1
	done
	echo $(( ($(date +%s%N) - s) / 1000000 ))
	[ "$(streams)" = "$1" ]
}

# stream NAME [CURL ARGS...] QUERY: a stream read by curl in the
# background into $T/NAME.sse (its pid in $T/NAME.bg).
stream() {
	local name=$1 q
	shift
	q=${!#}
	curl -s -N --max-time 60 "${@:1:$#-1}" "$URL/api/v1/stream?$q" > "$T/$name.sse" &
	echo $! > "$T/$name.bg"
}

# ids FILE: each event of a stream on a line: its id's number, its name
# and the batteries in its data (B0001-1x3: three items of it); an id
# alone says "id N".
ids() {
	awk '/^id: / { sub(/.*-/, "", $2); id = $2; next }
	/^event: / { ev = $2; next }
	/^data: / { d = $0; b = ""; n = 0; split("", k)
		while (match(d, /"battery_id":"[^"]*"/)) {
			x = substr(d, RSTART + 14, RLENGTH - 15)
			if (!(x in k)) o[++n] = x
			k[x]++
			d = substr(d, RSTART + RLENGTH)
		}
		for (i = 1; i <= n; i++)
			b = b " " o[i] (k[o[i]] > 1 ? "x" k[o[i]] : "")
		print id, ev b; id = ""; ev = ""; next }
	/^$/ { if (id != "") print "id", id; id = "" }' "$1"
}

# key FILE: the run's key in the ids of a stream.
key() { sed -n 's/^id: \([0-9a-f]*\)-.*/\1/p' "$1" | head -1; }

# tele FILE BATTERY...: a minute of telemetry for those blocks of string
# CMI-REC1-S1, the minute after the last one the test wrote, in an hour
# of its own.
MINUTE=0
tele() {
	local f=$1 b
	shift
	MINUTE=$((MINUTE + 1))
	echo ts,battery_id,string_id,voltage_v,current_a,temperature_c,resistance_mohm > "$f"
	for b in "$@"; do
		printf '2026-02-01T%02d:%02d:00Z,%s,CMI-REC1-S1,13.57,0.15,26.9,\n' \
		    "$BATS_TEST_NUMBER" "$MINUTE" "$b" >> "$f"
	done
}

# resume FILE ID QUERY: what a client that comes back with Last-Event-ID
# ID (none when empty) is sent at once, into FILE: the stream, read until
# it has been quiet for 0.6 s (or for 5 s at most).
resume() {
	/usr/bin/python3 - "$PORT" "$2" "$3" > "$1" <<-'PY'
	import socket, sys, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	req = "GET /api/v1/stream?%s HTTP/1.0\r\nHost: x\r\n" % sys.argv[3]
	if sys.argv[2]:
	    req += "Last-Event-ID: %s\r\n" % sys.argv[2]
	s.sendall((req + "\r\n").encode())
	data, end = b"", time.time() + 5
	s.settimeout(5)
	while b"\r\n\r\n" not in data:	# the answer may be slow to begin
	    more = s.recv(65536)
	    if not more:
	        break
	    data += more
	s.settimeout(0.6)
	while time.time() < end:
	    try:
	        more = s.recv(65536)
	    except socket.timeout:
	        break
	    if not more:
	        break
	    data += more
	sys.stdout.write(data.partition(b"\r\n\r\n")[2].decode())
	PY
}

# deaf NAME TOKEN: a client that asks for the stream with a tiny receive
# buffer and never reads (its pid in $T/NAME.bg).
deaf() {
	/usr/bin/python3 - "$PORT" "$2" <<-'PY' &
	import socket, sys, time
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
	s.connect(("127.0.0.1", int(sys.argv[1])))
	s.sendall(("GET /api/v1/stream?access_token=%s HTTP/1.1\r\nHost: x\r\n\r\n" % sys.argv[2]).encode())
	time.sleep(60)
	PY
	echo $! > "$T/$1.bg"
}

@test "a stream whose client left is no longer counted, at once" {
	serve
	v=$(token view)
	stream a "access_token=$v"
	stream b "access_token=$v"
	run until_streams 2
	assert_success
	kill "$(cat "$T/a.bg")"
	run until_streams 1 30
	echo "the stream ended $output ms after its client left" >&3
	assert_success
	[ "$output" -lt 2000 ]
	# The other one goes on.
	grep -q 'brul live stream' "$T/b.sse"
	kill "$(cat "$T/b.bg")"
	run until_streams 0 30
	assert_success
}

@test "a client whose queue overflows is cut off at once, the others served" {
	serve
	v=$(token view)
	deaf deaf "$v"
	stream ok "access_token=$v"
	run until_streams 2
	assert_success
	brul-load -q predictions "$F/pred1.csv"
	sleep 0.5
	[ "$(streams)" = 2 ]
	brul-load -q predictions "$F/pred2.csv"
	run until_streams 1 30
	echo "cut off $output ms after the load that overflowed" >&3
	assert_success
	[ "$output" -lt 2000 ]
	# The reader got both events whole: 7920 predictions.
	for i in $(seq 50); do
		[ "$(grep -o '"model_id":"big"' "$T/ok.sse" | wc -l)" = 7920 ] && break
		sleep 0.1
	done
	run grep -c '^event: prediction' "$T/ok.sse"
	assert_output 2
	[ "$(grep -o '"model_id":"big"' "$T/ok.sse" | wc -l)" = 7920 ]
}

@test "a stream that takes nothing for two keepalives is closed; one that reads is not" {
	serve --keepalive 1
	v=$(token view)
	deaf deaf "$v"
	stream ok "access_token=$v"
	run until_streams 2
	assert_success
	# Enough for the deaf client's socket to fill, not its queue.
	brul-load -q predictions "$F/pred3.csv"
	s=$(date +%s%N)
	run until_streams 1 60
	echo "closed $output ms after the load" >&3
	assert_success
	[ "$output" -lt 5000 ]
	# The reader is idle but takes the keepalives: it stays.
	sleep 2.5
	[ "$(streams)" = 1 ]
	kill "$(cat "$T/ok.bg")"
	[ "$(grep -c '^: keepalive$' "$T/ok.sse")" -ge 3 ]
	grep -q '"model_id":"big"' "$T/ok.sse"
}

@test "one viewer cannot take every connection: streams are capped per user" {
	serve --max-connections 40 --per-ip 30
	v=$(token view)
	# As the issue had it: one viewer's 30 streams from one address and
	# 10 from another, opened by one client that holds what it gets.
	/usr/bin/python3 - "$PORT" "$v" > "$T/many" <<-'PY' &
	import socket, sys, time
	socks, got = [], {}
	for src, n in (("127.0.0.1", 30), ("127.0.0.2", 10)):
	    for i in range(n):
	        s = socket.socket()
	        s.bind((src, 0))
	        s.connect(("127.0.0.1", int(sys.argv[1])))
	        s.sendall(("GET /api/v1/stream?access_token=%s HTTP/1.1\r\n"
	                   "Host: x\r\n\r\n" % sys.argv[2]).encode())
	        socks.append(s)
	for s in socks:
	    s.settimeout(5)
	    data = b""
	    while b"\r\n\r\n" not in data:
	        data += s.recv(4096)
	    head, body = data.decode().split("\r\n\r\n", 1)
	    status = head.split()[1]
	    got[status] = got.get(status, 0) + 1
	    if status == "429":
	        n = int(head.lower().split("content-length:")[1].split()[0])
	        while len(body) < n:
	            body += s.recv(4096).decode()
	        got[body] = got.get(body, 0) + 1
	        s.close()	# as EventSource does
	for k in sorted(got):
	    print(got[k], k)
	sys.stdout.flush()
	time.sleep(60)
	PY
	echo $! > "$T/many.bg"
	for i in $(seq 100); do [ -s "$T/many" ] && break; sleep 0.1; done
	run cat "$T/many"
	assert_output "$(printf '%s\n' '8 200' '32 429' \
	    '32 {"error":{"status":429,"code":"too_many_streams","message":"at most 8 live streams per user: close one first"}}')"
	[ "$(streams)" = 8 ]
	# Anyone else is served at once.
	s=$(date +%s%N)
	run curl -s --max-time 5 --interface 127.0.0.3 "$URL/health"
	assert_output '{"status":"ok"}'
	[ $(( ($(date +%s%N) - s) / 1000000 )) -lt 2000 ]
	# Streams that end free their places at once.
	kill "$(cat "$T/many.bg")"
	run until_streams 0 30
	assert_success
	stream c --interface 127.0.0.2 "access_token=$v"
	run until_streams 1
	assert_success
	grep -q 'brul live stream' "$T/c.sse"
}

@test "streams are capped per address and in all, each with its message" {
	serve --streams-per-user 2 --streams-per-ip 3 --max-streams 4
	v=$(token view); e=$(token eng); a=$(token admin)
	stream v1 "access_token=$v"
	stream v2 "access_token=$v"
	stream e1 "access_token=$e"
	run until_streams 3
	assert_success
	run curl -s -w '\n%{http_code}' --max-time 5 "$URL/api/v1/stream?access_token=$e"
	assert_output "$(printf '%s\n429' '{"error":{"status":429,"code":"too_many_streams","message":"at most 3 live streams from one address: close one first"}}')"
	stream e2 --interface 127.0.0.2 "access_token=$e"
	run until_streams 4
	assert_success
	run curl -s -w '\n%{http_code}' --max-time 5 --interface 127.0.0.3 -H "Authorization: Bearer $a" "$URL/api/v1/stream"
	assert_output "$(printf '%s\n429' '{"error":{"status":429,"code":"too_many_streams","message":"the server has its 4 live streams open: try again later"}}')"
	# The user's own limit comes first, from any address.
	run curl -s -w '\n%{http_code}' --max-time 5 --interface 127.0.0.3 "$URL/api/v1/stream?access_token=$v"
	assert_line --index 1 429
	assert_line --index 0 --partial 'at most 2 live streams per user'
}

@test "the stream limits: bad values are usage errors" {
	run -2 brul-serve --max-streams 40 --max-connections 40 --dev
	assert_line --index 0 'brul-serve: --max-streams 40 leaves no connection for other requests: give fewer than --max-connections (40)'
	run -2 brul-serve --streams-per-user 0 --dev
	assert_line --index 0 'brul-serve: --streams-per-user: expected a whole number from 1 to 65536, not "0"'
	run -2 brul-serve --streams-per-ip x --dev
	assert_line --index 0 --partial 'brul-serve: --streams-per-ip: expected a whole number'
	run -2 brul-serve --keepalive 0 --dev
	assert_line --index 0 'brul-serve: --keepalive: expected a whole number from 1 to 3600, not "0"'
}

@test "a client that comes back with Last-Event-ID gets what it missed, in order, filtered" {
	serve
	v=$(token view)
	stream all "access_token=$v"
	stream one "battery=B0003-1&access_token=$v"
	run until_streams 2
	assert_success
	until_in "$T/all.sse" '^id: '
	until_in "$T/one.sse" '^id: '
	run ids "$T/all.sse"
	assert_output 'id 0'
	k=$(key "$T/all.sse")
	kill "$(cat "$T/all.bg")" "$(cat "$T/one.bg")"
	run until_streams 0
	stream watch "access_token=$v"
	# Meanwhile: two loads of telemetry and an alert.
	tele "$T/t1.csv" B0003-1 B0010-1
	brul-load -q telemetry "$T/t1.csv"
	printf '%s\n' ts,alert_id,event,kind,severity,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message \
	    '2026-02-01T00:01:00Z,test.B0010-1.x,open,temperature_high,warning,CMI,CMI-REC1-S1,B0010-1,36,35,2026-02-01T00:01:00Z,,hot' > "$T/a.csv"
	brul-load -q alerts "$T/a.csv"
	tele "$T/t2.csv" B0010-1
	brul-load -q telemetry "$T/t2.csv"
	# Sent (to another client) before the first comes back.
	until_in "$T/watch.sse" "^id: $k-3$"
	resume "$T/all2.sse" "$k-0" "access_token=$v"
	run ids "$T/all2.sse"
	assert_output "$(printf '%s\n' '1 telemetry B0003-1 B0010-1' '2 alert_opened B0010-1' '3 telemetry B0010-1')"
	grep -q 'brul live stream' "$T/all2.sse"
	# Filtered: what its filter selects, then the newest id.
	resume "$T/one2.sse" "$k-0" "battery=B0003-1&access_token=$v"
	run ids "$T/one2.sse"
	assert_output "$(printf '%s\n' '1 telemetry B0003-1' 'id 3')"
	# From the newest: nothing.
	resume "$T/all3.sse" "$k-3" "access_token=$v"
	run ids "$T/all3.sse"
	assert_output ''
	grep -q 'brul live stream' "$T/all3.sse"
}

@test "an id of another run, or one the window no longer holds, gets a reload event" {
	serve --keepalive 1
	v=$(token view)
	resume "$T/a.sse" "" "access_token=$v"
	k=$(key "$T/a.sse")
	[ -n "$k" ]
	other=$(printf '%08x' $(( (0x$k + 1) % 4294967296 )))
	for id in "$other-0" "$k-1" "garbage"; do
		resume "$T/b.sse" "$id" "access_token=$v"
		run head -7 "$T/b.sse"
		assert_output "$(printf '%s\n' 'retry: 3000' ': brul live stream' '' "id: $k-0" 'event: reload' 'data: {"reason":"unknown_id"}' '')"
	done
	# A filtered client keeps up through the keepalives: its id moves on.
	stream one "battery=B0003-1&access_token=$v"
	sleep 0.5
	# 1100 alert events in one load: more than the window (1024) holds.
	/usr/bin/python3 - > "$T/alerts.csv" <<-'PY'
	print("ts,alert_id,event,kind,severity,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message")
	for i in range(1100):
	    print("2026-02-02T00:00:00Z,test.win.%d,open,temperature_high,warning,CMI,CMI-REC1-S1,B0010-1,36,35,2026-02-02T00:00:00Z,,hot" % i)
	PY
	brul-load -q alerts "$T/alerts.csv"
	until_in "$T/one.sse" "^id: $k-1100$"
	run ids "$T/one.sse"
	assert_line 'id 1100'
	resume "$T/c.sse" "$k-0" "access_token=$v"
	run ids "$T/c.sse"
	assert_output "$(printf '%s\n' '1100 reload')"
	grep -q '^data: {"reason":"window"}$' "$T/c.sse"
	# The filtered client's id is still held: it missed nothing.
	resume "$T/d.sse" "$k-1100" "battery=B0003-1&access_token=$v"
	run ids "$T/d.sse"
	assert_output ''
	grep -q 'brul live stream' "$T/d.sse"
	# More than half a queue to replay (an event of 900 kB): a reload.
	brul-load -q predictions "$F/pred4.csv"
	until_in "$T/one.sse" "^id: $k-1101$"
	resume "$T/e.sse" "$k-1100" "access_token=$v"
	run ids "$T/e.sse"
	assert_output '1101 reload'
	grep -q '^data: {"reason":"window"}$' "$T/e.sse"
}

@test "PostgreSQL restarts: open streams are told to reload, and hear the next loads" {
	serve
	v=$(token view)
	stream s "access_token=$v"
	stream gone "access_token=$v"
	run until_streams 2
	assert_success
	until_in "$T/s.sse" '^id: '
	k=$(key "$T/s.sse")
	kill "$(cat "$T/gone.bg")"
	PGDIR=$(cat "$F/pgdir")
	PG_PORT=$PGPORT_STREAM sh "$BATS_TEST_DIRNAME/helpers/pg.sh" stop "$PGDIR/c"
	sleep 0.5
	PG_PORT=$PGPORT_STREAM sh "$BATS_TEST_DIRNAME/helpers/pg.sh" restart "$PGDIR/c"
	# A load right after PostgreSQL is back, maybe before brul-serve
	# listens again: its clients hear of it, or are told to reload.
	sleep 0.1
	tele "$T/t1.csv" B0003-1
	brul-load -q telemetry "$T/t1.csv"
	until_in "$T/s.sse" '^event: reload'
	grep -A1 '^event: reload' "$T/s.sse" | grep -q '^data: {"reason":"missed"}$'
	tele "$T/t2.csv" B0010-1
	brul-load -q telemetry "$T/t2.csv"
	until_in "$T/s.sse" B0010-1
	run ids "$T/s.sse"
	assert_line --regexp '^[0-9]+ reload$'
	assert_line --regexp '^[0-9]+ telemetry B0010-1$'
	# The reload comes before the load after it.
	[ "$(ids "$T/s.sse" | grep -n reload | head -1 | cut -d: -f1)" -lt \
	    "$(ids "$T/s.sse" | grep -n B0010-1 | cut -d: -f1)" ]
	# A client away during the restart gets the reload when it comes back.
	resume "$T/back.sse" "$k-0" "access_token=$v"
	run ids "$T/back.sse"
	assert_line --regexp '^[0-9]+ reload$'
	assert_line --regexp '^[0-9]+ telemetry B0010-1$'
}

@test "a stream ends at once when its session is signed out, not another's" {
	serve
	login() {
		curl -s -X POST -H 'Content-Type: application/json' \
		    --data-binary "{\"username\":\"view\",\"password\":\"$FLEET_PW\"}" \
		    "$URL/api/v1/auth/login"
	}
	field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
	a=$(login) b=$(login)
	ta=$(echo "$a" | field access_token) ra=$(echo "$a" | field refresh_token)
	tb=$(echo "$b" | field access_token) rb=$(echo "$b" | field refresh_token)
	stream a "access_token=$ta"
	stream b "access_token=$tb"
	run until_streams 2
	assert_success
	# sign out of session a: its stream hears "revoked" and ends
	run curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ta" \
	    -H 'Content-Type: application/json' --data-binary "{\"refresh_token\":\"$ra\"}" \
	    "$URL/api/v1/auth/logout"
	assert_output 204
	run until_in "$T/a.sse" '^event: revoked'
	assert_success
	run until_streams 1 30
	assert_success
	! grep -q '^event: revoked' "$T/b.sse"
	# signing out of every session ends the other one too
	run curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $tb" \
	    "$URL/api/v1/auth/logout"
	assert_output 204
	run until_in "$T/b.sse" '^event: revoked'
	assert_success
	run until_streams 0 30
	assert_success
}
