#!/usr/bin/env bats
# The examples of README.md and of every manual page, run as written, in
# order, each document in a directory of its own, as a new user copying
# them would (jq runs its manual's examples the same way): a command that
# fails fails the test, and what a page shows a command printing must be
# what it prints.  tests/helpers/examples.awk turns a document into the
# script; its comment says how a document marks a block that is output,
# a file's text, a crontab line, or one that runs until stopped.
#
# The examples reach a throwaway PostgreSQL through PGHOST (a URI without
# a host, as in the README, falls back to it), as brul-load's users' do.

bats_require_minimum_version 1.5.0
load helpers/common

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PG=$BATS_TEST_DIRNAME/helpers/pg.sh

# A cluster of its own for each document, as a new user's machine.
setup() {
	PGDIR=$(mktemp -d /tmp/brul-pg.XXXXXX)
	chmod 755 "$PGDIR"
	echo "$PGDIR" > "$BATS_TEST_TMPDIR/pgdir"
	PG_PORT=5439 sh "$PG" start "$PGDIR/c" > /dev/null
}

teardown() {
	PGDIR=$(cat "$BATS_TEST_TMPDIR/pgdir")
	PG_PORT=5439 sh "$PG" stop "$PGDIR/c" || true
	rm -rf "$PGDIR"
}

# What the script of a document calls (see examples.awk).
prelude() {
	cat <<'EOF'
set -a -o pipefail	# -a: a timed example runs in a shell of its own
EXOUT=$EXDIR/out EXERR=$EXDIR/err
exec 9>&1	# the runner's own output, whatever an example redirects
trap 'kill $(jobs -p) 2>/dev/null' EXIT	# what an example left running
ex_die() {
	{
		echo "$EX_WHERE: the example failed (status $1)"
		echo "--- its standard error:"
		tail -n 20 "$EXERR"
	} >&9
	exit 1
}
# What is left of the process group of timeout $1 (it makes one, and
# signals it all): given 10 s to end, then killed.  A command that lives
# on would hold the test's output open, and bats would wait for ever; an
# ASan build's brul-gen --live was seen hung in LeakSanitizer's check at
# exit after its SIGTERM.
ex_reap() {
	local i
	for i in $(seq 50); do
		kill -0 -- -"$1" 2> /dev/null || return 0
		sleep 0.2
	done
	kill -KILL -- -"$1" 2> /dev/null || true
}
# A block or a command, run in this shell, so that what it does (cd,
# export, files, jobs in the background) holds for the next ones.  A
# pipe's writer stopped by its reader (head) is not a failure.  With
# "fails", the command must be refused, and its message is its output.
ex_run() {
	local body
	EX_WHERE=$1
	body=$(cat)
	echo "# $EX_WHERE" >> "$EXDIR/ran"
	if [ -n "$2" ]; then
		local rc=0 pid
		timeout -k 10 "$2" bash -o pipefail -c "$body" > "$EXOUT" \
		    2> "$EXERR" &
		pid=$!
		wait $pid || rc=$?
		ex_reap $pid
		case $rc in 0|124|141) ;; *) ex_die $rc ;; esac
		return 0
	fi
	if [ "$3" = fails ]; then
		if eval "$body" > "$EXOUT" 2> "$EXERR"; then
			echo "$EX_WHERE: the page shows this command refused; it succeeded" >&9
			exit 1
		fi
		cat "$EXERR" >> "$EXOUT"
		return 0
	fi
	trap 'ex_rc=$?; [ $ex_rc -eq 141 ] || ex_die $ex_rc' ERR
	eval "$body" > "$EXOUT" 2> "$EXERR"
	trap - ERR
}
# Every line shown must be a line of what the command printed, in order.
ex_out() {
	local want got=0 line
	EX_WHERE=$1
	while IFS= read -r want; do
		got=0
		while IFS= read -r line <&4 || [ -n "$line" ]; do
			[ "$line" = "$want" ] && { got=1; break; }
		done
		[ "$got" = 1 ] || {
			{
				echo "$EX_WHERE: the page shows \"$want\", which the command does not print (in order); it printed:"
				head -n 20 "$EXOUT"
			} >&9
			exit 1
		}
	done 4< "$EXOUT"
}
ex_file() {
	EX_WHERE=$1
	mkdir -p "$(dirname "$2")"
	cat > "$2"
}
# A crontab(5) line: five time fields, a user (cron.d) and a command, on
# one line; NAME=value lines set the environment.
ex_cron() {
	EX_WHERE=$1
	awk -v w="$1" '/^[ \t]*(#|$)/ { next } /^[A-Z_]+=/ { next }
	    { if (NF < 7 || $0 ~ /[\\|]$/) { print w ": not a crontab line: " $0; bad = 1 }
	      for (i = 1; i <= 5; i++) if ($i !~ /^[0-9*,\/-]+$/) {
		print w ": field " i " is not a time: " $i; bad = 1 } }
	    END { exit bad }' || exit 1
}
ex_skip() {
	echo "# $1: not run: $2" >> "$EXDIR/ran"
}
ex_bad() {
	echo "$1: $2"
	exit 1
}
EOF
}

# run_doc FILE: its examples, in a directory of their own.
run_doc() {
	local work=$BATS_TEST_TMPDIR/work
	mkdir -p "$work" "$BATS_TEST_TMPDIR/ex"
	{ prelude; (cd "$ROOT" && awk -f tests/helpers/examples.awk "$1"); } \
	    > "$BATS_TEST_TMPDIR/ex/run.sh"
	cd "$work"
	PGDIR=$(cat "$BATS_TEST_TMPDIR/pgdir")
	run env -u DATABASE_URL -u PGDATABASE PGHOST="$PGDIR/c" PGPORT=5439 \
	    PGUSER=postgres PATH="$BRUL_BIN:$ROOT/scripts:/usr/local/bin:/usr/bin:/bin" \
	    BRUL_DATA="$ROOT/data" EXDIR="$BATS_TEST_TMPDIR/ex" \
	    timeout 600 bash "$BATS_TEST_TMPDIR/ex/run.sh"
	cat "$BATS_TEST_TMPDIR/ex/ran" 2>/dev/null | grep 'not run' >&3 || true
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# each document has examples, and they ran
	grep -q '^# ' "$BATS_TEST_TMPDIR/ex/ran"
}

@test "README.md's examples run as written" {
	run_doc README.md
}

@test "brul(7)'s examples run as written" {
	run_doc man/brul.7
}

@test "brul-formats(5)'s examples run as written" {
	run_doc man/brul-formats.5
}

@test "brul-gen(1)'s examples run as written" {
	run_doc man/brul-gen.1
}

@test "brul-features(1)'s examples run as written" {
	run_doc man/brul-features.1
}

@test "brul-train(1)'s examples run as written" {
	run_doc man/brul-train.1
}

@test "brul-predict(1)'s examples run as written" {
	run_doc man/brul-predict.1
}

@test "brul-import(1)'s examples run as written" {
	run_doc man/brul-import.1
}

@test "brul-load(1)'s examples run as written" {
	run_doc man/brul-load.1
}

@test "brul-twin(1)'s examples run as written" {
	run_doc man/brul-twin.1
}

@test "brul-alert(1)'s examples run as written" {
	run_doc man/brul-alert.1
}

@test "brul-serve(1)'s examples run as written" {
	run_doc man/brul-serve.1
}

@test "brul-daily(1)'s examples run as written" {
	run_doc man/brul-daily.1
}

@test "brul-scale(7)'s examples run as written" {
	run_doc man/brul-scale.7
}

@test "every page's examples are found, and run by a test above" {
	for doc in README.md man/*.[157]; do
		n=$(awk -f "$BATS_TEST_DIRNAME/helpers/examples.awk" "$ROOT/$doc" |
		    grep -c '^ex_')
		[ "$n" -gt 0 ] || { echo "$doc: no example found"; false; }
		grep -q "^	run_doc $doc\$" "$BATS_TEST_FILENAME" ||
		    { echo "$doc: no test runs its examples"; false; }
	done
}

# The runner itself: a page that promises what a command does not do fails.
@test "an example whose output, status or file is wrong fails the test" {
	bad=$BATS_TEST_TMPDIR/bad.md
	printf 'x\n\n    $ echo one; echo two\n    two\n    one\n' > "$bad"
	run ! run_doc "$bad"
	[[ $output == *'the page shows "one", which the command does not print'* ]]
	printf 'x\n\n<!-- example: fails -->\n    $ true\n' > "$bad"
	run ! run_doc "$bad"
	[[ $output == *"shows this command refused; it succeeded"* ]]
	printf 'x\n\n    brul-gen --fleet nowhere.csv\n' > "$bad"
	run ! run_doc "$bad"
	[[ $output == *"the example failed (status 2)"* ]]
	printf 'x\n\n<!-- example: crontab -->\n    10 1 * * * brul \\\n' > "$bad"
	run ! run_doc "$bad"
	[[ $output == *"not a crontab line"* ]]
	printf 'x\n\n<!-- example: folded -->\n    $ echo "a b c"\n    a b\n      c\n' > "$bad"
	run_doc "$bad"
}
