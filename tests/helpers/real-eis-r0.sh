#!/bin/sh
# real-eis-r0.sh DATA WORK: the twin's R0 against the impedance spectrum's
# for 12 V 9 Ah AGM blocks (UCT batch A; DATA: ../shared/data/
# real-vrla-agm/uct-soc-batch-a, not copied into the project).  Each
# block's varied-discharge logs (a charge, a rest, a 0.9 A discharge to its
# own depth, a row a second) are read as a monitor's export would be
# (brul-import) and run through the twin on the type's circuit (HR12-9 in
# data/ecm.csv) with the rated 9 Ah and a baseline of 20 mOhm; its R0 at
# the end of the logs is set beside the real part of the block's spectrum
# at its highest frequency (3 kHz), measured at room temperature the next
# day.  Prints, per block: the twin's R0, the spectrum's, and their ratio.
set -eu
data=$1 work=$2
bin=${BRUL_BIN:-build/bin}
mkdir -p "$work"
echo "battery_id,model,capacity_ah,baseline_mohm" > "$work/fleet.csv"
# The spectra's ohmic part: the real part at the top frequency, by block.
for f in "$data"/eis/RT1/*EIS*.csv; do
	"$bin"/brul-import -q --drop-bad --preset digatron-eis -- "$f" |
	    awk -F, 'NR > 1 && $8 + 0 > top { top = $8 + 0; r = $6; id = $2 }
		END { if (match(id, /A[0-9][0-9]/)) print substr(id, RSTART, 3), r }'
done | sort > "$work/eis.txt"
for k in $(ls "$data"/varied-discharge | sed -n 's/^UCT-AST9AH-\(A[0-9][0-9]\).*/\1/p' | sort -u); do
	# The charge's log first, then the one with the discharge (-X).
	for f in "$data"/varied-discharge/UCT-AST9AH-"$k".csv \
	    "$data"/varied-discharge/UCT-AST9AH-"$k"*X*.csv; do
		[ -e "$f" ] || continue
		"$bin"/brul-import -q --preset digatron --tz Africa/Johannesburg \
		    --battery-id "$k" "$f"
	done | awk 'NR == 1 || !/^ts,/' > "$work/$k.csv"
	echo "$k,HR12-9,9,20" >> "$work/fleet.csv"
done
echo "block twin_r0_mohm eis_r0_mohm ratio"
for k in $(awk -F, 'NR > 1 { print $1 }' "$work/fleet.csv"); do
	"$bin"/brul-twin -q --fleet "$work/fleet.csv" \
	    -o "$work/twin-$k.csv" "$work/$k.csv"
	r=$(tail -1 "$work/twin-$k.csv" | cut -d, -f7)
	awk -v k="$k" -v r="$r" '$1 == k { printf "%s %.1f %.1f %.2f\n", k, r, $2, r / $2 }' \
	    "$work/eis.txt"
done
