#!/bin/sh
# real-eis-ocv.sh EIS: the rest voltage of ten 12 V 9 Ah AGM blocks (UCT
# batch A, A01 to A10, each left at a different state of charge) at every
# temperature of their impedance spectra (EIS: ../shared/data/real-vrla-agm/
# uct-soc-batch-a/eis; the folders RT1, 00, -10 ... -40, RT2), read as a
# monitor's export would be (brul-import).  Prints a row per block: its
# rest voltage at room temperature first (RT1), at 0 to -40 degC, and at
# room temperature again three days later (RT2); "-" where a spectrum is
# missing.
set -eu
eis=$1
bin=${BRUL_BIN:-build/bin}
for d in RT1 00 -10 -20 -30 -40 RT2; do
	for f in "$eis/$d"/*EIS*.csv; do
		[ -e "$f" ] || continue
		# The first row's voltage: the spectrum hardly moves it.
		# A glitch in a spectrum (a negative real part) is the logger's:
		# --drop-bad leaves such rows out.
		"$bin"/brul-import -q --drop-bad --preset digatron-eis -- "$f" |
		    awk -F, -v d="$d" 'NR == 2 { print d, $2, $3; exit }'
	done
done | awk '{
	match($2, /A[0-9][0-9]/)
	v[substr($2, RSTART, 3), $1] = $3
} END {
	print "block rt1 0 -10 -20 -30 -40 rt2"
	for (k = 1; k <= 10; k++) {
		b = sprintf("A%02d", k)
		printf "%s", b
		n = split("RT1 00 -10 -20 -30 -40 RT2", d, " ")
		for (j = 1; j <= n; j++)
			printf " %s", ((b, d[j]) in v) ? v[b, d[j]] : "-"
		printf "\n"
	}
}'
