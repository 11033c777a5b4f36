#!/usr/bin/env bats
# brul-train: the join of features and labels, the report's figures, the
# model file (deterministic, loadable by XGBoost's Python package, agreeing
# with brul-predict), censoring, a held-out test set, and its errors.

bats_require_minimum_version 1.5.0
load helpers/common

# XGBoost's Python package is the system one, whatever python3 is on PATH.
PY=/usr/bin/python3

# Small and quick: 3 folds, 30 rounds, one thread unless the test is about
# threads.
TRAIN=(brul-train --quiet --folds 3 --rounds 30 --threads 1)

# A training fleet (seed 2, 96 blocks, 20 days) and a test fleet (seed 3,
# 24 blocks), as daily features and labels, made once.
setup_file() {
	d=$BATS_FILE_TMPDIR
	B=$BRUL_BIN
	"$B"/brul-gen --seed 2 --batteries 96 --emit batteries > "$d/train-fleet.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit telemetry |
	    "$B"/brul-features --window day --fleet "$d/train-fleet.csv" \
	    > "$d/train-features.csv"
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit labels > "$d/train-labels.csv"
	"$B"/brul-gen --seed 3 --batteries 24 --emit batteries > "$d/test-fleet.csv"
	"$B"/brul-gen --seed 3 --batteries 24 --days 20 --emit telemetry |
	    "$B"/brul-features --window day --fleet "$d/test-fleet.csv" \
	    > "$d/test-features.csv"
	"$B"/brul-gen --seed 3 --batteries 24 --days 20 --emit labels > "$d/test-labels.csv"
	# No block of this fleet reaches its end of life within the 20 days,
	# so censoring at a day inside them would leave no exact label to
	# calibrate with: the same labels with six blocks failing on day 4.
	sc=()
	for b in 05 17 29 41 53 65; do
		sc+=(--scenario "failure,battery=B00$b-1,fail=2026-01-04T00:00:00Z")
	done
	"$B"/brul-gen --seed 2 --batteries 96 --days 20 --emit labels "${sc[@]}" \
	    > "$d/fail-labels.csv"
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

# jget FILE a/b/c: the JSON value at that path (keys split at /), a string
# raw, null as "null" (a missing key too); jq (./configure --tests).
jget() {
	jq -r --arg p "$2" 'getpath($p | split("/")) |
	    if type == "object" or type == "array" then tojson else . end' "$1"
}

# joined FEATURES LABELS: the number of feature rows with a label for
# their battery_id and date (columns found by name in both).
joined() {
	awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
	    NR == FNR { lab[$c[FILENAME, "battery_id"] "," $c[FILENAME, "date"]]; next }
	    ($c[FILENAME, "battery_id"] "," $c[FILENAME, "date"]) in lab { n++ }
	    END { print n + 0 }' "$2" "$1"
}

# batteries FEATURES: distinct battery_id values.
batteries() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "battery_id") b = i; next }
	    { s[$b] } END { print length(s) }' "$1"
}

# A positive number?
positive() {
	awk -v x="$1" 'BEGIN { exit !(x ~ /^[0-9.eE+-]+$/ && x + 0 > 0) }'
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr brul-train --help
	assert_success
	assert_output --partial "usage: brul-train"
	[ -z "$stderr" ]
}

@test "--version prints the version on stdout and exits 0" {
	run --separate-stderr brul-train --version
	assert_success
	assert_output --regexp '^brul-train [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "trains, writes the model and a report of the joined rows" {
	# every 7th label left out, so that some feature rows have none
	awk 'NR == 1 || NR % 7' "$F/train-labels.csv" > "$T/labels.csv"
	rows=$(joined "$F/train-features.csv" "$T/labels.csv")
	total=$(($(wc -l < "$F/train-features.csv") - 1))
	# the features: every column but the five keys
	nf=$(head -1 "$F/train-features.csv" | awk -F, '{ print NF - 5 }')
	[ "$rows" -gt 0 ]
	[ "$rows" -lt "$total" ]
	run --separate-stderr brul-train --folds 3 --rounds 30 --threads 1 \
	    --labels "$T/labels.csv" -o "$T/model.json" --report "$T/r.json" \
	    "$F/train-features.csv"
	assert_success
	[ -z "$output" ]
	[[ "$stderr" == *"brul-train: $rows rows, 96 batteries, $nf features, $((total - rows)) rows without a label"* ]]
	# the model: complete, under its final name only
	[ -s "$T/model.json" ]
	[ ! -e "$T/model.json.partial.json" ]
	"$PY" -c 'import json, sys; assert "learner" in json.load(open(sys.argv[1]))' "$T/model.json"
	# the report
	r=$T/r.json
	[ "$(jget "$r" rows)" -eq "$rows" ]
	[ "$(jget "$r" skipped)" -eq $((total - rows)) ]
	[ "$(jget "$r" batteries)" -eq 96 ]
	[ "$(jget "$r" batteries)" -eq "$(batteries "$F/train-features.csv")" ]
	[ "$(jget "$r" folds)" -eq 3 ]
	[ "$(jget "$r" seed)" -eq 1 ]
	[ "$(jget "$r" objective)" = regression ]
	[[ "$(jget "$r" brul_version)" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "$(jget "$r" fingerprint)" =~ ^[0-9a-f]{16}$ ]]
	[[ "$(jget "$r" model_id)" =~ ^[0-9a-f]+$ ]]
	# the features: every column but the keys, in the stream's order
	expect=$(head -n 1 "$F/train-features.csv" | tr , '\n' |
	    grep -vxE 'battery_id|string_id|date|ts|window_s' | paste -sd, -)
	[ "$(jget "$r" features | tr -d '"[]')" = "$expect" ]
	positive "$(jget "$r" cv/model/all/mae_days)"
	positive "$(jget "$r" cv/model/all/rmse_days)"
	positive "$(jget "$r" cv/baseline/all/mae_days)"
	for who in model baseline; do
		[ "$(jget "$r" "cv/$who/all/rows")" -eq "$rows" ]
		[ "$(jget "$r" "cv/$who/all/batteries")" -eq 96 ]
		# the bands of the true RUL add up to all rows
		n=0
		for band in 0-90 90-180 180-365 365+; do
			n=$((n + $(jget "$r" "cv/$who/$band/rows")))
		done
		[ "$n" -eq "$rows" ]
		for g in '<=365' '<=365 wear-out'; do
			v=$(jget "$r" "cv/$who/$g/rows")
			[[ "$v" =~ ^[0-9]+$ ]]
		done
		cov=$(jget "$r" "cv/$who/all/coverage_pct")
		awk -v x="$cov" 'BEGIN { exit !(x >= 0 && x <= 100) }'
		[ "$(jget "$r" "cv/$who/all/unpredicted")" -eq 0 ]
	done
	[ "$(jget "$r" test)" = null ]
	[ "$(jget "$r" censoring)" = null ]
}

@test "the same seed gives the same model byte for byte; another seed another model" {
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --seed 7 -o "$T/a.json" \
	    --report "$T/a.r" "$F/train-features.csv"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --seed 7 -o "$T/b.json" \
	    --report "$T/b.r" "$F/train-features.csv"
	cmp "$T/a.json" "$T/b.json"
	cmp "$T/a.r" "$T/b.r"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --seed 8 -o "$T/c.json" \
	    --report "$T/c.r" "$F/train-features.csv"
	if cmp -s "$T/a.json" "$T/c.json"; then echo "seeds 7 and 8 gave the same model"; false; fi
	[ "$(jget "$T/c.r" seed)" -eq 8 ]
	[ "$(jget "$T/a.r" model_id)" != "$(jget "$T/c.r" model_id)" ]
	# the same data: the same fingerprint
	[ "$(jget "$T/a.r" fingerprint)" = "$(jget "$T/c.r" fingerprint)" ]
}

@test "one thread or two give the same model" {
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --threads 1 -o "$T/1.json" "$F/train-features.csv"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --threads 2 -o "$T/2.json" "$F/train-features.csv"
	cmp "$T/1.json" "$T/2.json"
}

# xgboost_agrees OBJECTIVE: a model of that objective loads unchanged in
# XGBoost's Python package, with brul's attributes, and its raw predictions
# turned into days are brul-predict's rul_days once the calibration and
# the hazard are taken out of the file (with them, rul_days is the median
# of a distribution around that prediction: predict.bats).
xgboost_agrees() {
	"$PY" -c 'import xgboost' 2>/dev/null ||
	    skip "XGBoost's Python package (python3-xgboost) is not installed"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --objective "$1" \
	    -o "$T/m.json" --report "$T/r.json" "$F/train-features.csv"
	"$PY" - "$T/m.json" "$T/raw.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
a = m["learner"]["attributes"]
del a["brul_calibration"], a["brul_hazard"]
json.dump(m, open(sys.argv[2], "w"))
EOF
	brul-predict -m "$T/raw.json" "$F/train-features.csv" > "$T/p.csv"
	run "$PY" - "$T/m.json" "$F/train-features.csv" "$T/p.csv" \
	    "$1" "$(jget "$T/r.json" model_id)" "$(jget "$T/r.json" fingerprint)" <<'EOF'
import csv, json, math, sys
import numpy as np
import xgboost

model, features, predictions, objective, model_id, fingerprint = sys.argv[1:7]
b = xgboost.Booster(model_file=model)
a = b.attributes()
for k in ("brul_features", "brul_objective", "brul_calibration",
          "brul_model_id", "brul_fingerprint", "brul_cv"):
    assert k in a, "no attribute " + k
assert a["brul_objective"] == objective, a["brul_objective"]
assert a["brul_model_id"] == model_id, (a["brul_model_id"], model_id)
assert a["brul_fingerprint"] == fingerprint, (a["brul_fingerprint"], fingerprint)
json.loads(a["brul_calibration"])
assert "model" in json.loads(a["brul_cv"])
names = json.loads(a["brul_features"])
with open(features, newline="") as f:
    rows = list(csv.DictReader(f))
X = np.array([[float(r[n]) if r[n] != "" else math.nan for n in names]
              for r in rows], dtype=np.float32)
raw = b.predict(xgboost.DMatrix(X, missing=math.nan, feature_names=names))
with open(predictions, newline="") as f:
    pred = list(csv.DictReader(f))
assert len(pred) == len(rows) == len(raw), (len(pred), len(rows), len(raw))
bad = 0
for r, p, y in zip(rows, pred, raw):
    y = float(y)
    rul = max(math.expm1(y), 0) if objective == "regression" else max(y - 1, 0)
    if (r["battery_id"], r["date"]) != (p["battery_id"], p["date"]) or \
            abs(rul - float(p["rul_days"])) > 0.051:
        bad += 1
        if bad <= 5:
            print("row", r["battery_id"], r["date"], "xgboost", rul,
                  "brul-predict", p["battery_id"], p["date"], p["rul_days"])
print(len(rows), "rows,", bad, "differ")
sys.exit(bad != 0)
EOF
	echo "$output"
	assert_success
	assert_output --partial "1920 rows, 0 differ"
}

@test "a regression model loads in XGBoost's Python package and predicts as brul-predict" {
	xgboost_agrees regression
}

@test "a survival model loads in XGBoost's Python package and predicts as brul-predict" {
	xgboost_agrees survival
}

@test "--observed-until compares both objectives under censoring" {
	rows=$(joined "$F/train-features.csv" "$F/fail-labels.csv")
	run --separate-stderr brul-train --folds 3 --rounds 30 --threads 1 \
	    --labels "$F/fail-labels.csv" --observed-until 2026-01-10 \
	    --report "$T/r.json" "$F/train-features.csv"
	assert_success
	r=$T/r.json
	[ "$(jget "$r" censoring/observed_until)" = 2026-01-10 ]
	[ "$(jget "$r" rows)" -eq "$rows" ]
	for obj in regression survival; do
		[ "$(jget "$r" "censoring/$obj/all/rows")" -eq "$rows" ]
		[ "$(jget "$r" "censoring/$obj/all/batteries")" -eq 96 ]
		positive "$(jget "$r" "censoring/$obj/all/mae_days")"
		for g in 0-90 90-180 180-365 365+ '<=365' '<=365 wear-out'; do
			[[ "$(jget "$r" "censoring/$obj/$g/rows")" =~ ^[0-9]+$ ]]
		done
	done
	# the table names both
	[[ "$stderr" == *"cv regression"* ]]
	[[ "$stderr" == *"cv survival"* ]]
	[[ "$stderr" == *"cv baseline"* ]]
}

@test "--test judges the final model and the baseline on held-out features" {
	rows=$(joined "$F/test-features.csv" "$F/test-labels.csv")
	[ "$rows" -gt 0 ]
	run --separate-stderr brul-train --folds 3 --rounds 30 --threads 1 \
	    --labels "$F/train-labels.csv" --test "$F/test-features.csv" \
	    --test-labels "$F/test-labels.csv" --report "$T/r.json" \
	    "$F/train-features.csv"
	assert_success
	r=$T/r.json
	[ "$(jget "$r" test/rows)" -eq "$rows" ]
	[ "$(jget "$r" test/batteries)" -eq 24 ]
	for who in model baseline; do
		[ "$(jget "$r" "test/$who/all/rows")" -eq "$rows" ]
		[ "$(jget "$r" "test/$who/all/batteries")" -eq 24 ]
		positive "$(jget "$r" "test/$who/all/mae_days")"
	done
	[[ "$stderr" == *"test model"* ]]
	[[ "$stderr" == *"test baseline"* ]]
	# the training figures are those of a run without --test
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --report "$T/cv.json" "$F/train-features.csv"
	[ "$(jget "$r" cv)" = "$(jget "$T/cv.json" cv)" ]
}

@test "--peer judges another model's predictions of the test rows beside brul's" {
	rows=$(joined "$F/test-features.csv" "$F/test-labels.csv")
	"${TRAIN[@]}" --labels "$F/train-labels.csv" -o "$T/m.json" "$F/train-features.csv"
	brul-predict -m "$T/m.json" "$F/test-features.csv" > "$T/p.csv"
	# brul's own predictions as the peer: the same figures as brul's,
	# but for the predictions' rounding to 0.1 day
	run --separate-stderr "${TRAIN[@]}" --labels "$F/train-labels.csv" \
	    --test "$F/test-features.csv" --test-labels "$F/test-labels.csv" \
	    --peer "$T/p.csv" --report "$T/r.json" "$F/train-features.csv"
	assert_success
	r=$T/r.json
	[ "$(jget "$r" test/peer/all/rows)" -eq "$rows" ]
	[ "$(jget "$r" test/peer/all/unpredicted)" -eq 0 ]
	for k in all/mae_days all/coverage_pct all/auc_90d calibration/90d/ece; do
		awk -v a="$(jget "$r" "test/model/$k")" -v b="$(jget "$r" "test/peer/$k")" \
		    -v k="$k" 'BEGIN { d = a - b; if (d < -0.06 || d > 0.06) {
			print k ": model " a ", peer " b; exit 1 } }'
	done
	# a peer of one column knows no interval and predicts half the rows
	awk -F, 'NR == 1 || NR % 2 == 0 { print $1 "," $2 "," $3 }' "$T/p.csv" > "$T/half.csv"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" --test "$F/test-features.csv" \
	    --test-labels "$F/test-labels.csv" --peer "$T/half.csv" \
	    --report "$T/h.json" "$F/train-features.csv"
	[ "$(jget "$T/h.json" test/peer/all/coverage_pct)" = null ]
	[ "$(jget "$T/h.json" test/peer/all/unpredicted)" -eq $((rows / 2)) ]
	# a peer file that is no predictions stream is an error
	run --separate-stderr "${TRAIN[@]}" --labels "$F/train-labels.csv" \
	    --test "$F/test-features.csv" --peer "$F/test-labels.csv" "$F/train-features.csv"
	assert_failure 1
	[[ "$stderr" == *"--peer"* ]]
	# a row without its battery: status 1, where
	printf 'battery_id,date,rul_days\n,2026-01-01,5\n' > "$T/bad.csv"
	run --separate-stderr "${TRAIN[@]}" --labels "$F/train-labels.csv" \
	    --test "$F/test-features.csv" --peer "$T/bad.csv" "$F/train-features.csv"
	assert_failure 1
	[ "$stderr" = "brul-train: $T/bad.csv:2: battery_id: missing value" ]
}

@test "--short-weight: the rows ending within a year weigh more, in regression only" {
	for w in 1 8; do
		"${TRAIN[@]}" --labels "$F/train-labels.csv" --short-weight $w \
		    -o "$T/r$w.json" "$F/train-features.csv"
		"${TRAIN[@]}" --labels "$F/train-labels.csv" --short-weight $w \
		    --objective survival -o "$T/s$w.json" "$F/train-features.csv"
	done
	! cmp -s "$T/r1.json" "$T/r8.json"
	cmp "$T/s1.json" "$T/s8.json"
}

# trees MODEL: the model's trees, the wear-out it learnt, alone.
trees() {
	jq -c .learner.gradient_booster.model.trees "$1"
}

@test "a sudden failure's end does not train the wear-out" {
	# Two blocks of the training fleet end in a shorted cell.
	[ "$(grep -c ',short_cell$' "$F/train-labels.csv")" -gt 0 ]
	# Regression weighs such a row nothing: its days do not matter ...
	awk -F, -v OFS=, '$7 == "short_cell" { $4 += 500 } 1' \
	    "$F/train-labels.csv" > "$T/later.csv"
	! cmp -s "$F/train-labels.csv" "$T/later.csv"
	cp "$F/train-labels.csv" "$T/as-is.csv"
	for l in as-is later; do
		"${TRAIN[@]}" --labels "$T/$l.csv" -o "$T/$l.json" \
		    "$F/train-features.csv"
	done
	[ "$(trees "$T/as-is.json")" = "$(trees "$T/later.json")" ]
	# ... and survival takes its wear-out as only later: censored.
	awk -F, -v OFS=, '$7 == "short_cell" { $6 = 1 } 1' \
	    "$F/train-labels.csv" > "$T/censored.csv"
	"${TRAIN[@]}" --objective survival --labels "$F/train-labels.csv" \
	    -o "$T/s.json" "$F/train-features.csv"
	"${TRAIN[@]}" --objective survival --labels "$T/censored.csv" \
	    -o "$T/sc.json" "$F/train-features.csv"
	[ "$(trees "$T/s.json")" = "$(trees "$T/sc.json")" ]
}

# oof_check MODEL REPORT: the model's brul_oof, a sample of the
# out-of-fold predictions, agrees with the report's cross-validation.
# Prints "N rows, n sampled, coverage x (cv y)", the coverage of the sample
# weighted by band_rows to stand for all rows, and fails on a mismatch.
oof_check() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys

model, report = sys.argv[1:3]
a = json.load(open(model))["learner"]["attributes"]
cv = json.load(open(report))["cv"]["model"]
assert json.loads(a["brul_cv"])["model"] == cv
o = json.loads(a["brul_oof"])
arrays = ("rul_true_days", "rul_pred_days", "p10_days", "p90_days")
assert list(o) == ["rows", "sampled", "band_rows"] + list(arrays), list(o)
n = o["sampled"]
assert all(len(o[k]) == n for k in arrays), [len(o[k]) for k in arrays]
assert 0 < n <= 1000 and n == min(o["rows"], 1000), (n, o["rows"])
names = ("0-90", "90-180", "180-365", "365+")
# no label is censored and every row predicted: all rows are in the frame
# the sample is drawn from, and a band's rows are the report's
assert o["rows"] == cv["all"]["rows"] == sum(o["band_rows"])
assert o["band_rows"] == [cv[b]["rows"] for b in names]
band = lambda t: 0 if t < 90 else 1 if t < 180 else 2 if t < 365 else 3
got = [0] * 4
for t in o["rul_true_days"]:
    got[band(t)] += 1
# equal shares: a band smaller than its share is taken whole
share = 1000
for k, b in enumerate(sorted(range(4), key=lambda b: o["band_rows"][b])):
    want = min(o["band_rows"][b], share // (4 - k))
    assert got[b] == want, (names[b], got[b], want)
    share -= want
# the coverage of each band taken whole, and of all rows through the bands'
# weights
inside, counted = [0] * 4, [0] * 4
for t, lo, hi in zip(o["rul_true_days"], o["p10_days"], o["p90_days"]):
    assert hi is None or lo is None or lo <= hi
    if lo is not None:
        counted[band(t)] += 1
        inside[band(t)] += lo <= t and (hi is None or t <= hi)
for b in range(4):
    if got[b] == o["band_rows"][b] and counted[b]:
        x = 100 * inside[b] / counted[b]
        assert abs(x - cv[names[b]]["coverage_pct"]) < 1, (names[b], x)
w = [o["band_rows"][b] / got[b] if got[b] else 0 for b in range(4)]
x = 100 * sum(w[b] * inside[b] for b in range(4)) / \
    sum(w[b] * counted[b] for b in range(4))
print(o["rows"], "rows,", n, "sampled, coverage %.1f (cv %.1f)" %
      (x, cv["all"]["coverage_pct"]))
assert abs(x - cv["all"]["coverage_pct"]) < (1 if n == o["rows"] else 3)
EOF
}

@test "the model carries a sample of its out-of-fold predictions and intervals" {
	# 1920 rows: 1000 sampled, the rarer short RULs all of them
	"${TRAIN[@]}" --labels "$F/train-labels.csv" -o "$T/m.json" \
	    --report "$T/r.json" "$F/train-features.csv"
	run -0 oof_check "$T/m.json" "$T/r.json"
	echo "$output"
	assert_output --regexp '^1920 rows, 1000 sampled, coverage '
	# 48 batteries, 960 rows: all of them
	awk -F, 'NR == 1 || substr($1, 2, 4) + 0 <= 48' \
	    "$F/train-features.csv" > "$T/half.csv"
	"${TRAIN[@]}" --labels "$F/train-labels.csv" -o "$T/h.json" \
	    --report "$T/h.r" "$T/half.csv"
	run -0 oof_check "$T/h.json" "$T/h.r"
	echo "$output"
	assert_output --regexp '^960 rows, 960 sampled, coverage '
}

@test "no --labels: the usage line and status 2" {
	run --separate-stderr brul-train "$F/train-features.csv"
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"--labels"* ]]
	[[ "$stderr" == *"usage: brul-train"* ]]
}

@test "a bad option prints the usage line on stderr and exits 2" {
	run --separate-stderr brul-train --no-such-option
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"usage: brul-train"* ]]
}

@test "bad option values are refused with status 2 and a reason" {
	for args in "--folds 1" "--folds 21" "--folds x" "--rounds 0" \
	    "--depth 0" "--depth 21" "--eta 0" "--eta 1.5" "--threads 0" \
	    "--objective cox" "--observed-until 2026-13-01" "--seed -1" \
	    "--test-labels $F/test-labels.csv" "--short-weight 0.5" \
	    "--short-weight 1001" "--peer $F/test-features.csv"; do
		run --separate-stderr brul-train --labels "$F/train-labels.csv" \
		    -o "$T/m.json" $args "$F/train-features.csv"
		[ "$status" -eq 2 ] || { echo "status $status for $args"; false; }
		[[ "$stderr" == brul-train:* ]] || { echo "for $args: $stderr"; false; }
		[ ! -e "$T/m.json" ]
	done
}

@test "features without battery_id: status 1, the column named" {
	f=$T/nobid.csv
	cut -d, -f2- "$F/train-features.csv" > "$f"
	run --separate-stderr brul-train --labels "$F/train-labels.csv" "$f"
	assert_failure 1
	[ "$stderr" = "brul-train: $f: missing column \"battery_id\": brul-train's input takes a features stream" ]
}

@test "a bad number in the labels is reported with its file and line" {
	f=$T/labels.csv
	awk -F, -v OFS=, 'NR == 3 { $4 = "x12" } 1' "$F/train-labels.csv" > "$f"
	[ "$(head -n 1 "$f" | cut -d, -f4)" = rul_days ]
	run --separate-stderr brul-train --labels "$f" "$F/train-features.csv"
	assert_failure 1
	[ "$stderr" = "brul-train: $f:3: rul_days: not a number: \"x12\"" ]
}

@test "a bad number in the features is reported with its file and line" {
	f=$T/features.csv
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "r_ratio") c = i }
	    NR == 5 { $c = "abc" } 1' "$F/train-features.csv" > "$f"
	run --separate-stderr brul-train --labels "$F/train-labels.csv" "$f"
	assert_failure 1
	[ "$stderr" = "brul-train: $f:5: r_ratio: not a number: \"abc\"" ]
}

@test "features with no label at all: status 1" {
	sed 's/,B0/,Z0/' "$F/train-labels.csv" > "$T/labels.csv"
	[ "$(joined "$F/train-features.csv" "$T/labels.csv")" -eq 0 ]
	n=$(($(wc -l < "$F/train-features.csv") - 1))
	run --separate-stderr brul-train --labels "$T/labels.csv" -o "$T/m.json" \
	    "$F/train-features.csv"
	assert_failure 1
	[ "$stderr" = "brul-train: $F/train-features.csv: no feature row has a label ($n rows skipped)" ]
	[ ! -e "$T/m.json" ]
	[ ! -e "$T/m.json.partial.json" ]
}

@test "empty features (the header only): status 1" {
	head -n 1 "$F/train-features.csv" > "$T/empty.csv"
	run --separate-stderr brul-train --labels "$F/train-labels.csv" -o "$T/m.json" "$T/empty.csv"
	assert_failure 1
	[[ "$stderr" == "brul-train: $T/empty.csv: "* ]]
	[ ! -e "$T/m.json" ]
	[ ! -e "$T/m.json.partial.json" ]
}

@test "fewer batteries than folds: status 1, no model, nothing partial" {
	mkdir "$T/out"
	{ head -n 1 "$F/train-features.csv"
	  grep -E '^B000[12]-1,' "$F/train-features.csv"; } > "$T/two.csv"
	run --separate-stderr brul-train --labels "$F/train-labels.csv" --folds 3 \
	    -o "$T/out/m.json" --report "$T/out/r.json" "$T/two.csv"
	assert_failure 1
	[ "$stderr" = "brul-train: 2 batteries with labels: too few for 3 folds" ]
	[ -z "$(ls -A "$T/out")" ]
}

@test "a failed run leaves a model already there as it was" {
	echo old > "$T/m.json"
	{ head -n 1 "$F/train-features.csv"
	  grep -E '^B000[12]-1,' "$F/train-features.csv"; } > "$T/two.csv"
	run --separate-stderr brul-train --labels "$F/train-labels.csv" --folds 3 \
	    -o "$T/m.json" "$T/two.csv"
	assert_failure 1
	[ "$(cat "$T/m.json")" = old ]
	[ -z "$(find "$T" -name '*.partial')" ]
}

@test "a model that cannot be written: status 1, no file" {
	run --separate-stderr "${TRAIN[@]}" --labels "$F/train-labels.csv" \
	    -o /nonexistent/dir/m.json "$F/train-features.csv"
	assert_failure 1
	[[ "$stderr" == "brul-train: "*"/nonexistent/dir/m.json"* ]]
	[ ! -e /nonexistent/dir ]
	# a directory in the way: the rename fails after the model is written
	mkdir -p "$T/out/m.json"
	run --separate-stderr "${TRAIN[@]}" --labels "$F/train-labels.csv" \
	    -o "$T/out/m.json" "$F/train-features.csv"
	assert_failure 1
	[[ "$stderr" == "brul-train: $T/out/m.json: "* ]]
	[ -d "$T/out/m.json" ]
	[ -z "$(ls -A "$T/out/m.json")" ]
	[ "$(ls -A "$T/out")" = m.json ]
}

@test "--observed-until before any end of life: intervals unknown, not an error" {
	run -0 brul-train --quiet --folds 3 --rounds 10 --threads 1 \
	    --labels "$F/train-labels.csv" --observed-until 2026-01-03 \
	    --report "$T/r.json" -o "$T/m.json" "$F/train-features.csv"
	run -0 brul-predict -m "$T/m.json" "$F/train-features.csv"
	# every row: a prediction, but neither end of the interval
	echo "$output" | awk -F, 'NR > 1 && ($3 == "" || $4 != "" || $5 != "") { bad = 1 } END { exit bad }'
}

@test "a model or report to a device is written into it, never renamed over it" {
	run -1 brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" -o /dev/full "$F/train-features.csv"
	assert_output --partial "brul-train: /dev/full: cannot write the model"
	[ -c /dev/full ]
	run -1 brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" --report /dev/full "$F/train-features.csv"
	assert_output "brul-train: /dev/full: cannot write the report: No space left on device"
	[ -c /dev/full ]
}

@test "a label without its censored flag, or with a RUL out of range, is refused" {
	awk -F, -v OFS=, 'NR == 3 { $6 = "" } { print }' "$F/train-labels.csv" > "$T/l1.csv"
	run -1 brul-train --quiet --folds 3 --rounds 5 --labels "$T/l1.csv" "$F/train-features.csv"
	assert_output "brul-train: $T/l1.csv:3: censored: missing value"
	awk -F, -v OFS=, 'NR == 5 { $4 = "1e300" } { print }' "$F/train-labels.csv" > "$T/l2.csv"
	run -1 brul-train --quiet --folds 3 --rounds 5 --labels "$T/l2.csv" "$F/train-features.csv"
	assert_output "brul-train: $T/l2.csv:5: rul_days: out of range (0 to 100000): 1e+300"
}

@test "the model is XGBoost JSON whatever its name, replacing a link rather than following it, never into a directory" {
	mkdir "$T/dir"
	run -1 brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" -o "$T/dir" "$F/train-features.csv"
	assert_output "brul-train: $T/dir: is a directory"
	run -0 brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" -o "$T/m.ubj" "$F/train-features.csv"
	[ "$(head -c 11 "$T/m.ubj")" = '{"learner":' ]
	run -0 brul-predict -m "$T/m.ubj" "$F/train-features.csv"
	# a link is replaced by the model, its target left alone
	echo kept > "$T/target.json"
	ln -s target.json "$T/link.json"
	run -0 brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" -o "$T/link.json" "$F/train-features.csv"
	[ ! -L "$T/link.json" ]
	cmp "$T/m.ubj" "$T/link.json"
	[ "$(cat "$T/target.json")" = kept ]
	# to a pipe: the JSON itself
	brul-train --quiet --folds 3 --rounds 5 --threads 1 \
	    --labels "$F/train-labels.csv" -o /dev/stdout "$F/train-features.csv" |
	    cmp - "$T/m.ubj"
}
