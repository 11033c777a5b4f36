#!/usr/bin/env bats
# brul-features: the command-line conventions, bad input with its position,
# and the features it computes checked against awk on brul-gen's data.

bats_require_minimum_version 1.5.0
load helpers/common

HEADER=battery_id,string_id,date,ts,window_s,samples,coverage_pct,v_mean_v,v_min_v,v_max_v,v_sd_v,i_mean_a,i_min_a,i_max_a,t_mean_c,t_min_c,t_max_c,float_v_dev_v,float_i_a,float_i_trend_a_per_day,t_above_30_h,t_above_35_h,t_above_40_h,t_rise_c,r_latest_mohm,r_ratio,r_slope_mohm_per_day,age_days,eq_age_days,dis_count,dis_ah,dis_depth_pct,dis_min_v,dis_r_mohm,v_dev_string_v,life_used_pct,r_ratio_7d

# One day of two strings, its fleet, and the same as NDJSON, made once.
setup_file() {
	d=$BATS_FILE_TMPDIR
	"$BRUL_BIN"/brul-gen --days 1 --batteries 48 --quiet > "$d/t.csv"
	"$BRUL_BIN"/brul-gen --days 1 --batteries 48 --quiet --format ndjson > "$d/t.ndjson"
	"$BRUL_BIN"/brul-gen --days 1 --batteries 48 --quiet --emit batteries > "$d/fleet.csv"
	gzip -c "$d/t.csv" > "$d/t.csv.gz"
}

# The column number of name $1 in the output header.
col() {
	printf '%s\n' "$HEADER" | tr , '\n' | grep -nx "$1" | cut -d: -f1
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr brul-features --help
	assert_success
	assert_output --partial "usage: brul-features"
	[ -z "$stderr" ]
}

@test "--version prints the version on stdout and exits 0" {
	run --separate-stderr brul-features --version
	assert_success
	assert_output --regexp '^brul-features [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a bad option prints the usage line on stderr and exits 2" {
	run --separate-stderr brul-features --no-such-option
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"usage: brul-features"* ]]
}

@test "bad option values are refused with status 2 and a reason" {
	for args in "--window 0" "--window week" "--window 400d" \
	    "--float-v 20" "--float-v x" "--format xml"; do
		run --separate-stderr brul-features $args /dev/null
		[ "$status" -eq 2 ] || { echo "status $status for $args"; false; }
		[[ "$stderr" == brul-features:* ]] || { echo "for $args: $stderr"; false; }
	done
}

@test "a missing required column is named, status 1" {
	printf 'ts,battery_id,voltage_v,temperature_c\n2026-01-01T00:00:00Z,A,13.5,25\n' > "$BATS_TEST_TMPDIR/x.csv"
	run --separate-stderr brul-features "$BATS_TEST_TMPDIR/x.csv"
	assert_failure 1
	[[ "$stderr" == "brul-features: $BATS_TEST_TMPDIR/x.csv: "*'"current_a"'* ]]
}

@test "a bad number is reported with its file and line" {
	f=$BATS_TEST_TMPDIR/bad.csv
	{ head -n 3 "$BATS_FILE_TMPDIR/t.csv"
	  sed -n 4p "$BATS_FILE_TMPDIR/t.csv" | awk -F, -v OFS=, '{ $4 = "abc"; print }'
	} > "$f"
	run --separate-stderr brul-features "$f"
	assert_failure 1
	[ "$stderr" = "brul-features: $f:4: voltage_v: not a number: \"abc\"" ]
}

@test "a missing ts or battery_id is reported with its position" {
	printf 'ts,battery_id,voltage_v,current_a,temperature_c\n2026-01-01T00:00:00Z,A,13.5,0.1,25\n,A,13.5,0.1,25\n' > "$BATS_TEST_TMPDIR/x.csv"
	run --separate-stderr brul-features "$BATS_TEST_TMPDIR/x.csv"
	assert_failure 1
	[ "$stderr" = "brul-features: $BATS_TEST_TMPDIR/x.csv:3: ts: missing value" ]
	printf 'ts,battery_id,voltage_v,current_a,temperature_c\n2026-01-01T00:00:00,A,13.5,0.1,25\n' > "$BATS_TEST_TMPDIR/y.csv"
	run --separate-stderr brul-features "$BATS_TEST_TMPDIR/y.csv"
	assert_failure 1
	[[ "$stderr" == "brul-features: $BATS_TEST_TMPDIR/y.csv:2: ts: not a timestamp"* ]]
}

@test "time going backwards for a battery is an error with its position" {
	f=$BATS_TEST_TMPDIR/back.csv
	{ head -n 1 "$BATS_FILE_TMPDIR/t.csv"
	  sed -n '50,60p' "$BATS_FILE_TMPDIR/t.csv"
	  sed -n 2p "$BATS_FILE_TMPDIR/t.csv"
	} > "$f"
	run --separate-stderr brul-features "$f"
	assert_failure 1
	[ "$stderr" = "brul-features: $f:13: ts goes back in time for B0001-1" ]
}

@test "an empty input is an error (what a failed command leaves), a header alone no rows" {
	run --separate-stderr brul-features < /dev/null
	assert_failure 1
	[ "$stderr" = "brul-features: <stdin>: empty: no header row (did the command before it fail?)" ]
	[ -z "$output" ]
	# nor does it touch a file named by -o
	echo yesterday > "$BATS_TEST_TMPDIR/o"
	run --separate-stderr brul-features -o "$BATS_TEST_TMPDIR/o" < /dev/null
	assert_failure 1
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = yesterday ]
	# a header without rows is a stream of no rows, and said so
	head -n 1 "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/h.csv"
	run --separate-stderr brul-features "$BATS_TEST_TMPDIR/h.csv"
	assert_success
	[ "$output" = "$HEADER" ]
	[ "$stderr" = "brul-features: $BATS_TEST_TMPDIR/h.csv: 0 rows" ]
	run --separate-stderr brul-features -q "$BATS_TEST_TMPDIR/h.csv"
	assert_success
	[ "$output" = "$HEADER" ]
	[ -z "$stderr" ]
}

@test "gzip input gives what plain input gives; stdin and - too" {
	brul-features "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/a"
	brul-features "$BATS_FILE_TMPDIR/t.csv.gz" > "$BATS_TEST_TMPDIR/b"
	brul-features < "$BATS_FILE_TMPDIR/t.csv.gz" > "$BATS_TEST_TMPDIR/c"
	brul-features - < "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/d"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/d"
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/a")" = "$HEADER" ]
}

@test "NDJSON input gives what CSV input gives" {
	brul-features --fleet "$BATS_FILE_TMPDIR/fleet.csv" "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/a"
	brul-features --fleet "$BATS_FILE_TMPDIR/fleet.csv" "$BATS_FILE_TMPDIR/t.ndjson" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "NDJSON output carries the CSV output's values" {
	brul-features --window day "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/c"
	brul-features --window day --format ndjson "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/n"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/n")" -eq 48 ]
	head -n 1 "$BATS_TEST_TMPDIR/n" | grep -q '^{"battery_id":"B0001-1","string_id":"CMI-REC1-S1","date":"2026-01-01","ts":"2026-01-01T00:00:00Z","window_s":86400,"samples":1440,'
	head -n 1 "$BATS_TEST_TMPDIR/n" | grep -q '"age_days":null'
	paste -d'|' <(sed 1d "$BATS_TEST_TMPDIR/c") "$BATS_TEST_TMPDIR/n" | awk -F'|' '{
		n = split($1, v, ","); for (i = 1; i <= n; i++) if (v[i] != "" && index($2, v[i]) == 0) { print "missing " v[i] " in " $2; exit 1 } }'
}

@test "several files are read in order as one stream" {
	f=$BATS_FILE_TMPDIR/t.csv
	head -n 20001 "$f" > "$BATS_TEST_TMPDIR/p1.csv"
	{ head -n 1 "$f"; tail -n +20002 "$f"; } | gzip > "$BATS_TEST_TMPDIR/p2.csv.gz"
	brul-features "$f" > "$BATS_TEST_TMPDIR/a"
	brul-features "$BATS_TEST_TMPDIR/p1.csv" "$BATS_TEST_TMPDIR/p2.csv.gz" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "one row per battery and window, in window then battery order" {
	run brul-features "$BATS_FILE_TMPDIR/t.csv"
	assert_success
	[ "${#lines[@]}" -eq $((1 + 48 * 24)) ]
	[ "$(brul-features --window day "$BATS_FILE_TMPDIR/t.csv" | sed 1d | wc -l)" -eq 48 ]
	[ "$(brul-features --window 15m "$BATS_FILE_TMPDIR/t.csv" | sed 1d | wc -l)" -eq $((48 * 96)) ]
	[ "$(brul-features --window 86400 "$BATS_FILE_TMPDIR/t.csv" | sed 1d | cut -d, -f5 | sort -u)" = 86400 ]
	# ts ascending, and within a window the batteries in input order
	printf '%s\n' "${lines[@]:1}" | cut -d, -f4 | sort -c
	printf '%s\n' "${lines[@]:1:48}" | cut -d, -f1 > "$BATS_TEST_TMPDIR/first"
	sed -n '2,49p' "$BATS_FILE_TMPDIR/t.csv" | cut -d, -f2 | cmp - "$BATS_TEST_TMPDIR/first"
	[[ "${lines[1]}" == B0001-1,CMI-REC1-S1,2026-01-01,2026-01-01T00:00:00Z,3600,60,100.0,* ]]
}

@test "strings one after another give the same rows; batteries one after another all but two columns" {
	f=$BATS_FILE_TMPDIR/t.csv
	{ head -n 1 "$f"; sed 1d "$f" | sort -s -t, -k3,3; } > "$BATS_TEST_TMPDIR/by-string.csv"
	{ head -n 1 "$f"; sed 1d "$f" | sort -s -t, -k2,2; } > "$BATS_TEST_TMPDIR/by-battery.csv"
	brul-features "$f" | sort > "$BATS_TEST_TMPDIR/a"
	brul-features "$BATS_TEST_TMPDIR/by-string.csv" | sort > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	# t_rise_c (24) and v_dev_string_v (35) compare with the string
	brul-features "$BATS_TEST_TMPDIR/by-battery.csv" | cut -d, -f1-23,25-34 | sort > "$BATS_TEST_TMPDIR/c"
	cut -d, -f1-23,25-34 "$BATS_TEST_TMPDIR/a" | cmp - "$BATS_TEST_TMPDIR/c"
}

@test "the whole fleet: one row per block and hour, each with its string" {
	brul-gen --interval 3600 --quiet > "$BATS_TEST_TMPDIR/t.csv"
	brul-features "$BATS_TEST_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/f"
	[ "$(sed 1d "$BATS_TEST_TMPDIR/f" | wc -l)" -eq $((2376 * 24)) ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/f" | cut -d, -f2 | sort -u | wc -l)" -eq 99 ]
	sed 1d "$BATS_TEST_TMPDIR/t.csv" | cut -d, -f2,3 | sort -u > "$BATS_TEST_TMPDIR/a"
	sed 1d "$BATS_TEST_TMPDIR/f" | cut -d, -f1,2 | sort -u | cmp - "$BATS_TEST_TMPDIR/a"
}

@test "samples, v_mean, v_min, i_mean and t_max agree with awk" {
	brul-features "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/f"
	# per battery and hour: rows, mean and min voltage, max temperature,
	# mean current
	awk -F, 'NR > 1 { k = $2 "|" substr($1, 1, 13) ":00:00Z"; n[k]++
		if ($4 != "") { sv[k] += $4; nv[k]++; if (!(k in mn) || $4 + 0 < mn[k]) mn[k] = $4 + 0 }
		if ($6 != "" && (!(k in tx) || $6 + 0 > tx[k])) tx[k] = $6 + 0
		if ($5 != "") { si[k] += $5; ni[k]++ } }
	    END { for (k in n) printf "%s,%d,%.6f,%.3f,%.2f,%.6f\n", k, n[k],
		sv[k] / nv[k], mn[k], tx[k], si[k] / ni[k] }' \
	    "$BATS_FILE_TMPDIR/t.csv" | sort > "$BATS_TEST_TMPDIR/awk"
	# ours, cut in file order: samples, v_mean, v_min, i_mean, t_max
	[ "$(col samples),$(col v_mean_v),$(col v_min_v),$(col i_mean_a),$(col t_max_c)" = 6,8,9,12,17 ]
	sed 1d "$BATS_TEST_TMPDIR/f" | cut -d, -f1,4,6,8,9,12,17 | sed 's/,/|/' |
	    sort > "$BATS_TEST_TMPDIR/ours"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/awk")" -eq $((48 * 24)) ]
	join -t, "$BATS_TEST_TMPDIR/awk" "$BATS_TEST_TMPDIR/ours" | awk -F, '
	    function off(a, b) { return a - b > 6e-5 || b - a > 6e-5 }
	    { if ($2 != $7 || off($3, $8) || $4 != $9 || off($6, $10) ||
		$5 != $11) { print "mismatch: " $0; exit 1 }; m++ }
	    END { if (m != 48 * 24) { print "joined " m; exit 1 } }'
}

@test "with --fleet: age_days, eq_age_days, and r_ratio against the baseline" {
	brul-features --window day --fleet "$BATS_FILE_TMPDIR/fleet.csv" "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/f"
	# age: days from install_date to 2026-01-01; eq_age: present
	awk -F, 'NR == FNR { if (FNR > 1) { inst[$1] = $8; base[$1] = $10 }; next }
	    FNR > 1 { split(inst[$1], d, "-")
		# days between install_date and 2026-01-01 by a civil-days formula
		y = d[1]; m = d[2]; dd = d[3]; if (m <= 2) { y--; m += 12 }
		days = 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + dd
		y = 2025; m = 13; target = 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + 1
		if ($28 != sprintf("%.3f", target - days)) { print "age " $1 " " $28 " want " target - days; exit 1 }
		# one day from its start: every day before it counts at 25 degC
		if ($29 != $28) { print "eq_age " $1 " " $29 " age " $28; exit 1 }
		if ($25 == "" || $26 == "") { print "no resistance for " $1; exit 1 }
		want = $25 / base[$1]
		if ($26 - want > 1e-3 || want - $26 > 1e-3) { print "r_ratio " $1 " " $26 " want " want; exit 1 }
		if ($26 < 0.8 || $26 > 2.5) { print "r_ratio out of range " $26; exit 1 }
		if ($32 != "0.00") { print "dis_depth " $32; exit 1 }
		n++ } END { if (n != 48) { print "rows " n; exit 1 } }' "$BATS_FILE_TMPDIR/fleet.csv" "$BATS_TEST_TMPDIR/f"
	# without --fleet they are missing
	brul-features --window day "$BATS_FILE_TMPDIR/t.csv" | awk -F, 'NR > 1 && ($28 != "" || $29 != "" || $32 != "") { exit 1 }'
}

@test "an outage gives one discharge of the string's ampere-hours" {
	brul-gen --days 1 --batteries 24 --quiet \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=90m > "$BATS_TEST_TMPDIR/t.csv"
	brul-gen --emit batteries --batteries 24 --quiet > "$BATS_TEST_TMPDIR/fleet.csv"
	brul-features --window day --fleet "$BATS_TEST_TMPDIR/fleet.csv" "$BATS_TEST_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/f"
	# the string's current while discharging, integrated minute by minute
	ah=$(awk -F, '$2 == "B0001-1" && $5 < -5 { s -= $5 } END { printf "%.4f", s / 60 }' "$BATS_TEST_TMPDIR/t.csv")
	awk -F, -v ah="$ah" 'NR > 1 {
		if ($30 != 1) { print $1 " dis_count " $30; exit 1 }
		if ($31 - ah > 0.01 * ah || ah - $31 > 0.01 * ah) { print $1 " dis_ah " $31 " want " ah; exit 1 }
		if ($32 == "" || $33 == "" || $33 > 13 || $34 == "" || $34 <= 0) { print "depth/min_v/r " $0; exit 1 }
		n++ } END { if (n != 24) exit 1 }' "$BATS_TEST_TMPDIR/f"
	# hourly: the discharge starts in the 06:00 window only
	brul-features "$BATS_TEST_TMPDIR/t.csv" | awk -F, 'NR > 1 && $30 > 0 { print $4 }' | sort -u > "$BATS_TEST_TMPDIR/starts"
	[ "$(cat "$BATS_TEST_TMPDIR/starts")" = "2026-01-01T06:00:00Z" ]
}

@test "a write error (full disk) is reported with status 1" {
	run --separate-stderr brul-features -o /dev/full "$BATS_FILE_TMPDIR/t.csv"
	assert_failure 1
	[[ "$stderr" == "brul-features: "*"/dev/full"*"No space left on device"* ]]
}

@test "a disk that fills up mid-run: status 1 and no file left" {
	shim=${BRUL_TESTBIN:-$BATS_TEST_DIRNAME/../build/tests}/failwrite.so
	[ -f "$shim" ] || skip "no $shim (make units)"
	# a sanitized build lets the shim load ahead of its runtime
	run --separate-stderr env ASAN_OPTIONS=verify_asan_link_order=0 \
	    FAILWRITE_AFTER=100000 LD_PRELOAD="$shim" \
	    brul-features --window 15m -o "$BATS_TEST_TMPDIR/o.csv" "$BATS_FILE_TMPDIR/t.csv"
	assert_failure 1
	[[ "$stderr" == *"No space left on device"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/o.csv" ]
}

@test "an input that cannot be opened is reported with status 1" {
	run --separate-stderr brul-features "$BATS_TEST_TMPDIR/nonexistent.csv"
	assert_failure 1
	[[ "$stderr" == "brul-features: $BATS_TEST_TMPDIR/nonexistent.csv"* ]]
	run --separate-stderr brul-features --fleet "$BATS_TEST_TMPDIR/nonexistent.csv" /dev/null
	assert_failure 1
}

@test "-o NAME.gz compresses; gzip to a terminal is refused" {
	brul-features -o "$BATS_TEST_TMPDIR/f.csv.gz" "$BATS_FILE_TMPDIR/t.csv"
	gzip -t "$BATS_TEST_TMPDIR/f.csv.gz"
	[ "$(gzip -dc "$BATS_TEST_TMPDIR/f.csv.gz" | wc -l)" -eq $((1 + 48 * 24)) ]
	command -v script >/dev/null || skip "script(1) is not installed"
	# (a header alone: /dev/null, an empty input, is an error of its own)
	head -n 1 "$BATS_FILE_TMPDIR/t.csv" > "$BATS_TEST_TMPDIR/h.csv"
	run script -qec "$BRUL_BIN/brul-features -z $BATS_TEST_TMPDIR/h.csv" /dev/null
	assert_failure 1
	assert_output --partial "to a terminal (use -o FILE or --force)"
	# --force, as the message says, writes it anyway: gzip's magic first
	script -qec "$BRUL_BIN/brul-features -q -z --force $BATS_TEST_TMPDIR/h.csv 2>/dev/null" /dev/null > "$BATS_TEST_TMPDIR/tty"
	[ "$(od -An -tx1 -N2 "$BATS_TEST_TMPDIR/tty")" = " 1f 8b" ]
}

@test "peak memory does not grow with the number of days" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	# Plain input and 15-minute windows, so that even one day fills the
	# streams' fixed buffers (1 MiB in, 1 MiB out): what is left to
	# compare is the state per battery.
	brul-gen --days 1 --batteries 48 --quiet > "$BATS_TEST_TMPDIR/d1.csv"
	brul-gen --days 10 --batteries 48 --quiet > "$BATS_TEST_TMPDIR/d10.csv"
	m1=$(/usr/bin/time -f %M brul-features --window 15m "$BATS_TEST_TMPDIR/d1.csv" 2>&1 >/dev/null)
	m10=$(/usr/bin/time -f %M brul-features --window 15m "$BATS_TEST_TMPDIR/d10.csv" 2>&1 >/dev/null)
	echo "max RSS: 1 day $m1 KB, 10 days $m10 KB"
	[ "$m10" -le $((m1 * 12 / 10)) ]
	[ "$m1" -le $((m10 * 12 / 10)) ]
}
