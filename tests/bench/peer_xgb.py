#!/usr/bin/python3
"""The data scientist's first try, brul-train's peer in make bench.

XGBoost from Python, as a data scientist would first fit it: 400 rounds
of depth 6 at learning rate 0.05 on log(1 + RUL), squared error, on
exactly brul's features (every column of the features stream but its
keys) and labels (a censored label's lower bound taken as the value).
It trains on one fleet and writes its predictions of another as a
predictions stream (battery_id, date, rul_days), which brul-train --peer
judges beside its own model.

usage: peer_xgb.py TRAIN_FEATURES TRAIN_LABELS TEST_FEATURES OUT.csv
"""
import csv
import gzip
import math
import sys

import numpy as np
import xgboost as xgb

KEYS = {"battery_id", "string_id", "date", "ts", "window_s"}


def rows(path):
    f = gzip.open(path, "rt") if path.endswith(".gz") else open(path)
    with f:
        yield from csv.DictReader(f)


def features(path):
    ids, x, names = [], [], None
    for r in rows(path):
        if names is None:
            names = [k for k in r if k not in KEYS]
        ids.append((r["battery_id"], r["date"]))
        x.append([float(r[k]) if r[k] != "" else math.nan for k in names])
    return ids, np.array(x, dtype=np.float32), names


def main():
    trf, trl, tef, out = sys.argv[1:5]
    label = {(r["battery_id"], r["date"]): float(r["rul_days"])
             for r in rows(trl) if r["rul_days"] != ""}
    ids, x, names = features(trf)
    keep = [i for i, k in enumerate(ids) if k in label]
    y = np.log1p([label[ids[i]] for i in keep])
    d = xgb.DMatrix(x[keep], label=y, feature_names=names,
                    missing=math.nan)
    params = {"objective": "reg:squarederror", "max_depth": 6,
              "eta": 0.05, "nthread": 0, "seed": 1, "verbosity": 0}
    booster = xgb.train(params, d, num_boost_round=400)
    tids, tx, tnames = features(tef)
    if tnames != names:
        sys.exit("peer_xgb.py: the test features have other columns")
    pred = np.expm1(booster.predict(xgb.DMatrix(tx, feature_names=names,
                                                missing=math.nan)))
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["battery_id", "date", "rul_days"])
        for (b, day), p in zip(tids, pred):
            w.writerow([b, day, "%.1f" % max(float(p), 0.0)])


if __name__ == "__main__":
    main()
