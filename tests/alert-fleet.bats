#!/usr/bin/env bats
# brul-alert over the whole fleet (2,376 blocks) with the default rules,
# as an operator's morning judges it (issue 18): few alerts, each on
# something in real trouble by the simulator's truth, and every injected
# fault caught in the time its rule promises.  tests/helpers/alert-fleet.sh
# runs the scenarios; alert-check.py judges the alerts from the dataset's
# events and labels.

bats_require_minimum_version 1.5.0
load helpers/common

fleet() {
	sh "$BATS_TEST_DIRNAME/helpers/alert-fleet.sh" "$@"
}

@test "faults across the whole fleet: each caught in time, a site's cause one alert, a failed block alerted until replaced" {
	d=$BATS_TEST_TMPDIR/f
	# the scenarios: tests/helpers/alert-fleet.sh
	fleet faults "$d"
	cat "$d/check.json"
	run /usr/bin/python3 - "$d/check.json" <<-'PY'
	import json, sys
	c = json.load(open(sys.argv[1]))
	f = c["faults"]
	# every fault, the six cut-offs and the hour without data among them
	assert len(f) >= 10, f
	for k in ("runaway B0100-1", "open_cell B0500-1", "short_cell B0900-1",
	          "hvac KKN", "feed NBI-UPS1-S1"):
	    assert k in f, k
	for k, v in f.items():
	    assert v is not None and v["minutes"] <= 0, (k, v)
	# the outage's cut-offs: one alert of the site for its strings
	cut = {v["alert"] for k, v in f.items() if k.startswith("cutoff CMI-")}
	assert len(cut - {a for a in cut if ".CMI-" in a}) == 1, cut
	assert c["critical"] >= 5 and c["critical"] == c["critical_real"], c
	assert c["max_open"] * 50 <= c["blocks"], c
	print("ok")
	PY
	echo "$output"
	assert_output ok
	# The failed blocks' alerts are still open at the end: the runaway's
	# latched, the cells' voltage.
	run /usr/bin/python3 -c '
import csv, sys
st = {}
for r in csv.DictReader(open(sys.argv[1])):
    st[r["alert_id"]] = r["event"] != "clear"
for b, k in (("B0100-1", "thermal_runaway"), ("B0500-1", "voltage_low"),
             ("B0900-1", "voltage_low")):
    assert any(o for a, o in st.items() if a.startswith(k + "." + b + ".")), (b, k)
print("ok")' "$d/alerts.csv"
	assert_output ok
	# Priorities: the runaway first, the cut-off of the site's load next.
	run awk -F, '$3 != "clear" && $4 == "thermal_runaway" && $9 == "B0100-1" { p = $6 } END { print p }' "$d/alerts.csv"
	assert_output 1
	run awk -F, '$3 != "clear" && $4 == "string_cutoff" && $5 == "critical" { p = $6 } END { print p }' "$d/alerts.csv"
	assert_output 2
}

@test "an ordinary month of the whole fleet: at most one open alert per 50 blocks, every critical one real, ageing in the digest" {
	d=$BATS_TEST_TMPDIR/m
	fleet month "$d"
	run /usr/bin/python3 - "$d/check.json" <<-'PY'
	import json, sys
	c = json.load(open(sys.argv[1]))
	print("blocks", c["blocks"], "most open at once", c["max_open"],
	      "critical", c["critical"], "real", c["critical_real"])
	assert c["max_open"] * 50 <= c["blocks"], c
	assert c["critical"] >= 1 and c["critical_real"] * 10 >= c["critical"] * 9, c
	PY
	echo "$output"
	assert_success
	# Ageing: a maintenance item of each day's digest, not an alert.
	run grep -c ',resistance_high,' "$d/alerts.csv"
	assert_output 0
	run awk -F, '$1 == "2026-01-30" && $2 == "resistance_high" { n++ } END { print n + 0 }' "$d/digest.csv"
	echo "resistance items on the last day: $output"
	[ "$output" -gt 100 ]
}
