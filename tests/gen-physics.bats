#!/usr/bin/env bats
# brul-gen: the physics of DESIGN.md, checked on generated data.  Each test
# fails when the property it names breaks.

bats_require_minimum_version 1.5.0
load helpers/common

setup_file() {
	export D=$BATS_FILE_TMPDIR
	# the whole fleet, 3 days every 10 minutes, with its truth (row for row)
	brul-gen --days 3 --interval 600 > "$D/fleet.csv"
	brul-gen --days 3 --interval 600 --emit truth > "$D/fleet-truth.csv"
	brul-gen --emit labels --interval 86400 > "$D/labels1.csv"
	brul-gen --emit batteries > "$D/batteries.csv"
	brul-gen --emit strings > "$D/strings.csv"
}

@test "(a) float voltage at 25 degC lies in 13.50-13.65 V per block" {
	paste -d, "$D/fleet.csv" "$D/fleet-truth.csv" | awk -F, '
	NR > 1 && $15 == "float" && $4 != "" && $6 >= 24.5 && $6 <= 25.5 {
		n++; if ($4 >= 13.50 && $4 <= 13.65) ok++ }
	END { printf "%d samples, %.2f %% in range\n", n, 100 * ok / n
	      exit !(n > 1000 && ok / n >= 0.98) }'
}

@test "(a) float voltage falls 18 mV/degC per block (+-4) across the fleet" {
	paste -d, "$D/fleet.csv" "$D/fleet-truth.csv" | awk -F, '
	NR > 1 && $15 == "float" && $4 != "" && $6 != "" {
		n++; sx += $6; sy += $4; sxx += $6 * $6; sxy += $6 * $4 }
	END { b = (n * sxy - sx * sy) / (n * sxx - sx * sx)
	      printf "slope %.2f mV/degC over %d samples\n", 1000 * b, n
	      exit !(b > -0.022 && b < -0.014) }'
}

@test "(b) an outage discharges the string to cut-off, then boost, then float" {
	brul-gen --batteries 24 --days 2 --emit string_telemetry \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h > "$D/st.csv"
	brul-gen --batteries 24 --days 2 --emit events \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h > "$D/ev.csv"
	grep -q ',CMI-REC1-S1,cutoff,' "$D/ev.csv"
	awk -F, 'NR > 1 {
		if ($1 < "2026-01-01T06:00:00Z") { if ($5 != "float") bad = "not float before"; vf = $3 }
		else if ($5 == "discharge") {
			nd++
			if ($4 >= 0) bad = "current not negative while discharging: " $0
			if ($3 >= vf) bad = "voltage not below float: " $0
			if (first == "") first = $3; last = $3
		} else if ($5 == "rest") rest++
		else if ($5 == "boost") { nb++; if (!rest || $4 <= 0) bad = "boost before cut-off or not charging: " $0 }
		else if ($5 == "float" && nb) fl++
	} END {
		printf "float %.1f V; discharge %d min from %.1f to %.1f V; %d rest, %d boost, %d float\n", vf, nd, first, last, rest, nb, fl
		if (bad) { print bad; exit 1 }
		# voltage fell to the cut-off, 10.5 V/block (252 V) at low rates
		exit !(nd > 60 && last < first - 20 && last < 256 && last > 245 && rest > 0 && nb > 0 && fl > 0)
	}' "$D/st.csv"
}

@test "(b) block voltage falls as charge is drawn, and stops near 10.5 V" {
	brul-gen --batteries 24 --days 1 \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h > "$D/t.csv"
	brul-gen --batteries 24 --days 1 --emit truth \
	    --scenario outage,site=CMI,start=2026-01-01T06:00:00Z,duration=14h > "$D/r.csv"
	paste -d, "$D/t.csv" "$D/r.csv" | awk -F, 'NR > 1 && $15 == "discharge" && $4 != "" {
		# voltage against state of charge, per block: more drawn, lower
		if ($2 in soc && $10 < soc[$2] - 5 && $4 > v[$2] + 0.05) { print "rose: " $0; bad = 1 }
		if (!($2 in soc) || $10 < soc[$2] - 5) { soc[$2] = $10; v[$2] = $4 }
		if ($4 < min) min = $4
	} BEGIN { min = 99 } END { printf "lowest block %.3f V\n", min; exit bad || !(min > 9.5 && min < 10.9) }'
}

@test "(c) outages follow their regional rates as a process in time, even in short runs" {
	# 9 sites x 3 seeds x 90 days: expected 3 x 9.61 outages
	n=0
	for seed in 1 2 3; do
		for site in CMI KKN NBI BRK PKN SRC SNI PKT HDY; do
			c=$(brul-gen --emit events --site $site --batteries 1 --days 90 --seed $seed | grep -c ',outage,' || true)
			n=$((n + c))
		done
	done
	echo "outages: $n (expected 28.8)"
	[ "$n" -ge 13 ] && [ "$n" -le 46 ]
	# 10-day runs still see outages (no truncation to whole outages a year)
	m=0
	for seed in $(seq 1 40); do
		c=$(brul-gen --emit events --site KKN --batteries 1 --days 10 --seed $seed | grep -c ',outage,' || true)
		m=$((m + c))
	done
	echo "10-day outages at KKN over 40 seeds: $m (expected 8.8)"
	[ "$m" -ge 2 ] && [ "$m" -le 20 ]
}

@test "(d) strings were installed over years; some blocks were replaced one by one" {
	awk -F, 'NR > 1 { d = $7; if (min == "" || d < min) min = d; if (d > max) max = d }
	END { print min, max; exit !(substr(max, 1, 4) - substr(min, 1, 4) >= 3) }' "$D/strings.csv"
	# a battery installed after its string was
	awk -F, 'FNR == NR { if (FNR > 1) inst[$1] = $7; next }
	FNR > 1 && $8 > inst[$4] { n++ } END { print n " blocks replaced before the window"; exit !(n >= 10) }' \
	    "$D/strings.csv" "$D/batteries.csv"
}

@test "(d) healthy, ageing and near-end-of-life blocks, several failure modes" {
	awk -F, 'NR > 1 { s = $3 + 0; if (s >= 95) h++; else if (s >= 88) a++; else if (s >= 80) e++; m[$7]++ }
	END { for (k in m) if (k != "") nm++
	      printf "healthy %d ageing %d near end %d; %d failure modes\n", h, a, e, nm
	      exit !(h > 200 && a > 100 && e > 30 && nm >= 5) }' "$D/labels1.csv"
}

@test "(d) capacity and resistance at the start agree with each block's age" {
	# state of health falls with age in service; resistance over baseline
	# rises as health falls
	awk -F, 'FNR == NR { if (FNR > 1) { inst[$1] = $8; base[$1] = $10 } next }
	FNR > 1 && $15 == "float" && !seen[$2]++ {
		split(inst[$2], d, "-"); age = 2026 - (d[1] + (d[2] - 1) / 12)
		x = age; y = $11; n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
		r = $13 / base[$2]; u += r; su += r * y; suu += r * r
	} END {
		c1 = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))
		c2 = (n * su - u * sy) / sqrt((n * suu - u * u) * (n * syy - sy * sy))
		printf "corr(age, soh) = %.2f; corr(R/R0, soh) = %.2f over %d blocks\n", c1, c2, n
		exit !(c1 < -0.6 && c2 < -0.6)
	}' "$D/batteries.csv" <(paste -d, "$D/fleet.csv" "$D/fleet-truth.csv")
}

@test "(d) rows from failed blocks are under 2 % of the data" {
	brul-gen --days 30 --interval 3600 --emit truth | awk -F, 'NR > 1 { n++; if ($8 == "failed") f++ }
	END { printf "%d of %d rows (%.3f %%)\n", f, n, 100 * f / n; exit !(f / n < 0.02) }'
}

@test "(e) resistance is about +50 % over baseline near end of life" {
	paste -d, "$D/fleet.csv" "$D/fleet-truth.csv" | awk -F, '
	FNR == NR { if (FNR > 1) base[$1] = $10; next }
	FNR > 1 && !seen[$2]++ && $11 < 82 { n++; r += $13 / base[$2] }
	END { printf "%d blocks below 82 %%: R/R0 %.2f\n", n, r / n; exit !(n > 5 && r / n > 1.3 && r / n < 1.8) }' \
	    "$D/batteries.csv" -
}

@test "(f) --interval 60 and --interval 300 give the same events and labels" {
	for s in events labels; do
		brul-gen --emit $s --days 20 --site PKT --seed 5 --interval 60 > "$D/i60"
		brul-gen --emit $s --days 20 --site PKT --seed 5 --interval 300 > "$D/i300"
		[ "$(wc -l < "$D/i60")" -gt 10 ]
		cmp "$D/i60" "$D/i300"
	done
}

@test "(g) RUL labels fall by one a day until end of life" {
	brul-gen --emit labels --days 90 --batteries 24 > "$D/l90.csv"
	awk -F, 'NR > 1 {
		split($1, d, "-"); day = mktime(d[1] " " d[2] " " d[3] " 12 0 0") / 86400
		if ($2 in last && $6 == 0 && lastc[$2] == 0) {
			want = lastr[$2] - (day - last[$2]); if (want < 0) want = 0
			if ($4 != want) { print "bad: " $0 " after " lastr[$2]; bad++ }
			if ($5 != eol[$2]) { print "eol moved: " $0; bad++ }
		}
		if ($6 == 0 && $4 > 0) {
			split($5, e, "-"); ed = mktime(e[1] " " e[2] " " e[3] " 12 0 0") / 86400
			if (int(ed - day + 0.5) != $4) { print "rul != eol - date: " $0; bad++ }
		}
		last[$2] = day; lastr[$2] = $4; lastc[$2] = $6; eol[$2] = $5; n++
	} END { print n " labels"; exit bad > 0 || n < 24 * 90 }' "$D/l90.csv"
}

@test "(g) a block at end of life is replaced by a new battery id in its slot" {
	brul-gen --dataset "$D/rep" --days 60 --site SNI --interval 3600 --quiet
	awk -F, 'NR > 1 && $4 == "replacement" { n++ } END { print n " replacements"; exit !(n >= 1) }' "$D/rep/events.csv"
	# the replaced battery disappears from telemetry, the new one appears
	old=$(awk -F, 'NR > 1 && $4 == "replacement" { sub(/^replaces /, "", $5); sub(/ .*/, "", $5); print $5; exit }' "$D/rep/events.csv")
	new=$(awk -F, 'NR > 1 && $4 == "replacement" { print $3; exit }' "$D/rep/events.csv")
	when=$(awk -F, 'NR > 1 && $4 == "replacement" { print $1; exit }' "$D/rep/events.csv")
	[ "${old%-*}" = "${new%-*}" ]
	awk -F, -v o="$old" -v n="$new" -v w="$when" '$2 == o && $1 >= w { bad = 1 } $2 == n && $1 < w { bad = 1 }
	    $2 == n { seen = 1 } END { exit bad || !seen }' "$D/rep/telemetry.csv"
	grep -q "^$new,.*,$(echo "$when" | cut -c1-10),," "$D/rep/batteries.csv"
	grep -q "^$old,.*,$(echo "$when" | cut -c1-10),[0-9.]*$" "$D/rep/batteries.csv"
}

@test "(h) resistance appears only when an ohmic test ran" {
	brul-gen --dataset "$D/h" --days 10 --batteries 24 --quiet
	tests=$(grep -c ',ohmic_test,' "$D/h/events.csv")
	reads=$(awk -F, 'NR > 1 && $7 != ""' "$D/h/telemetry.csv" | wc -l)
	echo "$tests tests, $reads readings"
	[ "$tests" -ge 9 ] && [ "$reads" -eq $((tests * 24)) ]
	# each reading is in the minute of a test
	awk -F, 'FNR == NR { if ($4 == "ohmic_test") t[$1] = 1; next } FNR > 1 && $7 != "" && !($1 in t) { bad++ }
	    END { exit bad > 0 }' "$D/h/events.csv" "$D/h/telemetry.csv"
}

@test "(h) noise and quantisation: 1 mV, 0.01 A, 0.1 degC, and not constant" {
	awk -F, 'NR > 1 && $4 != "" {
		if ($4 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ || $5 !~ /^-?[0-9]+\.[0-9][0-9]$/ || $6 !~ /^-?[0-9]+\.[0-9]$/) { print "format: " $0; exit 1 }
		if ($2 == "B0001-1" || $2 ~ /^B0001-/) { v[$4]++ }
	} END { for (k in v) n++; print n " distinct voltages for one block"; exit !(n >= 5) }' "$D/h/telemetry.csv"
}

@test "(h) dropouts leave empty fields, stuck sensors repeat a value, both in events" {
	brul-gen --dataset "$D/s" --days 60 --site HDY --interval 60 --quiet
	drops=$(grep -c ',sensor_fault,dropout' "$D/s/events.csv")
	stuck=$(grep -c ',sensor_fault,stuck temperature' "$D/s/events.csv")
	echo "$drops dropouts, $stuck stuck"
	[ "$drops" -ge 1 ] && [ "$stuck" -ge 1 ]
	# every empty voltage lies inside a dropout of its block, and every
	# dropout minute is empty
	awk -F, 'FNR == NR { if ($5 == "dropout") { k++; b[k] = $3; s[k] = $1; e[k] = $2 } ; next }
	FNR > 1 { inside = 0; for (i = 1; i <= k; i++) if (b[i] == $2 && $1 >= s[i] && $1 < e[i]) inside = 1
	          if (($4 == "") != inside) { print "mismatch: " $0; exit 1 } }' "$D/s/events.csv" <(grep -F -f <(awk -F, '$5 == "dropout" { print $3 }' "$D/s/events.csv") "$D/s/telemetry.csv")
	# a stuck temperature does not change over its window
	awk -F, 'FNR == NR { if ($5 == "stuck temperature") { k++; b[k] = $3; s[k] = $1; e[k] = $2 } ; next }
	FNR > 1 { for (i = 1; i <= k; i++) if (b[i] == $2 && $1 >= s[i] && $1 < e[i] && $6 != "") { if (i in v && v[i] != $6) { print "moved: " $0; exit 1 } v[i] = $6 } }
	END { for (i in v) n++; exit !(n >= 1) }' "$D/s/events.csv" "$D/s/telemetry.csv"
}

@test "(i) sharding and threads change no value" {
	brul-gen --site BRK --site KKN --days 1 --interval 300 --emit truth | sed 1d | sort > "$D/w"
	for i in 0 1; do brul-gen --site BRK --site KKN --days 1 --interval 300 --emit truth --shard $i/2 | sed 1d; done | sort > "$D/s2"
	cmp "$D/w" "$D/s2"
	brul-gen --site BRK --days 1 --interval 300 -z --threads 1 | gzip -dc | md5sum > "$D/m1"
	brul-gen --site BRK --days 1 --interval 300 -z --threads 2 | gzip -dc | md5sum > "$D/m2"
	cmp "$D/m1" "$D/m2"
}

@test "scenario: an HVAC failure heats its site only, and the room recovers" {
	# in the hot season, when outdoor air is far above the room's
	args="--start 2026-04-10 --days 2 --interval 600 --scenario hvac,site=PKN,start=2026-04-10T04:00:00Z,duration=8h"
	brul-gen $args --site BRK --site PKN --emit string_telemetry | awk -F, '
	NR > 1 { site = substr($2, 1, 3); h = substr($1, 12, 2) + 0; d = substr($1, 9, 2) + 0
		if (d == 10 && h >= 8 && h < 12) { hot[site] += $6; nh[site]++ }
		if (d == 11 && h >= 8 && h < 12) { cool[site] += $6; nc[site]++ } }
	END { a = hot["PKN"] / nh["PKN"] - cool["PKN"] / nc["PKN"]; b = hot["BRK"] / nh["BRK"] - cool["BRK"] / nc["BRK"]
	      printf "PKN +%.1f degC, BRK %+.1f degC during the fault\n", a, b; exit !(a > 3 && b < 1.5 && b > -1.5) }'
}

@test "scenario: a thermal runaway heats one block and fails it" {
	args="--batteries 24 --days 3 --interval 600 --scenario runaway,battery=B0010-1,fail=2026-01-03T12:00:00Z"
	brul-gen $args --emit events | grep -q ',B0010-[0-9]*,thermal_runaway,'
	brul-gen $args --emit events | grep -q '^2026-01-03T12:00:00Z,.*,B0010-[0-9]*,failure,thermal_runaway'
	brul-gen $args | awk -F, 'NR > 1 && $6 != "" && $1 < "2026-01-03T12:00:00Z" {
		if ($2 ~ /^B0010-/) t = $6; else { s += $6; n++ }
		if ($1 != last) { if (last != "" && t - s / n > max) max = t - s / n; s = 0; n = 0; last = $1 }
	} END { printf "block above the string by %.1f degC before it failed\n", max; exit !(max > 8) }'
}

@test "scenario: an early failure shows in resistance two weeks ahead" {
	args="--batteries 24 --days 30 --interval 3600 --scenario failure,slot=3,fail=2026-01-25T10:00:00Z"
	brul-gen $args --emit events | grep -q '^2026-01-25T10:00:00Z,.*,B0003-[0-9]*,failure,open_cell'
	brul-gen $args | awk -F, 'NR > 1 && $2 ~ /^B0003-/ && $7 != "" { d = substr($1, 9, 2) + 0
		if (d <= 5) { a += $7; na++ } if (d >= 20 && d <= 24) { b += $7; nb++ } }
	END { printf "R %.2f -> %.2f mOhm\n", a / na, b / nb; exit !(b / nb > 1.5 * a / na) }'
}
