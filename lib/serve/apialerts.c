/* apialerts.c: alerts, their statistics, acknowledging and resolving them
 * (/api/v1/alerts). */
#include <stdio.h>
#include <string.h>

#include "serve/api.h"

/* The alerts a list's filters select, each with its urgency now
 * (migration 007): its priority, raised once it has waited a day
 * unacknowledged. */
#define FILTERED \
    "WITH f AS (SELECT a.*, brul_alert_urgency(a, now()) AS urgency " \
    "  FROM alerts a WHERE " \
    "  ($3::text IS NULL OR a.site_id = $3) " \
    "  AND ($4::text IS NULL OR a.battery_id = $4) " \
    "  AND ($5::text IS NULL OR a.severity = $5) " \
    "  AND ($6::text IS NULL OR a.kind = $6) " \
    "  AND ($7::text IS NULL OR a.state = $7) " \
    "  AND ($8::boolean IS NULL OR (a.acknowledged_at IS NOT NULL) = $8) " \
    "  AND ($9::timestamptz IS NULL OR a.ts_open >= $9) " \
    "  AND ($10::timestamptz IS NULL OR a.ts_open < $10) " \
    "  AND ($11::text IS NULL OR a.string_id = $11)) "

/* What to act on first: open before cleared, unacknowledged before
 * acknowledged, then by urgency, the newest first among equals. */
static const struct brul_stmt list = { "alerts_list", FILTERED
    PAGE("to_jsonb(x) ORDER BY (x.state = 'open') DESC, "
    "(x.acknowledged_at IS NULL) DESC, x.urgency, x.ts_open DESC, "
    "x.alert_id", "(state = 'open') DESC, (acknowledged_at IS NULL) DESC, "
    "urgency, ts_open DESC, alert_id") };
/* sort=recent: the latest changed first, as a log reads. */
static const struct brul_stmt recent = { "alerts_recent", FILTERED
    PAGE("to_jsonb(x) ORDER BY x.ts_update DESC, x.alert_id",
    "ts_update DESC, alert_id") };

/* Alerts opened in the N days up to `until` (default now), by kind and
 * severity, and those open now. */
static const struct brul_stmt stats = { "alerts_stats",
    "WITH w AS (SELECT date_trunc('second', coalesce($2::timestamptz, "
    "  now())) AS hi), "
    "f AS (SELECT a.* FROM alerts a, w WHERE a.ts_open >= w.hi - "
    "  $1::integer * interval '1 day' AND a.ts_open < w.hi "
    "  AND ($3::text IS NULL OR a.site_id = $3)) "
    "SELECT json_build_object('days', $1::integer, 'from', w.hi - "
    "  $1::integer * interval '1 day', 'to', w.hi, "
    "  'opened', (SELECT count(*) FROM f), "
    "  'by_severity', json_build_object("
    "    'warning', (SELECT count(*) FROM f WHERE severity = 'warning'), "
    "    'critical', (SELECT count(*) FROM f WHERE severity = 'critical')), "
    "  'by_kind', coalesce((SELECT json_agg(json_build_object('kind', k.kind, "
    "    'warning', k.w, 'critical', k.c, 'total', k.n) ORDER BY k.n DESC, "
    "    k.kind) FROM (SELECT kind, count(*) FILTER (WHERE severity = "
    "    'warning') AS w, count(*) FILTER (WHERE severity = 'critical') AS "
    "    c, count(*) AS n FROM f GROUP BY kind) k), '[]'::json), "
    "  'open_now', (SELECT json_build_object('warning', count(*) FILTER "
    "    (WHERE a.severity = 'warning'), 'critical', count(*) FILTER (WHERE "
    "    a.severity = 'critical'), 'unacknowledged', count(*) FILTER (WHERE "
    "    a.acknowledged_at IS NULL)) FROM alerts a WHERE a.state = 'open' "
    "    AND ($3::text IS NULL OR a.site_id = $3)))::text FROM w" };

static const struct brul_stmt one = { "alerts_one",
    "SELECT (to_jsonb(a) || jsonb_build_object('urgency', "
    "  brul_alert_urgency(a, now()), 'events', coalesce(("
    "  SELECT jsonb_agg(to_jsonb(e) - 'alert_id' ORDER BY e.ts, "
    "  CASE e.event WHEN 'open' THEN 0 WHEN 'update' THEN 1 ELSE 2 END) "
    "  FROM alert_events e WHERE e.alert_id = a.alert_id), '[]')))::text "
    "FROM alerts a WHERE a.alert_id = $1" };

/* Acknowledging or resolving: once; a second time is a conflict. */
static const struct brul_stmt ack = { "alerts_ack",
    "WITH u AS (UPDATE alerts SET acknowledged_by = $2, acknowledged_at = "
    "  now(), ack_note = $3 WHERE alert_id = $1 AND acknowledged_at IS NULL "
    "  RETURNING *) "
    "SELECT (SELECT (to_jsonb(u) || jsonb_build_object('urgency', "
    "  brul_alert_urgency(u::alerts, now())))::text FROM u), "
    "  EXISTS (SELECT 1 FROM alerts WHERE alert_id = $1)" };
static const struct brul_stmt resolve = { "alerts_resolve",
    "WITH u AS (UPDATE alerts SET resolved_by = $2, resolved_at = now(), "
    "  resolution = $3 WHERE alert_id = $1 AND resolved_at IS NULL "
    "  RETURNING *) "
    "SELECT (SELECT (to_jsonb(u) || jsonb_build_object('urgency', "
    "  brul_alert_urgency(u::alerts, now())))::text FROM u), "
    "  EXISTS (SELECT 1 FROM alerts WHERE alert_id = $1)" };

static const char *const severities[] = { "warning", "critical" };
static const char *const states[] = { "open", "cleared" };
static const char *const sorts[] = { "priority", "recent" };

int
brul_api_alerts(struct brul_req *r)
{
	char ls[24], os[24], from[32], to[32];
	const char *site = NULL, *bat = NULL, *kind = NULL, *str = NULL;
	const char *v[11];
	int sev = -1, state = -1, acked = -1, sort = 0, hf, ht;

	if (brul_arg_page(r, ls, os) < 0 ||
	    brul_arg_id(r, "site", &site) < 0 ||
	    brul_arg_id(r, "battery", &bat) < 0 ||
	    brul_arg_id(r, "string", &str) < 0 ||
	    brul_arg_id(r, "kind", &kind) < 0 ||
	    brul_arg_enum(r, "severity", severities, 2, &sev) < 0 ||
	    brul_arg_enum(r, "state", states, 2, &state) < 0 ||
	    brul_arg_bool(r, "acknowledged", &acked) < 0 ||
	    brul_arg_enum(r, "sort", sorts, 2, &sort) < 0 ||
	    (hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = site;
	v[3] = bat;
	v[4] = sev >= 0 ? severities[sev] : NULL;
	v[5] = kind;
	v[6] = state >= 0 ? states[state] : NULL;
	v[7] = acked < 0 ? NULL : acked ? "true" : "false";
	v[8] = hf ? from : NULL;
	v[9] = ht ? to : NULL;
	v[10] = str;
	return brul_reply_query(r, sort == 1 ? &recent : &list, 11, v, 200,
	    "no alerts");
}

int
brul_api_alert_stats(struct brul_req *r)
{
	long days = 30;
	char ds[24], until[32], from[32];
	const char *site = NULL, *v[3];
	int hu;

	if (brul_arg_int(r, "days", 1, 3660, &days) < 0 ||
	    (hu = brul_arg_time(r, "until", until)) < 0 ||
	    brul_arg_id(r, "site", &site) < 0)
		return r->ret;
	if (hu && brul_arg_time_add(from, until, -days * 86400) != 0)
		return brul_reply_error(r, 400, "bad_argument", "until, days: "
		    "the window would begin before 0001-01-01");
	snprintf(ds, sizeof ds, "%ld", days);
	v[0] = ds;
	v[1] = hu ? until : NULL;
	v[2] = site;
	return brul_reply_query(r, &stats, 3, v, 200, "no statistics");
}

int
brul_api_alert(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	return brul_reply_query(r, &one, 1, v, 200, "no such alert");
}

/* Acknowledge or resolve alert {alert_id}, with the body's text under
 * key (a note, a resolution), as the signed-in user. */
static int
mark(struct brul_req *r, const struct brul_stmt *st, const char *key,
     const char *done)
{
	const char *text = NULL, *v[3];
	PGresult *res;
	json_t *b = NULL;
	int ret;

	if (r->nbody > 0) {
		if ((b = brul_body(r)) == NULL)
			return r->ret;
		if (brul_body_str(r, b, key, 2000, 0, &text) < 0) {
			json_decref(b);
			return r->ret;
		}
	}
	v[0] = brul_param(r, 0);
	v[1] = r->who.name;
	v[2] = text;
	res = brul_query(r, st, 3, v, NULL);
	json_decref(b);
	if (res == NULL)
		return r->ret;
	if (!PQgetisnull(res, 0, 0))
		ret = brul_reply_pgjson(r, 200, res, 0, 0);
	else if (PQgetvalue(res, 0, 1)[0] == 't')
		ret = brul_reply_error(r, 409, "conflict", "the alert is "
		    "already %s", done);
	else
		ret = brul_reply_error(r, 404, "not_found", "no such alert");
	PQclear(res);
	return ret;
}

int
brul_api_alert_ack(struct brul_req *r)
{
	return mark(r, &ack, "note", "acknowledged");
}

int
brul_api_alert_resolve(struct brul_req *r)
{
	return mark(r, &resolve, "resolution", "resolved");
}
