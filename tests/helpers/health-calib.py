#!/usr/bin/python3
# health-calib.py TWIN TRUTH: brul-twin's state of health against the
# simulator's truth, each block at its last row of TWIN, for the blocks
# the truth never shows discharging (mode float throughout).  Prints
#   n N rmse R bias B within W known K
#   bands est E0 E1 E2 E3 E4 unknown U truth T0 T1 T2 T3 T4
# (within: the fraction within one stated sd; known: the fraction whose
# band is told, as twin/health.h's brul_health_known; bands by the API's
# edges 80 85 90 95).
import csv, math, sys

last = {}
for r in csv.DictReader(open(sys.argv[1])):
    last[r["battery_id"]] = r
want = {(r["ts"], k) for k, r in last.items()}
truth, moved = {}, set()
for r in csv.DictReader(open(sys.argv[2])):
    if r["mode"] != "float":
        moved.add(r["battery_id"])
    if (r["ts"], r["battery_id"]) in want:
        truth[r["battery_id"]] = float(r["soh_pct"])


def band(s):
    return 0 if s < 80 else 1 if s < 85 else 2 if s < 90 else 3 if s < 95 \
        else 4


errs, within, est, tru, unknown = [], 0, [0] * 5, [0] * 5, 0
for k, r in last.items():
    if k in moved or k not in truth:
        continue
    s, sd, t = float(r["soh_pct"]), float(r["soh_sd_pct"]), truth[k]
    errs.append(s - t)
    within += abs(s - t) <= sd
    tru[band(t)] += 1
    if sd <= 5 or s + sd < 80:
        est[band(s)] += 1
    else:
        unknown += 1
n = len(errs)
print("n %d rmse %.3f bias %.3f within %.3f known %.3f" % (
    n, math.sqrt(sum(e * e for e in errs) / n), sum(errs) / n, within / n,
    1 - unknown / n))
print("bands est", *est, "unknown", unknown, "truth", *tru)
