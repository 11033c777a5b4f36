#!/bin/sh
# bench: the speed and memory figures of brul, as ratios measured in one run
# against named baselines (medians of several runs: the machine is shared).
set -eu
bin=${BRUL_BIN:-build/bin}
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# median wall time in seconds of a shell command, over $runs runs
median() {
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null
		e=$(date +%s.%N)
		echo "$s $e" | awk '{ printf "%.4f\n", $2 - $1 }'
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
peak_kb() { /usr/bin/time -f %M sh -c "exec $1 >/dev/null" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

rows=3110400
echo "brul bench: $(nproc) cores, $runs runs each, medians"
echo
echo "== brul-gen: the 90-day, 24-block dataset (3,110,400 telemetry rows)"
"$bin"/brul-gen --days 90 --batteries 24 > "$tmp/t.csv"
t_plain=$(median "$bin/brul-gen --days 90 --batteries 24")
t_one=$(median "taskset -c 0 $bin/brul-gen --days 90 --batteries 24")
echo "  uncompressed, one core:  $t_one s  = $(awk -v r=$rows -v t="$t_one" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s (target >= 3)"
echo "  vs the Python original (3,110,400 rows in ~190 s): $(ratio 190 "$t_plain")x faster"
t_z=$(median "$bin/brul-gen --days 90 --batteries 24 -z")
t_z3=$(median "$bin/brul-gen --days 90 --batteries 24 -z --level 3")
t_z6=$(median "$bin/brul-gen --days 90 --batteries 24 -z --level 6")
t_pigz=$(median "pigz -p 2 -6 < $tmp/t.csv")
t_gzip=$(median "gzip -6 < $tmp/t.csv")
b_z=$("$bin"/brul-gen --days 90 --batteries 24 -z | wc -c)
b_z3=$("$bin"/brul-gen --days 90 --batteries 24 -z --level 3 | wc -c)
b_z6=$("$bin"/brul-gen --days 90 --batteries 24 -z --level 6 | wc -c)
b_pigz=$(pigz -p 2 -6 < "$tmp/t.csv" | wc -c)
engine=zlib
ldd "$bin"/brul-gen | grep -q libisal && engine=ISA-L
echo "  with -z (default, zlib's level 5): $t_z s, $b_z bytes; --level 6: $t_z6 s, $b_z6 bytes"
echo "  --level 3 ($engine): $t_z3 s, $b_z3 bytes"
echo "  pigz -p 2 on the same bytes: $t_pigz s, $b_pigz bytes; gzip -6: $t_gzip s"
echo "  -z / pigz -p 2 = $(ratio "$t_z" "$t_pigz") (target <= 1.0); --level 3: $(ratio "$t_z3" "$t_pigz"); --level 6: $(ratio "$t_z6" "$t_pigz")"
echo "  -z bytes / zlib level 6 bytes = $(ratio "$b_z" "$b_z6") (target about 1.1); --level 3: $(ratio "$b_z3" "$b_z6")"
echo
echo "== brul-gen: the whole fleet, one day (3,421,440 rows)"
t_f=$(median "$bin/brul-gen --days 1")
echo "  uncompressed: $t_f s = $(awk -v t="$t_f" 'BEGIN { printf "%.2f", 3421440 / t / 1e6 }') M rows/s (with the fleet's history: ageing since installation, lives to end)"
echo
echo "== brul-gen: peak memory (max RSS)"
m1=$(peak_kb "$bin/brul-gen --days 1 --batteries 24 -z")
m90=$(peak_kb "$bin/brul-gen --days 90 --batteries 24 -z")
mf=$(peak_kb "$bin/brul-gen --days 1 -z")
md=$(peak_kb "$bin/brul-gen --days 90 --batteries 24 -z --dataset $tmp/ds --quiet")
echo "  24 blocks, 1 day -z:    $((m1 / 1024)) MB"
echo "  24 blocks, 90 days -z:  $((m90 / 1024)) MB"
echo "  fleet, 1 day -z:        $((mf / 1024)) MB"
echo "  90-day --dataset -z:    $((md / 1024)) MB (target <= 32 MB for each)"
echo
echo "== brul-features: daily features of the 90-day dataset (3,110,400 rows, gzip)"
"$bin"/brul-gen --days 90 --batteries 24 -z --dataset "$tmp/d90" --quiet
"$bin"/brul-gen --days 1 --batteries 24 -z -o "$tmp/t1.csv.gz"
"$bin"/brul-gen --days 30 --batteries 24 -z -o "$tmp/t30.csv.gz"
tz=$tmp/d90/telemetry.csv.gz
fleet=$tmp/d90/batteries.csv.gz
t_gz=$(median "gzip -dc $tz")
t_igz=$(median "igzip -dc $tz | cat")
t_feat=$(median "$bin/brul-features --window day --fleet $fleet $tz")
t_hour=$(median "$bin/brul-features --fleet $fleet $tz")
echo "  gzip -dc > /dev/null:     $t_gz s; igzip -dc | cat: $t_igz s"
echo "  brul-features --window day: $t_feat s = $(awk -v r=$rows -v t="$t_feat" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s (target >= 2.5), $(ratio "$t_feat" "$t_gz")x gzip -dc, $(ratio "$t_feat" "$t_igz")x igzip -dc | cat (target <= 1.1)"
echo "  brul-features (hourly):   $t_hour s = $(ratio "$t_hour" "$t_gz")x gzip -dc"
"$bin"/brul-gen --days 90 --batteries 24 --format ndjson -z -o "$tmp/t.ndjson.gz"
t_ndgz=$(median "gzip -dc $tmp/t.ndjson.gz")
t_nd=$(median "$bin/brul-features --window day --fleet $fleet $tmp/t.ndjson.gz")
echo "  the same as NDJSON:       $t_nd s = $(awk -v r=$rows -v t="$t_nd" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s, $(ratio "$t_nd" "$t_ndgz")x gzip -dc of it ($t_ndgz s)"
m1=$(peak_kb "$bin/brul-features --fleet $fleet $tmp/t1.csv.gz")
m30=$(peak_kb "$bin/brul-features --fleet $fleet $tmp/t30.csv.gz")
m90=$(peak_kb "$bin/brul-features --fleet $fleet $tz")
echo "  peak memory, 24 blocks: 1 day $((m1 / 1024)) MB, 30 days $((m30 / 1024)) MB, 90 days $((m90 / 1024)) MB"

echo
echo "== brul-predict: the whole fleet, one day of features (2,376 rows)"
"$bin"/brul-gen --seed 2 --emit batteries -o "$tmp/b2.csv"
"$bin"/brul-gen --seed 2 --days 20 --batteries 480 --quiet |
    "$bin"/brul-features --window day --fleet "$tmp/b2.csv" -o "$tmp/f2.csv"
"$bin"/brul-gen --seed 2 --days 20 --batteries 480 --emit labels -o "$tmp/l2.csv"
"$bin"/brul-train --quiet --folds 2 --labels "$tmp/l2.csv" -o "$tmp/m.json" "$tmp/f2.csv"
"$bin"/brul-gen --emit batteries -o "$tmp/b1.csv"
"$bin"/brul-gen --days 1 --quiet |
    "$bin"/brul-features --window day --fleet "$tmp/b1.csv" -o "$tmp/fleet-day.csv"
t_pred=$(median "$bin/brul-predict -m $tmp/m.json $tmp/fleet-day.csv")
t_latest=$(median "$bin/brul-predict -m $tmp/m.json --latest $tmp/fleet-day.csv")
echo "  brul-predict:          $t_pred s (target < 0.5 s; 300 trees of depth 4)"
echo "  brul-predict --latest: $t_latest s"

echo
echo "== the model against a data scientist's first try and the physics baseline,"
echo "   on batteries and a seed it never saw (train: seed 2, 600 blocks, 365 days"
echo "   at 15 minutes; test: seed 3, 600 blocks, the same; the peer is"
echo "   tests/bench/peer_xgb.py: Python XGBoost, 400 rounds of depth 6, log target)"
for s in 2 3; do
	"$bin"/brul-gen --seed $s --emit batteries -o "$tmp/y$s-b.csv"
	"$bin"/brul-gen --seed $s --days 365 --interval 900 --batteries 600 \
	    --emit labels -o "$tmp/y$s-l.csv"
	"$bin"/brul-gen --seed $s --days 365 --interval 900 --batteries 600 --quiet |
	    "$bin"/brul-features --window day --fleet "$tmp/y$s-b.csv" -o "$tmp/y$s-f.csv"
done
/usr/bin/python3 "$(dirname "$0")/peer_xgb.py" "$tmp/y2-f.csv" "$tmp/y2-l.csv" \
    "$tmp/y3-f.csv" "$tmp/peer.csv"
"$bin"/brul-train --quiet --labels "$tmp/y2-l.csv" --test "$tmp/y3-f.csv" \
    --test-labels "$tmp/y3-l.csv" --peer "$tmp/peer.csv" -o "$tmp/y.json" \
    --report "$tmp/r.json" "$tmp/y2-f.csv"
"$bin"/brul-predict -m "$tmp/y.json" "$tmp/y3-f.csv" -o "$tmp/y3-p.csv"
/usr/bin/python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def f(v, fmt):
    return "-" if v is None else fmt % v
for part in ("cv", "test"):
    m, b = r[part]["model"], r[part]["baseline"]
    p = r[part].get("peer")
    g = "<=365"
    line = "  %-4s MAE <=365 %5.1f d: %.2fx the baseline's %5.1f (target <= 0.5)" % (
        part, m[g]["mae_days"], m[g]["mae_days"] / b[g]["mae_days"], b[g]["mae_days"])
    if p:
        line += ", %.2fx the peer's %5.1f (target <= 0.85)" % (
            m[g]["mae_days"] / p[g]["mae_days"], p[g]["mae_days"])
    print(line)
    print("       AUC 90 d <=365 %.3f (target >= 0.90)%s; ECE 30/90/180 d %s (target <= 0.02)" % (
        m[g]["auc_90d"], "" if not p else ", the peer's %.3f" % p[g]["auc_90d"],
        " ".join(f(m["calibration"][h]["ece"], "%.4f") for h in ("30d", "90d", "180d"))))
    print("       coverage p10-p90 by band of true RUL %s %% (target 78-82 each)" %
          " ".join("%s %s" % (k, f(m[k]["coverage_pct"], "%.1f"))
                   for k in ("0-90", "90-180", "180-365", "365+")))
    print("       MAE by band %s d; sudden failures in 90 d: %.1f expected, %d seen" % (
        " ".join("%s %s" % (k, f(m[k]["mae_days"], "%.0f"))
                 for k in ("0-90", "90-180", "180-365", "365+")),
        m["sudden_90d"]["expected"], m["sudden_90d"]["observed"]))
PY
awk -F, 'NR == FNR { if (FNR > 1 && $6 == 0 && $4 <= 30) short[$2 "," $1]; next }
    FNR == 1 { next }
    { n++; for (k = 0; k < 3; k++) { h = k == 0 ? 30 : k == 1 ? 90 : 180
	if ($3 != "" && ($(6 + k) >= 0.5) != ($3 <= h)) bad++ } }
    ($1 "," $2) in short { s++; c += $9 == "critical" }
    END { printf "  every test row: %d of %d disagree (median against P(fail)); critical on %d of the %d rows with a true RUL <= 30 d\n", bad, n, c, s }' \
    "$tmp/y3-l.csv" "$tmp/y3-p.csv"

echo
echo "== what survival buys: the training fleet as an operator's records show it"
echo "   (--observed-until 2026-02-14: no end of life after the 45 days is known; judged on the true labels)"
"$bin"/brul-gen --seed 2 --days 45 --emit labels -o "$tmp/l2.csv"
"$bin"/brul-gen --seed 2 --days 45 --quiet |
    "$bin"/brul-features --window day --fleet "$tmp/b2.csv" -o "$tmp/f2.csv"
"$bin"/brul-train --quiet --labels "$tmp/l2.csv" --observed-until 2026-02-14 \
    --objective survival --report "$tmp/c.json" "$tmp/f2.csv"
/usr/bin/python3 - "$tmp/c.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["censoring"]
def f(v, fmt):
    return "-" if v is None else fmt % v
for obj in ("regression", "survival"):
    a, l = c[obj]["all"], c[obj]["<=365"]
    print("  %-10s  MAE all %s d, <=365 %s d; AUC 90d all %s; coverage <=365 %s %%"
          " (- : no interval known)"
          % (obj, f(a["mae_days"], "%.1f"), f(l["mae_days"], "%.1f"),
             f(a["auc_90d"], "%.3f"), f(l["coverage_pct"], "%.1f")))
PY

echo
echo "== brul-twin: the filter over the 90-day telemetry (3,110,400 samples, gzip), one core"
t_tw=$(median "taskset -c 0 $bin/brul-twin --every 1d --fleet $fleet $tz")
t_twf=$(median "taskset -c 0 $bin/brul-twin --fleet $fleet $tz")
echo "  one row per battery and day:  $t_tw s = $(awk -v r=$rows -v t="$t_tw" 'BEGIN { printf "%.2f", r / t / 1e6 }') M samples/s (target >= 3)"
echo "  one row per sample (10 columns each): $t_twf s = $(awk -v r=$rows -v t="$t_twf" 'BEGIN { printf "%.2f", r / t / 1e6 }') M samples/s"

echo
echo "== brul-twin on real blocks (../shared/data; tests/real-*.bats hold the marks)"
real=${BRUL_REAL_DATA:-$(dirname "$0")/../../../shared/data}
helpers=$(dirname "$0")/../helpers
if [ -d "$real/real-vrla-agm/uct-capacity" ]; then
	BRUL_BIN=$bin sh "$helpers/real-agm.sh" "$real/real-vrla-agm/uct-capacity" "$tmp/agm" |
	    awk 'NR > 1 { r = 9 * $2 / 100 / $4; e = 100 * ($6 - $5) / $6; h = $3 - 100 * $4 / 9
		c = 100 * ($7 - $2) / $2; if ($8 == 100) whole++; if ($9 > over) { over = $9; who = $1 }
		if (n == 0 || $10 < held) held = $10
		if (h < 0) h = -h
		if (n++ == 0) { rlo = rhi = r; elo = ehi = e; hlo = hhi = h; clo = chi = c }
		if (r < rlo) rlo = r; if (r > rhi) rhi = r
		if (e < elo) elo = e; if (e > ehi) ehi = e
		if (c < clo) clo = c; if (c > chi) chi = c
		if (h < hlo) hlo = h; if (h > hhi) hhi = h }
		END { printf "  9 Ah AGM capacity tests, %d blocks, circuit fitted on the others: runtime 10 min in %.1f-%.1f %% short (mark 5)\n", n, elo, ehi
		      printf "    capacity at C/6 predicted after the first discharge (--load): %+.1f to %+.1f %% of the second'"'"'s measured (mark 5)\n", clo, chi
		      printf "    runtime after the first 20 %% of the second discharge within 10 %% throughout: %d of %d blocks (target all); over by up to %.0f %% (%s); its 90 %% interval held them at %.0f %% of the samples at least\n", whole, n, over, who, held
		      printf "    Ah measured at C/6 over the own fit capacity: %.3f-%.3f, spread %.1f %% (mark 3); health %.1f-%.1f points from the fit (mark 8)\n", rlo, rhi, 100 * (rhi / rlo - 1), hlo, hhi }'
else
	echo "  no AGM capacity tests in $real: skipped"
fi
if [ -f "$real/real-lead-acid/battery_info.csv" ]; then
	BRUL_BIN=$bin sh "$helpers/real-logs.sh" "$real/real-lead-acid" "$tmp/tubular" |
	    awk 'NR > 1 { k++; if ($7 < least || k == 1) least = $7; sd[k] = $7 }
		NR > 1 && $3 == "yes" { s[++n] = $5; v[n] = $6 }
		END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
			if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t } }
		      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (sd[j] < sd[i]) { t = sd[i]; sd[i] = sd[j]; sd[j] = t }
		      m = n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
		      w = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		      d = k % 2 ? sd[(k + 1) / 2] : (sd[k / 2] + sd[k / 2 + 1]) / 2
		      printf "  tubular logs, %d fitted, unseen halves: median SOC RMSE %.1f points (mark 5, target 3), voltage %.3f V (mark 0.15); simulator 0.6\n", n, m, w
		      printf "    minutes within the stated SOC sd, %d logs: median %.0f %%, least %.0f %% (marks 30, 5; 68 %% is honest)\n", k, d, least }'
else
	echo "  no tubular logs in $real: skipped"
fi
if [ -d "$real/real-vrla-agm/uct-soc-batch-a/eis" ]; then
	BRUL_BIN=$bin sh "$helpers/real-eis-r0.sh" "$real/real-vrla-agm/uct-soc-batch-a" "$tmp/eisr0" |
	    awk 'NR > 1 { n++; if ($4 >= 0.85 && $4 <= 1.15) ok++; r = r sprintf(" %s %.2f", $1, $4) }
		END { printf "  9 Ah AGM batch A, R0 after a 0.9 A discharge over the spectrum'"'"'s 3 kHz real part:%s; within 15 %%: %d of %d (target all)\n", r, ok, n }'
else
	echo "  no AGM spectra in $real: skipped"
fi
if [ -d "$real/real-field-bboxx" ]; then
	BRUL_BIN=$bin sh "$helpers/real-field.sh" "$real/real-field-bboxx" "$tmp/field" |
	    awk 'NR > 1 { printf "  field telemetry (solar home, 17 Ah), battery %s: %d voltage updates, one-step voltage RMSE %.3f V (mark 0.1); %d estimates not finite; at rest |z| at most %.2f (mark 3); critical anomaly alerts %d (mark 0)\n", $1, $3, $4, $11, $12, $13 }'
else
	echo "  no field telemetry in $real: skipped"
fi

echo
echo "== brul-alert: the default rules over the 90-day telemetry and string stream (gzip), one core"
d90=$tmp/d90
alert="taskset -c 0 $bin/brul-alert --fleet $fleet --systems $d90/systems.csv.gz --string-telemetry $d90/string_telemetry.csv.gz $tz"
t_al=$(median "$alert")
m_al=$(peak_kb "$alert")
echo "  $t_al s = $(awk -v r=$rows -v t="$t_al" 'BEGIN { printf "%.2f", r / t / 1e6 }') M rows/s; $(ratio "$t_al" "$t_gz")x gzip -dc of the telemetry ($t_gz s); peak memory $((m_al / 1024)) MB"
"$bin"/brul-gen --days 1 -z --dataset "$tmp/f1" --quiet
alert_f="taskset -c 0 $bin/brul-alert --fleet $tmp/f1/batteries.csv.gz --systems $tmp/f1/systems.csv.gz --string-telemetry $tmp/f1/string_telemetry.csv.gz $tmp/f1/telemetry.csv.gz"
t_alf=$(median "$alert_f")
t_gzf=$(median "gzip -dc $tmp/f1/telemetry.csv.gz")
m_alf=$(peak_kb "$alert_f")
echo "  the whole fleet, one day (3,421,440 rows): $t_alf s = $(awk -v t="$t_alf" 'BEGIN { printf "%.2f", 3421440 / t / 1e6 }') M rows/s; $(ratio "$t_alf" "$t_gzf")x gzip -dc ($t_gzf s); peak memory $((m_alf / 1024)) MB"


echo
echo "== brul-alert: what an operator is shown (the whole fleet, default rules, the twin's estimates)"
# tests/helpers/alert-fleet.sh: the scenarios and alert-check.py's verdict
for w in faults month; do
	BRUL_BIN=$bin sh "$(dirname "$0")/../helpers/alert-fleet.sh" $w "$tmp/al-$w"
	/usr/bin/python3 - "$w" "$tmp/al-$w/check.json" "$tmp/al-$w/digest.csv" <<-'PY'
	import csv, json, sys
	w, c = sys.argv[1], json.load(open(sys.argv[2]))
	dates = [r["date"] for r in csv.DictReader(open(sys.argv[3]))]
	items = dates.count(max(dates)) if dates else 0
	what = "3 hot-season days, 6 kinds of fault injected" if w == "faults" else "an ordinary 30 days"
	print(f"  {what}: at most {c['max_open']} alerts open at once = 1 per {c['blocks'] / max(1, c['max_open']):.0f} blocks (target: 1 per 50 or fewer)")
	print(f"    critical alerts: {c['critical']}, on real trouble by the truth: {c['critical_real']} = {100 * c['critical_real'] / max(1, c['critical']):.0f} % (target >= 90 %)")
	if c["faults"]:
	    late = [k for k, v in c["faults"].items() if v is None or v["minutes"] > 0]
	    worst = max((v["minutes"] for v in c["faults"].values() if v), default=0)
	    print(f"    faults caught in the time their rules promise: {len(c['faults']) - len(late)} of {len(c['faults'])}"
	          f" (latest {worst:+.0f} min against the promise){'; late or missed: ' + ', '.join(late) if late else ''}")
	print(f"    maintenance items in the last day's digest: {items}")
	PY
done
echo
sh "$(dirname "$0")/load.sh" "$tmp/d90"

echo
sh "$(dirname "$0")/shards.sh"

echo
sh "$(dirname "$0")/serve.sh" "$tmp/d90"
