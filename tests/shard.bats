#!/usr/bin/env bats
# --shard I/N across the filters: each of N hosts takes a share of the
# fleet's sites from the whole stream, and the N outputs, one header kept,
# are exactly what one run writes (up to row order), and what the filter
# writes from brul-gen's own share.

bats_require_minimum_version 1.5.0
load helpers/common

# Four sites, one in each of four shares (CMI 0, SRC 1, BRK 2, KKN 3),
# with a failing block at CMI, BRK and KKN for the alerts (each share has
# its own), an HVAC failure at KKN and an outage at SRC for brul-twin --fit.
setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	sel="--site CMI --site KKN --site SRC --site BRK"
	sc="--scenario hvac,site=KKN,start=2026-01-01T06:00:00Z,duration=12h
	    --scenario outage,site=SRC,start=2026-01-01T10:00:00Z,duration=4h
	    --scenario failure,battery=B0005-1,fail=2026-01-02T08:00:00Z,mode=short_cell
	    --scenario failure,battery=B0797-1,fail=2026-01-01T16:00:00Z,mode=open_cell
	    --scenario failure,battery=B0221-1,fail=2026-01-01T20:00:00Z,mode=open_cell"
	"$B"/brul-gen $sel $sc --days 2 --interval 300 --quiet --dataset "$d/ds"
	for i in 0 1 2 3; do
		"$B"/brul-gen $sel $sc --days 2 --interval 300 --quiet \
		    --shard $i/4 > "$d/gen$i.csv"
	done
}

setup() {
	D=$BATS_FILE_TMPDIR/ds
	T=$BATS_TEST_TMPDIR
}

# whole CMD...: runs CMD on the whole telemetry and on each of N=4 shares
# (the share's option added) and checks the shares' rows, one header kept,
# against the whole's, sorted; then against CMD on brul-gen's shares.
whole() {
	"$@" "$D/telemetry.csv" > "$T/whole"
	for i in 0 1 2 3; do
		"$@" --shard $i/4 "$D/telemetry.csv" > "$T/share$i"
		cmp <(head -1 "$T/share$i") <(head -1 "$T/whole")
		# the share has rows, and only its own site's
		[ "$(sed 1d "$T/share$i" | wc -l)" -gt 0 ]
		"$@" "$BATS_FILE_TMPDIR/gen$i.csv" | cmp - "$T/share$i"
	done
	cmp <(sed 1d "$T/whole" | sort) \
	    <(cat "$T"/share[0-3] | grep -vxF "$(head -1 "$T/whole")" | sort)
}

@test "brul-features --shard: the shares together are the whole, each brul-gen's share" {
	whole brul-features --window day --fleet "$D/batteries.csv"
	[ "$(sed 1d "$T/share1" | cut -d, -f2 | cut -d- -f1 | sort -u)" = SRC ]
	# a row a block a day
	[ "$(sed 1d "$T/whole" | wc -l)" -eq $(($(sed 1d "$D/batteries.csv" | wc -l) * 2)) ]
}

@test "brul-twin --shard: the shares together are the whole, --fit's too" {
	whole brul-twin --every 1h --fleet "$D/batteries.csv"
	# the models' rows come from the first share only; the outage's
	# blocks at SRC are fitted, in SRC's share
	brul-twin --fit --quiet --fleet "$D/batteries.csv" "$D/telemetry.csv" > "$T/fw"
	[ "$(grep -c '^HR' "$T/fw")" -gt 0 ]
	[ "$(grep -c ',B[0-9]' "$T/fw")" -gt 0 ]
	for i in 0 1 2 3; do
		brul-twin --fit --quiet --shard $i/4 --fleet "$D/batteries.csv" \
		    "$D/telemetry.csv" | sed 1d
	done | sort | cmp - <(sed 1d "$T/fw" | sort)
}

@test "brul-alert --shard: the shares together are the whole, a site's alerts in its share" {
	whole brul-alert --fleet "$D/batteries.csv" --systems "$D/systems.csv" \
	    --string-telemetry "$D/string_telemetry.csv"
	# KKN's open cell alerts, in KKN's share only
	grep -q ',voltage_low,.*,KKN,KKN-REC1-S1,B0221-1,' "$T/share3"
	! grep -q KKN "$T/share0" "$T/share1" "$T/share2"
	# and the ageing digest splits the same way
	brul-alert --fleet "$D/batteries.csv" --digest "$T/dw" \
	    "$D/telemetry.csv" > /dev/null
	for i in 0 1 2 3; do
		brul-alert --fleet "$D/batteries.csv" --digest "$T/d$i" \
		    --shard $i/4 "$D/telemetry.csv" > /dev/null
		sed 1d "$T/d$i"
	done | sort | cmp - <(sed 1d "$T/dw" | sort)
	[ "$(sed 1d "$T/dw" | wc -l)" -gt 0 ]
}

@test "--shard refused: not I/N, I out of range, without --fleet, with --fit-models or --list-rules" {
	for tool in brul-features brul-twin brul-alert; do
		for bad in 4/4 x 1/0 -1/2 1/10001 /2 1/; do
			run --separate-stderr $tool --fleet "$D/batteries.csv" --shard "$bad" "$D/telemetry.csv"
			assert_failure 2
			[[ "$stderr" == "$tool: --shard: "*"I/N, the I-th of N shares of the sites"* ]]
			[ -z "$output" ]
		done
	done
	run --separate-stderr brul-features --shard 0/2 "$D/telemetry.csv"
	assert_failure 2
	[[ "$stderr" == "brul-features: --shard needs --fleet"* ]]
	run --separate-stderr brul-twin --fit --fit-models --shard 0/2 --fleet "$D/batteries.csv" "$D/telemetry.csv"
	assert_failure 2
	[[ "$stderr" == "brul-twin: --fit-models takes the median over the whole fleet: not with --shard"* ]]
	run --separate-stderr brul-alert --list-rules --shard 0/2
	assert_failure 2
	[[ "$stderr" == *"not with --shard"* ]]
}

@test "--shard needs each battery's site: a fleet without site_id, a battery not in it" {
	cut -d, -f1,3- "$D/batteries.csv" > "$T/nosite.csv"
	run --separate-stderr brul-features --shard 0/2 --fleet "$T/nosite.csv" "$D/telemetry.csv"
	assert_failure 1
	[[ "$stderr" == *"site_id"* ]]
	[ -z "$output" ]
	run --separate-stderr brul-twin --shard 0/2 --fleet "$T/nosite.csv" "$D/telemetry.csv"
	assert_failure 1
	[[ "$stderr" == *"site_id"* ]]
	# a battery the fleet does not give: its share is unknown
	grep -v '^B0001-1,' "$D/batteries.csv" > "$T/less.csv"
	run --separate-stderr brul-features --shard 0/4 --fleet "$T/less.csv" "$D/telemetry.csv"
	assert_failure 1
	[[ "$stderr" == "brul-features: $D/telemetry.csv:2: battery_id: B0001-1 is not in --fleet, so its share is unknown" ]]
}
