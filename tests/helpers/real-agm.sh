#!/bin/sh
# real-agm.sh DATA WORK: the twin against real capacity tests of 12 V 9 Ah
# AGM VRLA blocks (DATA: ../shared/data/real-vrla-agm/uct-capacity, seven
# aged Asterion HR12-9 blocks, each discharged twice at 1.56 A to 10.5 V
# with a full recharge between; not copied into the project).
#
# Each file is read as a monitor's export would be (brul-import).  For each
# block, the circuit of the type is fitted on the six other blocks
# (brul-twin --fit --fit-models, from the generic VRLA circuit), so that no
# block is judged by a circuit its own data shaped; the twin then runs over
# the block's whole log with that circuit and its rated 9 Ah.  Prints, per
# block: the Ah its second discharge delivered (the truth, as % of rated),
# the twin's state of health at the end of it, the capacity --fit finds from
# the block's own log (Ah), the minutes to cut-off the twin predicted 10
# minutes into the second discharge against the minutes that followed, and
# the capacity at the test's 1.56 A it predicted at rest before the second
# discharge, having seen the first (brul-twin --load: the minutes it would
# hold 1.56 A, times 1.56 A), as % of rated; and over the second discharge
# after its first 20 %, the share of the twin's runtimes within 10 % (or 2
# minutes) of the minutes that followed, the most they were over by
# while more than 20 minutes were left (%), and the share of them whose
# 90 % interval held the minutes that followed (to half a minute).
set -eu
data=$1 work=$2
bin=${BRUL_BIN:-build/bin}
here=$(dirname "$0")
mkdir -p "$work"
echo "battery_id,model,capacity_ah,baseline_mohm" > "$work/fleet.csv"
for f in "$data"/UCT003-DOD-C0*-S00-2.csv; do
	id=$(basename "$f" .csv | sed 's/^UCT003-DOD-\(C0[0-9]\).*/\1/')
	"$bin"/brul-import -q --preset digatron --capacity 9 --tz Africa/Johannesburg \
	    --battery-id "$id" "$f" > "$work/$id.csv"
	# 20 mOhm: the ohmic resistance of this type's blocks by impedance.
	echo "$id,HR12-9,9,20" >> "$work/fleet.csv"
done
ids=$(awk -F, 'NR > 1 { print $1 }' "$work/fleet.csv")
# The generic circuit under the type's name: where the fit starts.
{ head -1 "$here/../../data/ecm.csv"
  grep '^VRLA-12V100,' "$here/../../data/ecm.csv" | sed 's/^VRLA-12V100,/HR12-9,/'
} > "$work/generic.csv"
"$bin"/brul-twin -q --fit --fleet "$work/fleet.csv" --ecm "$work/generic.csv" \
    -o "$work/own.csv" $(for id in $ids; do echo "$work/$id.csv"; done)
echo "block measured_pct soh_pct fit_ah runtime_min actual_min predicted_pct rt20_ok_pct rt20_over_pct rt20_in90_pct"
for id in $ids; do
	others=$(for o in $ids; do [ "$o" = "$id" ] || echo "$work/$o.csv"; done)
	"$bin"/brul-twin -q --fit --fit-models --fleet "$work/fleet.csv" \
	    --ecm "$work/generic.csv" -o "$work/loo-$id.csv" $others
	grep -v "^HR12-9,C0" "$work/loo-$id.csv" > "$work/type-$id.csv"
	"$bin"/brul-twin -q --fleet "$work/fleet.csv" --ecm "$work/type-$id.csv" \
	    --load 1.56 -o "$work/twin-$id.csv" "$work/$id.csv"
	fit=$(awk -F, -v id="$id" 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "capacity_ah") c = k }
	    $2 == id { print $c }' "$work/own.csv")
	# The twin's row of each sample, by its time (one battery).
	awk -F, -v id="$id" -v fit="${fit:-NA}" '
	function sec(t,  s) {	# within a month: these logs span two days
		s = substr(t, 9, 2) * 86400 + substr(t, 12, 2) * 3600
		return s + substr(t, 15, 2) * 60 + substr(t, 18, 2)
	}
	FNR == 1 { next }
	FILENAME == ARGV[1] { soh[$1] = $5; rt[$1] = $11; lo[$1] = $12
		hi[$1] = $13; next }
	$4 < -0.5 {
		if (!on) { d++; t0 = sec($1); ah = 0; r = ""; cap = rest }
		on = 1; ah += -$4 * 30 / 3600; end = sec($1); h = soh[$1]
		if (d == 2 && r == "" && end - t0 >= 600) { r = rt[$1]; t10 = end }
		if (d == 2) {
			n++; at[n] = end; said[n] = rt[$1]
			low[n] = lo[$1]; high[n] = hi[$1]
		}
		next
	}
	on && d == 2 {
		ok = all = over = held = 0
		for (k = 1; k <= n; k++) {
			left = (end - at[k]) / 60
			if (at[k] < t0 + 0.2 * (end - t0) || said[k] == "")
				continue
			e = said[k] - left; tol = left > 20 ? 0.1 * left : 2
			all++; if (e <= tol && e >= -tol) ok++
			if (left > 20 && e / left > over) over = e / left
			if (low[k] <= left + 0.5 && high[k] >= left - 0.5)
				held++
		}
		printf "%s %.1f %.1f %s %.0f %.0f %.1f %.1f %.1f %.1f\n", id,
		    100 * ah / 9, h, fit, r, (end - t10) / 60,
		    100 * cap * 1.56 / 60 / 9, 100 * ok / all, 100 * over,
		    100 * held / all
	}
	{ on = 0; rest = rt[$1] }' "$work/twin-$id.csv" "$work/$id.csv"
done
