#!/usr/bin/env bats
# brul-predict: the predictions' shape and invariants, the risk levels, one
# row per battery, the output formats, the physics baseline against awk and
# by hand, the errors with their positions, and the reasons of --explain
# against XGBoost's own contributions.

bats_require_minimum_version 1.5.0
load helpers/common

# XGBoost's Python package is the system one, whatever python3 is on PATH.
PY=/usr/bin/python3

HEADER=battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,p_fail_90d,p_fail_180d,risk,model_id,p_sudden_90d

# A training fleet (seed 2, 96 blocks, 20 days) as daily features with
# labels, and a model trained on it with its report, made once.
setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	"$B"/brul-gen --seed 2 --batteries 96 --emit batteries > "$d/fleet.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit telemetry |
	    "$B"/brul-features --window day --fleet "$d/fleet.csv" > "$d/features.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit labels > "$d/labels.csv"
	"$B"/brul-train --quiet --folds 3 --rounds 30 --threads 1 \
	    --labels "$d/labels.csv" -o "$d/model.json" --report "$d/report.json" \
	    "$d/features.csv"
	"$B"/brul-predict -m "$d/model.json" "$d/features.csv" > "$d/pred.csv"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

# jget FILE KEY: a top-level value of a JSON object, a string raw; jq
# (./configure --tests).
jget() {
	jq -r --arg k "$2" '.[$k]' "$1"
}

# drop_cols FILE NAME...: the CSV without the columns named.
drop_cols() {
	local f=$1
	shift
	awk -F, -v OFS=, -v drop="$*" 'NR == 1 { n = split(drop, d, " ")
		for (i = 1; i <= NF; i++) for (j = 1; j <= n; j++) if ($i == d[j]) x[i] } {
		s = ""; sep = ""
		for (i = 1; i <= NF; i++) if (!(i in x)) { s = s sep $i; sep = "," }
		print s }' "$f"
}

# check_risk CRITICAL HIGH MEDIUM < predictions: every row's risk is the one
# its probabilities give with those thresholds; prints the count per level.
check_risk() {
	awk -F, -v c="$1" -v h="$2" -v m="$3" 'NR > 1 {
		want = $6 >= c ? "critical" : $7 >= h ? "high" : $8 >= m ? "medium" : "low"
		if ($9 != want) { print "line " NR ": " $0 " should be " want; bad = 1 }
		n[$9]++ }
	    END { printf "critical=%d high=%d medium=%d low=%d\n", n["critical"],
		n["high"], n["medium"], n["low"]; exit bad }'
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr brul-predict --help
	assert_success
	assert_output --partial "usage: brul-predict"
	[ -z "$stderr" ]
}

@test "--version prints the version on stdout and exits 0" {
	run --separate-stderr brul-predict --version
	assert_success
	assert_output --regexp '^brul-predict [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a bad option prints the usage line on stderr and exits 2" {
	run --separate-stderr brul-predict --no-such-option
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"usage: brul-predict"* ]]
}

@test "bad option values are refused with status 2 and a reason" {
	for args in "--critical 1.5" "--critical -0.1" "--high x" "--medium 2" \
	    "--format xml"; do
		run --separate-stderr brul-predict -m "$F/model.json" $args "$F/features.csv"
		[ "$status" -eq 2 ] || { echo "status $status for $args"; false; }
		[ -z "$output" ]
		[[ "$stderr" == brul-predict:* ]] || { echo "for $args: $stderr"; false; }
	done
}

@test "neither -m nor --baseline: status 2" {
	run --separate-stderr brul-predict "$F/features.csv"
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"usage: brul-predict"* ]]
}

@test "a row per row of features, in order, within bounds, with the model's id" {
	p=$F/pred.csv
	[ "$(head -n 1 "$p")" = "$HEADER" ]
	[ "$(wc -l < "$p")" -eq "$(wc -l < "$F/features.csv")" ]
	# battery_id and date, in input order
	diff <(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    { print $c["battery_id"] "," $c["date"] }' "$F/features.csv") \
	    <(tail -n +2 "$p" | cut -d, -f1,2)
	id=$(jget "$F/report.json" model_id)
	[[ "$id" =~ ^[0-9a-f]+$ ]]
	run awk -F, -v id="$id" 'NR > 1 {
		num = "^[0-9]+\\.[0-9]$"; pr = "^[01]\\.[0-9][0-9][0-9][0-9]$"
		ok = NF == 11 && $3 ~ num && $4 ~ num && $5 ~ num &&
		    $6 ~ pr && $7 ~ pr && $8 ~ pr && $11 ~ pr &&
		    $3 >= 0 && $4 >= 0 && $4 <= $3 && $3 <= $5 &&
		    0 <= $6 && $6 <= $7 && $7 <= $8 && $8 <= 1 &&
		    $11 <= $7 &&
		    $9 ~ /^(critical|high|medium|low)$/ && $10 == id
		if (!ok) { print "line " NR ": " $0; bad++ } }
	    END { exit bad > 0 }' "$p"
	assert_success
	# risk by the default thresholds, 0.5
	check_risk 0.5 0.5 0.5 < "$p"
}

@test "one distribution: on a held-out fleet every row's figures agree" {
	B=$BRUL_BIN
	"$B"/brul-gen --seed 3 --batteries 96 --emit batteries > "$T/fleet.csv"
	"$B"/brul-gen --seed 3 --batteries 96 --days 20 --emit telemetry |
	    "$B"/brul-features --window day --fleet "$T/fleet.csv" > "$T/f.csv"
	brul-predict -m "$F/model.json" "$T/f.csv" > "$T/p.csv"
	# P(fail within h) >= 0.5 exactly when the median is at most h;
	# the median between p10 and p90; the sudden part within the whole
	run awk -F, 'NR > 1 {
		n++
		if ($3 == "") { print "line " NR ": no median: " $0; bad++; next }
		split("30 90 180", h, " ")
		for (k = 1; k <= 3; k++)
			if (($(5 + k) >= 0.5) != ($3 <= h[k])) {
				print "line " NR ": p_fail_" h[k] "d against the median: " $0
				bad++
			}
		if (!($4 <= $3 && $3 <= $5) || $11 > $7) { print "line " NR ": " $0; bad++ } }
	    END { print n " rows"; exit bad > 0 || n != 1920 }' "$T/p.csv"
	assert_success
	assert_output "1920 rows"
	# so critical is where the median is at most 30 days (make bench
	# counts it firing on a year of a fleet; this one is too young)
	check_risk 0.5 0.5 0.5 < "$T/p.csv"
}

@test "risk follows the thresholds, row by row" {
	run --separate-stderr brul-predict -m "$F/model.json" --critical 0 "$F/features.csv"
	assert_success
	[ "$(printf '%s\n' "$output" | tail -n +2 | cut -d, -f9 | sort -u)" = critical ]
	brul-predict -m "$F/model.json" --critical 1 --high 1 --medium 1 "$F/features.csv" > "$T/1.csv"
	check_risk 1 1 1 < "$T/1.csv"
	# non-low exactly where a probability is 1
	[ "$(awk -F, 'NR > 1 && $9 != "low"' "$T/1.csv" | wc -l)" -eq \
	    "$(awk -F, 'NR > 1 && ($6 == 1 || $7 == 1 || $8 == 1)' "$T/1.csv" | wc -l)" ]
	for th in "0.5 0.5 0.5" "0.01 0.05 0.1" "0.2 0.01 0" "1 1 0.0001"; do
		set -- $th
		brul-predict -m "$F/model.json" --critical "$1" --high "$2" --medium "$3" \
		    "$F/features.csv" > "$T/p.csv"
		check_risk "$1" "$2" "$3" < "$T/p.csv"
		# only risk depends on the thresholds
		diff <(cut -d, -f1-8,10 "$T/p.csv") <(cut -d, -f1-8,10 "$F/pred.csv")
	done
}

@test "--latest: one row per battery, its newest date, in order of first appearance" {
	# the rows shuffled, so that neither the first nor the last row of a
	# battery is its newest
	{ head -n 1 "$F/features.csv"
	  tail -n +2 "$F/features.csv" | awk '{ print (NR * 7919) % 1931 "\t" $0 }' |
	      sort -n | cut -f2-; } > "$T/shuffled.csv"
	[ "$(sort "$T/shuffled.csv" | md5sum)" = "$(sort "$F/features.csv" | md5sum)" ]
	if cmp -s "$T/shuffled.csv" "$F/features.csv"; then false; fi
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    { b = $c["battery_id"]; d = $c["date"]
	      if (!(b in max)) { order[++n] = b; max[b] = d }
	      else if (d > max[b]) max[b] = d }
	    END { for (i = 1; i <= n; i++) print order[i] "," max[order[i]] }' \
	    "$T/shuffled.csv" > "$T/want"
	[ "$(wc -l < "$T/want")" -eq 96 ]
	run --separate-stderr brul-predict -m "$F/model.json" --latest "$T/shuffled.csv"
	assert_success
	[ "${lines[0]}" = "$HEADER" ]
	[ "${#lines[@]}" -eq 97 ]
	diff "$T/want" <(printf '%s\n' "${lines[@]:1}" | cut -d, -f1,2)
	# and each is the prediction of that row
	printf '%s\n' "${lines[@]:1}" | sort > "$T/latest"
	awk -F, 'NR == FNR { w[$0]; next } ($1 "," $2) in w' "$T/want" "$F/pred.csv" |
	    sort > "$T/rows"
	diff "$T/latest" "$T/rows"
}

@test "--format ndjson: the same values as JSON objects" {
	brul-predict -m "$F/model.json" --format ndjson "$F/features.csv" > "$T/p.ndjson"
	run "$PY" - "$T/p.ndjson" "$F/pred.csv" <<'EOF'
import csv, json, sys
with open(sys.argv[1]) as f:
    objs = [json.loads(line) for line in f]
with open(sys.argv[2], newline="") as f:
    rows = list(csv.reader(f))
head, rows = rows[0], rows[1:]
assert len(objs) == len(rows), (len(objs), len(rows))
for o, r in zip(objs, rows):
    assert isinstance(o, dict) and list(o) == head, o
    for k, v in zip(head, r):
        if v == "":
            assert o[k] is None, (k, o)
        elif k in ("battery_id", "date", "risk", "model_id"):
            assert o[k] == v, (k, o[k], v)
        else:
            assert isinstance(o[k], (int, float)) and abs(o[k] - float(v)) < 1e-9, (k, o[k], v)
print(len(objs), "objects")
EOF
	echo "$output"
	assert_success
	assert_output "1920 objects"
}

@test "-z writes gzip that decompresses to the CSV" {
	brul-predict -m "$F/model.json" -z "$F/features.csv" > "$T/p.gz"
	[ "$(head -c 2 "$T/p.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ]
	gzip -t "$T/p.gz"
	cmp <(gzip -dc "$T/p.gz") "$F/pred.csv"
	# also from the name
	brul-predict -m "$F/model.json" -o "$T/q.csv.gz" "$F/features.csv"
	cmp <(gzip -dc "$T/q.csv.gz") "$F/pred.csv"
	# and gzip input
	gzip -c "$F/features.csv" > "$T/f.csv.gz"
	cmp <(brul-predict -m "$F/model.json" "$T/f.csv.gz") "$F/pred.csv"
}

@test "features lacking model columns: status 1, the columns named, no output" {
	f=$T/miss.csv
	drop_cols "$F/features.csv" r_ratio eq_age_days > "$f"
	[ "$(head -n 1 "$f" | tr , '\n' | grep -cxE 'r_ratio|eq_age_days')" -eq 0 ]
	run --separate-stderr brul-predict -m "$F/model.json" "$f"
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == *"missing columns: "* ]]
	[[ "$stderr" == *r_ratio* ]]
	[[ "$stderr" == *eq_age_days* ]]
	[ "$stderr" = "brul-predict: $f: missing columns: r_ratio, eq_age_days" ]
	run --separate-stderr brul-predict -m "$F/model.json" -o "$T/out.csv" "$f"
	assert_failure 1
	[ ! -e "$T/out.csv" ]
}

@test "features without what the model learned from (no --fleet): status 1, named, no output" {
	"$BRUL_BIN"/brul-gen --seed 3 --batteries 24 --days 2 --quiet |
	    brul-features --window day > "$T/nofleet.csv"
	run --separate-stderr brul-predict -m "$F/model.json" "$T/nofleet.csv"
	assert_failure 1
	[ -z "$output" ]
	[ "$stderr" = "brul-predict: the model learned from age_days, eq_age_days, dis_depth_pct, life_used_pct, which no row has: brul-features gives them with --fleet (the batteries stream)" ]
	# with the fleet it predicts
	"$BRUL_BIN"/brul-gen --seed 3 --batteries 24 --emit batteries > "$T/fleet.csv"
	"$BRUL_BIN"/brul-gen --seed 3 --batteries 24 --days 2 --quiet |
	    brul-features --window day --fleet "$T/fleet.csv" > "$T/ok.csv"
	run --separate-stderr brul-predict -m "$F/model.json" "$T/ok.csv"
	assert_success
	[ "${#lines[@]}" -eq 49 ]
	# the model records what it learned from: a share per feature
	share=$(jq -r '.learner.attributes.brul_coverage' "$F/model.json" |
	    jq -r '.[0]')
	[ "$share" = 1 ]
}

@test "a bad number is reported with its file, line and column" {
	f=$T/bad.csv
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "r_ratio") c = i }
	    NR == 5 { $c = "abc" } 1' "$F/features.csv" > "$f"
	run --separate-stderr brul-predict -m "$F/model.json" "$f"
	assert_failure 1
	[ "$stderr" = "brul-predict: $f:5: r_ratio: not a number: \"abc\"" ]
	run --separate-stderr brul-predict -m "$F/model.json" -o "$T/out.csv" "$f"
	assert_failure 1
	[ ! -e "$T/out.csv" ]
}

@test "a file that is not a model: status 1 and a clear message" {
	for m in /dev/null "$F/features.csv" "$F/report.json"; do
		run --separate-stderr brul-predict -m "$m" "$F/features.csv"
		[ "$status" -eq 1 ] || { echo "status $status for $m"; false; }
		[ -z "$output" ]
		[[ "$stderr" == "brul-predict: $m: "* ]] || { echo "for $m: $stderr"; false; }
	done
	# what the file is, never a C++ internal
	run --separate-stderr brul-predict -m /dev/null "$F/features.csv"
	[ "$stderr" = "brul-predict: /dev/null: not a model: the file is empty" ]
	run --separate-stderr brul-predict -m "$F/features.csv" "$F/features.csv"
	[ "$stderr" = "brul-predict: $F/features.csv: not a model: this is a features stream (CSV); give the model brul-train wrote" ]
	gzip -c "$F/labels.csv" > "$T/labels.csv.gz"
	run --separate-stderr brul-predict -m "$T/labels.csv.gz" "$F/features.csv"
	[ "$stderr" = "brul-predict: $T/labels.csv.gz: not a model: this is a labels stream (gzip); give the model brul-train wrote" ]
	run --separate-stderr brul-predict -m "$F/report.json" "$F/features.csv"
	[[ "$stderr" == "brul-predict: $F/report.json: JSON, but not an XGBoost model (brul-train writes them): "* ]]
	[[ "$stderr" != *basic_string* ]]
	run --separate-stderr brul-predict -m "$T/nonexistent.json" "$F/features.csv"
	assert_failure 1
	[[ "$stderr" == "brul-predict: $T/nonexistent.json: "* ]]
}

@test "an XGBoost model without brul's attributes is not a brul model" {
	"$PY" -c 'import xgboost' 2>/dev/null ||
	    skip "XGBoost's Python package (python3-xgboost) is not installed"
	"$PY" - "$T/x.json" <<'EOF'
import sys
import numpy as np
import xgboost
rng = np.random.default_rng(1)
X, y = rng.random((50, 3)), rng.random(50)
xgboost.train({"verbosity": 0}, xgboost.DMatrix(X, label=y), 2).save_model(sys.argv[1])
EOF
	[ -s "$T/x.json" ]
	run --separate-stderr brul-predict -m "$T/x.json" "$F/features.csv"
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == "brul-predict: $T/x.json: not a brul model"* ]]
}

@test "--baseline without a model: the physics RUL, no interval, no risk" {
	run --separate-stderr brul-predict --baseline "$F/features.csv"
	assert_success
	[ "${lines[0]}" = "$HEADER" ]
	[ "${#lines[@]}" -eq "$(wc -l < "$F/features.csv")" ]
	printf '%s\n' "${lines[@]}" > "$T/b.csv"
	diff <(cut -d, -f1,2 "$F/pred.csv") <(cut -d, -f1,2 "$T/b.csv")
	# p10 to risk empty, model_id baseline, everywhere
	[ "$(tail -n +2 "$T/b.csv" | cut -d, -f4-10 | sort -u)" = ",,,,,,baseline" ]
	# rul_days wherever the Arrhenius rule has its inputs
	run awk -F, 'NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) c[$i] = i
		else if ($c["life_used_pct"] > 0 && $c["eq_age_days"] > 0) need[FNR]; next }
	    FNR > 1 && (FNR in need) && $3 !~ /^[0-9]+\.[0-9]$/ { print "line " FNR ": " $0; bad++ }
	    END { exit bad > 0 }' "$F/features.csv" "$T/b.csv"
	assert_success
	# every value as brul-train(1) defines the baseline, from the same row
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		lu = $c["life_used_pct"]; eq = $c["eq_age_days"]; t = $c["t_mean_c"]
		rr = $c["r_ratio"]; rl = $c["r_latest_mohm"]; rs = $c["r_slope_mohm_per_day"]
		arr = res = ""
		if (lu != "" && eq != "" && lu > 0 && eq > 0) {
			left = eq * 100 / lu * (100 - lu) / 100
			arr = left / (t == "" ? 1 : 2 ^ ((t - 25) / 10))
		}
		if (rr != "" && rl != "" && rr > 0 && rl > 0) {
			if (rr >= 1.5)
				res = 0		# at 1.5 times its baseline already
			else if (rs != "" && rs > 0)
				res = (1.5 - rr) * (rl / rr) / rs
		}
		rul = arr == "" ? res : res == "" ? arr : arr < res ? arr : res
		print $c["battery_id"], $c["date"], rul == "" ? "" : rul < 0 ? 0 : rul
	}' "$F/features.csv" > "$T/want"
	run awk -F, 'NR == FNR { want[FNR] = $3; next } FNR > 1 {
		w = want[FNR - 1]; d = w - $3
		if ((w == "") != ($3 == "") || d > 0.051 || d < -0.051) { print "line " FNR ": " $0 " want " w; bad++ } }
	    END { exit bad > 0 }' "$T/want" "$T/b.csv"
	assert_success
}

@test "--baseline with a model: the median of the baseline's calibrated distribution" {
	brul-predict --baseline "$F/features.csv" > "$T/b.csv"
	run --separate-stderr brul-predict --baseline -m "$F/model.json" "$F/features.csv"
	assert_success
	printf '%s\n' "${lines[@]}" > "$T/bm.csv"
	[ "${lines[0]}" = "$HEADER" ]
	diff <(cut -d, -f1,2,10 "$T/b.csv") <(cut -d, -f1,2,10 "$T/bm.csv")
	# a RUL where the baseline has one, the median of its distribution
	diff <(cut -d, -f3 "$T/b.csv" | sed 's/.\+/x/') \
	    <(cut -d, -f3 "$T/bm.csv" | sed 's/.\+/x/')
	run awk -F, 'NR > 1 && $3 != "" {
		pr = "^[01]\\.[0-9][0-9][0-9][0-9]$"
		ok = $4 ~ /^[0-9]+\.[0-9]$/ && $5 ~ /^[0-9]+\.[0-9]$/ &&
		    $4 <= $3 && $3 <= $5 && $11 ~ pr &&
		    $6 ~ pr && $7 ~ pr && $8 ~ pr && $6 <= $7 && $7 <= $8 && $8 <= 1 &&
		    $9 ~ /^(critical|high|medium|low)$/ && $10 == "baseline"
		if (!ok) { print "line " NR ": " $0; bad++ } n++ }
	    END { exit bad > 0 || n == 0 }' "$T/bm.csv"
	assert_success
	check_risk 0.5 0.5 0.5 < "$T/bm.csv"
}

@test "the baseline by hand: Arrhenius against the rise of resistance" {
	f=$T/one.csv
	{ echo battery_id,date,life_used_pct,eq_age_days,t_mean_c,r_ratio,r_latest_mohm,r_slope_mohm_per_day
	  # life 730*100/50 = 1460 d, 730 left at 2^((35-25)/10) = 2 a day:
	  # 365 d; resistance 4.8/1.2 = 4 at start, (1.5-1.2)*4/0.01 = 120 d
	  echo X,2026-01-01,50,730,35,1.2,4.8,0.01
	  # not rising: Arrhenius alone
	  echo Y,2026-01-02,50,730,35,1.2,4.8,0
	  # no temperature: 730 d at 25 degC
	  echo Z,2026-01-03,50,730,,1.2,4.8,
	  # resistance alone
	  echo V,2026-01-04,,,,1.2,4.8,0.01
	  # nothing to go on
	  echo W,2026-01-05,,,,,,
	} > "$f"
	run --separate-stderr brul-predict --baseline "$f"
	assert_success
	assert_output "$HEADER
X,2026-01-01,120.0,,,,,,,baseline,
Y,2026-01-02,365.0,,,,,,,baseline,
Z,2026-01-03,730.0,,,,,,,baseline,
V,2026-01-04,120.0,,,,,,,baseline,
W,2026-01-05,,,,,,,,baseline,"
}

@test "features with the header only: status 0, the header only, said on stderr; none at all: status 1" {
	head -n 1 "$F/features.csv" > "$T/empty.csv"
	run --separate-stderr brul-predict -m "$F/model.json" "$T/empty.csv"
	assert_success
	assert_output "$HEADER"
	[ "$stderr" = "brul-predict: $T/empty.csv: 0 rows" ]
	run --separate-stderr brul-predict --baseline "$T/empty.csv"
	assert_success
	assert_output "$HEADER"
	run --separate-stderr brul-predict -m "$F/model.json" --latest "$T/empty.csv"
	assert_success
	assert_output "$HEADER"
	# an empty input (no header) is an error, and nothing is written
	run --separate-stderr brul-predict -m "$F/model.json" < /dev/null
	assert_failure 1
	[ -z "$output" ]
	[ "$stderr" = "brul-predict: <stdin>: empty: no header row (did the command before it fail?)" ]
}

@test "a write error (full disk) is reported with status 1" {
	run --separate-stderr brul-predict -m "$F/model.json" -o /dev/full "$F/features.csv"
	assert_failure 1
	[[ "$stderr" == "brul-predict: /dev/full: "*"No space left on device"* ]]
	[ -c /dev/full ]
}

@test "features of another window than the model's are refused, with the line" {
	"$BRUL_BIN"/brul-gen --seed 2 --batteries 24 --days 1 |
	    "$BRUL_BIN"/brul-features --fleet "$F/fleet.csv" > "$T/hourly.csv"
	run -1 brul-predict -m "$F/model.json" -o "$T/out.csv" "$T/hourly.csv"
	assert_output "brul-predict: $T/hourly.csv:2: window_s: 3600, but the model was trained on windows of 86400 s (brul-features --window 86400)"
	[ ! -e "$T/out.csv" ]
	# the baseline has no window of its own
	run -0 brul-predict --baseline "$T/hourly.csv"
	[ "${#lines[@]}" -eq 577 ]
}

@test "NDJSON features lacking the model's columns are refused like CSV" {
	# key columns and one feature only, as NDJSON
	drop_cols "$F/features.csv" r_ratio eq_age_days > "$T/cut.csv"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
		{ s = "{"; for (i = 1; i <= NF; i++) s = s (i > 1 ? "," : "") "\"" h[i] "\":" ($i == "" ? "null" : "\"" $i "\"")
		  print s "}" }' "$T/cut.csv" > "$T/cut.ndjson"
	run -1 brul-predict -m "$F/model.json" "$T/cut.ndjson"
	assert_output "brul-predict: $T/cut.ndjson: missing columns: r_ratio, eq_age_days"
}

@test "a feature beyond a float's range is refused with its line" {
	awk -F, -v OFS=, 'NR == 4 { $8 = "1e39" } { print }' "$F/features.csv" > "$T/inf.csv"
	run -1 brul-predict -m "$F/model.json" "$T/inf.csv"
	assert_output "brul-predict: $T/inf.csv:4: v_mean_v: out of range: 1e+39"
}

# --explain: each row's three main reasons, in columns after the others.
REASONS=reason_1,reason_2,reason_3

@test "--explain: three reason columns after the others, only when asked" {
	brul-predict -m "$F/model.json" --explain "$F/features.csv" > "$T/x.csv"
	head=$(head -n 1 "$F/pred.csv")
	[[ "$head" != *reason* ]]
	[ "$(head -n 1 "$T/x.csv")" = "$head,$REASONS" ]
	# the predictions themselves are those without --explain
	n=$(printf '%s\n' "$head" | tr , '\n' | wc -l)
	[ "$(wc -l < "$T/x.csv")" -eq "$(wc -l < "$F/pred.csv")" ]
	diff <(cut -d, -f1-"$n" "$T/x.csv") "$F/pred.csv"
	# a row's reasons are its own, batch after batch (4,096 rows each)
	{ cat "$F/features.csv"; tail -n +2 "$F/features.csv"
	  tail -n +2 "$F/features.csv"; } > "$T/f3.csv"
	brul-predict -m "$F/model.json" --explain "$T/f3.csv" > "$T/x3.csv"
	cmp "$T/x3.csv" <(cat "$T/x.csv"; tail -n +2 "$T/x.csv"; tail -n +2 "$T/x.csv")
	# and so with --latest, a battery's row that of its newest date
	brul-predict -m "$F/model.json" --explain --latest "$F/features.csv" > "$T/l.csv"
	[ "$(head -n 1 "$T/l.csv")" = "$head,$REASONS" ]
	[ "$(wc -l < "$T/l.csv")" -eq 97 ]
	run awk -F, 'NR == FNR { row[$1 "," $2] = $0; next }
	    FNR > 1 && row[$1 "," $2] != $0 { print "line " FNR ": " $0; bad++ }
	    END { exit bad > 0 }' "$T/x.csv" "$T/l.csv"
	assert_success
}

@test "--explain: three reasons a row, a phrase and signed whole days, largest first" {
	brul-predict -m "$F/model.json" --explain "$F/features.csv" > "$T/x.csv"
	run awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
		r = c["reason_1"]; nf = NF
		if (r != nf - 2 || c["reason_3"] != nf) { print "header: " $0; bad++ }
		next }
	    {
		if (NF != nf) { print "line " NR ": " NF " fields"; bad++; next }
		for (k = r; k <= nf; k++) {
			# readable: words and numbers, never a column name
			# (but for a missing value) nor the fallback "name = value"
			if ($k !~ /^[-+0-9A-Za-z. %\/]+: [-+][0-9]+ days$/ ||
			    $k ~ / = / || ($k ~ /_/ && $k !~ /^[a-z0-9_]+ missing: /)) {
				print "line " NR ": " $k; bad++
			}
			d = $k; sub(/.*: /, "", d); sub(/ days$/, "", d)
			d += 0
			a[k - r] = d < 0 ? -d : d
		}
		if (a[0] < a[1] || a[1] < a[2]) { print "line " NR ": order"; bad++ }
		n++ }
	    END { exit bad > 0 || n != 1920 }' "$T/x.csv"
	assert_success
	# the phrases people read, for the features this model leans on
	grep -q ',resistance +[0-9]* % over baseline: [-+][0-9]* days' "$T/x.csv"
	grep -q ',7-day resistance [-+0-9]* % [a-z]* baseline: [-+][0-9]* days' "$T/x.csv"
}

@test "--explain: a reason's value is the row's feature" {
	brul-predict -m "$F/model.json" --explain "$F/features.csv" > "$T/x.csv"
	# r_ratio 1.2345 reads "resistance +23 % over baseline", t_mean_c
	# 26.61 "mean temperature 26.6 degC", each rounded as it is written
	run awk -F, 'NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) c[$i] = i
		else { r[FNR] = $c["r_ratio"]; t[FNR] = $c["t_mean_c"] }; next }
	    FNR == 1 { for (i = 1; i <= NF; i++) p[$i] = i; next }
	    { for (k = p["reason_1"]; k <= p["reason_3"]; k++) {
		if ($k ~ /^resistance [+0-9]+ % over baseline/) {
			split($k, w, " "); want = (r[FNR] - 1) * 100
			got = w[2] + 0; n++
		} else if ($k ~ /^resistance [0-9]+ % under baseline/) {
			split($k, w, " "); want = (r[FNR] - 1) * 100
			got = -w[2]; n++
		} else if ($k ~ /^mean temperature /) {
			split($k, w, " "); want = t[FNR]
			got = w[3] + 0; n++
		} else
			continue
		if (got - want > 0.5001 || want - got > 0.5001) {
			print "line " FNR ": " $k " against " want; bad++
		} } }
	    END { print n " checked"; exit bad > 0 || n < 100 }' \
	    "$F/features.csv" "$T/x.csv"
	assert_success
}

@test "--explain: the days are those of the model's own contributions" {
	"$PY" -c 'import xgboost' 2>/dev/null ||
	    skip "XGBoost's Python package (python3-xgboost) is not installed"
	brul-predict -m "$F/model.json" --explain "$F/features.csv" > "$T/x.csv"
	# XGBoost's TreeSHAP through Python: the contributions and the bias
	# sum to the margin, log(1 + RUL) of the model's own RUL, and each
	# reason's days are exp(margin) - exp(margin - phi) of the three
	# largest
	run "$PY" - "$F/model.json" "$F/features.csv" "$T/x.csv" <<'EOF2'
import csv, json, math, sys
import numpy as np
import xgboost
b = xgboost.Booster()
b.load_model(sys.argv[1])
names = json.loads(b.attr("brul_features"))
survival = b.attr("brul_objective") == "survival"
with open(sys.argv[2], newline="") as f:
    feats = list(csv.DictReader(f))
with open(sys.argv[3], newline="") as f:
    preds = list(csv.DictReader(f))
X = np.array([[float(r[n]) if r[n] else np.nan for n in names]
              for r in feats], dtype=np.float32)
d = xgboost.DMatrix(X, missing=np.nan, feature_names=names)
phi = b.predict(d, pred_contribs=True)
out = b.predict(d)
assert phi.shape == (len(feats), len(names) + 1), phi.shape
checked = 0
for row, o, p in zip(phi, out, preds):
    m = float(np.sum(row, dtype=np.float64))
    rul = float(o) - 1 if survival else math.expm1(float(o))
    assert abs(m - math.log1p(rul)) < 1e-4, (m, rul)
    days = [math.exp(m) - math.exp(m - float(v)) for v in row[:-1] if v != 0]
    days.sort(key=abs, reverse=True)
    got = [int(p["reason_%d" % k].rsplit(": ", 1)[1].split()[0])
           for k in (1, 2, 3)]
    for g, want in zip(got, days):
        assert abs(g - want) <= 0.5001, (g, want, p)
    checked += 1
print(checked, "rows")
EOF2
	echo "$output"
	assert_success
	assert_output "1920 rows"
}

@test "--explain with --baseline: status 2, a message, nothing written" {
	for m in "" "-m $F/model.json"; do
		run --separate-stderr brul-predict $m --baseline --explain \
		    -o "$T/out.csv" "$F/features.csv"
		assert_failure 2
		[ -z "$output" ]
		[ "${stderr_lines[0]}" = "brul-predict: --explain: the baseline (--baseline) has no trees to explain" ]
		[ ! -e "$T/out.csv" ]
	done
}

@test "--explain --format ndjson: the reasons as strings" {
	brul-predict -m "$F/model.json" --explain --format ndjson "$F/features.csv" |
	    head -n 1 > "$T/x.ndjson"
	run "$PY" -c 'import json, sys
o = json.loads(open(sys.argv[1]).read())
print(list(o)[-3:], all(isinstance(o["reason_%d" % k], str) for k in (1, 2, 3)))' "$T/x.ndjson"
	assert_output "['reason_1', 'reason_2', 'reason_3'] True"
}
