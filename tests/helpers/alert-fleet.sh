#!/bin/sh
# alert-fleet.sh faults|month DIR: brul-alert's default rules over the
# whole fleet as issue 18 judges them, for tests/alert-fleet.bats and
# make bench.  Simulates the dataset into DIR, runs the twin and the rules
# (DIR/alerts.csv, DIR/digest.csv) and judges them with alert-check.py
# (DIR/check.json).  The tools are found on PATH, or in BRUL_BIN.
#
# faults: three days of the hot season (a day for the rules' baselines
#   first), and on the third a runaway, an open and a shorted cell,
#   cooling lost at Khon Kaen, an outage at Chiang Mai that takes its UPS
#   strings to cut-off, and a string whose feed is cut for an hour;
#   Phuket's own outage of the first night is there too.
# month: an ordinary 30 days, 5 min samples.
set -eu
[ -n "${BRUL_BIN:-}" ] && PATH=$BRUL_BIN:$PATH
what=$1 d=$2
here=$(dirname "$0")
case $what in
faults)
	brul-gen --dataset "$d" --days 3 --start 2026-04-08 --quiet \
	    --scenario runaway,battery=B0100-1,fail=2026-04-10T20:00:00Z \
	    --scenario failure,battery=B0500-1,fail=2026-04-10T10:00:00Z,mode=open_cell \
	    --scenario failure,battery=B0900-1,fail=2026-04-10T12:00:00Z,mode=short_cell \
	    --scenario hvac,site=KKN,start=2026-04-10T03:00:00Z,duration=12h \
	    --scenario outage,site=CMI,start=2026-04-10T14:00:00Z,duration=4h
	gap=NBI-UPS1-S1,2026-04-10T16:00:00Z,2026-04-10T17:00:00Z
	awk -F, '!($3 == "NBI-UPS1-S1" && $1 >= "2026-04-10T16:00" &&
	    $1 < "2026-04-10T17:00")' "$d/telemetry.csv" > "$d/t.csv" ;;
month)
	brul-gen --dataset "$d" --days 30 --interval 300 --quiet
	gap=
	ln -sf telemetry.csv "$d/t.csv" ;;
*)
	echo "usage: alert-fleet.sh faults|month DIR" >&2
	exit 2 ;;
esac
brul-twin --fleet "$d/batteries.csv" --every 1h "$d/t.csv" > "$d/twin.csv"
brul-alert -q --fleet "$d/batteries.csv" --systems "$d/systems.csv" \
    --string-telemetry "$d/string_telemetry.csv" --twin "$d/twin.csv" \
    --digest "$d/digest.csv" "$d/t.csv" > "$d/alerts.csv"
/usr/bin/python3 "$here/alert-check.py" "$d" "$d/alerts.csv" $gap > "$d/check.json"
