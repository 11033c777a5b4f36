#!/usr/bin/env bats
# brul-serve's sign-in and sessions against a real PostgreSQL and real
# HTTP, as an attacker would try them: the throttle flushed with names
# that collide, a user locked out from elsewhere, names that walk around
# the rule.  Each test has a server of its own, so that one test's
# failed sign-ins do not hold up the next; clients take other addresses
# of the loopback network (curl --interface 127.0.0.N).

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PW=$FLEET_PW
PGPORT=5442

setup_file() {
	fleet_setup "$BATS_FILE_TMPDIR" "$PGPORT" --days 1 --batteries 24 --seed 5
}

teardown_file() {
	fleet_teardown "$BATS_FILE_TMPDIR" "$PGPORT"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	"$BRUL_BIN"/brul-serve --listen 127.0.0.1:0 --secret-file "$F/secret" \
	    --threads 2 --quiet 2> "$T/log" &
	echo $! > "$T/pid"
	for i in $(seq 50); do
		grep -q 'listening on' "$T/log" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$T/log")
	[ -n "$PORT" ]
	URL=http://127.0.0.1:$PORT
}

teardown() {
	kill "$(cat "$T/pid")" 2>/dev/null || true
	wait 2>/dev/null || true
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

# req [-from N] METHOD PATH [TOKEN [BODY]]: the body, then the status on
# a line of its own; -from N sends from 127.0.0.N.
req() {
	local from=() auth=() body=()
	if [ "$1" = -from ]; then
		from=(--interface "127.0.0.$2")
		shift 2
	fi
	[ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
	[ -n "${4:-}" ] && body=(-H 'Content-Type: application/json' --data-binary "$4")
	curl -s "${from[@]}" -X "$1" "${auth[@]}" "${body[@]}" -w '\n%{http_code}\n' "$URL$2"
}

# signin [-from N] USER PASSWORD: the status of a sign-in.
signin() {
	local from=()
	if [ "$1" = -from ]; then
		from=(-from "$2")
		shift 2
	fi
	req "${from[@]}" POST /api/v1/auth/login "" \
	    "{\"username\":\"$1\",\"password\":\"$2\"}" | tail -1
}

# json KEY: KEY of the JSON object on stdin.
json() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

token() {
	req POST /api/v1/auth/login "" "{\"username\":\"$1\",\"password\":\"$PW\"}" |
	    head -1 | json access_token
}

# adduser NAME: a viewer NAME with the fleet's password.
adduser() {
	[ "$(req POST /api/v1/auth/users "$(token admin)" \
	    "{\"username\":\"$1\",\"password\":\"$PW\",\"role\":\"viewer\"}" |
	    tail -1)" = 201 ]
}

@test "the throttle is not flushed by names that share the user's slot" {
	adduser victim
	for i in 1 2 3 4 5; do
		run signin victim 'wrong password'
		assert_output 401
	done
	run signin victim "$PW"
	assert_output 429
	# Twelve made-up names whose unkeyed FNV-1a lands in victim's slot
	# of 4,096: they once pushed victim's pause out of the table.
	/usr/bin/python3 - > "$T/names" <<'PY'
import random, string
def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    return h or 1
want = fnv("u:victim") % 4096
rng, n = random.Random(1), 0
while n < 12:
    s = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
    if fnv("u:" + s) % 4096 == want:
        print(s)
        n += 1
PY
	[ "$(wc -l < "$T/names")" = 12 ]
	while read -r n; do
		run signin "$n" 'wrong password'
		assert_output 401
	done < "$T/names"
	run signin victim "$PW"
	assert_output 429
}

@test "a name outside the rule is refused at sign-in, and walks around no wait" {
	for i in 1 2 3 4 5; do
		run signin admin 'wrong password'
		assert_output 401
	done
	run signin admin "$PW"
	assert_output 429
	# A capital I with a dot: PostgreSQL's lower() may make it admin's
	# name while the throttle would count it as another.
	run req POST /api/v1/auth/login "" "{\"username\":\"adm\u0130n\",\"password\":\"$PW\"}"
	assert_output "$(printf '%s\n400' '{"error":{"status":400,"code":"bad_body","message":"username: 1 to 64 letters, digits and .-_@"}}')"
	run req POST /api/v1/auth/login "" "{\"username\":\"admin \",\"password\":\"$PW\"}"
	assert_line --index 1 400
	run signin ADMIN "$PW"
	assert_output 429
}

# retry_after [-from N] USER PASSWORD: the status and Retry-After of a
# sign-in, on one line.
retry_after() {
	local from=()
	if [ "$1" = -from ]; then
		from=(--interface "127.0.0.$2")
		shift 2
	fi
	curl -s "${from[@]}" -D - -o /dev/null -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"$1\",\"password\":\"$2\"}" \
	    "$URL/api/v1/auth/login" | tr -d '\r' |
	    awk '/^HTTP/ { s = $2 } tolower($1) == "retry-after:" { a = $2 }
		END { print s, a }'
}

@test "wrong passwords from one address do not lock the user out from another" {
	for i in 1 2 3 4 5; do
		run signin -from 2 admin 'wrong password'
		assert_output 401
	done
	# That address waits 30 s (29 when a second turned meanwhile) ...
	run retry_after -from 2 admin "$PW"
	assert_output --regexp '^429 (29|30)$'
	run req -from 2 POST /api/v1/auth/login "" "{\"username\":\"admin\",\"password\":\"$PW\"}"
	assert_line --index 0 --regexp '^\{"error":\{"status":429,"code":"throttled","message":"too many failed sign-ins; try again in (29|30) s"\}\}$'
	# ... for every spelling of the name ...
	run signin -from 2 Admin "$PW"
	assert_output 429
	# ... while the user signs in from elsewhere.
	run signin -from 1 admin "$PW"
	assert_output 200
	run signin -from 3 admin "$PW"
	assert_output 200
}

@test "guesses from many addresses: new ones wait, the user's own address signs in" {
	adduser target
	run signin -from 1 target "$PW"
	assert_output 200
	# 20 failures for the user from 4 addresses, 5 each.
	for a in 11 12 13 14; do
		for i in 1 2 3 4 5; do
			run signin -from "$a" target 'wrong password'
			assert_output 401
		done
	done
	# An address never seen waits for the user's count ...
	run retry_after -from 15 target "$PW"
	assert_output --regexp '^429 (29|30)$'
	# ... but not the user's known address, nor another user.
	run signin -from 1 target "$PW"
	assert_output 200
	run signin -from 15 view "$PW"
	assert_output 200
}

@test "an address that guesses at many users waits, for every user" {
	for i in $(seq 20); do
		run signin -from 4 "nobody$i" 'wrong password'
		assert_output 401
	done
	run retry_after -from 4 view "$PW"
	assert_output --regexp '^429 (29|30)$'
	run signin -from 5 view "$PW"
	assert_output 200
}

@test "change-password ends the other sessions and keeps the caller's, with a fresh pair" {
	adduser changer
	req POST /api/v1/auth/login "" "{\"username\":\"changer\",\"password\":\"$PW\"}" | head -1 > "$T/a.json"
	req POST /api/v1/auth/login "" "{\"username\":\"changer\",\"password\":\"$PW\"}" | head -1 > "$T/b.json"
	a=$(json access_token < "$T/a.json"); ra=$(json refresh_token < "$T/a.json")
	rb=$(json refresh_token < "$T/b.json")
	run req POST /api/v1/auth/change-password "$a" "{\"current_password\":\"$PW\",\"new_password\":\"another good password\"}"
	assert_line --index 1 200
	echo "${lines[0]}" > "$T/c.json"
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(d) == ["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type"] and d["token_type"] == "bearer" and d["expires_in"] == 1800 and d["refresh_expires_in"] == 604800, d' "$T/c.json"
	c=$(json access_token < "$T/c.json"); rc=$(json refresh_token < "$T/c.json")
	[ "$rc" != "$ra" ] && [ "$rc" != "$rb" ]
	# Every access token from before is refused at once, the caller's
	# too (it may be a copy) ...
	for tok in "$a" "$(json access_token < "$T/b.json")"; do
		run req GET /api/v1/auth/me "$tok"
		assert_output "$(printf '%s\n401' '{"error":{"status":401,"code":"unauthorized","message":"token revoked"}}')"
	done
	# Every refresh token from before is revoked, the caller's too ...
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$ra\"}"
	assert_line --index 1 401
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$rb\"}"
	assert_line --index 1 401
	# ... and the new pair works.
	run req GET /api/v1/auth/me "$c"
	assert_line --index 1 200
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$rc\"}"
	assert_line --index 1 200
	run signin changer "another good password"
	assert_output 200
	run signin changer "$PW"
	assert_output 401
}

# session USER FILE: signs USER in, the answer in FILE.
session() {
	req POST /api/v1/auth/login "" "{\"username\":\"$1\",\"password\":\"$PW\"}" | head -1 > "$2"
}

REVOKED='{"error":{"status":401,"code":"unauthorized","message":"token revoked"}}'

@test "signing out refuses the access token at once; out of every session, all of them" {
	adduser leaver
	session leaver "$T/1.json"; session leaver "$T/2.json"
	a1=$(json access_token < "$T/1.json"); r1=$(json refresh_token < "$T/1.json")
	a2=$(json access_token < "$T/2.json")
	run req POST /api/v1/auth/logout "$a1" "{\"refresh_token\":\"$r1\"}"
	assert_output "$(printf '\n204')"
	run req GET /api/v1/auth/me "$a1"
	assert_output "$(printf '%s\n401' "$REVOKED")"
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r1\"}"
	assert_line --index 1 401
	# The other session goes on ...
	run req GET /api/v1/auth/me "$a2"
	assert_line --index 1 200
	# ... until the user signs out of every one.
	run req POST /api/v1/auth/logout "$a2"
	assert_output "$(printf '\n204')"
	run req GET /api/v1/auth/me "$a2"
	assert_output "$(printf '%s\n401' "$REVOKED")"
	# Signing in again at once (within the second) gives a good token.
	session leaver "$T/3.json"
	run req GET /api/v1/auth/me "$(json access_token < "$T/3.json")"
	assert_line --index 1 200
	# A revoked token opens no live stream either.
	run curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/api/v1/stream?access_token=$a2"
	assert_output 401
}

@test "an admin's new role, disabling, new password or deletion refuses the user's access tokens at once" {
	admin=$(token admin)
	adduser moved
	id=$(q "SELECT user_id FROM users WHERE username = 'moved'")
	session moved "$T/1.json"
	a=$(json access_token < "$T/1.json"); r=$(json refresh_token < "$T/1.json")
	# A new role: the token that says the old one goes; refreshing
	# gives one that says the new one.
	run req PATCH "/api/v1/auth/users/$id" "$admin" '{"role":"engineer"}'
	assert_line --index 1 200
	run req GET /api/v1/auth/me "$a"
	assert_output "$(printf '%s\n401' "$REVOKED")"
	run req POST /api/v1/auth/refresh "" "{\"refresh_token\":\"$r\"}"
	assert_line --index 1 200
	a=$(echo "${lines[0]}" | json access_token)
	/usr/bin/python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; d=json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))); assert d["role"] == "engineer", d' "$a"
	run req GET /api/v1/auth/me "$a"
	assert_line --index 1 200
	# Disabled then enabled again: the token from before stays refused.
	run req PATCH "/api/v1/auth/users/$id" "$admin" '{"active":false}'
	assert_line --index 1 200
	run req PATCH "/api/v1/auth/users/$id" "$admin" '{"active":true}'
	assert_line --index 1 200
	run req GET /api/v1/auth/me "$a"
	assert_output "$(printf '%s\n401' "$REVOKED")"
	# A new password set by an admin.
	a=$(token moved)
	run req PATCH "/api/v1/auth/users/$id" "$admin" "{\"password\":\"a new password for moved\"}"
	assert_line --index 1 200
	run req GET /api/v1/auth/me "$a"
	assert_output "$(printf '%s\n401' "$REVOKED")"
	# A change of name or e-mail ends nothing.
	b=$(req POST /api/v1/auth/login "" '{"username":"moved","password":"a new password for moved"}' | head -1 | json access_token)
	run req PATCH "/api/v1/auth/users/$id" "$admin" '{"full_name":"Moved Away"}'
	assert_line --index 1 200
	run req GET /api/v1/auth/me "$b"
	assert_line --index 1 200
	# Deleted.
	run req DELETE "/api/v1/auth/users/$id" "$admin"
	assert_output "$(printf '\n204')"
	run req GET /api/v1/auth/me "$b"
	assert_output "$(printf '%s\n401' "$REVOKED")"
}
