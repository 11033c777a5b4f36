#!/usr/bin/env bats
# brul-twin against reality: real one-minute discharge logs of 12 V
# lead-acid blocks, in ../shared/data/real-lead-acid beside the project
# (or $BRUL_REAL_LOGS), never copied into it.  Without them the test says
# it skipped.  tests/helpers/real-logs.sh does the work and prints the table
# the README gives; the marks below are today's, kept so that the twin does
# not get worse on real blocks unnoticed (they are far from the simulator's).

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	LOGS=${BRUL_REAL_LOGS:-$BATS_TEST_DIRNAME/../../shared/data/real-lead-acid}
	[ -f "$LOGS/battery_info.csv" ] ||
	    skip "no real discharge logs in $LOGS: the check against reality did not run"
}

@test "the twin on real discharge logs: fitted on the first half, judged on the second" {
	run sh "$BATS_TEST_DIRNAME/helpers/real-logs.sh" "$LOGS" "$BATS_TEST_TMPDIR"
	assert_success
	echo "$output"
	[ "${#lines[@]}" = 13 ]
	table=$output
	# The logs that start full get a circuit of their own, every one
	# (test2.csv's glitch, 16 minutes of 1.5 V, left out by brul-import).
	read -r n f < <(awk 'NR > 1 && $2 == "full" { n++; if ($3 == "yes") f++ } END { print n, f }' <<< "$table")
	[ "$n" = 7 ] && [ "$f" = 7 ]
	# Over the halves the fit never saw: the median state-of-charge RMSE
	# at most 5 points and the median voltage RMSE at most 0.15 V (today
	# 3.4 and 0.100; 5.7 when the twin and the fit took the logger's
	# glitches, a volt high, as the block's; 0.136 V when brul-import
	# passed on the voltages the bench held); over every log, whole, the
	# median at most 10 points (today 8.0).
	median() { sort -n | awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }
	soc2=$(awk 'NR > 1 && $3 == "yes" { print $5 }' <<< "$table" | median)
	v2=$(awk 'NR > 1 && $3 == "yes" { print $6 }' <<< "$table" | median)
	all=$(awk 'NR > 1 { print $4 }' <<< "$table" | median)
	echo "median SOC RMSE, unseen halves: $soc2; voltage: $v2 V; all logs whole: $all"
	awk -v a="$soc2" -v b="$v2" -v c="$all" 'BEGIN { exit !(a <= 5 && b <= 0.15 && c <= 10) }'
	# Log 8's glitch, a reading a volt high at 30 % charge, does not
	# throw its state of charge up for good (21.1 points when taken,
	# today 8.5).
	awk '$1 == "T8" { exit !($4 <= 12) }' <<< "$table"
	# The stated standard deviation, with the circuit's misfit: the
	# error within it for a median of at least 30 % of a log's minutes
	# and 5 % of every log's (today 40 % and 9 %; the filter's own sd
	# held it for 0-15 %).
	sd=$(awk 'NR > 1 { print $7 }' <<< "$table" | median)
	least=$(awk 'NR > 1 { print $7 }' <<< "$table" | sort -n | head -1)
	echo "minutes within the stated sd: median $sd %, least $least %"
	awk -v m="$sd" -v l="$least" 'BEGIN { exit !(m >= 30 && l >= 5) }'
}
