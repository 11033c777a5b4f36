#!/bin/sh
# bench/serve.sh [DIR]: brul-serve against a FastAPI peer (peer_fastapi.py:
# uvicorn on uvloop and httptools, 2 workers, asyncpg, PyJWT) serving the same three endpoints from
# the same throwaway PostgreSQL: requests per second, p50/p99 latency and
# the server's and PostgreSQL's CPU per request under wrk (2 threads, 64
# keep-alive connections, loopback only), each URL repeated, and
# telemetry for a random battery and day per request (distinct.lua), then a
# soak of brul-serve alone at 256 connections watching its resident memory.
# The data: the whole fleet, and the 90-day telemetry of its first 24
# blocks, from DIR/telemetry.csv.gz (run.sh's dataset) or generated.
# Beside them on /health, the ceiling: a server that does nothing but
# read and write (ceiling.c).  BENCH_SECONDS (10) a run, BENCH_RUNS (1)
# runs (medians), SOAK_SECONDS (60); BENCH_PIN=1 gives the servers and
# PostgreSQL one core and wrk the other (one worker, one thread each).
# Exits 1 when a request failed.
set -eu
bin=${BRUL_BIN:-build/bin}
secs=${BENCH_SECONDS:-10}
runs=${BENCH_RUNS:-1}
soak=${SOAK_SECONDS:-60}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3		# Debian's, with fastapi, uvicorn, uvloop,
				# httptools, asyncpg, jwt
peer_port=${PEER_PORT:-8471}
serve_port=${SERVE_PORT:-8472}
ceil_port=${CEILING_PORT:-8473}
export PG_PORT="${PG_PORT:-5447}"

tmp=$(mktemp -d /tmp/brul-bench-serve.XXXXXX)
chmod 755 "$tmp"		# the cluster runs as postgres when we are root
pids=
cleanup() {
	rc=$?
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	for p in $pids; do wait "$p" 2>/dev/null || :; done
	if [ -d "$tmp/c/data" ]; then
		sh "$here/../helpers/pg.sh" stop "$tmp/c" 2>/dev/null || :
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu_ticks PID: user + system clock ticks of PID and its children (the
# peer's uvicorn workers are children of its master)
cpu_ticks() {
	for f in /proc/[0-9]*/stat; do
		cat "$f" 2>/dev/null
	done | awk -v p="$1" '{
		pid = $1
		# the command (field 2) may hold spaces: count from its end
		sub(/^[0-9]+ \(.*\) /, "")
		if (pid == p || $2 == p) t += $12 + $13
	} END { print t + 0 }'
}
# running PID: whether the process lives (a zombie does not)
running() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}
# up NAME PORT PID LOG: wait until the server's /health answers
up() {
	i=0
	while ! curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$2/health" 2>/dev/null; do
		if ! running "$3" || [ $i -ge 120 ]; then
			echo "$1 did not start:" >&2
			cat "$4" >&2
			exit 1
		fi
		sleep 0.25
		i=$((i + 1))
	done
}
free_port() {
	if curl -s -m 2 -o /dev/null "http://127.0.0.1:$1/"; then
		echo "port $1 is already in use" >&2
		exit 1
	fi
}

conn=$(sh "$here/../helpers/pg.sh" start "$tmp/c")
pg=$(head -1 "$tmp/c/data/postmaster.pid")	# its backends: its children
# With BENCH_PIN=1 (and 2 cores or more) the servers and PostgreSQL share
# core 0 and wrk has core 1, so that the load generator neither starves
# the server nor is starved by it.
srv_cpu= gen_cpu= workers=2
if [ "${BENCH_PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	# one core each: one worker, one thread, one wrk thread
	srv_cpu="taskset -c 0" gen_cpu="taskset -c 1" workers=1
	taskset -a -p -c 0 "$(head -1 "$tmp/c/data/postmaster.pid")" >/dev/null
fi
export PGHOST="$tmp/c" PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE=postgres
unset DATABASE_URL

echo "brul serve bench: $(nproc) cores, wrk -t2 -c64 for $secs s, $runs run(s) each, medians"
"$bin"/brul-load -q --migrate
# Blocks replaced during the 90 days are batteries too (B0005-2 ...).
for k in sites systems strings batteries; do
	"$bin"/brul-gen --days 90 --emit $k -o "$tmp/$k.csv"
	"$bin"/brul-load -q $k "$tmp/$k.csv"
done
if [ $# -gt 0 ]; then
	tz=$1/telemetry.csv.gz
else
	tz=$tmp/t.csv.gz
	"$bin"/brul-gen --days 90 --batteries 24 -z -o "$tz" --quiet
fi
"$bin"/brul-load -q telemetry "$tz"
psql -qX -c ANALYZE
echo "data: $(psql -XAt -c "SELECT (SELECT count(*) FROM batteries) || ' batteries, ' || (SELECT count(*) FROM telemetry) || ' telemetry rows'")"

od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$tmp/secret"
chmod 600 "$tmp/secret"
export BRUL_SECRET_FILE="$tmp/secret"
# an access token as brul-serve issues them, for a user that exists
uid=$(psql -qXAt -c "INSERT INTO users (username, role, password_hash) VALUES ('bench', 'viewer', 'x') RETURNING user_id")
tok=$("$py" -c '
import sys, time, jwt
key = open(sys.argv[1], "rb").read().strip()
now = int(time.time())
print(jwt.encode({"iss": "brul", "sub": sys.argv[2], "name": "bench",
                  "role": "viewer", "typ": "access", "jti": "bench",
                  "iat": now, "nbf": now, "exp": now + 3600}, key, algorithm="HS256"))
' "$BRUL_SECRET_FILE" "$uid")

free_port "$peer_port"
$srv_cpu "$py" -m uvicorn --app-dir "$here" peer_fastapi:app --host 127.0.0.1 \
    --port "$peer_port" --workers "$workers" --no-access-log \
    --loop uvloop --http httptools >"$tmp/peer.log" 2>&1 &
peer=$!
pids="$pids $peer"
up FastAPI "$peer_port" "$peer" "$tmp/peer.log"
servers=peer
serve=
if [ -x "$bin/brul-serve" ]; then
	free_port "$serve_port"
	$srv_cpu "$bin"/brul-serve --listen "127.0.0.1:$serve_port" --db "$conn" \
	    --secret-file "$BRUL_SECRET_FILE" --threads "$workers" --quiet \
	    >"$tmp/serve.log" 2>&1 &
	serve=$!
	pids="$pids $serve"
	up brul-serve "$serve_port" "$serve" "$tmp/serve.log"
	servers="serve peer"
else
	echo "brul-serve: not built, skipped"
fi
# The ceiling on /health: a server that only reads and writes
# (ceiling.c), on the same cores as the others.
free_port "$ceil_port"
cc -std=c11 -D_GNU_SOURCE -O2 -pthread -o "$tmp/ceiling" "$here/ceiling.c"
$srv_cpu "$tmp/ceiling" "$ceil_port" "$workers" >"$tmp/ceiling.log" 2>&1 &
ceil=$!
pids="$pids $ceil"
up ceiling "$ceil_port" "$ceil" "$tmp/ceiling.log"

# load PORT PATH SECONDS CONNECTIONS: wrk's report.  A request still
# unanswered after 30 s counts as an error; within that, its latency counts
# (wrk's default 2 s would drop the slowest answers from the percentiles).
# PATH "distinct": each request another battery's day (distinct.lua).
load() {
	if [ "$2" = distinct ]; then
		set -- "$1" / "$3" "$4" -s "$here/distinct.lua"
	fi
	$gen_cpu wrk -t"$((3 - workers))" -c"$4" -d"$3"s --timeout 30s --latency \
	    -H "Authorization: Bearer $tok" ${5:+"$5" "$6"} "http://127.0.0.1:$1$2"
}
# wrk's report to "req/s p50_ms p99_ms errors"
parse() {
	awk 'function ms(v,  n) {
		n = v; sub(/[a-z]+$/, "", n)
		if (v ~ /us$/) return n / 1000
		if (v ~ /ms$/) return n
		if (v ~ /m$/) return n * 60000
		return n * 1000
	}
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	/^Requests\/sec:/ { rps = $2 }
	/Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
	/Non-2xx or 3xx responses:/ { err += $NF }
	END { printf "%.1f %.3f %.3f %d\n", rps, p50, p99, err }'
}
# med COLUMN FILE: the median of a column
med() {
	awk -v k="$1" '{ print $k }' "$2" | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# bench SERVER PATH SECONDS: wrk at 64 connections into $tmp/wrk; exit 1,
# saying why, when wrk or the server failed
bench() {
	if [ "$1" = serve ]; then
		set -- "$@" brul-serve "$serve_port" "$serve" "$tmp/serve.log"
	elif [ "$1" = ceiling ]; then
		set -- "$@" ceiling "$ceil_port" "$ceil" "$tmp/ceiling.log"
	else
		set -- "$@" FastAPI "$peer_port" "$peer" "$tmp/peer.log"
	fi
	c0=$(cpu_ticks "$6")
	g0=$(cpu_ticks "$pg")
	load "$5" "$2" "$3" 64 >"$tmp/wrk" 2>&1 || :
	c1=$(cpu_ticks "$6")
	g1=$(cpu_ticks "$pg")
	# The server's and PostgreSQL's CPU time per request (microseconds),
	# which the load generator sharing the cores does not cap as it caps
	# req/s.
	awk -v a="$c0" -v b="$c1" -v c="$g0" -v d="$g1" \
	    -v hz="$(getconf CLK_TCK)" '/requests in/ { n = $1 }
	    END { printf "%.1f %.1f\n", (n > 0 ? (b - a) / hz * 1e6 / n : 0),
		(n > 0 ? (d - c) / hz * 1e6 / n : 0) }' \
	    "$tmp/wrk" > "$tmp/cpu"
	if ! running "$6"; then
		echo "$4 died under load ($2); its log ends:" >&2
		tail -20 "$7" >&2
		exit 1
	fi
	if ! grep -q '^Requests/sec:' "$tmp/wrk"; then
		echo "wrk failed against $4 ($2):" >&2
		cat "$tmp/wrk" >&2
		exit 1
	fi
}
list='/api/v1/batteries?limit=50&offset=0'
path_of() {
	case $1 in
	health) echo /health ;;
	list) echo "$list" ;;
	telemetry) echo '/api/v1/batteries/B0001-1/telemetry?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&resolution=raw' ;;
	distinct) echo distinct ;;
	esac
}
# The batteries with telemetry, for distinct.lua.
export BENCH_IDS="$tmp/ids"
psql -qXAt -c "SELECT DISTINCT battery_id FROM telemetry_hourly ORDER BY 1" > "$BENCH_IDS"

fail=0
for ep in health list telemetry distinct; do
	these=$servers
	[ $ep = health ] && these="$servers ceiling"
	for s in $these; do
		bench "$s" "$(path_of $ep)" 2
		: > "$tmp/$s.$ep"
	done
	i=0
	while [ $i -lt "$runs" ]; do
		for s in $these; do
			bench "$s" "$(path_of $ep)" "$secs"
			echo "$(parse <"$tmp/wrk") $(cat "$tmp/cpu")" >>"$tmp/$s.$ep"
		done
		i=$((i + 1))
	done
done

echo
echo "== brul-serve (--threads $workers) against FastAPI (uvicorn --workers $workers, uvloop, httptools, asyncpg): wrk -t$((3 - workers)) -c64, loopback${srv_cpu:+, servers and PostgreSQL on core 0, wrk on core 1}"
printf '%-10s | %-27s | %-27s | %-7s | %s\n' "" brul-serve FastAPI "req/s" p99
printf '%-10s | %9s %8s %8s | %9s %8s %8s | %-7s | %s\n' endpoint \
    req/s "p50 ms" "p99 ms" req/s "p50 ms" "p99 ms" ratio ratio
# figs SERVER ENDPOINT: the medians over the runs of req/s, p50 and p99,
# and the failed requests of all the runs
figs() {
	f=$tmp/$1.$2
	echo "$(med 1 "$f") $(med 2 "$f") $(med 3 "$f")" \
	    "$(awk '{ n += $4 } END { print n + 0 }' "$f") $(med 5 "$f")" \
	    "$(med 6 "$f")"
}
# failed SERVER ENDPOINT COUNT
failed() {
	if [ "$3" -gt 0 ]; then
		echo "$2: $1: $3 failed requests (non-2xx or socket errors)" >&2
		fail=1
	fi
}
: > "$tmp/verdict"
for ep in health list telemetry distinct; do
	read -r p_rps p_50 p_99 p_err p_cpu p_pg <<-EOF
	$(figs peer $ep)
	EOF
	failed FastAPI $ep "$p_err"
	peer_fig=$(printf '%9.0f %8.2f %8.2f' "$p_rps" "$p_50" "$p_99")
	serve_fig=$(printf '%9s %8s %8s' - - -)
	rr=- pr=-
	if [ -n "$serve" ]; then
		read -r s_rps s_50 s_99 s_err s_cpu s_pg <<-EOF
		$(figs serve $ep)
		EOF
		failed brul-serve $ep "$s_err"
		serve_fig=$(printf '%9.0f %8.2f %8.2f' "$s_rps" "$s_50" "$s_99")
		rr=$(awk -v a="$s_rps" -v b="$p_rps" 'BEGIN { printf "%.1f", a / b }')
		pr=$(awk -v a="$s_99" -v b="$p_99" 'BEGIN { printf "%.3f", a / b }')
		# Repeated URLs: 10x and a fifth of the p99; distinct ones
		# (nothing to remember): 3x, and no more of PostgreSQL.
		if [ $ep = distinct ]; then
			ok=$(awk -v r="$rr" -v a="$s_pg" -v b="$p_pg" 'BEGIN { print (r >= 3 && a <= b) ? "holds" : "missed" }')
		else
			ok=$(awk -v r="$rr" -v p="$pr" 'BEGIN { print (r >= 10 && p <= 0.2) ? "holds" : "missed" }')
		fi
		echo "  $ep: $ok ($rr x the req/s, $pr x the p99); server CPU per request: $s_cpu us against $p_cpu us, $(awk -v a="$s_cpu" -v b="$p_cpu" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }')x less; PostgreSQL's: $s_pg us against $p_pg us" >>"$tmp/verdict"
	fi
	printf '%-10s | %s | %s | %-7s | %s\n' "$ep" "$serve_fig" "$peer_fig" "$rr" "$pr"
done
if [ -n "$serve" ]; then
	echo "targets: brul-serve at least 10x the req/s and at most 1/5 the p99 of FastAPI on the same URL repeated; on distinct URLs (a random battery's day) at least 3x the req/s, no more PostgreSQL CPU per request"
	cat "$tmp/verdict"
	read -r c_rps c_50 c_99 c_err c_cpu c_pg <<-EOF
	$(figs ceiling health)
	EOF
	failed ceiling health "$c_err"
	read -r p_rps p_50 p_99 p_err p_cpu p_pg <<-EOF
	$(figs peer health)
	EOF
	read -r s_rps s_50 s_99 s_err s_cpu s_pg <<-EOF
	$(figs serve health)
	EOF
	awk -v c="$c_rps" -v c99="$c_99" -v p="$p_rps" -v p99="$p_99" \
	    -v s="$s_rps" -v cpu="$c_cpu" 'BEGIN {
		printf "  the ceiling on /health (tests/bench/ceiling.c: reads a request, writes the answer, nothing else): %.0f req/s, p99 %.2f ms, %.1f x the peer'"'"'s req/s and %.3f x its p99, %.1f us of CPU per request; brul-serve at %.0f %% of its req/s\n", c, c99, c / p, c99 / p99, cpu, 100 * s / c }'
else
	echo "targets (>= 10x the req/s, <= 1/5 the p99): not judged, brul-serve not built"
fi

if [ -n "$serve" ]; then
	echo
	echo "== soak: brul-serve alone, wrk -t2 -c256 for $soak s on the battery list; VmRSS every 5 s"
	load "$serve_port" "$list" "$soak" 256 >"$tmp/soak" 2>&1 &
	w=$!
	pids="$pids $w"
	: > "$tmp/rss"
	t=0
	while :; do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$serve/status" 2>/dev/null) || kb=
		if [ -z "$kb" ]; then
			echo "brul-serve died during the soak:" >&2
			cat "$tmp/serve.log" >&2
			fail=1
			break
		fi
		echo "$t $kb" >> "$tmp/rss"
		[ $t -lt "$soak" ] || break
		sleep 5
		t=$((t + 5))
	done
	wait $w || { echo "wrk failed:" >&2; cat "$tmp/soak" >&2; fail=1; }
	awk '{ printf "  %3d s  %8.1f MB\n", $1, $2 / 1024 }' "$tmp/rss"
	read -r rps p50 p99 err <<-EOF
	$(parse <"$tmp/soak")
	EOF
	echo "  $rps req/s, p50 $p50 ms, p99 $p99 ms, $err failed requests"
	[ "$err" -eq 0 ] || fail=1
	[ ! -s "$tmp/rss" ] ||
	awk '$1 <= 10 { t0 = $1; base = $2 } { t = $1; last = $2 } END {
		g = (last - base) / base * 100
		printf "  VmRSS from %d s to %d s: %.1f -> %.1f MB, %+.1f %%%s\n", t0, t,
		    base / 1024, last / 1024, g, (g < 10 ? ", flat" : ", growing")
	}' "$tmp/rss"
else
	echo
	echo "== soak: skipped, brul-serve not built"
fi
exit $fail
