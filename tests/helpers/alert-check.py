#!/usr/bin/python3
# alert-check.py DATASET ALERTS [GAP]: brul-alert's alerts over a
# simulated dataset, judged by what only the simulator knows (its events
# and labels), as an operator's morning would judge them.  Prints one
# JSON object:
#
#   blocks         blocks in the fleet
#   max_open       the most alerts open at once, and when (max_open_at)
#   open_by_day    alerts open at the end of each day
#   critical       alerts that were critical at some time; critical_real
#                  those on something in real trouble by the truth;
#                  unreal lists the others
#   faults         each injected fault (brul-gen --scenario, and GAP, a
#                  string whose feed was cut: STRING,FROM,TO) with the
#                  alert that caught it and how many minutes after the
#                  moment the rules promise it by (negative: before), or
#                  null when none did
#
# Real trouble: a block that fails (a failure event) or whose true state
# of health is under 80 % or remaining life at most 90 days that day
# (labels); a string cut off in a discharge, or holding such a block; a
# site with an outage or a lost cooling, or holding such a string.
import csv, gzip, io, json, sys
from datetime import datetime, timedelta


def rows(path):
    for p in (path, path + ".gz"):
        try:
            f = gzip.open(p, "rt") if p.endswith(".gz") else open(p)
            return csv.DictReader(f)
        except FileNotFoundError:
            continue
    raise FileNotFoundError(path)


def t(s):
    return datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")


d, alerts_path = sys.argv[1], sys.argv[2]
gap = sys.argv[3].split(",") if len(sys.argv) > 3 else None

bat = {r["battery_id"]: r for r in rows(d + "/batteries.csv")}
string_site = {r["string_id"]: r["site_id"] for r in bat.values()}
events = list(rows(d + "/events.csv"))
ill = set()                      # (battery, date) in trouble by labels
for r in rows(d + "/labels.csv"):
    if float(r["soh_pct"]) < 80 or (r["censored"] == "0" and int(r["rul_days"]) <= 90):
        ill.add((r["battery_id"], r["date"]))
failed = {e["scope"]: t(e["ts_start"]) for e in events if e["kind"] == "failure"}
cutoff = {e["scope"]: t(e["ts_start"]) for e in events if e["kind"] == "cutoff"}
site_ev = {}
for e in events:
    if e["kind"] in ("outage", "hvac_fault"):
        site_ev.setdefault(e["scope"], []).append(e)


def block_real(b, when):
    return b in failed or (b, when[:10]) in ill


def string_real(s, when):
    return s in cutoff or any(block_real(b, when) for b, r in bat.items()
                              if r["string_id"] == s)


def site_real(i, when):
    return i in site_ev or any(string_real(s, when) for s, si in string_site.items()
                               if si == i)


alerts = list(rows(alerts_path))
state, opened, crit = {}, {}, {}
open_by_day, max_open, max_at = {}, 0, None
for r in alerts:
    a = r["alert_id"]
    if r["event"] == "open":
        opened[a] = r
    if r["event"] == "clear":
        state.pop(a, None)
    else:
        state[a] = r
    if r["severity"] == "critical" and r["event"] != "clear" and a not in crit:
        crit[a] = r
    if len(state) > max_open:
        max_open, max_at = len(state), r["ts"]
    open_by_day[r["ts"][:10]] = len(state)


def real(r):
    when = r["ts"]
    if r["battery_id"]:
        return block_real(r["battery_id"], when)
    if r["string_id"]:
        return string_real(r["string_id"], when)
    return site_real(r["site_id"], when)


unreal = [a for a, r in crit.items() if not real(r)]


def first(pred):
    """The first event matching pred, as (alert_id, ts)."""
    for r in alerts:
        if pred(r):
            return r
    return None


def late(r, due):
    return None if r is None else {"alert": r["alert_id"],
                                   "minutes": (t(r["ts"]) - due).total_seconds() / 60}


faults = {}
for e in events:
    k, s, t0 = e["kind"], e["scope"], t(e["ts_start"])
    if k == "failure" and e["detail"].startswith("thermal_runaway"):
        # the runaway rule promises an alert while the block heats, before
        # it fails
        faults["runaway " + s] = late(first(lambda r: r["battery_id"] == s and
            r["kind"] == "thermal_runaway" and r["event"] == "open"), t0)
    elif k == "failure":
        # a failed cell takes a block's voltage off its float: the voltage
        # rules' 15 minutes, at the next sample
        faults[e["detail"].split(";")[0] + " " + s] = late(first(lambda r:
            r["battery_id"] == s and r["severity"] == "critical" and
            r["event"] != "clear"), t0 + timedelta(minutes=20))
    elif k == "hvac_fault":
        # the room rules: 10 minutes once the room is 4 degC over its usual
        # level; the room warms over the first hours
        faults["hvac " + s] = late(first(lambda r: r["site_id"] == s and
            r["kind"].startswith("room_temperature") and r["event"] == "open" and
            t(r["ts"]) >= t0), t0 + timedelta(hours=3))
    elif k == "cutoff":
        # the cut-off rule: critical 2 minutes under 10.5 V, by the time the
        # UPS stops the discharge
        faults["cutoff " + s] = late(first(lambda r: r["kind"] == "string_cutoff" and
            r["severity"] == "critical" and r["event"] != "clear" and
            t(r["ts"]) <= t0 + timedelta(minutes=2) and
            (r["string_id"] == s or (not r["string_id"] and s in r["message"]))),
            t0 + timedelta(minutes=2))
if gap:
    s, g0 = gap[0], t(gap[1])
    faults["feed " + s] = late(first(lambda r: r["kind"] == "data_missing" and
        r["event"] == "open" and t(r["ts"]) >= g0 and
        (r["string_id"] == s or r["site_id"] == string_site[s] and not r["string_id"])),
        g0 + timedelta(minutes=16))

print(json.dumps({
    "blocks": len(bat), "max_open": max_open, "max_open_at": max_at,
    "open_by_day": open_by_day, "critical": len(crit),
    "critical_real": len(crit) - len(unreal), "unreal": unreal,
    "faults": faults}, indent=1))
