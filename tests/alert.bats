#!/usr/bin/env bats
# brul-alert against the simulator's scenarios: a thermal runaway, an HVAC
# failure at one of two sites, an outage, a healthy fleet over 30 days and
# a block whose monitor drops out; and the command line.

bats_require_minimum_version 1.5.0
load helpers/common

HEADER=ts,alert_id,event,kind,severity,priority,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message

setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	# One string; block 10 runs away, failing at midnight on the 4th
	# (it starts to heat 36 h before).
	"$B"/brul-gen --dataset "$d/ra" --batteries 24 --days 4 --quiet \
	    --scenario runaway,battery=B0010-1,fail=2026-01-04T00:00:00Z
	# Two sites in the hot season; cooling lost at Phuket for 12 h.
	"$B"/brul-gen --dataset "$d/hv" --site CMI --site PKT --days 4 \
	    --interval 300 --start 2026-04-08 --quiet \
	    --scenario hvac,site=PKT,start=2026-04-10T03:00:00Z,duration=12h
	# One string on battery for 3 h on the second day.
	"$B"/brul-gen --dataset "$d/ou" --batteries 24 --days 2 --quiet \
	    --scenario outage,site=CMI,start=2026-01-02T06:00:00Z,duration=3h
	for s in ra hv ou; do
		alert "$d/$s" > "$d/$s/alerts.csv"
	done
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

# alert DIR [OPTIONS]: brul-alert over a dataset directory.
alert() {
	local d=$1
	shift
	brul-alert --fleet "$d/batteries.csv" --systems "$d/systems.csv" \
	    --string-telemetry "$d/string_telemetry.csv" "$@" "$d/telemetry.csv"
}

# consistent FILE: the events make sense as alerts: ids unique to one
# opening, every update and clear after its open, at most one open alert
# per kind and entity, times in order.
consistent() {
	/usr/bin/python3 - "$1" <<'PY'
import csv, sys
open_ = {}; state = {}; last = ""; n = 0
for r in csv.DictReader(open(sys.argv[1])):
    n += 1
    assert r["ts"] >= last, ("time order", r)
    last = r["ts"]
    ent = (r["kind"], r["battery_id"] or r["string_id"] or r["site_id"])
    if r["event"] == "open":
        assert r["alert_id"] not in state, ("id reused", r)
        assert ent not in open_, ("two open alerts", r)
        assert r["ts_open"] == r["ts"] and not r["ts_clear"], r
        open_[ent] = r["alert_id"]; state[r["alert_id"]] = "open"
    else:
        assert open_.get(ent) == r["alert_id"], ("not open", r)
        assert r["ts_open"] < r["ts"] or r["ts_open"] == r["ts"], r
        if r["event"] == "clear":
            assert r["ts_clear"] == r["ts"], r
            del open_[ent]; state[r["alert_id"]] = "clear"
    assert r["severity"] in ("warning", "critical"), r
    assert r["message"], r
print(n)
PY
}

@test "thermal runaway: a critical alert before the block is 10 degC over ambient" {
	run consistent "$F/ra/alerts.csv"
	assert_success
	/usr/bin/python3 - "$F/ra" <<'PY'
import csv, sys
d = sys.argv[1]
amb = {r["ts"]: float(r["ambient_c"]) for r in csv.DictReader(open(d + "/string_telemetry.csv"))}
hot = min(r["ts"] for r in csv.DictReader(open(d + "/telemetry.csv"))
          if r["battery_id"] == "B0010-1" and r["temperature_c"]
          and float(r["temperature_c"]) - amb[r["ts"]] >= 10)
ev = list(csv.DictReader(open(d + "/alerts.csv")))
crit = [r for r in ev if r["kind"] == "thermal_runaway" and r["severity"] == "critical"]
assert crit and crit[0]["battery_id"] == "B0010-1", crit
lead = (int(hot[8:10]) * 24 + int(hot[11:13])) * 60 + int(hot[14:16]) - \
       ((int(crit[0]["ts"][8:10]) * 24 + int(crit[0]["ts"][11:13])) * 60 + int(crit[0]["ts"][14:16]))
print("critical at", crit[0]["ts"], "10 degC over ambient at", hot, "lead", lead, "min")
assert lead >= 60, "critical less than an hour before +10 degC"
# Only the runaway block is said to run away.
assert {r["battery_id"] for r in ev if r["kind"] == "thermal_runaway"} == {"B0010-1"}
# It stays open, latched, while the failed block is in service, though
# the block has cooled: only a replacement (or an operator) ends it.
assert not any(r["event"] == "clear" for r in ev if r["kind"] == "thermal_runaway")
assert crit[0]["priority"] == "1" and "hotter than usual against its string's median (critical limit 4 °C)" in crit[0]["message"], crit[0]
PY
}

@test "HVAC failure: temperature alerts at that site only, opened on time, cleared after" {
	run consistent "$F/hv/alerts.csv"
	assert_success
	/usr/bin/python3 - "$F/hv" <<'PY'
import csv, sys, datetime as dt
d = sys.argv[1]
T = lambda s: dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
ev = list(csv.DictReader(open(d + "/alerts.csv")))
temp = [r for r in ev if "temperature" in r["kind"]]
assert temp, "no temperature alert"
assert {r["site_id"] for r in temp} == {"PKT"}, {r["site_id"] for r in temp}
# The room rule's own value: the site's warmest string's ambient over its
# mean in the first day; it must open 10 min (its duration) after the
# value first stays over 4 degC, to the sample (5 min).
amb = {}
for r in csv.DictReader(open(d + "/string_telemetry.csv")):
    if r["string_id"].startswith("PKT"):
        amb[r["ts"]] = max(amb.get(r["ts"], -99), float(r["ambient_c"]))
ts = sorted(amb)
t0 = T(ts[0])
first_day = [amb[t] for t in ts if T(t) < t0 + dt.timedelta(days=1)]
base = sum(first_day) / len(first_day)
later = [t for t in ts if T(t) >= t0 + dt.timedelta(days=1)]
held = lambda i: all(amb[t] - base >= 4 for t in later[i:i + 3])
start = next(later[i] for i in range(len(later)) if held(i))
rise = [r for r in ev if r["kind"] == "room_temperature_rise"]
assert rise[0]["event"] == "open", rise
wait = (T(rise[0]["ts"]) - T(start)).total_seconds()
print("4 degC over from", start, "held, opened at", rise[0]["ts"], "after", wait, "s")
assert wait == 600, wait
assert T("2026-04-10T03:00:00Z") < T(start) < T("2026-04-10T15:00:00Z")
# Cleared as the room came back (the evening outside, then the repair at
# 15:00): at the first sample under the clear threshold; nothing left open.
clear = [r for r in rise if r["event"] == "clear"]
back = next(t for t in later if t > rise[0]["ts"] and amb[t] - base < 2.5)
print("back under 2.5 degC at", back, "cleared at", clear[0]["ts"])
assert clear[0]["ts"] == back and back < "2026-04-10T18:00:00Z", clear
assert len([r for r in temp if r["event"] == "open"]) == len([r for r in temp if r["event"] == "clear"])
PY
}

@test "an outage: no voltage alarm while suppressed, and one without the suppression" {
	run consistent "$F/ou/alerts.csv"
	assert_success
	# The discharge is there: over an hour below 12.7 V a block.
	run awk -F, '$5 == "discharge" && $3 < 24 * 12.7 { n++ } END { print n + 0 }' \
	    "$F/ou/string_telemetry.csv"
	[ "$output" -gt 60 ]
	run grep -cE ',(voltage_low|voltage_high|string_imbalance),' "$F/ou/alerts.csv"
	assert_output 0
	# The same rule with its suppression taken away alarms during it.
	cat > "$T/rules.json" <<-'EOF'
	{"extends": "default", "rules": [
	  {"name": "voltage_low", "metric": "float_deviation_v",
	   "direction": "below", "warning": -0.3, "critical": -0.6,
	   "clear": -0.2, "for": "15m"}]}
	EOF
	alert "$F/ou" --rules "$T/rules.json" > "$T/a.csv"
	# every block of the string at once: one alert, the string's
	run awk -F, '$4 == "voltage_low" && $3 == "open" && $1 >= "2026-01-02T06" && $1 < "2026-01-02T09" { print $8 "," $9 }' "$T/a.csv"
	assert_output "CMI-REC1-S1,"
	run grep -c ',voltage_low,.*voltage_low: string CMI-REC1-S1 (24 of 24 blocks) at -' "$T/a.csv"
	[ "$output" -ge 2 ]
}

@test "a healthy fleet over 30 days opens no critical alert" {
	d=$T/h30
	brul-gen --dataset "$d" --site SRC --site HDY --days 30 --interval 600 --quiet
	# Healthy: every block of the string at least 85 % state of health
	# and a year of life left, all month.
	/usr/bin/python3 - "$d" <<-'PY'
	import csv, sys, collections
	d = sys.argv[1]
	string = {r["battery_id"]: r["string_id"] for r in csv.DictReader(open(d + "/batteries.csv"))}
	bad = {string[r["battery_id"]] for r in csv.DictReader(open(d + "/labels.csv"))
	       if float(r["soh_pct"]) < 85 or (r["rul_days"] and int(r["rul_days"]) < 365)}
	good = sorted(set(string.values()) - bad)
	print(len(good), "healthy strings of", len(set(string.values())), file=sys.stderr)
	assert len(good) >= 8
	open(d + "/good", "w").write("\n".join(good) + "\n")
	PY
	for s in batteries telemetry string_telemetry; do
		awk -F, 'NR == FNR { ok[$1] = 1; next }
		    FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "string_id") c = i; print; next }
		    ok[$c]' "$d/good" "$d/$s.csv" > "$d/$s.h"
		mv "$d/$s.h" "$d/$s.csv"
	done
	alert "$d" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	run grep -c ',critical,' "$T/a.csv"
	assert_output 0
}

@test "an equalize charge without the string stream: one alert of the string, not 24" {
	# The 90-day dataset of issue 15, item 13: CMI-REC1 equalizes its
	# strings on 29 March, 03:00-11:00; without --string-telemetry the
	# charge cannot be told from float, and every block of the string
	# reads over its float voltage.
	brul-gen --days 90 --batteries 24 --emit batteries -o "$T/b.csv"
	brul-gen --days 90 --batteries 24 -o "$T/t.csv"
	brul-alert --quiet --fleet "$T/b.csv" "$T/t.csv" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	run grep ',voltage_high,' "$T/a.csv"
	assert_line --index 0 '2026-03-29T03:15:00Z,voltage_high.CMI-REC1-S1.20260329T0315Z,open,voltage_high,critical,1,CMI,CMI-REC1-S1,,0.63,0.6,2026-03-29T03:15:00Z,,string CMI-REC1-S1 (24 of 24 blocks) floats 0.63 V over its temperature-compensated float voltage (critical limit 0.6 V)'
	assert_line --index 1 '2026-03-29T11:00:00Z,voltage_high.CMI-REC1-S1.20260329T0315Z,clear,voltage_high,critical,1,CMI,CMI-REC1-S1,,0.02,0.25,2026-03-29T03:15:00Z,2026-03-29T11:00:00Z,cleared: string CMI-REC1-S1 (24 of 24 blocks) floats 0.02 V over its temperature-compensated float voltage (back under 0.25 V)'
	[ "${#lines[@]}" -eq 2 ]
	# With the string stream the charge is known, and suppresses them.
	brul-gen --days 90 --batteries 24 --emit string_telemetry -o "$T/s.csv"
	brul-alert --fleet "$T/b.csv" --string-telemetry "$T/s.csv" "$T/t.csv" > "$T/a.csv"
	run grep -c ',voltage_high,' "$T/a.csv"
	assert_output 0
}

@test "a string's alert: 90 % of its blocks at once; later ones join it, fewer keep their own" {
	# A day with the equalize charge; NB blocks read no voltage while
	# it starts (03:00-03:40), so that 24 - NB open at 03:15.
	d=$T/eq
	brul-gen --start 2026-03-29 --batteries 24 --dataset "$d" --quiet
	blank() {	# blank N: the voltage of blocks 1 to N gone
		awk -F, -v OFS=, -v n="$1" 'NR > 1 && $1 < "2026-03-29T03:40" && substr($2, 2, 4) + 0 <= n { $4 = "" } 1' \
		    "$d/telemetry.csv" > "$T/t.csv"
		brul-alert -q --fleet "$d/batteries.csv" "$T/t.csv" | grep ",voltage_high,"
	}
	# 22 of 24 is 90 %: the string's alert; the 2 others join it at
	# 03:55 (their 15 minutes from 03:40), the string already critical.
	run blank 2
	assert_line --index 0 --partial '2026-03-29T03:15:00Z,voltage_high.CMI-REC1-S1.20260329T0315Z,open,voltage_high,critical,1,CMI,CMI-REC1-S1,,0.63,0.6,'
	assert_line --index 0 --partial 'string CMI-REC1-S1 (22 of 24 blocks) floats 0.63 V'
	assert_line --index 1 --partial '2026-03-29T11:00:00Z,voltage_high.CMI-REC1-S1.20260329T0315Z,clear,'
	assert_line --index 1 --partial 'cleared: string CMI-REC1-S1 (24 of 24 blocks) floats'
	[ "${#lines[@]}" -eq 2 ]
	# 21 of 24 is not: each block its own alert, the 3 others too.
	blank 3 > "$T/a.csv"
	run awk -F, '$3 == "open" { n[$9 == "" ? "string" : "block"]++ }
	    END { print n["string"] + 0, n["block"] + 0 }' "$T/a.csv"
	assert_output "0 24"
}

@test "without the string stream, a note says once that charger modes cannot be suppressed" {
	note="brul-alert: without --string-telemetry the charger's modes rest and equalize are unknown: rules cannot be suppressed during them"
	run --separate-stderr brul-alert --fleet "$F/ra/batteries.csv" "$F/ra/telemetry.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$note" ]
	# not with --quiet, nor with the string stream, nor when no rule
	# waits on those modes
	run --separate-stderr brul-alert -q --fleet "$F/ra/batteries.csv" "$F/ra/telemetry.csv"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	run --separate-stderr alert "$F/ra"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	printf '{"rules": [{"name": "hot", "metric": "temperature_c", "warning": 40}]}' > "$T/r.json"
	run --separate-stderr brul-alert --rules "$T/r.json" --fleet "$F/ra/batteries.csv" "$F/ra/telemetry.csv"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	# an error is said alone; a header alone has no readings to judge
	run -1 brul-alert --fleet "$F/ra/batteries.csv" -o /dev/full "$F/ra/telemetry.csv"
	refute_output --partial "without --string-telemetry"
	head -n 1 "$F/ra/telemetry.csv" > "$T/h.csv"
	run --separate-stderr brul-alert --fleet "$F/ra/batteries.csv" "$T/h.csv"
	[ "$status" -eq 0 ] && [ "$stderr" = "brul-alert: $T/h.csv: 0 rows" ]
}

@test "a single runaway block still raises its own alert, with or without the string stream" {
	brul-alert --fleet "$F/ra/batteries.csv" "$F/ra/telemetry.csv" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	run awk -F, '$4 == "thermal_runaway" && $3 == "open" { print $2, $8, $9 }' "$T/a.csv"
	assert_output 'thermal_runaway.B0010-1.20260103T0807Z CMI-REC1-S1 B0010-1'
	run awk -F, '$4 == "thermal_runaway" && $3 == "open" { print $2, $8, $9 }' "$F/ra/alerts.csv"
	assert_output 'thermal_runaway.B0010-1.20260103T0807Z CMI-REC1-S1 B0010-1'
	# no block rule's alert is the whole string's
	brul-alert --list-rules | awk -F, '$3 == "block" { print $1 }' > "$T/block"
	run awk -F, 'NR == FNR { block[$1] = 1; next } block[$4] && $9 == ""' \
	    "$T/block" "$F/ra/alerts.csv" "$T/a.csv"
	assert_output ''
	[ "$(wc -l < "$T/block")" -ge 8 ]
}

@test "a block that stops reporting: open after 15 minutes, clear when it is back" {
	awk -F, '!($2 == "B0003-1" && $1 >= "2026-01-01T10:00" && $1 < "2026-01-01T10:40")' \
	    "$F/ou/telemetry.csv" > "$T/t.csv"
	brul-alert --fleet "$F/ou/batteries.csv" "$T/t.csv" > "$T/a.csv"
	run grep data_missing "$T/a.csv"
	assert_output --partial '2026-01-01T10:14:00Z,data_missing.B0003-1.20260101T1014Z,open,data_missing,warning,3,CMI,CMI-REC1-S1,B0003-1,15,15,2026-01-01T10:14:00Z,,block B0003-1 has sent nothing for 15 min (warning limit 15 min)'
	assert_output --partial '2026-01-01T10:40:00Z,data_missing.B0003-1.20260101T1014Z,clear,data_missing,warning,3,CMI,CMI-REC1-S1,B0003-1,0,1,2026-01-01T10:14:00Z,2026-01-01T10:40:00Z,cleared: block B0003-1 reports again'
	[ "${#lines[@]}" -eq 2 ]
}

@test "a resistance test silences the voltage rules for 30 minutes, not a sample more" {
	# Block 3's cell shorts at 10:02 (1.9 V low), a minute after its
	# resistance was measured at 10:01: the readings up to 10:30 are
	# silenced, the one at 10:31 is judged, and 15 minutes on, at
	# 10:46, it alerts.
	awk -F, -v OFS=, '$2 == "B0003-1" && $1 >= "2026-01-01T10:01" {
		if ($1 == "2026-01-01T10:01:00Z") $7 = 5.2
		else $4 -= 1.9
	} { print }' "$F/ou/telemetry.csv" > "$T/t.csv"
	brul-alert --fleet "$F/ou/batteries.csv" "$T/t.csv" > "$T/a.csv"
	run awk -F, '$3 == "open" && $9 == "B0003-1" { print $1, $4, $5 }' "$T/a.csv"
	assert_output '2026-01-01T10:46:00Z voltage_low critical'
}

@test "the same input gives the same events, in CSV and NDJSON alike" {
	alert "$F/ra" > "$T/a.csv"
	cmp "$T/a.csv" "$F/ra/alerts.csv"
	[ "$(head -1 "$T/a.csv")" = "$HEADER" ]
	alert "$F/ra" --format ndjson > "$T/a.ndjson"
	run /usr/bin/python3 -c '
import csv, json, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) > 10
for x, y in zip(a, b):
    assert x["alert_id"] == y["alert_id"] and x["message"] == y["message"]
    assert (x["ts_clear"] or None) == y["ts_clear"]
    assert float(x["value"]) == y["value"]
print(len(a))' "$T/a.csv" "$T/a.ndjson"
	assert_success
	# Gzip in, gzip out; stdin works.
	gzip -c "$F/ra/telemetry.csv" > "$T/t.csv.gz"
	brul-alert --fleet "$F/ra/batteries.csv" --systems "$F/ra/systems.csv" \
	    --string-telemetry "$F/ra/string_telemetry.csv" -o "$T/a.csv.gz" < "$T/t.csv.gz"
	gzip -dc "$T/a.csv.gz" | cmp - "$F/ra/alerts.csv"
}

@test "the twin's and the model's streams: rules on health, anomaly and remaining life" {
	brul-twin --fleet "$F/ou/batteries.csv" --every 1h "$F/ou/telemetry.csv" > "$T/twin.csv"
	printf '%s\n' battery_id,date,rul_days,p_fail_30d \
	    B0001-1,2026-01-02,400,0.01 B0002-1,2026-01-02,150,0.05 \
	    B0001-1,2026-01-03,80,0.6 B0002-1,2026-01-03,210,0.05 > "$T/pred.csv"
	alert "$F/ou" --twin "$T/twin.csv" --predictions "$T/pred.csv" \
	    --digest "$T/d.csv" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	# A block likely to fail within 30 days is an alert ...
	run grep -E ',(rul_short|failure_risk_high),' "$T/a.csv"
	assert_line --partial '2026-01-03T00:00:00Z,failure_risk_high.B0001-1.20260103T0000Z,open,failure_risk_high,critical,2,CMI,CMI-REC1-S1,B0001-1,0.6,0.5,'
	assert_line --partial 'block B0001-1 fails within 30 days with probability 0.6 (critical limit 0.5)'
	[ "${#lines[@]}" -eq 1 ]
	# ... a short remaining life an item of each day's digest, held at
	# the day's end, with the hysteresis of an alert: B0002-1 at 210
	# days is not yet past the clear threshold of 200 ...
	run grep ',rul_short,' "$T/d.csv"
	assert_line --index 0 '2026-01-02,rul_short,warning,CMI,CMI-REC1-S1,B0002-1,150,180,2026-01-02T00:00:00Z,block B0002-1 has 150 days of predicted life left (warning limit 180 days)'
	assert_line --index 1 '2026-01-03,rul_short,critical,CMI,CMI-REC1-S1,B0001-1,80,90,2026-01-03T00:00:00Z,block B0001-1 has 80 days of predicted life left (critical limit 90 days)'
	[ "${#lines[@]}" -eq 2 ]
	[ "$(head -1 "$T/d.csv")" = date,kind,severity,site_id,string_id,battery_id,value,threshold,since,message ]
	# The twin's health items name blocks the twin judged below 85 %,
	# each day that ended with the twin's estimate there.
	run /usr/bin/python3 -c '
import csv, sys
tw = list(csv.DictReader(open(sys.argv[1])))
items = [r for r in csv.DictReader(open(sys.argv[2])) if r["kind"] == "soh_low"]
assert items
for it in items:
    last = [r for r in tw if r["battery_id"] == it["battery_id"] and r["ts"][:10] <= it["date"]][-1]
    assert float(last["soh_pct"]) < 86 and abs(float(it["value"]) - float(last["soh_pct"])) < 0.051, (it, last)
print(len(items))' "$T/twin.csv" "$T/d.csv"
	assert_success
	# and none of them is an alert
	run grep -cE ',(soh_low|resistance_high|rul_short),' "$T/a.csv"
	assert_output 0
}

@test "rules over brul-features' stream" {
	brul-features --window hour --fleet "$F/ou/batteries.csv" "$F/ou/telemetry.csv" > "$T/feat.csv"
	cat > "$T/r.json" <<-'EOF'
	{"rules": [{"name": "discharged", "label": "discharged in the hour",
	  "source": "features", "metric": "dis_count", "warning": 1}]}
	EOF
	brul-alert --fleet "$F/ou/batteries.csv" --rules "$T/r.json" \
	    --features "$T/feat.csv" "$F/ou/telemetry.csv" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	# The outage began at 06:00 on the 2nd: every block, that hour, so
	# one alert of their string.
	run awk -F, '$3 == "open" { print $1, $2, $8, $9 }' "$T/a.csv"
	assert_output "2026-01-02T06:00:00Z discharged.CMI-REC1-S1.20260102T0600Z CMI-REC1-S1 "
	run grep -c 'discharged in the hour: string CMI-REC1-S1 (24 of 24 blocks) at 1 (warning limit 1)' "$T/a.csv"
	assert_output 1
	run awk -F, '$3 == "clear" { print $2 }' "$T/a.csv"
	assert_output discharged.CMI-REC1-S1.20260102T0600Z
}

@test "a block removed from service: its open alerts clear, and it says no more" {
	# The runaway block's latched alert holds until it is replaced.
	awk -F, -v OFS=, '$1 == "B0010-1" { $9 = "2026-01-04" } { print }' "$F/ra/batteries.csv" > "$T/fleet.csv"
	brul-alert --fleet "$T/fleet.csv" --systems "$F/ra/systems.csv" \
	    --string-telemetry "$F/ra/string_telemetry.csv" --digest "$T/d.csv" \
	    "$F/ra/telemetry.csv" > "$T/a.csv"
	run consistent "$T/a.csv"
	assert_success
	run grep ',thermal_runaway,.*,B0010-1,' "$T/a.csv"
	assert_line --index 0 --partial ',open,thermal_runaway,warning,2,'
	assert_line --index -1 --regexp '^2026-01-04T00:00:00Z,thermal_runaway\.B0010-1\.[0-9TZ]+,clear,thermal_runaway,critical,1,CMI,CMI-REC1-S1,B0010-1,,,.*,cleared: block B0010-1 removed from service$'
	run awk -F, '$9 == "B0010-1" && $1 > "2026-01-04T00:00:00Z"' "$T/a.csv"
	assert_output ''
	# A block of low health leaves the digest the day it leaves service.
	awk -F, -v OFS=, '$1 == "B0005-1" { $9 = "2026-01-02" } { print }' "$F/ou/batteries.csv" > "$T/fleet.csv"
	brul-twin --fleet "$F/ou/batteries.csv" --every 1h "$F/ou/telemetry.csv" > "$T/twin.csv"
	alert "$F/ou" --twin "$T/twin.csv" --digest "$T/d.csv" > /dev/null
	run grep -c '^2026-01-0[12],soh_low,.*,B0005-1,' "$T/d.csv"
	assert_output 2
	brul-alert --fleet "$T/fleet.csv" --systems "$F/ou/systems.csv" \
	    --string-telemetry "$F/ou/string_telemetry.csv" --twin "$T/twin.csv" \
	    --digest "$T/d.csv" "$F/ou/telemetry.csv" > "$T/a.csv"
	run grep '^2026-01-0[12],soh_low,.*,B0005-1,' "$T/d.csv"
	assert_line --partial '2026-01-01,soh_low,'
	[ "${#lines[@]}" -eq 1 ]
}

@test "--fail-on: status 3 when such an alert is open at the end, else 0" {
	run -3 alert "$F/ra" --fail-on critical -o "$T/a.csv"
	cmp "$T/a.csv" "$F/ra/alerts.csv"
	cat > "$T/mild.json" <<-'EOF'
	{"rules": [{"name": "hot", "metric": "temperature_c", "warning": 60}]}
	EOF
	run -0 alert "$F/ra" --rules "$T/mild.json" --fail-on warning
	assert_output "$HEADER"
	run -2 brul-alert --fleet x --fail-on bad
	assert_output --partial 'brul-alert: --fail-on: expected warning or critical, not "bad"'
}

@test "rules files: replace, extend, disable; mistakes named with the rule" {
	run -0 brul-alert --list-rules
	assert_line --index 0 name,source,scope,metric,direction,warning,critical,clear,for_s,threat,digest,label
	assert_line --partial 'resistance_high,telemetry,block,resistance_mohm,above,20,50,15,0,ageing,1,'
	n=$(brul-alert --list-rules | wc -l)
	cat > "$T/r.json" <<-'EOF'
	{"extends": "default", "rules": [
	  {"name": "data_missing", "enabled": false},
	  {"name": "temperature_high", "metric": "temperature_c", "warning": 30, "critical": 45, "clear": 29},
	  {"name": "cold", "metric": "temperature_c", "direction": "below", "warning": 15}]}
	EOF
	run -0 brul-alert --list-rules --rules "$T/r.json"
	[ "${#lines[@]}" -eq "$n" ]
	assert_line --partial 'temperature_high,telemetry,block,temperature_c,above,30,45,29,0,'
	assert_line --partial 'cold,telemetry,block,temperature_c,below,15,,15,0,load,0,cold'
	refute_line --partial data_missing
	printf '{"rules": [{"name": "a", "metric": "x", "warning": 1, "clear": 2}]}' > "$T/bad.json"
	run -1 brul-alert --list-rules --rules "$T/bad.json"
	assert_output "brul-alert: $T/bad.json: rule 1 (a): clear: must lie at or below warning"
	printf '{"rules": [{"name": "a", ' > "$T/cut.json"
	run -1 brul-alert --list-rules --rules "$T/cut.json"
	assert_output --regexp "^brul-alert: $T/cut.json:1:[0-9]+: "
	# --list-rules reads no data: an input beside it is a mistake
	run -2 brul-alert --list-rules --fleet "$F/ra/batteries.csv"
	assert_line -n 0 "brul-alert: --list-rules prints the rules and reads no data: not with --fleet"
	run -2 brul-alert --list-rules "$F/ra/telemetry.csv"
	assert_line -n 0 "brul-alert: --list-rules prints the rules and reads no data: not with an input"
	printf '{"rules": [{"name": "a", "metric": "silence_min", "warning": 5, "when": [{"metric": "voltage_v", "above": 0}]}]}' > "$T/sil.json"
	run -1 brul-alert --fleet "$F/ra/batteries.csv" --rules "$T/sil.json" "$F/ra/telemetry.csv"
	assert_output "brul-alert: rule a: silence_min is a block's, without conditions, and no condition's"
	# A rule on a column the stream lacks.
	printf '{"rules": [{"name": "a", "metric": "humidity_pct", "warning": 80}]}' > "$T/col.json"
	run -1 brul-alert --fleet "$F/ra/batteries.csv" --rules "$T/col.json" "$F/ra/telemetry.csv"
	assert_output "brul-alert: $F/ra/telemetry.csv: rule a: no column \"humidity_pct\" in the telemetry stream"
}

@test "bad input: a clear message, status 1, no output file left behind" {
	# Out of time order.
	{ head -1 "$F/ou/telemetry.csv"; sed -n 30,40p "$F/ou/telemetry.csv"; sed -n 2,5p "$F/ou/telemetry.csv"; } > "$T/t.csv"
	run -1 brul-alert --fleet "$F/ou/batteries.csv" -o "$T/a.csv" "$T/t.csv"
	assert_output "brul-alert: $T/t.csv:13: 2026-01-01T00:00:00Z comes after 2026-01-01T00:01:00Z: rows must be in time order across the fleet, as brul-gen writes them"
	[ ! -e "$T/a.csv" ]
	# A block the fleet does not know.
	sed '5s/B0004-1/B9999-1/' "$F/ou/telemetry.csv" > "$T/t.csv"
	run -1 brul-alert --fleet "$F/ou/batteries.csv" "$T/t.csv"
	assert_output --partial "brul-alert: $T/t.csv:5: battery_id: \"B9999-1\" is not in the fleet"
	# A reading that is not a number.
	sed '7s/,13\.[0-9]*,/,13.5x,/' "$F/ou/telemetry.csv" > "$T/t.csv"
	run -1 brul-alert --fleet "$F/ou/batteries.csv" "$T/t.csv"
	assert_output --partial "brul-alert: $T/t.csv:7: voltage_v: not a number"
	# A stream without a column it needs.
	cut -d, -f1-4 "$F/ou/telemetry.csv" > "$T/t.csv"
	run -1 brul-alert --fleet "$F/ou/batteries.csv" "$T/t.csv"
	assert_output "brul-alert: $T/t.csv: missing column \"current_a\": brul-alert's input takes a telemetry stream"
	run -1 brul-alert --fleet "$T/nope.csv" "$F/ou/telemetry.csv"
	assert_output --partial "brul-alert: $T/nope.csv"
	# A write error is an error.
	run -1 alert "$F/ra" -o /dev/full
	assert_output --partial "brul-alert: /dev/full: "
}

@test "every stream's ids are checked: a bad one is named with its file, line and column" {
	d=$F/ra
	printf '%s\n' battery_id,date,rul_days,p_fail_30d,model_id \
	    B0001-1,2026-01-02,400,0.01,m1 B0002-1,2026-01-02,150,0.01,m1 \
	    > "$T/pred.csv"
	printf '%s\n' ts,battery_id,soh_pct,innovation_z \
	    2026-01-01T00:00:00Z,B0001-1,99,0 2026-01-01T00:00:00Z,B0002-1,99,0 \
	    > "$T/twin.csv"
	printf '%s\n' battery_id,string_id,date,ts,window_s,samples \
	    B0001-1,CMI-REC1-S1,2026-01-01,2026-01-01T00:00:00Z,3600,60 \
	    B0002-1,CMI-REC1-S1,2026-01-01,2026-01-01T00:00:00Z,3600,60 \
	    > "$T/feat.csv"
	# option, file, column: the column's value in the first row made
	# "x y"
	while read -r opt file col; do
		awk -F, -v OFS=, -v c="$col" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		    NR == 2 { $k = "x y" } 1' "$file" > "$T/bad.csv"
		args=(--fleet "$d/batteries.csv" --systems "$d/systems.csv"
		    --string-telemetry "$d/string_telemetry.csv"
		    --twin "$T/twin.csv" --predictions "$T/pred.csv"
		    --features "$T/feat.csv" "$d/telemetry.csv")
		for i in "${!args[@]}"; do
			[ "${args[$i]}" = "$file" ] && args[$i]=$T/bad.csv
		done
		run -1 brul-alert "${args[@]}"
		assert_output "brul-alert: $T/bad.csv:2: $col: not an id (' ' at byte 2: an id holds ASCII letters, digits, '-', '_' and '.'): \"x y\""
	done <<-EOF
	--fleet $d/batteries.csv battery_id
	--fleet $d/batteries.csv site_id
	--fleet $d/batteries.csv system_id
	--fleet $d/batteries.csv string_id
	--systems $d/systems.csv system_id
	--string-telemetry $d/string_telemetry.csv string_id
	- $d/telemetry.csv battery_id
	- $d/telemetry.csv string_id
	--twin $T/twin.csv battery_id
	--predictions $T/pred.csv battery_id
	--predictions $T/pred.csv model_id
	--features $T/feat.csv battery_id
	--features $T/feat.csv string_id
	EOF
}

@test "a battery id too long for its alerts' ids is refused: two alerts never share an id" {
	# With a 151-character id, alerts opened an hour apart were cut to
	# the same 159-character id and the second overwrote the first in
	# the database (issue 15, item 12).
	long=B$(printf '0%.0s' $(seq 150))
	for s in batteries telemetry; do
		sed "s/B0001-1,/$long,/" "$F/ra/$s.csv" > "$T/$s.csv"
	done
	run -1 brul-alert --fleet "$T/batteries.csv" -o "$T/a.csv" "$T/telemetry.csv"
	assert_output "brul-alert: $T/batteries.csv:2: battery_id: not an id (151 bytes: an id has at most 64): \"B000000000000000000000000000000000000000...\""
	[ ! -e "$T/a.csv" ]
	# 64 bytes are an id, and its alerts' ids are whole.
	long=B$(printf '0%.0s' $(seq 63))
	for s in batteries telemetry; do
		sed "s/B0010-1,/$long,/" "$F/ra/$s.csv" > "$T/$s.csv"
	done
	brul-alert --fleet "$T/batteries.csv" "$T/telemetry.csv" > "$T/a.csv"
	run grep -c "^[^,]*,thermal_runaway\.$long\.2026[0-9]*T[0-9]*Z,open," "$T/a.csv"
	assert_output 1
	run consistent "$T/a.csv"
	assert_success
}

@test "--strings, --string-telemetry's old name, still works: the same alerts" {
	brul-alert --fleet "$F/ra/batteries.csv" --systems "$F/ra/systems.csv" \
	    --strings "$F/ra/string_telemetry.csv" "$F/ra/telemetry.csv" > "$T/a.csv"
	cmp "$T/a.csv" "$F/ra/alerts.csv"
	# a file given in the wrong place is named for what it is, under
	# the option's name as given
	for opt in --string-telemetry --strings; do
		run -1 brul-alert --fleet "$F/ra/batteries.csv" \
		    $opt "$F/ra/strings.csv" "$F/ra/telemetry.csv"
		assert_output "brul-alert: $F/ra/strings.csv: $opt takes a string_telemetry stream, and this is a strings stream"
	done
}

@test "--help and --version go to stdout and exit 0; bad usage exits 2" {
	run -0 brul-alert --help
	assert_line --index 0 --partial "usage: brul-alert --fleet FILE"
	assert_output --partial "--fail-on SEVERITY"
	run -0 brul-alert --version
	assert_output --regexp '^brul-alert [0-9]+\.[0-9]+\.[0-9]+$'
	run -2 brul-alert --bogus
	assert_line --index 1 --partial "usage: brul-alert"
	run -2 brul-alert "$F/ou/telemetry.csv"
	assert_output --partial "brul-alert: --fleet FILE is required"
	run -2 brul-alert --fleet x a.csv b.csv
	assert_output --partial "brul-alert: one telemetry stream at a time"
}
