#!/usr/bin/env bats
# brul-gen: the command-line conventions of DESIGN.md, and its streams' shape.

bats_require_minimum_version 1.5.0
load helpers/common

teardown() {
	# a brul-gen a failed test left running in the background
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr brul-gen --help
	assert_success
	assert_output --partial "usage: brul-gen"
	[ -z "$stderr" ]
}

@test "--version prints the version on stdout and exits 0" {
	run --separate-stderr brul-gen --version
	assert_success
	assert_output --regexp '^brul-gen [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a bad option prints the usage line on stderr and exits 2" {
	run --separate-stderr brul-gen --no-such-option
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"usage: brul-gen"* ]]
}

@test "bad option values are refused with status 2 and a reason" {
	for args in "--days 0" "--days x" "--interval 90" "--shard 2/2" \
	    "--format xml" "--emit nothing" "--start 2026-13-01" "--site XYZ" \
	    "--scenario hvac,site=CMI" "--scenario boom,start=2026-01-01T00:00:00Z"; do
		run --separate-stderr brul-gen $args
		[ "$status" -eq 2 ] || { echo "status $status for $args"; false; }
		[[ "$stderr" == brul-gen:* ]] || { echo "for $args: $stderr"; false; }
	done
}

@test "an unknown scenario site is named in the message" {
	run --separate-stderr brul-gen --scenario hvac,site=NOPE,start=2026-01-01T00:00:00Z,duration=1h
	assert_failure 2
	[[ "$stderr" == *'no site NOPE in the fleet (CMI, '* ]]
}

@test "--speed without --live is a usage error" {
	run --separate-stderr brul-gen --speed 10 --batteries 1
	assert_failure 2
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "brul-gen: --speed goes with --live" ]
	[[ "${stderr_lines[1]}" == "usage: brul-gen "* ]]
}

@test "a scenario that starts outside the simulated window is refused, saying the window" {
	for start in 2026-01-03T00:00:00Z 2025-12-31T23:59:00Z; do
		sc=outage,site=CMI,start=$start,duration=1h
		run --separate-stderr brul-gen --batteries 24 --days 2 --scenario "$sc"
		assert_failure 2
		[ -z "$output" ]
		[ "${stderr_lines[0]}" = "brul-gen: --scenario: $sc: starts outside the simulated window, 2026-01-01T00:00:00Z to 2026-01-03T00:00:00Z (--start, --days)" ]
		[[ "${stderr_lines[1]}" == "usage: brul-gen "* ]]
	done
	# --start moves the window
	run --separate-stderr brul-gen --batteries 1 --start 2026-03-01 --scenario \
	    runaway,slot=1,start=2026-01-01T12:00:00Z
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"window, 2026-03-01T00:00:00Z to 2026-03-02T00:00:00Z (--start, --days)" ]]
	# its last minute is inside
	run --separate-stderr brul-gen --batteries 24 --days 2 --emit events \
	    --scenario outage,site=CMI,start=2026-01-02T23:59:00Z,duration=1h
	assert_success
	assert_output --partial "2026-01-02T23:59:00Z"
}

@test "gzip to a terminal is refused" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run script -qec "$BRUL_BIN/brul-gen -z --batteries 1" /dev/null
	assert_failure 1
	assert_output --partial "terminal"
}

@test "a write error (full disk) is reported with status 1" {
	run --separate-stderr brul-gen --batteries 24 --days 1 -o /dev/full
	assert_failure 1
	[[ "$stderr" == *"brul-gen: "*"/dev/full"*"No space left on device"* ]]
}

@test "an output file that cannot be created is reported" {
	run --separate-stderr brul-gen --batteries 1 -o /nonexistent/dir/x.csv
	assert_failure 1
	[[ "$stderr" == *"/nonexistent/dir/x.csv"* ]]
}

@test "a missing data file is a clear error" {
	[ -d /usr/local/share/brul ] && skip "an installed brul provides the data"
	# away from the build tree, with BRUL_DATA pointing nowhere
	cp "$BRUL_BIN/brul-gen" "$BATS_TEST_TMPDIR/brul-gen"
	BRUL_DATA=/nonexistent run --separate-stderr "$BATS_TEST_TMPDIR/brul-gen" --batteries 1
	assert_failure 1
	[[ "$stderr" == "brul-gen: data file regions.csv not found"* ]]
	[ -z "$output" ]
}

@test "telemetry: header, one row per block and minute, ascending ts" {
	run brul-gen --batteries 24 --days 1
	assert_success
	[ "${lines[0]}" = "ts,battery_id,string_id,voltage_v,current_a,temperature_c,resistance_mohm" ]
	[ "${#lines[@]}" -eq $((1 + 24 * 1440)) ]
	printf '%s\n' "${lines[@]:1}" | cut -d, -f1 | sort -c
	[[ "${lines[1]}" == 2026-01-01T00:00:00Z,B0001-* ]]
}

@test "--interval only thins the output" {
	a=$(brul-gen --batteries 24 --days 1 --interval 300 | sed 1d | wc -l)
	[ "$a" -eq $((24 * 288)) ]
	brul-gen --batteries 24 --days 1 | awk -F, 'NR > 1 && substr($1, 15, 2) % 5 == 0 {
		sub(/,[0-9.]*$/, ""); print }' > "$BATS_TEST_TMPDIR/a"
	brul-gen --batteries 24 --days 1 --interval 300 | sed 1d | sed 's/,[0-9.]*$//' > "$BATS_TEST_TMPDIR/b"
	# voltage, current and temperature agree; resistance readings are held
	# to the next written row, so they are compared elsewhere
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "the same seed gives byte-identical output; another seed does not" {
	a=$(brul-gen --batteries 24 --days 2 --seed 7 | md5sum)
	b=$(brul-gen --batteries 24 --days 2 --seed 7 | md5sum)
	c=$(brul-gen --batteries 24 --days 2 --seed 8 | md5sum)
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
}

@test "gzip output decompresses to the plain output, whatever the thread count" {
	brul-gen --batteries 48 --days 2 > "$BATS_TEST_TMPDIR/plain"
	brul-gen --batteries 48 --days 2 -z --threads 1 > "$BATS_TEST_TMPDIR/z1"
	brul-gen --batteries 48 --days 2 -z --threads 3 > "$BATS_TEST_TMPDIR/z3"
	cmp "$BATS_TEST_TMPDIR/z1" "$BATS_TEST_TMPDIR/z3"
	gzip -t "$BATS_TEST_TMPDIR/z1"
	gzip -dc "$BATS_TEST_TMPDIR/z1" | cmp - "$BATS_TEST_TMPDIR/plain"
}

@test "every --level writes gzip that gzip, zcat and Python read, and brul reads back" {
	p=$BATS_TEST_TMPDIR/plain
	brul-gen --batteries 24 --days 1 > "$p"
	for l in 1 2 3 4 5 6 9; do
		z=$BATS_TEST_TMPDIR/z$l
		brul-gen --batteries 24 --days 1 -z --level $l > "$z"
		gzip -t "$z"
		zcat < "$z" | cmp - "$p"
		python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' "$z" | cmp - "$p"
		brul-features --fleet <(brul-gen --batteries 24 --emit batteries) "$z" > "$BATS_TEST_TMPDIR/f$l"
		brul-features --fleet <(brul-gen --batteries 24 --emit batteries) "$p" | cmp - "$BATS_TEST_TMPDIR/f$l"
	done
	# Levels 1-3 are the fast ones (ISA-L's where built with it), the
	# higher the smaller: 9 beats 3 by a fifth at least on telemetry.
	[ $(wc -c < "$BATS_TEST_TMPDIR/z9") -lt $(($(wc -c < "$BATS_TEST_TMPDIR/z3") * 4 / 5)) ]
	[ $(wc -c < "$BATS_TEST_TMPDIR/z3") -lt $(wc -c < "$BATS_TEST_TMPDIR/z1") ]
	# The default is 5, its files within 2 % of 6's.
	brul-gen --batteries 24 --days 1 -z > "$BATS_TEST_TMPDIR/zd"
	cmp "$BATS_TEST_TMPDIR/zd" "$BATS_TEST_TMPDIR/z5"
	[ $(wc -c < "$BATS_TEST_TMPDIR/z5") -le $(($(wc -c < "$BATS_TEST_TMPDIR/z6") * 102 / 100)) ]
}

@test "-o NAME.gz compresses" {
	brul-gen --batteries 2 -o "$BATS_TEST_TMPDIR/t.csv.gz"
	gzip -t "$BATS_TEST_TMPDIR/t.csv.gz"
	[ "$(gzip -dc "$BATS_TEST_TMPDIR/t.csv.gz" | wc -l)" -eq $((1 + 2 * 1440)) ]
}

@test "shards together are exactly the whole, each site in one" {
	sel="--site CMI --site KKN --site SRC --site BRK"
	brul-gen $sel --days 1 --interval 1800 --emit telemetry | sed 1d | sort > "$BATS_TEST_TMPDIR/whole"
	for i in 0 1 2 3; do
		brul-gen $sel --days 1 --interval 1800 --shard $i/4 | sed 1d > "$BATS_TEST_TMPDIR/s$i"
		# whole sites: those of this share and no other
		cut -d, -f3 "$BATS_TEST_TMPDIR/s$i" | cut -d- -f1 | sort -u > "$BATS_TEST_TMPDIR/sites$i"
		[ "$(wc -l < "$BATS_TEST_TMPDIR/sites$i")" -eq 1 ]
	done
	cat "$BATS_TEST_TMPDIR"/s[0-3] | sort > "$BATS_TEST_TMPDIR/shards"
	[ -s "$BATS_TEST_TMPDIR/whole" ]
	cmp "$BATS_TEST_TMPDIR/whole" "$BATS_TEST_TMPDIR/shards"
	[ "$(cat "$BATS_TEST_TMPDIR"/sites[0-3] | sort -u | wc -l)" -eq 4 ]
	# the share a site is in is its id's FNV-1a hash modulo N
	[ "$(cat "$BATS_TEST_TMPDIR/sites0")" = CMI ]
	[ "$(cat "$BATS_TEST_TMPDIR/sites1")" = SRC ]
	# site and system rows and events too, with the sites' blocks
	for s in events sites systems strings batteries labels; do
		brul-gen $sel --days 20 --interval 3600 --emit $s | sed 1d | sort > "$BATS_TEST_TMPDIR/w"
		for i in 0 1 2 3; do
			brul-gen $sel --days 20 --interval 3600 --emit $s --shard $i/4 | sed 1d
		done | sort > "$BATS_TEST_TMPDIR/s"
		cmp "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR/s" || { echo "stream $s"; false; }
	done
}

@test "ndjson carries the same values as csv" {
	brul-gen --batteries 3 --interval 3600 > "$BATS_TEST_TMPDIR/c"
	brul-gen --batteries 3 --interval 3600 --format ndjson > "$BATS_TEST_TMPDIR/n"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/n")" -eq 72 ]
	head -1 "$BATS_TEST_TMPDIR/n" | grep -q '^{"ts":"2026-01-01T00:00:00Z","battery_id":"B0001-[0-9]*","string_id":"CMI-REC1-S1","voltage_v":1[0-9]\.[0-9]*,'
	# every csv value appears in the matching json line
	paste -d'|' <(sed 1d "$BATS_TEST_TMPDIR/c") "$BATS_TEST_TMPDIR/n" | awk -F'|' '{
		n = split($1, v, ","); for (i = 1; i <= n; i++) if (v[i] != "" && index($2, v[i]) == 0) { print "missing " v[i] " in " $2; exit 1 } }'
}

@test "--dataset writes every stream and leaves no partial file" {
	run brul-gen --dataset "$BATS_TEST_TMPDIR/ds" --days 2 --batteries 24 --quiet
	assert_success
	for s in sites systems strings batteries telemetry string_telemetry truth labels events; do
		[ -s "$BATS_TEST_TMPDIR/ds/$s.csv" ] || { echo "no $s"; false; }
	done
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/ds" | grep partial)" ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/ds/telemetry.csv" | wc -l)" -eq $((24 * 2880)) ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/ds/string_telemetry.csv" | wc -l)" -eq 2880 ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/ds/truth.csv" | wc -l)" -eq $((24 * 2880)) ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/ds/labels.csv" | wc -l)" -ge 48 ]
	# each stream written alone is the same as in the dataset
	brul-gen --emit labels --days 2 --batteries 24 | cmp - "$BATS_TEST_TMPDIR/ds/labels.csv"
	brul-gen --emit events --days 2 --batteries 24 | cmp - "$BATS_TEST_TMPDIR/ds/events.csv"
}

@test "a disk filling up mid-run leaves nothing behind, with status 1" {
	shim=${BRUL_TESTBIN:-$BATS_TEST_DIRNAME/../build/tests}/failwrite.so
	[ -f "$shim" ] || skip "no $shim (make units)"
	# a sanitized build lets the shim load ahead of its runtime
	export ASAN_OPTIONS=verify_asan_link_order=0
	for z in "" -z; do
		# compressed output is about a tenth of the plain
		lim=3000000; [ -z "$z" ] || lim=300000
		rm -rf "$BATS_TEST_TMPDIR/ds"
		run --separate-stderr env FAILWRITE_AFTER=$lim LD_PRELOAD="$shim" \
		    brul-gen --dataset "$BATS_TEST_TMPDIR/ds" --days 2 --batteries 24 $z
		assert_failure 1
		[[ "$stderr" == *"No space left on device"* ]]
		[ -z "$(ls -A "$BATS_TEST_TMPDIR/ds")" ]
		run --separate-stderr env FAILWRITE_AFTER=$((lim / 3)) LD_PRELOAD="$shim" \
		    brul-gen --days 2 --batteries 24 $z -o "$BATS_TEST_TMPDIR/one.csv"
		assert_failure 1
		[ ! -e "$BATS_TEST_TMPDIR/one.csv" ]
		# a file already there is left as it was, with no temporary
		mkdir "$BATS_TEST_TMPDIR/old"
		echo old > "$BATS_TEST_TMPDIR/old/one.csv"
		run --separate-stderr env FAILWRITE_AFTER=$((lim / 3)) LD_PRELOAD="$shim" \
		    brul-gen --days 2 --batteries 24 $z -o "$BATS_TEST_TMPDIR/old/one.csv"
		assert_failure 1
		[ "$(cat "$BATS_TEST_TMPDIR/old/one.csv")" = old ]
		[ "$(ls -A "$BATS_TEST_TMPDIR/old")" = one.csv ]
		rm -r "$BATS_TEST_TMPDIR/old"
	done
}

# wait_partial NAME: the temporary NAME is being written to, once it holds
# data (within 30 s).
wait_partial() {
	local i f
	for i in $(seq 300); do
		for f in "$1".*.partial; do
			[ -s "$f" ] && { echo "$f"; return 0; }
		done
		sleep 0.1
	done
	echo "no $1.*.partial" >&2
	return 1
}

@test "-o killed (SIGKILL) mid-write: the old file stays whole, the temporary does not look like it, the next run is not tripped" {
	cd "$BATS_TEST_TMPDIR"
	echo old > out.csv.gz
	brul-gen --days 30 -q -o out.csv.gz &
	pid=$!
	tmp=$(wait_partial out.csv.gz)
	kill -KILL $pid
	wait $pid || true
	[ "$(cat out.csv.gz)" = old ]
	# what a killed run leaves: its temporary, named as such
	[[ "$tmp" == out.csv.gz.????????.partial ]]
	[ -s "$tmp" ]
	# the next run is not tripped by it, nor touches it
	run -0 brul-gen --batteries 2 -q -o out.csv.gz
	gzip -t out.csv.gz
	[ "$(gzip -dc out.csv.gz | sed 1d | wc -l)" -eq 2880 ]
	[ "$(ls -A | sort)" = "$(printf 'out.csv.gz\n%s' "$tmp")" ]
}

@test "-o interrupted (SIGTERM, SIGINT, SIGHUP): the old file stays, the temporary is removed, the status says the signal" {
	cd "$BATS_TEST_TMPDIR"
	for sig in TERM INT HUP; do
		echo old > out.csv
		# a background job ignores SIGINT unless told otherwise
		env --default-signal=INT brul-gen --days 30 -q -o out.csv &
		pid=$!
		wait_partial out.csv > /dev/null
		kill -$sig $pid
		st=0
		wait $pid || st=$?
		[ "$st" -eq $((128 + $(kill -l $sig))) ] ||
		    { echo "SIG$sig: status $st"; false; }
		[ "$(cat out.csv)" = old ]
		[ "$(ls -A)" = out.csv ]
	done
	# every file of a dataset
	brul-gen --dataset ds --days 30 -q &
	pid=$!
	wait_partial ds/telemetry.csv > /dev/null
	kill -TERM $pid
	wait $pid || true
	[ -z "$(ls -A ds)" ]
	# a signal ignored from the start (nohup) stays ignored
	env --ignore-signal=HUP brul-gen --days 30 -q -o out.csv &
	pid=$!
	wait_partial out.csv > /dev/null
	kill -HUP $pid
	sleep 0.5
	kill -0 $pid
	kill -TERM $pid
	wait $pid || true
	[ "$(ls -A)" = "$(printf 'ds\nout.csv')" ]
}

@test "the full fleet has 9 sites, 21 systems, 99 strings, 2376 blocks" {
	[ "$(brul-gen --emit sites | sed 1d | wc -l)" -eq 9 ]
	[ "$(brul-gen --emit systems | sed 1d | wc -l)" -eq 21 ]
	[ "$(brul-gen --emit strings | sed 1d | wc -l)" -eq 99 ]
	[ "$(brul-gen --emit telemetry --interval 86400 | sed 1d | wc -l)" -eq 2376 ]
	[ "$(brul-gen --emit systems | grep -c ',rectifier,')" -eq 9 ]
	[ "$(brul-gen --emit strings | sed 1d | cut -d, -f5 | sort | uniq -c | sort -rn | head -1 | awk '{print $2}')" = VRLA-12V120 ]
}

@test "--site and --batteries select the fleet" {
	[ "$(brul-gen --site PKT --interval 86400 | sed 1d | cut -d, -f3 | sort -u | wc -l)" -eq 9 ]
	[ "$(brul-gen --site PKT --site HDY --interval 86400 | sed 1d | wc -l)" -eq $((18 * 24)) ]
	[ "$(brul-gen --batteries 30 --interval 86400 | sed 1d | wc -l)" -eq 30 ]
}

@test "--live emits batches in real time and stops cleanly on SIGTERM" {
	brul-gen --live --speed 600 --batteries 2 --start 2026-03-01 > "$BATS_TEST_TMPDIR/live" &
	pid=$!
	sleep 1.5
	kill -TERM $pid
	wait $pid
	n=$(sed 1d "$BATS_TEST_TMPDIR/live" | wc -l)
	# 600x: about 10 minutes of data a second, two rows a minute
	[ "$n" -ge 10 ] && [ "$n" -le 60 ]
	[ "$(tail -c1 "$BATS_TEST_TMPDIR/live" | od -An -c | tr -d ' ')" = '\n' ]
}

@test "--progress shows rows and rate on stderr; a pipe, or --quiet last, shows none" {
	run --separate-stderr brul-gen --progress --batteries 24 --days 30
	assert_success
	[[ "$stderr" == *"brul-gen: "*"rows"*"/s"* ]]
	run --separate-stderr brul-gen --batteries 24 --days 2
	[ -z "$stderr" ]
	run --separate-stderr brul-gen --progress --quiet --batteries 24 --days 2
	[ -z "$stderr" ]
}

@test "--dataset --progress ends with the dataset's summary; --quiet says nothing" {
	run --separate-stderr brul-gen --dataset "$BATS_TEST_TMPDIR/ds" --days 2 --batteries 24 --progress
	assert_success
	[[ "$stderr" == *"/ds: telemetry rows 69120, strings 1, blocks 24 (with replacements),"* ]]
	run --separate-stderr brul-gen --dataset "$BATS_TEST_TMPDIR/dq" --days 2 --batteries 24 --quiet
	assert_success
	[ -z "$stderr" ]
}

@test "a shard the selection leaves empty is named, with how many sites there are" {
	run --separate-stderr brul-gen --batteries 48 --shard 3/4 --days 1
	assert_failure 1
	[ "$stderr" = "brul-gen: --shard 3/4: share 3 holds none of the selection's 1 site (shares are of whole sites, by a hash of their ids)" ]
	[ -z "$output" ]
}

@test "a site id too long for the fleet is refused, never cut short" {
	d=$BATS_TEST_TMPDIR/data
	mkdir -p "$d"
	cp "$BATS_TEST_DIRNAME/../data/"*.csv "$d/"
	sed -i '2s/^[^,]*,/BANGKOK-CENTRAL,/' "$d/sites.csv"
	BRUL_DATA=$d run --separate-stderr brul-gen --batteries 24 --emit sites
	assert_failure 1
	[ "$stderr" = "brul-gen: $d/sites.csv:2: site_id: longer than 7 bytes" ]
	[ -z "$output" ]
}
