#!/usr/bin/env bats
# The command-line conventions of brul(7), one rule for every tool: what
# tools/cli.c applies for all of them.  Each tool's own tests check its
# values and streams; these check that the tools agree.

bats_require_minimum_version 1.5.0
load helpers/common

TOOLS="brul-gen brul-features brul-train brul-predict brul-twin brul-alert
brul-serve brul-load"

PG=$BATS_TEST_DIRNAME/helpers/pg.sh
PG_BIN=/usr/lib/postgresql/15/bin

# A day of one string: its dataset, and its features by day; and for
# brul-load, when PostgreSQL 15 is installed, a throwaway cluster
# (tests/helpers/pg.sh) with the schema.
setup_file() {
	d=$BATS_FILE_TMPDIR
	"$BRUL_BIN"/brul-gen --dataset "$d/ds" --days 1 --batteries 24 --quiet
	"$BRUL_BIN"/brul-features --window day --fleet "$d/ds/batteries.csv" \
	    "$d/ds/telemetry.csv" > "$d/features.csv"
	[ -x "$PG_BIN/initdb" ] || return 0
	# The socket's path must stay short (108 bytes at most).
	pgdir=$(mktemp -d /tmp/brul-pg.XXXXXX)
	chmod 755 "$pgdir"	# for the server, which runs as postgres as root
	echo "$pgdir" > "$d/pgdir"
	PG_PORT=5438 sh "$PG" start "$pgdir/c" > "$d/conninfo"
	DATABASE_URL=$(cat "$d/conninfo") "$BRUL_BIN"/brul-load --migrate -q
}

teardown_file() {
	pgdir=$(cat "$BATS_FILE_TMPDIR/pgdir" 2>/dev/null) || return 0
	PG_PORT=5438 sh "$PG" stop "$pgdir/c" || true
	rm -rf "$pgdir"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

# need_pg: the cluster of setup_file, as DATABASE_URL; else skip.
need_pg() {
	[ -f "$F/conninfo" ] || skip "PostgreSQL 15 is not installed"
	export DATABASE_URL=$(cat "$F/conninfo")
	unset PGHOST PGPORT PGDATABASE PGUSER
}

# valid TOOL: the arguments of a valid run of TOOL over the fixtures.
valid() {
	case $1 in
	brul-gen) echo --days 1 --batteries 1 ;;
	brul-features) echo --fleet "$F/ds/batteries.csv" "$F/ds/telemetry.csv" ;;
	brul-train) echo --labels "$F/ds/labels.csv" --folds 2 --rounds 2 \
	    --threads 1 "$F/features.csv" ;;
	brul-predict) echo --baseline "$F/features.csv" ;;
	brul-twin) echo --fleet "$F/ds/batteries.csv" --every 1d \
	    "$F/ds/telemetry.csv" ;;
	brul-alert) echo --fleet "$F/ds/batteries.csv" "$F/ds/telemetry.csv" ;;
	esac
}

# usage_error TOOL ARGS...: status 2, nothing on stdout, and on stderr one
# message of TOOL's, then its usage line.
usage_error() {
	local t=$1
	shift
	run --separate-stderr "$t" "$@"
	[ "$status" -eq 2 ] || { echo "$t $*: status $status: $stderr"; return 1; }
	[ -z "$output" ] || { echo "$t $*: stdout: $output"; return 1; }
	[ "${#stderr_lines[@]}" -eq 2 ] &&
	    [[ "${stderr_lines[0]}" == "$t: "* ]] &&
	    [[ "${stderr_lines[1]}" == "usage: $t "*" --help lists them)" ]] ||
	    { echo "$t $*: stderr: $stderr"; return 1; }
}

@test "a bad option: status 2, getopt's message, then the usage line" {
	for t in $TOOLS; do
		usage_error "$t" --no-such-option
		[[ "${stderr_lines[0]}" == *"--no-such-option"* ]]
		usage_error "$t" --help=x
	done
}

@test "a bad value of an option: status 2, a message naming it, the usage line" {
	while read -r t opt args; do
		usage_error "$t" $args
		[[ "${stderr_lines[0]}" == "$t: $opt: "* ]] ||
		    { echo "$t $args: ${stderr_lines[0]}"; false; }
	done <<-EOF
	brul-gen --days --days 0
	brul-gen --interval --interval 90
	brul-gen --site --site XYZ
	brul-gen --scenario --scenario boom,start=2026-01-01T00:00:00Z
	brul-gen --format --format xml
	brul-features --window --window week
	brul-features --float-v --float-v 20
	brul-train --folds --labels l.csv --folds 1
	brul-train --objective --labels l.csv --objective cox
	brul-predict --critical -m m.json --critical 2
	brul-twin --every --fleet f.csv --every 0
	brul-alert --fail-on --fleet f.csv --fail-on never
	brul-alert --float-v --fleet f.csv --float-v 99
	brul-serve --threads --threads 0
	brul-serve --listen --listen nowhere
	brul-serve --create-user --create-user a/b --role viewer
	brul-load --batch-rows --batch-rows 0 telemetry
	brul-load --format --format xml telemetry
	brul-load --export --export everything
	EOF
}

@test "an unexpected operand, a missing or refused combination of options: status 2, one message, the usage line" {
	while read -r t args; do
		usage_error "$t" $args
	done <<-EOF
	brul-gen stray
	brul-gen --dataset d -o x.csv
	brul-gen --live --dataset d
	brul-gen --speed 10
	brul-gen --days 1 --scenario outage,site=CMI,start=2026-02-01T00:00:00Z,duration=1h
	brul-train f.csv
	brul-train --labels l.csv --test-labels t.csv f.csv
	brul-predict f.csv
	brul-twin t.csv
	brul-alert t.csv
	brul-alert --fleet f.csv a.csv b.csv
	brul-serve stray
	brul-serve --create-user x
	brul-load
	brul-load --migrate --retain 90d
	brul-load --db host=/nonexistent fleet x.csv
	EOF
}

@test "every tool takes --progress, --quiet and -q" {
	for t in $TOOLS; do
		for opt in --progress --quiet -q; do
			run --separate-stderr "$t" $opt --help
			[ "$status" -eq 0 ] && [[ "$output" == "usage: $t "* ]] ||
			    { echo "$t $opt: status $status: $stderr"; false; }
		done
	done
}

@test "--progress shows progress on stderr, -q and --quiet show nothing" {
	for t in brul-gen brul-features brul-train brul-predict brul-twin \
	    brul-alert; do
		run --separate-stderr "$t" --progress $(valid "$t")
		[ "$status" -eq 0 ] && [[ "$stderr" == *"$t: "*" r"* ]] ||
		    { echo "$t --progress: status $status: $stderr"; false; }
		for q in -q --quiet "--progress --quiet" "--quiet --progress -q"; do
			run --separate-stderr "$t" $q $(valid "$t")
			[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
			    { echo "$t $q: status $status: $stderr"; false; }
		done
	done
}

@test "--help and --version: stdout, status 0; a stdout that cannot be written: status 1 and why" {
	for t in $TOOLS; do
		run --separate-stderr "$t" --help
		[ "$status" -eq 0 ] && [ -z "$stderr" ] &&
		    [[ "${lines[0]}" == "usage: $t "* ]] ||
		    { echo "$t --help: $status: ${lines[0]} $stderr"; false; }
		run --separate-stderr "$t" --version
		[ "$status" -eq 0 ] && [ -z "$stderr" ] &&
		    [[ "$output" =~ ^$t\ [0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		    { echo "$t --version: $status: $output $stderr"; false; }
		for opt in --help --version; do
			run --separate-stderr sh -c '"$@" > /dev/full' sh "$t" $opt
			[ "$status" -eq 1 ] &&
			    [ "$stderr" = "$t: <stdout>: write error: No space left on device" ] ||
			    { echo "$t $opt > /dev/full: $status: $stderr"; false; }
		done
	done
	# and brul-serve's --routes
	run --separate-stderr brul-serve --routes
	assert_success
	[[ "${lines[0]}" == "GET /"* ]]
	run --separate-stderr sh -c 'brul-serve --routes > /dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "brul-serve: <stdout>: write error: No space left on device" ]
}

# reading TOOL: the arguments of TOOL reading its main input from stdin.
reading() {
	case $1 in
	brul-features) echo --fleet "$F/ds/batteries.csv" ;;
	brul-train) echo --labels "$F/ds/labels.csv" --folds 2 --rounds 2 \
	    --threads 1 ;;
	brul-predict) echo --baseline ;;
	brul-twin) echo --fleet "$F/ds/batteries.csv" ;;
	brul-alert) echo --fleet "$F/ds/batteries.csv" ;;
	esac
}

@test "an empty input (what a failed command leaves): status 1, the message, nothing written" {
	for t in brul-features brul-train brul-predict brul-twin brul-alert; do
		run --separate-stderr "$t" $(reading "$t") < /dev/null
		[ "$status" -eq 1 ] && [ -z "$output" ] &&
		    [ "$stderr" = "$t: <stdin>: empty: no header row (did the command before it fail?)" ] ||
		    { echo "$t: $status: $output $stderr"; false; }
		# a file named by -o is left as it was
		[ "$t" = brul-train ] && continue
		echo yesterday > "$T/o.csv"
		run --separate-stderr "$t" $(reading "$t") -o "$T/o.csv" - < /dev/null
		[ "$status" -eq 1 ] && [ "$(cat "$T/o.csv")" = yesterday ] ||
		    { echo "$t -o: $status: $(cat "$T/o.csv")"; false; }
	done
	echo yesterday > "$T/m.json"
	run --separate-stderr brul-train $(reading brul-train) -o "$T/m.json" < /dev/null
	[ "$status" -eq 1 ] && [ "$(cat "$T/m.json")" = yesterday ]
	# the same for its other inputs
	head -n 1 "$F/features.csv" > "$T/h.csv"
	for args in "brul-features --fleet /dev/null $F/ds/telemetry.csv" \
	    "brul-twin --fleet /dev/null $F/ds/telemetry.csv" \
	    "brul-twin --fleet $F/ds/batteries.csv --predictions /dev/null $F/ds/telemetry.csv" \
	    "brul-alert --fleet /dev/null $F/ds/telemetry.csv" \
	    "brul-alert --fleet $F/ds/batteries.csv --systems /dev/null $F/ds/telemetry.csv" \
	    "brul-alert --fleet $F/ds/batteries.csv --features /dev/null $F/ds/telemetry.csv" \
	    "brul-train --labels /dev/null $F/features.csv" \
	    "brul-train --labels $F/ds/labels.csv --test /dev/null $F/features.csv"; do
		run --separate-stderr $args
		[ "$status" -eq 1 ] && [ -z "$output" ] &&
		    [ "$stderr" = "${args%% *}: /dev/null: empty: no header row (did the command before it fail?)" ] ||
		    { echo "$args: $status: $output $stderr"; false; }
	done
}

@test "a header alone: status 0, the tool's own header, \"0 rows\" on stderr but with -q" {
	head -n 1 "$F/ds/telemetry.csv" > "$T/t.csv"
	head -n 1 "$F/features.csv" > "$T/f.csv"
	for t in brul-features brul-predict brul-twin brul-alert; do
		in=$T/t.csv
		[ "$t" = brul-predict ] && in=$T/f.csv
		run --separate-stderr "$t" $(reading "$t") "$in"
		[ "$status" -eq 0 ] && [ "${#lines[@]}" -eq 1 ] &&
		    [ "$stderr" = "$t: $in: 0 rows" ] ||
		    { echo "$t: $status: $output $stderr"; false; }
		header=$output
		run --separate-stderr "$t" -q $(reading "$t") "$in"
		[ "$status" -eq 0 ] && [ "$output" = "$header" ] &&
		    [ -z "$stderr" ] || { echo "$t -q: $status: $stderr"; false; }
	done
	# the header is the tool's own, not its input's
	run --separate-stderr brul-predict --baseline "$T/f.csv"
	[[ "$output" == battery_id,date,rul_days,* ]]
	# brul-train has nothing to train on
	run --separate-stderr brul-train $(reading brul-train) "$T/f.csv"
	[ "$status" -eq 1 ]
	[ "$stderr" = "brul-train: $T/f.csv: 0 rows: nothing but a header" ]
	# other inputs with a header alone are said too
	head -n 1 "$F/ds/systems.csv" > "$T/s.csv"
	run --separate-stderr brul-alert --fleet "$F/ds/batteries.csv" \
	    --systems "$T/s.csv" "$T/t.csv"
	assert_success
	[ "$stderr" = "$(printf 'brul-alert: %s: 0 rows\nbrul-alert: %s: 0 rows' "$T/s.csv" "$T/t.csv")" ]
}

@test "brul-load: an empty input: status 1, the message; a header alone: \"0 rows\" on stderr but with -q" {
	need_pg
	run --separate-stderr brul-load telemetry < /dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "brul-load: <stdin>: empty: no header row (did the command before it fail?)" ]
	head -n 1 "$F/ds/telemetry.csv" > "$T/t.csv"
	run --separate-stderr brul-load -q telemetry "$T/t.csv"
	assert_success
	[ -z "$stderr" ]
	run --separate-stderr brul-load telemetry "$T/t.csv"
	assert_success
	# its summary, which says the rows of what kind
	[[ "$stderr" == "brul-load: $T/t.csv: 0 telemetry rows (0 new, 0 merged, 0 unchanged) in "* ]]
}

# wrong TOOL FILE OPT STREAM KIND ARGS...: TOOL ARGS fails, status 1, and
# says that FILE, given as OPT, should be a STREAM stream and is a KIND
# one (after the column it lacks, if it lacks one it reads).
wrong() {
	local t=$1 file=$2 opt=$3 stream=$4 kind=$5 msg
	shift 5
	run --separate-stderr "$t" "$@"
	msg=${stderr#"$t: $file: "}
	msg=${msg#missing column \"*\": }
	[ "$status" -eq 1 ] && [ -z "$output" ] &&
	    [[ "$stderr" == "$t: $file: "* ]] &&
	    [ "$msg" = "$opt takes a $stream stream, and this is a $kind stream" ] ||
	    { echo "$t $*: $status: $output $stderr"; return 1; }
}

@test "a file given in the wrong place: the option (or input) named, what it takes, and what the file is" {
	ds=$F/ds
	fe=$F/features.csv
	while IFS='|' read -r t file opt stream kind args; do
		eval "set -- $args"
		wrong "$t" "$file" "$opt" "$stream" "$kind" "$@"
	done <<-EOF
	brul-features|$ds/telemetry.csv|--fleet|batteries|telemetry|--fleet $ds/telemetry.csv $ds/telemetry.csv
	brul-features|$ds/batteries.csv|brul-features' input|telemetry|batteries|--fleet $ds/batteries.csv $ds/batteries.csv
	brul-train|$fe|--labels|labels|features|--labels $fe $fe
	brul-train|$ds/labels.csv|brul-train's input|features|labels|--labels $ds/labels.csv $ds/labels.csv
	brul-train|$ds/labels.csv|--test|features|labels|--labels $ds/labels.csv --folds 2 --rounds 2 --threads 1 --test $ds/labels.csv $fe
	brul-train|$fe|--test-labels|labels|features|--labels $ds/labels.csv --folds 2 --rounds 2 --threads 1 --test $fe --test-labels $fe $fe
	brul-predict|$ds/telemetry.csv|brul-predict's input|features|telemetry|--baseline $ds/telemetry.csv
	brul-twin|$ds/telemetry.csv|--fleet|batteries|telemetry|--fleet $ds/telemetry.csv $ds/telemetry.csv
	brul-twin|$fe|--predictions|predictions|features|--fleet $ds/batteries.csv --predictions $fe $ds/telemetry.csv
	brul-twin|$ds/sites.csv|--ecm|circuits|sites|--fleet $ds/batteries.csv --ecm $ds/sites.csv $ds/telemetry.csv
	brul-twin|$ds/batteries.csv|brul-twin's input|telemetry|batteries|--fleet $ds/batteries.csv $ds/batteries.csv
	brul-alert|$ds/telemetry.csv|--fleet|batteries|telemetry|--fleet $ds/telemetry.csv $ds/telemetry.csv
	brul-alert|$ds/strings.csv|--systems|systems|strings|--fleet $ds/batteries.csv --systems $ds/strings.csv $ds/telemetry.csv
	brul-alert|$ds/strings.csv|--string-telemetry|string_telemetry|strings|--fleet $ds/batteries.csv --string-telemetry $ds/strings.csv $ds/telemetry.csv
	brul-alert|$ds/strings.csv|--strings|string_telemetry|strings|--fleet $ds/batteries.csv --strings $ds/strings.csv $ds/telemetry.csv
	brul-alert|$fe|--twin|twin|features|--fleet $ds/batteries.csv --twin $fe $ds/telemetry.csv
	brul-alert|$ds/labels.csv|--predictions|predictions|labels|--fleet $ds/batteries.csv --predictions $ds/labels.csv $ds/telemetry.csv
	brul-alert|$ds/labels.csv|--features|features|labels|--fleet $ds/batteries.csv --features $ds/labels.csv $ds/telemetry.csv
	brul-alert|$ds/string_telemetry.csv|brul-alert's input|telemetry|string_telemetry|--fleet $ds/batteries.csv $ds/string_telemetry.csv
	EOF
}

@test "a data file that is another stream says so (brul-gen's, in BRUL_DATA)" {
	mkdir "$T/data"
	cp "$BATS_TEST_DIRNAME"/../data/*.csv "$T/data/"
	cp "$T/data/models.csv" "$T/data/sites.csv"
	BRUL_DATA=$T/data run --separate-stderr brul-gen --batteries 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "brul-gen: $T/data/sites.csv: missing column \"site_id\": expected a sites stream, and this is a models stream" ]
}

@test "brul-load: a file given as another kind names the kind and what the file is" {
	need_pg
	run --separate-stderr brul-load batteries "$F/ds/telemetry.csv"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "brul-load: $F/ds/telemetry.csv: expected a batteries stream, and this is a telemetry stream" ]
	[ "${stderr_lines[1]}" = "brul-load: $F/ds/telemetry.csv: nothing was loaded" ]
}

# The tools that write a stream with -o, and brul-train its model: each
# -o FILE goes to a temporary beside FILE, renamed to it once complete
# (core/publish.h, brul(7) CONVENTIONS).
WRITERS="brul-gen brul-features brul-train brul-predict brul-twin brul-alert"

@test "-o: a symbolic link planted in a sticky world-writable directory is replaced, its target left intact" {
	mkdir -m 1777 "$T/shared"
	for t in $WRITERS; do
		printf 'precious\n' > "$T/target"
		chmod 644 "$T/target"
		ln -sfn "$T/target" "$T/shared/out"
		# planted by someone else, as in /tmp
		[ "$(id -u)" -ne 0 ] || chown -h nobody "$T/shared/out"
		run --separate-stderr "$t" -q $(valid "$t") -o "$T/shared/out"
		[ "$status" -eq 0 ] && [ "$(cat "$T/target")" = precious ] &&
		    [ ! -L "$T/shared/out" ] && [ -s "$T/shared/out" ] ||
		    { echo "$t: $status: $stderr: $(ls -l "$T/shared")"; false; }
		# nothing else left there
		[ "$(ls -A "$T/shared")" = out ]
		rm "$T/shared/out"
	done
	# brul-train's report too
	ln -s "$T/target" "$T/shared/report.json"
	run --separate-stderr brul-train -q $(valid brul-train) \
	    --report "$T/shared/report.json"
	assert_success
	[ "$(cat "$T/target")" = precious ]
	[ ! -L "$T/shared/report.json" ]
	# and each file of brul-gen's dataset
	ln -s "$T/target" "$T/shared/telemetry.csv"
	run --separate-stderr brul-gen -q --days 1 --batteries 1 \
	    --dataset "$T/shared"
	assert_success
	[ "$(cat "$T/target")" = precious ]
	[ ! -L "$T/shared/telemetry.csv" ]
}

@test "-o: a bad input row leaves the old file as it was, and no temporary" {
	awk -F, -v OFS=, 'NR == 40 { $5 = "x" } 1' "$F/ds/telemetry.csv" > "$T/t.csv"
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "v_mean") c = i }
	    NR == 5 { $c = "abc" } 1' "$F/features.csv" > "$T/f.csv"
	mkdir "$T/out"
	for t in brul-features brul-predict brul-twin brul-alert; do
		in=$T/t.csv
		[ "$t" = brul-predict ] && in=$T/f.csv
		echo yesterday > "$T/out/o.csv"
		run --separate-stderr "$t" $(reading "$t") -o "$T/out/o.csv" "$in"
		[ "$status" -eq 1 ] && [[ "$stderr" == "$t: $in:"* ]] &&
		    [ "$(cat "$T/out/o.csv")" = yesterday ] &&
		    [ "$(ls -A "$T/out")" = o.csv ] ||
		    { echo "$t: $status: $stderr: $(ls -A "$T/out")"; false; }
	done
}

@test "-o: /dev/null, a named pipe and /dev/fd/1 are written in place" {
	mkfifo "$T/fifo"
	for t in $WRITERS; do
		run --separate-stderr "$t" -q $(valid "$t") -o /dev/null
		[ "$status" -eq 0 ] && [ -c /dev/null ] ||
		    { echo "$t -o /dev/null: $status: $stderr"; false; }
		"$t" -q $(valid "$t") -o "$T/want"
		cat "$T/fifo" > "$T/got" &
		run --separate-stderr "$t" -q $(valid "$t") -o "$T/fifo"
		wait $!
		[ "$status" -eq 0 ] && [ -p "$T/fifo" ] && cmp -s "$T/want" "$T/got" ||
		    { echo "$t -o fifo: $status: $stderr"; false; }
		# stdout a file, through its /dev/fd name (as /dev/stdout, but a
		# mistake could not rename anything over it), >> appending
		echo first > "$T/got"
		run --separate-stderr sh -c '"$@" >> "$0"' "$T/got" "$t" -q \
		    $(valid "$t") -o /dev/fd/1
		[ "$status" -eq 0 ] &&
		    [ "$(head -n 1 "$T/got")" = first ] &&
		    cmp -s "$T/want" <(sed 1d "$T/got") ||
		    { echo "$t -o /dev/fd/1: $status: $stderr"; false; }
	done
}
