#!/usr/bin/env bats
# brul-twin against real 12 V 9 Ah AGM VRLA blocks (Asterion HR12-9, the
# type behind small UPS systems), measured by UCT and kept in
# ../shared/data/real-vrla-agm beside the project (or $BRUL_REAL_DATA),
# never copied into it.  Without them each test says it skipped.  The
# helpers read the files as a monitor's export would be read (brul-import)
# and print the tables brul-twin(1) and the README give; the marks below
# keep the twin from getting worse on real blocks unnoticed.

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	DATA=${BRUL_REAL_DATA:-$BATS_TEST_DIRNAME/../../shared/data}/real-vrla-agm
	ECM=$BATS_TEST_DIRNAME/../data/ecm.csv
}

need_data() {
	[ -d "$DATA/$1" ] ||
	    skip "no measured data in $DATA/$1: the check against reality did not run"
}

@test "real AGM capacity tests: the type's circuit fitted on six blocks predicts the seventh's runtime" {
	need_data uct-capacity
	run -0 sh "$BATS_TEST_DIRNAME/helpers/real-agm.sh" "$DATA/uct-capacity" "$BATS_TEST_TMPDIR"
	echo "$output"
	[ "${#lines[@]}" = 8 ]
	table=$output
	# Ten minutes into a discharge at 1.56 A, the minutes left to 10.5 V
	# within 5 % of what followed, for every block (today 0.4-2.4 %,
	# always on the safe side).
	awk 'NR > 1 { e = ($5 - $6) / $6; if (e < 0) e = -e
		if (e > 0.05) { print "runtime off by " 100 * e " %: " $0; bad = 1 } }
		END { exit bad }' <<< "$table"
	# Each block's own fit: its capacity (to empty, at a low rate) in the
	# same ratio to the Ah the test measured at C/6 for every block (today
	# 0.850-0.861): blocks are told apart as the test tells them.
	awk 'NR > 1 { r = 9 * $2 / 100 / $4; if (lo == "" || r < lo) lo = r; if (r > hi) hi = r }
		END { print "measured over fitted: " lo " to " hi; exit !(hi / lo <= 1.03) }' <<< "$table"
	# The capacity at the test's 1.56 A the twin predicted at rest, having
	# seen the first discharge (--load), within 5 % of what the second
	# delivered, for every block (today 0.5-2.2 %, always short).
	awk 'NR > 1 { e = ($7 - $2) / $2; if (e < 0) e = -e
		if (e > 0.05) { print "capacity off by " 100 * e " %: " $0; bad = 1 } }
		END { exit bad }' <<< "$table"
	# The runtime over the second discharge after its first 20 %: within
	# 10 % of what followed at every sample for at least four blocks (the
	# target is all seven: today C01, C06 and C07 miss it, over by up to
	# 42, 19 and 12 % near the end, the unsafe side; the mark keeps it
	# from getting worse unnoticed).
	awk 'NR > 1 { if ($8 == 100) good++; if ($9 > worst) worst = $9 }
		END { print good " blocks within 10 % throughout, over by up to " worst " %"
		      exit !(good >= 4 && worst <= 50) }' <<< "$table"
	# And its 90 % interval held the minutes that followed at 85 % of
	# those samples at least, for every block (today 90.6-100; the
	# filter's own variance alone held them at 15-94 %).
	awk 'NR > 1 { if (lo == "" || $10 < lo) lo = $10 }
		END { print "interval held at " lo " % of the samples at least"
		      exit !(lo >= 85) }' <<< "$table"
	# The twin's state of health, from the type's circuit and the block's
	# two discharges, within 8 points of its own fit's capacity over
	# rated (today 2.1 to 6.7).
	awk 'NR > 1 { e = $3 - 100 * $4 / 9; if (e < 0) e = -e
		if (e > 8) { print "health off by " e ": " $0; bad = 1 } }
		END { exit bad }' <<< "$table"
}

@test "real AGM rest voltages: the circuit's temperature coefficient holds from 0 degC to the room" {
	need_data uct-soc-batch-a/eis
	run -0 sh "$BATS_TEST_DIRNAME/helpers/real-eis-ocv.sh" "$DATA/uct-soc-batch-a/eis"
	echo "$output"
	[ "${#lines[@]}" = 11 ]
	# Blocks A04 to A10 (A01-A03 still carry their charge's surface
	# charge, falling day by day): the rest voltage at 0 degC against the
	# room (20-25 degC) the same afternoon.  The model's coefficient
	# predicts the rise over 20 to 25 degC; the measured median lies
	# within it, give or take 10 %.
	k=$(awk -F, '$1 == "HR12-9" { print $4 }' "$ECM")
	[ -n "$k" ]
	awk -v k="$k" 'NR > 1 && $1 >= "A04" && $3 != "-" && $8 != "-" { print $8 - $3 }' <<< "$output" |
	    sort -g | awk -v k="$k" '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]
		printf "median rise %.3f V over %d blocks; the model says %.3f-%.3f\n", m, NR, 20 * k, 25 * k
		exit !(NR >= 6 && m >= 0.9 * 20 * k && m <= 1.1 * 25 * k) }'
}
