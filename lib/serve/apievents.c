/* apievents.c: what happened in a range of time, as a real fleet's
 * monitor tells it: the strings' discharges found in their telemetry
 * (/api/v1/discharges), and with them the rooms that ran hot and the
 * alerts opened or escalated (/api/v1/activity).  Neither reads the
 * simulator's events or truth, which a real fleet has not.
 *
 * Ownership: the statements are static; answers are PostgreSQL's JSON,
 * sent through brul_reply_query. */
#include <stdint.h>
#include <string.h>

#include "core/timefmt.h"
#include "serve/api.h"

/* The strings asked for ($3 site, $4 string) and the range r (lo, hi):
 * [$1, $2) as given, a day from $1, or the day up to just after the
 * latest reading of those strings (a probe each on the primary key). */
#define RANGE \
	"s AS (SELECT string_id, site_id, system_id, capacity_ah FROM " \
	"  strings WHERE ($3::text IS NULL OR site_id = $3) AND " \
	"  ($4::text IS NULL OR string_id = $4)), " \
	"w AS (SELECT coalesce($2::timestamptz, $1::timestamptz + " \
	"  interval '1 day', (SELECT max(l.ts) + interval '1 second' FROM " \
	"  s, LATERAL (SELECT t.ts FROM string_telemetry t WHERE " \
	"  t.string_id = s.string_id ORDER BY t.ts DESC LIMIT 1) l), " \
	"  date_trunc('second', now())) AS hi), " \
	"r AS (SELECT coalesce($1::timestamptz, w.hi - interval '1 day') AS " \
	"  lo, w.hi FROM w), "

/* A discharge is a run of a string's samples in mode discharge, no two
 * more than 5 minutes apart (a dropout does not split one).  Those that
 * end within the range are read from a day before it, so that one under
 * way at its start is told whole.  It ends at the first sample after it
 * when that comes within 5 minutes (the mode then says how: rest when
 * the UPS cut off, boost or float when the mains came back), else at its
 * last sample; ongoing when nothing came after yet.  Its Ah are the
 * current held from each sample to the next; the lowest block voltage is
 * over the blocks' readings while it discharged; the runtime left is the
 * least of the twin's minutes at each block's last estimate during it
 * (the weakest block stops the string), and the twin's capacity the
 * least of each block's first estimate within a day after it. */
#define DISCHARGES \
	"d AS (SELECT s.string_id, t.ts, t.voltage_v, t.current_a FROM r, s " \
	"  CROSS JOIN LATERAL (SELECT t.ts, t.voltage_v, t.current_a FROM " \
	"  string_telemetry t WHERE t.string_id = s.string_id AND t.ts >= " \
	"  r.lo - interval '1 day' AND t.ts < r.hi AND t.mode = " \
	"  'discharge') t), " \
	"g AS (SELECT d.*, count(*) FILTER (WHERE d.gap) OVER (PARTITION BY " \
	"  d.string_id ORDER BY d.ts) AS run FROM (SELECT d.*, coalesce(" \
	"  d.ts - lag(d.ts) OVER (PARTITION BY d.string_id ORDER BY d.ts) > " \
	"  interval '5 minutes', true) AS gap FROM d) d), " \
	"n AS (SELECT g.*, lead(g.ts) OVER (PARTITION BY g.string_id, g.run " \
	"  ORDER BY g.ts) AS nxt FROM g), " \
	"u AS (SELECT n.string_id, min(n.ts) AS t0, max(n.ts) AS t1, " \
	"  count(*) AS samples, min(n.voltage_v) AS string_min_v, " \
	"  max(-n.current_a) AS peak_a, coalesce(sum(-n.current_a * " \
	"  extract(epoch FROM n.nxt - n.ts)::float8), 0) / 3600 AS ah_body, " \
	"  (array_agg(n.current_a ORDER BY n.ts DESC))[1] AS last_a FROM n " \
	"  GROUP BY n.string_id, n.run HAVING max(n.ts) >= (SELECT lo FROM " \
	"  r)), " \
	"e AS (SELECT u.*, s.site_id, s.system_id, s.capacity_ah, a.ts AS " \
	"  ta, a.mode AS mode_after, b.ts AS tb, CASE WHEN a.ts - u.t1 <= " \
	"  interval '5 minutes' THEN a.ts ELSE u.t1 END AS t_end FROM u " \
	"  JOIN s USING (string_id) LEFT JOIN LATERAL (SELECT t.ts, t.mode " \
	"  FROM string_telemetry t WHERE t.string_id = u.string_id AND t.ts " \
	"  > u.t1 ORDER BY t.ts LIMIT 1) a ON true LEFT JOIN LATERAL (SELECT " \
	"  t.ts FROM string_telemetry t WHERE t.string_id = u.string_id AND " \
	"  t.ts < u.t0 ORDER BY t.ts DESC LIMIT 1) b ON true), " \
	"x AS (SELECT e.*, e.ah_body + coalesce(-e.last_a * extract(epoch " \
	"  FROM e.t_end - e.t1)::float8 / 3600, 0) AS ah FROM e), " \
	"dj AS (SELECT x.site_id, x.string_id, x.t0, json_build_object(" \
	"  'site_id', x.site_id, 'system_id', x.system_id, 'string_id', " \
	"  x.string_id, 'start', x.t0, 'end', x.t_end, 'duration_min', " \
	"  extract(epoch FROM x.t_end - x.t0)::float8 / 60, 'samples', " \
	"  x.samples, " \
	"  'start_seen', coalesce(x.t0 - x.tb <= interval '5 minutes', " \
	"  false), 'ongoing', x.ta IS NULL, 'mode_after', CASE WHEN x.ta - " \
	"  x.t1 <= interval '5 minutes' THEN x.mode_after END, 'ah', x.ah, " \
	"  'depth_pct', x.ah / nullif(x.capacity_ah, 0) * 100, " \
	"  'peak_current_a', x.peak_a, 'string_min_v', x.string_min_v, " \
	"  'block_min', (SELECT json_build_object('battery_id', " \
	"    t.battery_id, 'ts', t.ts, 'voltage_v', t.voltage_v) FROM " \
	"    batteries b JOIN telemetry t ON t.battery_id = b.battery_id " \
	"    WHERE b.string_id = x.string_id AND t.site_id = x.site_id AND " \
	"    t.ts >= x.t0 AND t.ts <= x.t1 AND t.voltage_v IS NOT NULL " \
	"    ORDER BY t.voltage_v, t.ts, t.battery_id LIMIT 1), " \
	"  'runtime', (SELECT json_build_object('battery_id', b.battery_id, " \
	"    'ts', w.ts, 'runtime_min', w.runtime_min) FROM batteries b " \
	"    CROSS JOIN LATERAL (SELECT w.ts, w.runtime_min FROM twin w " \
	"    WHERE w.battery_id = b.battery_id AND w.ts >= x.t0 AND w.ts <= " \
	"    x.t1 AND w.runtime_min IS NOT NULL ORDER BY w.ts DESC LIMIT 1) " \
	"    w WHERE b.string_id = x.string_id ORDER BY w.runtime_min, " \
	"    b.battery_id LIMIT 1), " \
	"  'twin_capacity', (SELECT json_build_object('battery_id', " \
	"    b.battery_id, 'ts', w.ts, 'soh_pct', w.soh_pct, 'soh_sd_pct', " \
	"    w.soh_sd_pct, 'capacity_ah', w.soh_pct * b.capacity_ah / 100) " \
	"    FROM batteries b CROSS JOIN LATERAL (SELECT w.ts, w.soh_pct, " \
	"    w.soh_sd_pct FROM twin w WHERE w.battery_id = b.battery_id AND " \
	"    w.ts > x.t1 AND w.ts <= x.t1 + interval '1 day' AND w.soh_pct " \
	"    IS NOT NULL ORDER BY w.ts LIMIT 1) w WHERE b.string_id = " \
	"    x.string_id ORDER BY w.soh_pct * b.capacity_ah, b.battery_id " \
	"    LIMIT 1)) AS j FROM x) "

#define DISCHARGE_LIST \
	"coalesce((SELECT json_agg(dj.j ORDER BY dj.site_id, dj.string_id, " \
	"dj.t0) FROM dj), '[]'::json)"

static const struct brul_stmt discharges = { "events_discharges",
    "WITH " RANGE DISCHARGES
    "SELECT json_build_object('from', r.lo, 'to', r.hi, 'items', "
    DISCHARGE_LIST ")::text FROM r" };

/* An alert as the activity lists it, over alerts a. */
#define ALERT \
	"jsonb_build_object('alert_id', a.alert_id, 'site_id', a.site_id, " \
	"'string_id', a.string_id, 'battery_id', a.battery_id, 'kind', " \
	"a.kind, 'severity', a.severity, 'state', a.state, 'ts_open', " \
	"a.ts_open, 'ts_clear', a.ts_clear, 'value', a.value, 'threshold', " \
	"a.threshold, 'message', a.message)"
/* How many of the alerts opened the activity lists, critical first. */
#define OPENED_ITEMS "100"

/* The activity: the discharges of the range, the rooms that ran hot in it
 * (the alerts of the room_temperature_* rules open during it), the
 * alerts opened in it, and those that went from warning to critical in
 * it (from the alerts' events, by their time's index). */
static const struct brul_stmt activity = { "events_activity",
    "WITH " RANGE DISCHARGES ", "
    "o AS (SELECT a.* FROM r, alert_events e JOIN alerts a USING "
    "  (alert_id) WHERE e.event = 'open' AND e.ts >= r.lo AND e.ts < r.hi "
    "  AND ($3::text IS NULL OR e.site_id = $3)), "
    "up AS (SELECT e.alert_id, e.ts, (SELECT p.severity FROM alert_events "
    "  p WHERE p.alert_id = e.alert_id AND p.ts < e.ts ORDER BY p.ts DESC "
    "  LIMIT 1) AS was FROM r, alert_events e WHERE e.event = 'update' AND "
    "  e.severity = 'critical' AND e.ts >= r.lo AND e.ts < r.hi AND "
    "  ($3::text IS NULL OR e.site_id = $3)), "
    "esc AS (SELECT DISTINCT ON (up.alert_id) up.ts, a.* FROM up JOIN "
    "  alerts a USING (alert_id) WHERE up.was = 'warning' ORDER BY "
    "  up.alert_id, up.ts) "
    "SELECT json_build_object('from', r.lo, 'to', r.hi, "
    "'discharges', " DISCHARGE_LIST ", "
    "'room_faults', coalesce((SELECT json_agg(" ALERT " ORDER BY "
    "  a.ts_open DESC, a.alert_id) FROM alerts a WHERE a.kind LIKE "
    "  'room\\_temperature\\_%' AND a.ts_open < r.hi AND (a.ts_clear IS "
    "  NULL OR a.ts_clear >= r.lo) AND ($3::text IS NULL OR a.site_id = "
    "  $3)), '[]'::json), "
    "'alerts_opened', json_build_object('total', (SELECT count(*) FROM o), "
    "  'critical', (SELECT count(*) FROM o WHERE severity = 'critical'), "
    "  'warning', (SELECT count(*) FROM o WHERE severity = 'warning'), "
    "  'by_kind', coalesce((SELECT json_agg(json_build_object('kind', "
    "  k.kind, 'critical', k.c, 'warning', k.w, 'total', k.n) ORDER BY "
    "  k.n DESC, k.kind) FROM (SELECT kind, count(*) FILTER (WHERE "
    "  severity = 'critical') AS c, count(*) FILTER (WHERE severity = "
    "  'warning') AS w, count(*) AS n FROM o GROUP BY kind) k), "
    "  '[]'::json), 'items', coalesce((SELECT json_agg(y.j ORDER BY "
    "  y.crit DESC, y.ts_open DESC, y.alert_id) FROM (SELECT " ALERT
    " AS j, a.severity = 'critical' AS crit, a.ts_open, a.alert_id "
    "  FROM o a ORDER BY a.severity = 'critical' DESC, a.ts_open DESC, "
    "  a.alert_id LIMIT " OPENED_ITEMS ") y), '[]'::json)), "
    "'alerts_escalated', coalesce((SELECT json_agg(" ALERT
    " || jsonb_build_object('ts_escalated', a.ts) ORDER BY a.ts DESC, "
    "  a.alert_id) FROM esc a), '[]'::json))::text FROM r" };

/* The longest range asked for: a month of a fleet's discharges and
 * alerts is still one answer. */
#define SPAN_MAX (31 * 86400L)

/* from and to (either may be absent) and the filters: 0, or -1 having
 * answered 400. */
static int
range_args(struct brul_req *r, char from[32], char to[32], const char **v)
{
	int64_t lo, hi;
	int hf, ht;

	if ((hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0)
		return -1;
	v[0] = hf ? from : NULL;
	v[1] = ht ? to : NULL;
	if (!hf || !ht)
		return 0;
	brul_time_parse(from, strlen(from), &lo);
	brul_time_parse(to, strlen(to), &hi);
	if (hi <= lo) {
		brul_reply_error(r, 400, "bad_argument",
		    "to: must come after from");
		return -1;
	}
	if (hi - lo > SPAN_MAX) {
		brul_reply_error(r, 400, "bad_argument",
		    "from, to: at most %ld days", SPAN_MAX / 86400);
		return -1;
	}
	return 0;
}

int
brul_api_discharges(struct brul_req *r)
{
	char from[32], to[32];
	const char *v[4] = { NULL, NULL, NULL, NULL };

	if (range_args(r, from, to, v) < 0 ||
	    brul_arg_id(r, "site", &v[2]) < 0 ||
	    brul_arg_id(r, "string", &v[3]) < 0)
		return r->ret;
	return brul_reply_query(r, &discharges, 4, v, 200, "no discharges");
}

int
brul_api_activity(struct brul_req *r)
{
	char from[32], to[32];
	const char *v[4] = { NULL, NULL, NULL, NULL };

	if (range_args(r, from, to, v) < 0 ||
	    brul_arg_id(r, "site", &v[2]) < 0)
		return r->ret;
	return brul_reply_query(r, &activity, 4, v, 200, "no activity");
}
