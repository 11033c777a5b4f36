#!/bin/sh
# real-field.sh DATA WORK: the twin over field telemetry of 12 V 17 Ah
# lead-acid batteries in solar home systems (DATA: ../shared/data/
# real-field-bboxx, BBOXX exports, not copied into the project): a row a
# minute while discharging, about ten minutes apart otherwise, gaps, rows
# with only the temperature, a discharge and a charge most days.  Each
# battery's longest export is read as a monitor's would be (brul-import);
# nothing says what they are, so the twin runs on the generic VRLA circuit
# with the rated 17 Ah and 14 mOhm (a 17 Ah VRLA block's datasheet
# resistance).  Prints, per battery: rows written, voltage updates, the
# one-step voltage prediction's RMSE (V, what the filter predicted before
# each sample), the range of state of charge, of health and of R0, the
# count of estimates that are not finite numbers, and the largest
# normalised innovation at rest (|innovation_z| where the current the twin
# read, an instant's first, was within 0.2 A; most rests follow a
# discharge), and the critical alerts brul-alert's default rules raise on
# the twin's estimates (twin_anomaly, a block unlike its model: these
# batteries are healthy).
set -eu
data=$1 work=$2
bin=${BRUL_BIN:-build/bin}
mkdir -p "$work"
echo "battery_id,string_id,site_id,model,capacity_ah,baseline_mohm" > "$work/fleet.csv"
for id in $(ls "$data" | sed -n 's/^telemetry_\([0-9]*\)_.*\.csv$/\1/p' | sort -u); do
	# The export that spans the most rows: the others are its days.
	f=$(wc -l "$data"/telemetry_"$id"_*.csv | grep -v ' total$' |
	    sort -n | tail -1 | awk '{ print $2 }')
	"$bin"/brul-import -q --preset bboxx --capacity 17 --battery-id "$id" "$f" > "$work/$id.csv"
	echo "$id,home-$id,bboxx,VRLA-12V100,17,14" >> "$work/fleet.csv"
done
echo "battery rows updates v_rmse soc_min soc_max soh_min soh_max r0_min r0_max not_finite rest_z_max twin_critical"
for id in $(awk -F, 'NR > 1 { print $1 }' "$work/fleet.csv"); do
	"$bin"/brul-twin -q --fleet "$work/fleet.csv" -o "$work/twin-$id.csv" "$work/$id.csv"
	# To a file first: a brul-alert that fails stops the script (set -e)
	# rather than counting no alert.
	"$bin"/brul-alert -q --fleet "$work/fleet.csv" --twin "$work/twin-$id.csv" \
	    -o "$work/alerts-$id.csv" "$work/$id.csv"
	crit=$(awk -F, '$4 == "twin_anomaly" && $5 == "critical"' \
	    "$work/alerts-$id.csv" | wc -l)
	awk -F, -v id="$id" -v crit="$crit" 'function fin(x) { return x == x + 0 && x - x == 0 }
	function lo(k, x) { if (!(k in m) || x < m[k]) m[k] = x }
	function hi(k, x) { if (!(k in M) || x > M[k]) M[k] = x }
	FILENAME == ARGV[1] { if (FNR > 1 && $4 != "" && !($1 in cur)) cur[$1] = $4; next }
	FNR > 1 {
		n++
		if ($10 != "" && ($1 in cur) && cur[$1] > -0.2 && cur[$1] < 0.2) {
			z = $10 < 0 ? -$10 : $10; if (z > zr) zr = z }
		for (k = 3; k <= 7; k++) if (!fin($k)) bad++
		lo(3, $3); hi(3, $3); lo(5, $5); hi(5, $5); lo(7, $7); hi(7, $7)
		if ($9 != "") { u++; se += $9 * $9; if (!fin($9)) bad++ }
	}
	END { printf "%s %d %d %.3f %.1f %.1f %.1f %.1f %.1f %.1f %d %.2f %d\n", id, n, u,
	    u ? sqrt(se / u) : -1, m[3], M[3], m[5], M[5], m[7], M[7], bad, zr,
	    crit }' \
	    "$work/$id.csv" "$work/twin-$id.csv"
done
