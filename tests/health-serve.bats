#!/usr/bin/env bats
# The API's bands of health with "unknown" (twin/health.h): against a
# real PostgreSQL and brul-serve, a block whose estimate's standard
# deviation is over 5 points is counted unknown, not in a band, in the
# summary (fleet and site) and flagged in its site's blocks; one surely
# under 80 % keeps its band however wide.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/fleet

PW=$FLEET_PW

setup_file() {
	d=$BATS_FILE_TMPDIR
	fleet_setup "$d" 5453 --days 1 --batteries 24 --seed 6
	# The latest estimates of five blocks, made by hand: (soh, sd) and
	# whether the band is told.
	psql -qXAt "$DATABASE_URL" -c "INSERT INTO twin (battery_id, ts,
	    soh_pct, soh_sd_pct) SELECT battery_id, '2026-01-05', v.soh, v.sd
	    FROM (SELECT battery_id, row_number() OVER (ORDER BY battery_id)
	    AS k FROM batteries WHERE removed_date IS NULL) b JOIN (VALUES
	    (1, 92.0, 6.0), (2, 65.0, 12.0), (3, 96.0, 4.9), (4, 88.0, 5.0),
	    (5, NULL, NULL)) v(k, soh, sd) USING (k)"
	fleet_serve "$d" --model "$d/model.json"
}

teardown_file() {
	d=$BATS_FILE_TMPDIR
	kill "$(cat "$d/pid")" 2>/dev/null || true
	fleet_teardown "$d" 5453
}

setup() {
	F=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	export DATABASE_URL=$(cat "$F/conninfo")
	URL=http://127.0.0.1:$(cat "$F/port")
}

q() { psql -qXAt "$DATABASE_URL" -c "$1"; }

get() {
	local tok
	tok=$(curl -s -X POST -H 'Content-Type: application/json' \
	    --data-binary "{\"username\":\"view\",\"password\":\"$PW\"}" \
	    "$URL/api/v1/auth/login" |
	    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
	curl -s -H "Authorization: Bearer $tok" "$URL/api/v1/$1"
}

@test "summary: a band only for an estimate that tells it, else unknown" {
	get summary > "$T/summary.json"
	q "SELECT json_agg(x) FROM (SELECT b.battery_id, b.site_id, w.soh_pct,
	    w.soh_sd_pct FROM batteries b LEFT JOIN LATERAL (SELECT * FROM twin
	    w WHERE w.battery_id = b.battery_id ORDER BY ts DESC LIMIT 1) w ON
	    true WHERE b.removed_date IS NULL) x" > "$T/latest.json"
	run /usr/bin/python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
latest = json.load(open(f"{d}/latest.json"))
def band(x):
    soh, sd = x["soh_pct"], x["soh_sd_pct"]
    if soh is None or sd is None or (sd > 5 and soh + sd >= 80):
        return None
    return sum(soh >= e for e in (80, 85, 90, 95))
def counts(xs):
    b = [band(x) for x in xs]
    return [b.count(i) for i in range(5)], b.count(None)
f = s["fleet"]
want, unknown = counts(latest)
print(f["soh"], f["soh_unknown"], want, unknown)
assert (f["soh"], f["soh_unknown"]) == (want, unknown)
# the made blocks: 92 +- 6 and none unknown; 65 +- 12 under 80; 96 +- 4.9
# and 88 +- 5 in their bands
assert unknown >= 2, unknown
assert want[0] >= 1
for site in s["sites"]:
    w, u = counts([x for x in latest if x["site_id"] == site["site_id"]])
    assert (site["soh"], site["soh_unknown"]) == (w, u), site
PY
	echo "$output"
	assert_success
}

@test "a site's blocks: soh_sd_pct, and soh_known as the summary counts" {
	q "SELECT json_agg(x) FROM (SELECT b.site_id, b.battery_id FROM batteries b
	    WHERE b.removed_date IS NULL ORDER BY b.battery_id LIMIT 5) x" > "$T/made.json"
	site=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["site_id"])' "$T/made.json")
	get "sites/$site/blocks" > "$T/blocks.json"
	run /usr/bin/python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
made = json.load(open(f"{d}/made.json"))
blocks = {b["battery_id"]: b for b in json.load(open(f"{d}/blocks.json"))["items"]}
want = [(92.0, 6.0, False), (65.0, 12.0, True), (96.0, 4.9, True),
        (88.0, 5.0, True), (None, None, False)]
seen = 0
for m, w in zip(made, want):
    b = blocks.get(m["battery_id"])
    if b is None:
        continue
    seen += 1
    assert (b["soh_pct"], b["soh_sd_pct"], b["soh_known"]) == w, (b, w)
assert seen >= 1
for b in blocks.values():
    assert isinstance(b["soh_known"], bool), b
PY
	echo "$output"
	assert_success
}
