#!/usr/bin/env bats
# scripts/brul-daily, the morning job brul(7) and the README's crontab
# line call: run for two days in a row over a directory as a monitor fills
# it, each day's predictions whole, for that day, with the trends of the
# days before; and every failure a status and a message, no file left.

bats_require_minimum_version 1.5.0
load helpers/common

DAILY=$BATS_TEST_DIRNAME/../scripts/brul-daily

# A fleet of 48 blocks, its telemetry of 3 days as daily files, and a
# model trained on another seed.
setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	mkdir -p "$d/train" "$d/src"
	"$B"/brul-gen --seed 2 --batteries 96 --emit batteries > "$d/train/fleet.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --quiet |
	    "$B"/brul-features --window day --fleet "$d/train/fleet.csv" \
	    > "$d/train/features.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit labels \
	    > "$d/train/labels.csv"
	"$B"/brul-train --quiet --folds 3 --rounds 30 --threads 1 \
	    --labels "$d/train/labels.csv" -o "$d/src/model.json" \
	    "$d/train/features.csv"
	"$B"/brul-gen --batteries 48 --emit batteries > "$d/src/batteries.csv"
	"$B"/brul-gen --batteries 48 --days 3 --interval 300 --quiet \
	    > "$d/src/telemetry.csv"
	# as a monitor exports it: a file a day
	awk -F, -v d="$d/src" 'NR == 1 { h = $0; next }
	    { f = d "/telemetry-" substr($1, 1, 10) ".csv"
	      if (!(f in seen)) { print h > f; seen[f] = 1 } print > f }' \
	    "$d/src/telemetry.csv"
	rm "$d/src/telemetry.csv"
	# two sites (CMI and KKN: one in each of two shares), for --shard
	mkdir -p "$d/two"
	cp "$d/src/model.json" "$d/two/"
	"$B"/brul-gen --site CMI --site KKN --emit batteries > "$d/two/batteries.csv"
	"$B"/brul-gen --site CMI --site KKN --days 2 --interval 900 --quiet \
	    -z -o "$d/two/telemetry-2026-01-01.csv.gz"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	cp -r "$F/src" "$T/dir"
	PATH=$BRUL_BIN:$PATH
}

@test "two days in a row: each day's predictions, whole, for that day" {
	rm "$T/dir/telemetry-2026-01-03.csv"
	run --separate-stderr "$DAILY" -d "$T/dir" --day 2026-01-01
	assert_success
	[ "$stderr" = "brul-daily: $T/dir/predictions-2026-01-01.csv.gz" ]
	run --separate-stderr "$DAILY" -q -d "$T/dir" --day 2026-01-02
	assert_success
	[ -z "$stderr" ]
	for day in 2026-01-01 2026-01-02; do
		f=$T/dir/predictions-$day.csv.gz
		gzip -t "$f"
		# a row per battery, every one of that day, with a risk
		[ "$(gzip -dc "$f" | sed 1d | wc -l)" -eq 48 ]
		[ "$(gzip -dc "$f" | awk -F, 'NR > 1 { print $2 }' | sort -u)" = "$day" ]
		[ "$(gzip -dc "$f" | awk -F, 'NR > 1 && $9 == "" ' | wc -l)" -eq 0 ]
	done
	[ ! -e "$T/dir/predictions-2026-01-01.csv.gz.partial" ]
}

@test "the second day's predictions use the first day's history" {
	"$DAILY" -q -d "$T/dir" --day 2026-01-02
	# the same day, alone: its trends (float_i_trend, r_slope) are empty
	mkdir "$T/alone"
	cp "$T/dir/batteries.csv" "$T/dir/model.json" \
	    "$T/dir/telemetry-2026-01-02.csv" "$T/alone/"
	"$DAILY" -q -d "$T/alone" --day 2026-01-02
	! cmp -s <(gzip -dc "$T/dir/predictions-2026-01-02.csv.gz") \
	    <(gzip -dc "$T/alone/predictions-2026-01-02.csv.gz")
}

@test "no telemetry for the day: status 1, said, no file" {
	run --separate-stderr "$DAILY" -d "$T/dir" --day 2026-02-01
	assert_failure 1
	[ "$stderr" = "brul-daily: $T/dir/telemetry-2026-02-01.csv.gz: no telemetry for 2026-02-01" ]
	[ -z "$(ls "$T/dir" | grep predictions)" ]
}

@test "a step that fails fails the job: a missing fleet, a broken model" {
	rm "$T/dir/batteries.csv"
	run --separate-stderr "$DAILY" -d "$T/dir" --day 2026-01-01
	assert_failure 1
	[ "$stderr" = "brul-daily: $T/dir/batteries.csv: missing (see brul-daily(1))" ]
	cp "$F/src/batteries.csv" "$T/dir/"
	echo '{}' > "$T/dir/model.json"
	run --separate-stderr "$DAILY" -d "$T/dir" --day 2026-01-01
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"brul-predict: $T/dir/model.json: "* ]]
	[ -z "$(ls "$T/dir" | grep predictions)" ]
	# a fleet file that is not one: brul-features fails, so does the job
	cp "$F/src/model.json" "$T/dir/"
	cp "$T/dir/telemetry-2026-01-01.csv" "$T/dir/batteries.csv"
	run --separate-stderr "$DAILY" -d "$T/dir" --day 2026-01-01
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"brul-features: "*"batteries"* ]]
	[ -z "$(ls "$T/dir" | grep predictions)" ]
}

@test "--simulate makes the day's telemetry when the directory has none" {
	run --separate-stderr "$DAILY" -q -d "$T/dir" --day 2026-01-05 --simulate
	assert_success
	[ -s "$T/dir/telemetry-2026-01-05.csv.gz" ]
	[ "$(gzip -dc "$T/dir/predictions-2026-01-05.csv.gz" | sed 1d | wc -l)" -gt 0 ]
}

@test "bad usage: status 2 and the usage line" {
	run --separate-stderr "$DAILY" --day 2026-13-40
	assert_failure 2
	[[ "$stderr" == *"usage: brul-daily"* ]]
	run --separate-stderr "$DAILY" --nope
	assert_failure 2
	run --separate-stderr "$DAILY" --help
	assert_success
	[[ "$output" == *"brul-daily: the morning job"* ]]
}

@test "--version names the toolkit's version; BRUL_DIR is the default directory" {
	run --separate-stderr "$DAILY" --version
	assert_success
	[ "$output" = "brul-daily $(brul-predict --version | cut -d' ' -f2)" ]
	rm "$T/dir/telemetry-2026-01-03.csv"
	BRUL_DIR=$T/dir run --separate-stderr "$DAILY" -q --day 2026-01-02
	assert_success
	[ -s "$T/dir/predictions-2026-01-02.csv.gz" ]
}

@test "--progress shows the tools' progress and ends naming the file" {
	run --separate-stderr "$DAILY" --progress -d "$T/dir" --day 2026-01-01
	assert_success
	[[ "$stderr" == *"brul-features: "*" rows in "* ]]
	[[ "${stderr##*$'\n'}" == "brul-daily: $T/dir/predictions-2026-01-01.csv.gz" ]]
}

@test "across hosts: GNU parallel runs two shares, --merge joins them into the one host's file" {
	cp -r "$F/two" "$T/one"
	cp -r "$F/two" "$T/many"
	"$DAILY" -q -d "$T/one" --day 2026-01-01
	# the recipe of brul-daily(1), with the local machine as both hosts
	run --separate-stderr parallel --will-cite --sshlogin :,: \
	    "$DAILY" -q -d "$T/many" --day 2026-01-01 --shard {}/2 ::: 0 1
	assert_success
	for i in 0 1; do
		f=$T/many/predictions-2026-01-01.$i-of-2.csv.gz
		# a share is whole sites: one of the two here
		[ "$(gzip -dc "$f" | sed 1d | cut -d, -f1 | sort -u | wc -l)" -eq 216 ]
	done
	[ ! -e "$T/many/predictions-2026-01-01.csv.gz" ]
	run --separate-stderr "$DAILY" -d "$T/many" --day 2026-01-01 --merge 2
	assert_success
	[ "$stderr" = "brul-daily: $T/many/predictions-2026-01-01.csv.gz" ]
	one=$T/one/predictions-2026-01-01.csv.gz
	many=$T/many/predictions-2026-01-01.csv.gz
	gzip -t "$many"
	[ "$(gzip -dc "$many" | head -1)" = "$(gzip -dc "$one" | head -1)" ]
	[ "$(gzip -dc "$many" | sed 1d | wc -l)" -eq 432 ]
	cmp <(gzip -dc "$one" | sed 1d | sort) <(gzip -dc "$many" | sed 1d | sort)
}

@test "--merge: a missing share fails, says which, leaves no file; --shard misused is usage" {
	cp -r "$F/two" "$T/many"
	"$DAILY" -q -d "$T/many" --day 2026-01-01 --shard 1/2
	run --separate-stderr "$DAILY" -d "$T/many" --day 2026-01-01 --merge 2
	assert_failure 1
	[ "$stderr" = "brul-daily: $T/many/predictions-2026-01-01.0-of-2.csv.gz: missing (did brul-daily --shard 0/2 run?)" ]
	[ ! -e "$T/many/predictions-2026-01-01.csv.gz" ]
	[ ! -e "$T/many/predictions-2026-01-01.csv.gz.partial" ]
	for bad in "--shard 2" "--shard 1/2 --merge 2" "--shard 0/2 --load" "--merge 0" "--merge x"; do
		run --separate-stderr "$DAILY" -d "$T/many" --day 2026-01-01 $bad
		assert_failure 2
		[[ "$stderr" == *"usage: brul-daily"* ]]
	done
	# a share out of range: brul-features refuses it, the job fails
	run --separate-stderr "$DAILY" -d "$T/many" --day 2026-01-01 --shard 2/2
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"brul-features: --shard"* ]]
	[ ! -e "$T/many/predictions-2026-01-01.2-of-2.csv.gz" ]
}

@test "--merge joins shares of any size, and refuses one that is cut short or of other columns" {
	mkdir "$T/big"
	for i in 0 1 2; do
		{ echo "battery_id,date,x"; seq -f "B$i-%g,2026-01-01,1" 200000; } |
		    gzip > "$T/big/predictions-2026-01-01.$i-of-3.csv.gz"
	done
	run --separate-stderr "$DAILY" -q -d "$T/big" --day 2026-01-01 --merge 3
	assert_success
	f=$T/big/predictions-2026-01-01.csv.gz
	[ "$(gzip -dc "$f" | head -1)" = "battery_id,date,x" ]
	[ "$(gzip -dc "$f" | sed 1d | wc -l)" -eq 600000 ]
	[ "$(gzip -dc "$f" | grep -c '^battery_id')" -eq 1 ]
	# a share cut short: the join fails, nothing is left
	rm "$f"
	head -c 100000 "$T/big/predictions-2026-01-01.1-of-3.csv.gz" > "$T/cut"
	mv "$T/cut" "$T/big/predictions-2026-01-01.1-of-3.csv.gz"
	run --separate-stderr "$DAILY" -q -d "$T/big" --day 2026-01-01 --merge 3
	assert_failure
	[ ! -e "$f" ] && [ ! -e "$f.partial" ]
	# a share of other columns
	{ echo "battery_id,day,x"; echo "B1-1,2026-01-01,1"; } |
	    gzip > "$T/big/predictions-2026-01-01.1-of-3.csv.gz"
	run --separate-stderr "$DAILY" -d "$T/big" --day 2026-01-01 --merge 3
	assert_failure 1
	[ "$stderr" = "brul-daily: $T/big/predictions-2026-01-01.1-of-3.csv.gz: its columns are not those of $T/big/predictions-2026-01-01.0-of-3.csv.gz" ]
	[ ! -e "$f" ]
}
