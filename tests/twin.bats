#!/usr/bin/env bats
# brul-twin against the simulator's truth: a string of 24 blocks that runs
# on battery for 14 hours (down to cut-off at about 14:09), rests, and is
# recharged; state of charge, R0 and state of health compared with what
# the simulator knew.  And the command line.

bats_require_minimum_version 1.5.0
load helpers/common

HEADER=ts,battery_id,soc_pct,soc_sd_pct,soh_pct,soh_sd_pct,r0_mohm,v_pred_v,residual_v,innovation_z,runtime_min,runtime_lo_min,runtime_hi_min

setup_file() {
	d=$BATS_FILE_TMPDIR
	"$BRUL_BIN"/brul-gen --dataset "$d/ds" --batteries 24 --days 2 \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h
	"$BRUL_BIN"/brul-twin --fleet "$d/ds/batteries.csv" "$d/ds/telemetry.csv" \
	    > "$d/twin.csv"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

# against WHAT FROM UNTIL: the twin's column against the truth's, joined
# on ts and battery_id, over [FROM, UNTIL): prints "n rmse maxabs" (WHAT
# soc: points; soh: points; r0: relative error).
against() {
	/usr/bin/python3 - "$F/twin.csv" "$F/ds/truth.csv" "$@" <<'PY'
import csv, math, sys
twin, truth, what, lo, hi = sys.argv[1:6]
col = {"soc": "soc_pct", "soh": "soh_pct", "r0": "r0_mohm"}[what]
tw = {}
for r in csv.DictReader(open(twin)):
    if lo <= r["ts"] < hi:
        tw[(r["ts"], r["battery_id"])] = float(r[col])
errs = []
for r in csv.DictReader(open(truth)):
    k = (r["ts"], r["battery_id"])
    if k in tw:
        e = tw[k] - float(r[col])
        errs.append(e / float(r[col]) if what == "r0" else e)
print(len(errs), "%.4f" % math.sqrt(sum(e * e for e in errs) / len(errs)),
      "%.4f" % max(abs(e) for e in errs))
PY
}

# marks TWIN [R0]: the twin output TWIN of the 2-day dataset meets the
# marks: SOC RMSE during the discharge at most 3 points, SOH a day later
# within 3 points (and, with R0, R0 then within 10 %).
marks() {
	/usr/bin/python3 - "$1" "$F/ds/truth.csv" "${2:-}" <<'PY'
import csv, math, sys
tw = {(r["ts"], r["battery_id"]): r for r in csv.DictReader(open(sys.argv[1]))}
se = n = 0; soh = r0 = 0
for r in csv.DictReader(open(sys.argv[2])):
    t = tw[(r["ts"], r["battery_id"])]
    if "2026-01-01T06:10" <= r["ts"] < "2026-01-01T14:09":
        se += (float(t["soc_pct"]) - float(r["soc_pct"])) ** 2; n += 1
    if r["ts"] == "2026-01-02T23:59:00Z":
        soh = max(soh, abs(float(t["soh_pct"]) - float(r["soh_pct"])))
        r0 = max(r0, abs(float(t["r0_mohm"]) / float(r["r0_mohm"]) - 1))
print("soc rmse", math.sqrt(se / n), "soh max", soh, "r0 max", r0)
assert math.sqrt(se / n) <= 3 and soh <= 3
assert sys.argv[3] != "R0" or r0 <= 0.10
PY
}

@test "--help, --version; a bad option or no --fleet exits 2" {
	run brul-twin --help
	assert_success
	assert_output --partial "usage: brul-twin --fleet FILE"
	run brul-twin --version
	assert_success
	assert_output --regexp '^brul-twin [0-9]+\.[0-9]+\.[0-9]+$'
	run brul-twin --bogus
	assert_failure 2
	run brul-twin "$F/ds/telemetry.csv"
	assert_failure 2
	assert_output --partial "--fleet FILE is required"
	run brul-twin --fleet "$F/ds/batteries.csv" --every 0
	assert_failure 2
	# --fit writes circuits: what would shape states is refused
	run brul-twin --fit --every 1h --fleet "$F/ds/batteries.csv" "$F/ds/telemetry.csv"
	assert_failure 2
	assert_line -n 0 "brul-twin: --fit writes one circuit per block: not with --every"
	run brul-twin --fit --predictions p.csv --fleet "$F/ds/batteries.csv" "$F/ds/telemetry.csv"
	assert_failure 2
	assert_line -n 0 "brul-twin: --fit writes one circuit per block: not with --predictions"
}

@test "one row per sample, in input order, with the documented columns" {
	[ "$(head -1 "$F/twin.csv")" = "$HEADER" ]
	[ "$(wc -l < "$F/twin.csv")" = "$(wc -l < "$F/ds/telemetry.csv")" ]
	cut -d, -f1,2 "$F/ds/telemetry.csv" | tail -n +2 > "$T/a"
	cut -d, -f1,2 "$F/twin.csv" | tail -n +2 > "$T/b"
	cmp "$T/a" "$T/b"
}

@test "state of charge during the discharge: RMSE at most 3 points after its first 10 minutes" {
	read -r n rmse max < <(against soc 2026-01-01T06:10 2026-01-01T14:09)
	echo "n=$n rmse=$rmse max=$max"
	[ "$n" -gt 11000 ]
	awk -v r="$rmse" 'BEGIN { exit !(r <= 3) }'
	# ... and at rest after the cut-off, and once recharged.
	read -r n rmse max < <(against soc 2026-01-01T14:09 2026-01-03)
	echo "after: n=$n rmse=$rmse max=$max"
	awk -v r="$rmse" 'BEGIN { exit !(r <= 3) }'
}

@test "state of charge during the discharge: its stated sd holds the truth, no wider for the misfit" {
	# The circuit is the simulator's: the misfit adds nothing, and the
	# truth lies within one stated standard deviation at least 68 % of
	# the time (today 93 %, a median sd of 1.2 points).
	run /usr/bin/python3 - "$F/twin.csv" "$F/ds/truth.csv" <<'PY'
import csv, sys
tw = {(r["ts"], r["battery_id"]): r for r in csv.DictReader(open(sys.argv[1]))}
n = within = 0
sds = []
for r in csv.DictReader(open(sys.argv[2])):
    t = tw.get((r["ts"], r["battery_id"]))
    if t and "2026-01-01T06:10" <= r["ts"] < "2026-01-01T14:09":
        sd = float(t["soc_sd_pct"])
        n += 1
        within += abs(float(t["soc_pct"]) - float(r["soc_pct"])) <= sd
        sds.append(sd)
sds.sort()
print(n, "%.1f" % (100 * within / n), "%.2f" % sds[n // 2])
PY
	assert_success
	echo "$output"
	read -r n within sd <<< "$output"
	[ "$n" -gt 11000 ]
	awk -v w="$within" -v s="$sd" 'BEGIN { exit !(w >= 68 && s <= 2) }'
}

@test "R0 within 10 % of the truth once a discharge has shown it, and after the ohmic test" {
	# Before: the commissioning baseline, which ageing has left behind.
	read -r n rmse max < <(against r0 2026-01-01T00:00 2026-01-01T06:00)
	echo "before: n=$n rms=$rmse max=$max"
	awk -v m="$max" 'BEGIN { exit !(m > 0.10) }'
	# From the end of the discharge (its voltage steps), to the end.
	read -r n rmse max < <(against r0 2026-01-01T14:10 2026-01-03)
	echo "after the discharge: n=$n rms=$rmse max=$max"
	[ "$n" -gt 48000 ]
	awk -v m="$max" 'BEGIN { exit !(m <= 0.10) }'
	first=$(awk -F, 'NR > 1 && $7 != "" { print $1; exit }' "$F/ds/telemetry.csv")
	read -r n rmse max < <(against r0 "$first" 2026-01-03)
	echo "from the first ohmic test, $first: n=$n rms=$rmse max=$max"
	awk -v m="$max" 'BEGIN { exit !(m <= 0.05) }'
}

@test "state of health: unknown before any ohmic test or discharge, within 3 points after one" {
	# Before the first ohmic test (at about 17:00) and the discharge: the
	# prior (rated capacity), and a standard deviation over the 5 points
	# past which a band is unknown (twin/health.h).
	run awk -F, '$1 == "2026-01-01T05:59:00Z" && ($5 != "100.00" || $6 + 0 <= 5)' "$F/twin.csv"
	assert_output ""
	# At the end of the discharge, at rest, and a day after recharge.
	for at in 2026-01-01T14:08:00Z 2026-01-01T19:59:00Z 2026-01-02T23:59:00Z; do
		read -r n rmse max < <(against soh "$at" "${at%:00Z}:01Z")
		echo "$at: n=$n rmse=$rmse max=$max"
		[ "$n" = 24 ]
		awk -v m="$max" 'BEGIN { exit !(m <= 3) }'
	done
	# The blocks' health differs, and the twin sees the order.
	run awk -F, '$1 == "2026-01-02T23:59:00Z" { print $5 }' "$F/twin.csv"
	lo=$(printf '%s\n' "${lines[@]}" | sort -n | head -1)
	hi=$(printf '%s\n' "${lines[@]}" | sort -n | tail -1)
	awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(b - a > 5) }'
	# The standard deviation has shrunk from 15 points.
	run awk -F, '$1 == "2026-01-02T23:59:00Z" && $6 + 0 > 3' "$F/twin.csv"
	assert_output ""
}

@test "the innovation: residuals the size the filter expects while the battery drives the voltage, none while a charger holds it" {
	# During the discharge: a spread near 1 (0.3 to 1.5: the filter
	# allows for the blocks' own offsets), and |z| > 3 rare.
	run awk -F, '$1 >= "2026-01-01T06:10" && $1 < "2026-01-01T14:09" && $10 != "" {
		n++; s += $10 * $10; if ($10 > 3 || $10 < -3) big++ }
		END { printf "%.3f %.4f %d", sqrt(s / n), big / n, n }' "$F/twin.csv"
	echo "$output"
	read -r sd big n <<< "$output"
	[ "$n" -gt 11000 ]
	awk -v s="$sd" -v b="$big" 'BEGIN { exit !(s > 0.3 && s < 1.5 && b < 0.01) }'
	# On float, before the outage: no prediction of the charger's voltage.
	run awk -F, '$1 < "2026-01-01T06:00" && $8 != ""' "$F/twin.csv"
	assert_output ""
}

@test "--every thins to one row per battery per period; NDJSON and gzip" {
	brul-twin --fleet "$F/ds/batteries.csv" --every 1h "$F/ds/telemetry.csv" > "$T/h.csv"
	[ "$(tail -n +2 "$T/h.csv" | wc -l)" = $((24 * 48)) ]
	[ "$(awk -F, 'NR > 1 && substr($1, 15, 5) != "00:00"' "$T/h.csv" | wc -l)" = 0 ]
	# The rows kept are those of the full output.
	grep -F -x -f "$T/h.csv" "$F/twin.csv" | wc -l | grep -qx $((24 * 48 + 1))
	brul-twin --fleet "$F/ds/batteries.csv" --format ndjson -z --every 1d "$F/ds/telemetry.csv" > "$T/d.ndjson.gz"
	run unz "$T/d.ndjson.gz"
	assert_line --index 0 --regexp '^\{"ts":"2026-01-01T00:00:00Z","battery_id":"B0001-1","soc_pct":100.00,'
	[ "${#lines[@]}" = 48 ]
}

@test "bad input: an unknown battery, time going backwards, a bad number; a full disk" {
	awk -F, -v OFS=, 'NR == 500 { $2 = "B9999-1" } 1' "$F/ds/telemetry.csv" > "$T/u.csv"
	run brul-twin --fleet "$F/ds/batteries.csv" "$T/u.csv"
	assert_failure 1
	assert_output "brul-twin: $T/u.csv:500: battery_id: B9999-1 is not in the fleet (--fleet)"
	{ sed -n '1p; 100,200p' "$F/ds/telemetry.csv"; sed -n 30p "$F/ds/telemetry.csv"; } > "$T/back.csv"
	run brul-twin --fleet "$F/ds/batteries.csv" "$T/back.csv"
	assert_failure 1
	assert_output --partial "$T/back.csv:103: ts: goes back in time for B0005-1"
	awk -F, -v OFS=, 'NR == 40 { $5 = "x" } 1' "$F/ds/telemetry.csv" > "$T/x.csv"
	run brul-twin --fleet "$F/ds/batteries.csv" "$T/x.csv"
	assert_failure 1
	assert_output "brul-twin: $T/x.csv:40: current_a: not a number: \"x\""
	run brul-twin --fleet "$F/ds/batteries.csv" -o /dev/full "$F/ds/telemetry.csv"
	assert_failure 1
	assert_output --partial "/dev/full"
	head -1 "$F/ds/batteries.csv" | grep -q '^battery_id,site_id,system_id,string_id,position,model,'
	awk -F, -v OFS=, 'NR == 2 { $6 = "VRLA-6V200" } 1' "$F/ds/batteries.csv" > "$T/fleet.csv"
	run brul-twin --fleet "$T/fleet.csv" "$F/ds/telemetry.csv"
	assert_failure 1
	assert_output --partial "fleet.csv:2: model: no circuit for VRLA-6V200 in ecm.csv"
}

@test "an id that would forge a field is refused, in CSV and NDJSON, with its position" {
	# B0001-1","soc_pct":"999 once gave the NDJSON output a soc_pct of
	# 999 and the CSV output a column more (issue 15, item 11).
	/usr/bin/python3 - "$F/ds" "$T" <<-'PY'
	import csv, json, sys
	d, t = sys.argv[1:3]
	bad = 'B0001-1","soc_pct":"999'
	for name in ("batteries", "telemetry"):
	    rows = list(csv.DictReader(open(f"{d}/{name}.csv")))[:48]
	    for r in rows:
	        if r["battery_id"] == "B0001-1":
	            r["battery_id"] = bad
	    with open(f"{t}/{name}.csv", "w", newline="") as f:
	        w = csv.DictWriter(f, rows[0].keys(), lineterminator="\n")
	        w.writeheader()
	        w.writerows(rows)
	    with open(f"{t}/{name}.ndjson", "w") as f:
	        for r in rows:
	            f.write(json.dumps({k: v or None for k, v in r.items()},
	                               separators=(",", ":")) + "\n")
	PY
	why="not an id ('\"' at byte 8: an id holds ASCII letters, digits, '-', '_' and '.'): \"B0001-1\\\",\\\"soc_pct\\\":\\\"999\""
	for fmt in csv ndjson; do
		run brul-twin --fleet "$F/ds/batteries.csv" --format ndjson \
		    -o "$T/out.ndjson" "$T/telemetry.$fmt"
		assert_failure 1
		line=2; [ $fmt = csv ] || line=1
		assert_output "brul-twin: $T/telemetry.$fmt:$line: battery_id: $why"
		[ ! -e "$T/out.ndjson" ]
		run brul-twin --fleet "$T/batteries.$fmt" "$F/ds/telemetry.csv"
		assert_failure 1
		assert_output "brul-twin: $T/batteries.$fmt:$line: battery_id: $why"
	done
}

@test "--fit identifies each discharged block's circuit, and the twin runs on it" {
	# Two discharges to cut-off, two days apart, with a recharge between.
	brul-gen --dataset "$T/d4" --batteries 24 --days 4 \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h \
	    --scenario outage,site=CMI,start=2026-01-03T06:00:00Z,duration=14h
	brul-twin --fit --fleet "$T/d4/batteries.csv" -o "$T/fit.csv" "$T/d4/telemetry.csv" 2> "$T/err"
	cat "$T/err"
	# The models' rows, then one row per block, both discharges in it.
	[ "$(head -1 "$T/fit.csv")" = "model,battery_id,ocv_empty_v,ocv_full_v,ocv_temp_v_per_c,r1_ratio,tau1_s,r2_ratio,tau2_s,eod_v,eod_max_v,r0_temp_per_c,cap_temp_per_c,charge_eff,ocv_bow_v,r0_mohm,capacity_ah,fit_rmse_v,samples" ]
	[ "$(awk -F, 'NR > 1 && $2 == ""' "$T/fit.csv" | wc -l)" = $(($(wc -l < "$BATS_TEST_DIRNAME/../data/ecm.csv") - 1)) ]
	[ "$(awk -F, 'NR > 1 && $2 != "" && $19 > 900' "$T/fit.csv" | wc -l)" -ge 22 ]
	# The simulator's circuit: OCV 11.70 to 13.02 V, straight, knee 0.24
	# V.  Fitted from discharges to cut-off the bow comes out at 0.02-0.03
	# V (it takes a little of the knee), the empty end 0.05-0.07 V lower;
	# each
	# block's capacity as the truth has it, to a step of the grid (2.5 %
	# of rated) and a little.
	run awk -F, 'NR > 1 && $2 != "" && ($3 < 11.60 || $3 > 11.75 || $4 < 12.97 || $4 > 13.07 || $10 < 0.15 || $10 > 0.35 || $15 < -0.04 || $15 > 0.04 || $18 > 0.01)' "$T/fit.csv"
	assert_output ""
	awk -F, 'NR > 1 && $1 == "2026-01-02T06:00:00Z" { print $2 "," $4 }' "$T/d4/truth.csv" > "$T/cap"
	run awk -F, 'NR == FNR { c[$1] = $2; next } FNR > 1 && $2 != "" {
		d = $17 - c[$2]; if (d < 0) d = -d; if (d > 0.03 * c[$2]) print $2, $17, c[$2] }' "$T/cap" "$T/fit.csv"
	assert_output ""
	# Held R0 (a constant-power discharge cannot tell it): the reading
	# or baseline, and the polarisation and time constants the prior's.
	run awk -F, 'NR > 1 && $2 != "" && ($6 != "0.6000" || $7 != 90 || $9 != 1800)' "$T/fit.csv"
	assert_output ""
	# The twin on the fitted circuits still meets its marks.
	brul-twin --fleet "$F/ds/batteries.csv" --ecm "$T/fit.csv" "$F/ds/telemetry.csv" > "$T/twin.csv"
	marks "$T/twin.csv"
	# A block never discharged keeps its model's circuit, and is said.
	head -1 "$F/ds/telemetry.csv" > "$T/float.csv"
	grep '^2026-01-02T0[0-2]' "$F/ds/telemetry.csv" >> "$T/float.csv"
	run brul-twin --fit --fleet "$F/ds/batteries.csv" "$T/float.csv"
	assert_success
	assert_line "brul-twin: --fit: 24 of 24 batteries had too little discharge to fit (30 samples at least); they keep their model's circuit"
	# Rated at half what they hold, every block gave more than the
	# grid's top in a discharge: said, not taken for an odd circuit.
	awk -F, -v OFS=, 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "capacity_ah") c = k }
	    NR > 1 { $c = $c / 2 } { print }' "$T/d4/batteries.csv" > "$T/half.csv"
	run brul-twin --fit --fleet "$T/half.csv" -o "$T/fit-half.csv" "$T/d4/telemetry.csv"
	assert_success
	first=$(awk -F, 'NR == 2 { print $1 }' "$T/d4/batteries.csv")
	assert_output "brul-twin: --fit: 24 of 24 batteries gave more than 110 % of their capacity_ah in a discharge (the first: $first); is it the rated capacity?  They keep their model's circuit"
	[ "$(awk -F, 'NR > 1 && $2 != ""' "$T/fit-half.csv" | wc -l)" = 0 ]
}

@test "--fit-models: a model's row is the median of its fitted blocks' circuits" {
	brul-gen --dataset "$T/d4" --batteries 24 --days 4 \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h \
	    --scenario outage,site=CMI,start=2026-01-03T06:00:00Z,duration=14h
	run -0 brul-twin --fit --fit-models --fleet "$T/d4/batteries.csv" -o "$T/fit.csv" "$T/d4/telemetry.csv"
	assert_output "brul-twin: --fit-models: VRLA-12V100: the median of 24 blocks' circuits"
	# Every parameter, column by column: an even count, the middle two's
	# mean (to the column's decimals).
	for c in 3 4 10 15; do
		want=$(awk -F, -v c=$c 'NR > 1 && $2 != "" { print $c }' "$T/fit.csv" | sort -g |
		    awk '{ v[NR] = $1 } END { printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		got=$(awk -F, -v c=$c '$1 == "VRLA-12V100" && $2 == "" { printf "%.4f", $c }' "$T/fit.csv")
		echo "column $c: median $want, row $got"
		awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; exit !(d < 0.00015 && d > -0.00015) }'
	done
	# A model none of whose blocks was fitted keeps the row it was read with.
	[ "$(grep '^VRLA-12V120,,' "$T/fit.csv" | cut -d, -f3-15)" = "$(grep '^VRLA-12V120,' "$BATS_TEST_DIRNAME/../data/ecm.csv" |
	    awk -F, -v OFS=, '{ printf "%.4f,%.4f,%.5f,%.4f,%.0f,%.4f,%.0f,%.4f,%.2f,%.4f,%.4f,%.3f,%.4f\n", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }')" ]
	# Without --fit it means nothing.
	run -2 brul-twin --fit-models --fleet "$T/d4/batteries.csv" "$T/d4/telemetry.csv"
	assert_line --index 0 "brul-twin: --fit-models goes with --fit"
}

@test "a reading of nothing, a gap in the current: the estimates hold" {
	# An ohmic reading of 0 before the outage, and the current missing
	# for half an hour in the middle of the discharge.
	awk -F, -v OFS=, '($1 == "2026-01-01T03:00:00Z") { $7 = "0.00" }
		($1 >= "2026-01-01T09:00" && $1 < "2026-01-01T09:30") { $5 = "" } 1' \
	    "$F/ds/telemetry.csv" > "$T/odd.csv"
	brul-twin --fleet "$F/ds/batteries.csv" "$T/odd.csv" > "$T/twin.csv"
	marks "$T/twin.csv" R0
}

@test "--predictions: the twin's own life from its health trend, fused with brul-predict's by inverse variance" {
	# 70 days, three discharges: two to cut-off, one natural outage.
	brul-gen --dataset "$T/d" --batteries 24 --days 70 \
	    --scenario outage,site=CMI,start=2026-01-02T06:00:00Z,duration=14h \
	    --scenario outage,site=CMI,start=2026-03-05T06:00:00Z,duration=14h
	printf '%s\n' battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id \
	    B0001-1,2026-03-06,200.0,100.0,300.0,0.0,0.1,0.3,medium,m1 \
	    B0001-1,2026-01-01,900.0,800.0,1000.0,0.0,0.0,0.0,low,m1 \
	    B0002-1,2026-03-06,50.0,,,,,,,baseline \
	    B9999-1,2026-03-06,10.0,5.0,15.0,0.5,0.9,1.0,critical,m1 > "$T/pred.csv"
	brul-twin --fleet "$T/d/batteries.csv" --every 1d --predictions "$T/pred.csv" \
	    "$T/d/telemetry.csv" > "$T/t.csv"
	[ "$(head -1 "$T/t.csv")" = "$HEADER,rul_twin_days,rul_twin_sd_days,rul_days,rul_sd_days" ]
	# No trend before two discharges a month apart.
	run awk -F, '$1 < "2026-03-04T13" && $14 != ""' "$T/t.csv"
	assert_output ""
	# After them, the trend's life agrees with the truth within two of
	# its standard deviations, for every block that has one.
	run awk -F, 'NR == FNR { if ($1 == "2026-03-11") rul[$2] = $4; next }
		$1 == "2026-03-11T00:00:00Z" && $14 != "" { n++
		d = $14 - rul[$2]; if (d < 0) d = -d; if (d <= 2 * $15) ok++ }
		END { print n, ok }' "$T/d/labels.csv" "$T/t.csv"
	read -r n ok <<< "$output"
	echo "$n blocks with a trend, $ok within 2 sd"
	[ "$n" -ge 20 ] && [ "$ok" = "$n" ]
	# B0001-1: its latest prediction (200 d on 2026-03-06, sd 100 / 1.2816)
	# counted down to the row's day, fused with the twin's.
	run awk -F, '$1 == "2026-03-11T00:00:00Z" && $2 == "B0001-1" {
		p = 200 - 5; sp = 200 / (2 * 1.2816)
		wa = 1 / ($15 * $15); wb = 1 / (sp * sp)
		m = (wa * $14 + wb * p) / (wa + wb); s = 1 / sqrt(wa + wb)
		dm = m - $16; ds = s - $17
		print (dm < 0.11 && dm > -0.11 && ds < 0.11 && ds > -0.11) ? "ok" : "bad " m " " s " " $0 }' "$T/t.csv"
	assert_output ok
	# A prediction without an interval, or no prediction: the twin's.
	run awk -F, '$1 == "2026-03-11T00:00:00Z" && $2 != "B0001-1" && $14 != "" && ($16 != $14 || $17 != $15)' "$T/t.csv"
	assert_output ""
	# Before its date, B0001-1's March prediction does not count yet.
	run awk -F, '$1 == "2026-03-05T00:00:00Z" && $2 == "B0001-1" && $16 != $14' "$T/t.csv"
	assert_output ""
	# A predictions stream without the interval's columns is refused.
	cut -d, -f1-3 "$T/pred.csv" > "$T/bad.csv"
	run brul-twin --fleet "$T/d/batteries.csv" --predictions "$T/bad.csv" "$F/ds/telemetry.csv"
	assert_failure 1
	assert_output --partial 'missing column "rul_p10_days"'
}

@test "a log that starts at rest part-charged is read off the rest voltage, not assumed full" {
	# VRLA-12V100's rest voltage runs from 11.70 V empty to 13.02 V full
	# (data/ecm.csv): 12.36 V at rest is half-charged, +- 0.1 V of the
	# curve's own spread (R_REST) over its slope, 1.32 V.
	printf 'battery_id,model,capacity_ah,baseline_mohm\nB1,VRLA-12V100,100,4\n' > "$T/fleet.csv"
	printf 'ts,battery_id,voltage_v,current_a,temperature_c\n' > "$T/tel.csv"
	printf '2026-01-01T00:0%d:00Z,B1,12.36,0.0,25\n' 0 1 2 >> "$T/tel.csv"
	run -0 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" "$T/tel.csv"
	awk -F, 'NR > 1 { if ($3 < 48 || $3 > 52 || $4 < 2 || $4 > 8) exit 1 }' <<< "$output"
}

@test "--ecm: a battery's fitted R0 and capacity are where its twin starts" {
	# B1 has a row of its own, as --fit writes it: R0 8 mOhm and 80 Ah
	# usable at 25 degC; B2, the same model, has none and starts from its
	# baseline and its rated capacity.  B1's health is the fitted
	# capacity (80 +- 5) fused with what its R0, twice its baseline, says
	# (60, less sure): between the two, surer than either.
	printf 'battery_id,model,capacity_ah,baseline_mohm\nB1,VRLA-12V100,100,4\nB2,VRLA-12V100,100,4\n' > "$T/fleet.csv"
	{
		echo model,battery_id,ocv_empty_v,ocv_full_v,ocv_temp_v_per_c,r1_ratio,tau1_s,r2_ratio,tau2_s,eod_v,eod_max_v,r0_temp_per_c,cap_temp_per_c,charge_eff,r0_mohm,capacity_ah,fit_rmse_v,samples
		echo VRLA-12V100,,11.70,13.02,0.0012,0.6,90,1.0,1800,0.24,1.6,-0.008,0.006,0.97,,,,
		echo VRLA-12V100,B1,11.70,13.02,0.0012,0.6,90,1.0,1800,0.24,1.6,-0.008,0.006,0.97,8.000,80.00,0.010,500
	} > "$T/ecm.csv"
	printf 'ts,battery_id,voltage_v,current_a,temperature_c\n' > "$T/tel.csv"
	printf '2026-01-01T00:00:00Z,%s,13.62,0.5,25\n' B1 B2 >> "$T/tel.csv"
	run -0 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" --ecm "$T/ecm.csv" "$T/tel.csv"
	echo "$output"
	awk -F, '$2 == "B1" { if ($5 <= 60 || $5 >= 80 || $6 >= 5 || $7 != "8.000") exit 1; n++ }
	    $2 == "B2" { if ($5 != "100.00" || $6 <= 5 || $7 != "4.000") exit 1; n++ }
	    END { exit n != 2 }' <<< "$output"
	# A fitted value not above 0 is refused, with its place.
	sed -i 's/,8.000,80.00,/,-1,80.00,/' "$T/ecm.csv"
	run -1 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" --ecm "$T/ecm.csv" "$T/tel.csv"
	[[ "$output" == *"ecm.csv:3: r0_mohm: not above zero: -1"* ]]
}

@test "--ecm: a curved rest voltage reads a part-charged block's charge off the curve" {
	# The same rest voltage, 12.36 V, is half charge on a straight curve
	# and 39 % on one bowed 0.15 V up at half charge; a bow too
	# large for the curve to keep rising is refused, with its line.
	printf 'battery_id,model,capacity_ah,baseline_mohm\nB1,VRLA-12V100,100,4\n' > "$T/fleet.csv"
	printf 'ts,battery_id,voltage_v,current_a,temperature_c\n2026-01-01T00:00:00Z,B1,12.36,0,25\n' > "$T/tel.csv"
	head -1 "$BATS_TEST_DIRNAME/../data/ecm.csv" > "$T/ecm.csv"
	echo VRLA-12V100,11.70,13.02,0.0012,0.6,90,1.0,1800,0.24,1.6,-0.008,0.006,0.97,0.15 >> "$T/ecm.csv"
	run -0 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" "$T/tel.csv"
	[ "$(cut -d, -f3 <<< "${lines[1]}")" = 50.00 ]
	run -0 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" --ecm "$T/ecm.csv" "$T/tel.csv"
	echo "$output"
	# 0.6 s^2 - 1.92 s + 0.66 = 0: s = 0.3917
	[ "$(cut -d, -f3 <<< "${lines[1]}")" = 39.17 ]
	sed -i '2s/,0.15$/,0.35/' "$T/ecm.csv"
	run -1 "$BRUL_BIN"/brul-twin --fleet "$T/fleet.csv" --ecm "$T/ecm.csv" "$T/tel.csv"
	[[ "$output" == *"ecm.csv:2: "*"the bow less than a quarter of the span"* ]]
}

@test "--fit: a discharge that starts part-charged after a rest is counted from its rest voltage" {
	printf 'battery_id,model,capacity_ah,baseline_mohm\nB1,VRLA-12V100,100,4\n' > "$T/fleet.csv"
	awk -v soc0=0.6 -f "$BATS_TEST_DIRNAME/helpers/ecm-discharge.awk" > "$T/tel.csv"
	run -0 brul-twin --fit --fleet "$T/fleet.csv" "$T/tel.csv"
	echo "$output"
	# The circuit it was drawn from: OCV 11.70 to 13.02 V, knee 0.24 V,
	# 90 Ah usable, and next to no error left.
	[ "$(grep "^VRLA-12V100,B1," <<< "$output" | cut -d, -f2-4,10,17)" = "B1,11.7001,13.0199,0.2400,90.0" ]
}

@test "runtime: minutes to a block's cut-off at the present load, within 10 % after the first 20 % of its discharge" {
	# Each block says how long it has left to 10.5 V (1.75 V a cell); the
	# blocks whose own voltage got there before the string stopped
	# (14:09) tell how long it really was.  Judged from 20 % of each such
	# discharge on, to 10 % of the time left or 2 minutes, whichever is
	# more (the last minutes are a couple of samples): 99 % of the rows
	# within it, none beyond 15 %; the 90 % interval holding the time
	# left in at least 80 % of them.
	run awk -F, 'NR == FNR { if (FNR > 1 && $1 >= "2026-01-01T06" && $1 < "2026-01-01T14:09" && $4 <= 10.5 && !($2 in hit)) hit[$2] = $1; next }
		function t(s) { split(s, a, /[-T:Z]/); return a[3] * 1440 + a[4] * 60 + a[5] }
		FNR > 1 && $11 != "" && ($2 in hit) && $1 < hit[$2] {
			left = t(hit[$2]) - t($1); whole = t(hit[$2]) - t("2026-01-01T06:00:00Z")
			if (left > 0.8 * whole) next
			d = $11 - left; if (d < 0) d = -d
			tol = 0.1 * left; if (tol < 2) tol = 2
			k++; if (d > tol) { bad++; if (bad < 5) print "off", $1, $2, $11, left }
			if (d > 1.5 * tol) worse++
			if (left >= $12 && left <= $13) in_++ }
		END { print length(hit), k, bad / k, worse + 0, in_ / k }' "$F/ds/telemetry.csv" "$F/twin.csv"
	echo "$output"
	read -r blocks k bad worse inside <<< "${lines[-1]}"
	[ "$blocks" -ge 5 ] && [ "$k" -ge 1000 ] && [ "$worse" = 0 ]
	awk -v b="$bad" -v i="$inside" 'BEGIN { exit !(b <= 0.01 && i >= 0.8) }'
	# None while a charger holds the string, or at rest after cut-off.
	run awk -F, 'NR > 1 && $11 != "" && ($1 < "2026-01-01T06:00" || $1 >= "2026-01-01T14:10")' "$F/twin.csv"
	assert_output ""
	run brul-twin --fleet "$F/ds/batteries.csv" --cutoff 20 /dev/null
	assert_failure 2
	assert_output --partial "--cutoff"
}

@test "--load: between discharges, the minutes the block would hold a design load" {
	# Before the outage (full, on float) and a day after it (recharged,
	# its capacity seen): the minutes to 10.5 V at a constant 10 A, and
	# the ampere-hours they make, below the capacity the twin holds
	# (the knee and R0 take their share) but most of it at C/10.
	brul-twin --fleet "$F/ds/batteries.csv" --every 1h --load 10 \
	    "$F/ds/telemetry.csv" > "$T/load.csv"
	run awk -F, '$2 == "B0001-1" && ($1 == "2026-01-01T05:00:00Z" ||
	    $1 == "2026-01-02T23:00:00Z") { print $1, $5, $11, $12, $13 }' "$T/load.csv"
	echo "$output"
	[ "${#lines[@]}" = 2 ]
	for l in "${lines[@]}"; do
		awk -v l="$l" 'BEGIN { split(l, a, " "); ah = a[3] * 10 / 60
			exit !(ah < a[2] && ah > 0.85 * a[2] && a[4] < a[3] && a[3] < a[5]) }'
	done
	# During the outage the runtime is at the block's own load, as
	# without --load.
	run awk -F, 'NR == FNR { if ($1 >= "2026-01-01T07" && $1 < "2026-01-01T13" && $2 == "B0001-1") r[$1] = $11; next }
		($1 in r) && $2 == "B0001-1" && $11 != r[$1] { print }' "$F/twin.csv" "$T/load.csv"
	assert_output ""
	run brul-twin --fleet "$F/ds/batteries.csv" --load 0.1 /dev/null
	assert_failure 2
	assert_output --partial "--load: expected amperes, from 0.25 to 10000"
	run brul-twin --fit --fleet "$F/ds/batteries.csv" --load 10 /dev/null
	assert_failure 2
	assert_output --partial "not with --load"
}

@test "a failed block on float: the estimates stay physical and the score stays high" {
	# B0003-1 runs away and fails at 00:00 on the 3rd (a shorted cell:
	# 11.8 V while the string floats); no charge went out of it.
	brul-gen --dataset "$T/ra" --batteries 24 --days 4 \
	    --scenario runaway,battery=B0003-1,fail=2026-01-03T00:00:00Z
	brul-twin --fleet "$T/ra/batteries.csv" --every 1h "$T/ra/telemetry.csv" > "$T/twin.csv"
	run awk -F, '$2 == "B0003-1" && $1 >= "2026-01-03T00:00:00Z" { n++
		if ($3 < 95 || $5 > 120 || $5 < 80 || $10 > -6) { bad++; if (bad < 4) print } }
		END { print n, bad + 0 }' "$T/twin.csv"
	echo "$output"
	[ "${lines[-1]%% *}" -ge 24 ] && [ "${lines[-1]##* }" = 0 ]
	# Every block's state of health stays within physical bounds.
	run awk -F, 'NR > 1 && ($5 > 120 || $5 < 20 || $3 < 0 || $3 > 105)' "$T/twin.csv"
	assert_output ""
}
