#!/bin/sh
# real-logs.sh DATA WORK: the twin against real discharge logs of 12 V
# lead-acid blocks (DATA: ../shared/data/real-lead-acid, not copied into
# the project).  Each log becomes a battery T1 ... T12 of brul telemetry
# (one minute apart, current sign turned to brul's, 27 degC: the bench did
# not log temperature); its circuit is fitted on the first half of each log
# that starts full (a discharge the log begins in tells --fit nothing of
# where it began), then the twin runs over every log.  Prints, per log, the state-of-charge RMSE against
# the truth (remaining Ah over capacity) over the whole log and its second
# half, the voltage RMSE over the second half, which the fit never saw
# (over the minutes the twin read: not those brul-import left out), and
# the share of the whole log's minutes whose state of charge was within
# the standard deviation the twin stated (%).
set -eu
data=$1 work=$2
bin=${BRUL_BIN:-build/bin}
mkdir -p "$work"
echo "battery_id,model,capacity_ah,baseline_mohm" > "$work/fleet.csv"
echo "ts,battery_id,string_id,voltage_v,current_a,temperature_c,resistance_mohm" > "$work/telemetry.csv"
echo "ts,battery_id,soc_pct" > "$work/truth.csv"
awk -F, 'NR > 1 { sub(/^test/, "T", $1); print $1 ",VRLA-12V100," $2 ",5" }' \
    "$data/battery_info.csv" >> "$work/fleet.csv"
for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
	cap=$(awk -F, -v t="test$n" '$1 == t { print $2 }' "$data/battery_info.csv")
	# As a user would read them: brul-import, which leaves out the
	# logger's glitches (16 rows of 1.5 V in test2.csv), a row a minute
	# from 2026-01-01; at 27 degC.
	"$bin"/brul-import -q --drop-bad --preset tetra --capacity "$cap" --battery-id "T$n" \
	    --start 2026-01-01T00:00:00Z "$data/test$n.csv" 2> /dev/null |
	    awk -F, -v OFS=, 'NR > 1 { print $1, $2, "", $3, $4, "27.0", "" }' \
	    >> "$work/telemetry.csv"
	awk -F, -v id="T$n" -v cap="$cap" 'NR > 1 {
		k = NR - 2; h = int(k / 60); d = 1 + int(h / 24)
		ts = sprintf("2026-01-%02dT%02d:%02d:00Z", d, h % 24, k % 60)
		printf "%s,%s,%.3f\n", ts, id, 100 * $6 / cap
	}' "$data/test$n.csv" >> "$work/truth.csv"
done
# The first half of the logs that start full, each after a sample of the
# charge that filled it (the bench's notes say it was charged full; the
# log itself begins under load, which tells --fit nothing of where).
awk -F, 'FNR == 1 { pass++ }
	pass == 1 { if (FNR > 1 && $2 == $3) full["T" substr($1, 5)] = 1; next }
	pass == 2 { if (FNR > 1) n[$2]++; next }
	FNR == 1 { print; next }
	$2 in full && ++k[$2] <= n[$2] / 2 {
		if (k[$2] == 1)
			print "2025-12-31T23:59:00Z," $2 ",,,1.00,27.0,"
		print
	}' \
    "$data/battery_info.csv" "$work/telemetry.csv" "$work/telemetry.csv" > "$work/half.csv"
"$bin"/brul-twin --quiet --fit --fleet "$work/fleet.csv" -o "$work/fit.csv" "$work/half.csv"
"$bin"/brul-twin --fleet "$work/fleet.csv" --ecm "$work/fit.csv" -o "$work/twin.csv" \
    "$work/telemetry.csv"
awk -F, 'FILENAME == ARGV[1] { if (FNR > 1 && $2 == $3) full["T" substr($1, 5)] = 1; next }
	FILENAME == ARGV[2] { if (FNR > 1 && $2 != "") fit[$2] = 1; next }
	FILENAME == ARGV[3] { if (FNR > 1) { n[$2]++; tw[$1 "," $2] = $3 "," $9 "," $4 }; next }
	FNR > 1 && ($1 "," $2) in tw { split(tw[$1 "," $2], t, ","); e = t[1] - $3
		se[$2] += e * e; c[$2]++; if (e * e <= t[3] * t[3]) in1[$2]++
		if (++k[$2] > n[$2] / 2) { se2[$2] += e * e; c2[$2]++
			if (t[2] != "") { ve[$2] += t[2] * t[2]; vc[$2]++ } } }
	END { printf "log start fitted soc_rmse_all soc_rmse_2nd v_rmse_2nd soc_in_sd_pct\n"
		for (i = 1; i <= 12; i++) { b = "T" i
			printf "%s %s %s %.1f %.1f %.3f %.0f\n", b, (b in full) ? "full" : "part",
			    (b in fit) ? "yes" : "no", sqrt(se[b] / c[b]), sqrt(se2[b] / c2[b]),
			    vc[b] ? sqrt(ve[b] / vc[b]) : -1, 100 * in1[b] / c[b] } }' \
    "$data/battery_info.csv" "$work/fit.csv" "$work/twin.csv" "$work/truth.csv"
