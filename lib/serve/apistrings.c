/* apistrings.c: the strings, as their own monitor reads them: a string
 * with its latest reading (voltage, current, mode: float, boost,
 * equalize, discharge, rest), its readings over a range, and a site's
 * strings at a glance (/api/v1/strings, /api/v1/sites/{site_id}/strings).
 * A charger's fault shows here before it shows in the blocks.
 *
 * Ownership: the statements are static; answers are PostgreSQL's JSON,
 * sent through brul_reply_query. */
#include <stdint.h>
#include <string.h>

#include "core/timefmt.h"
#include "serve/api.h"

/* A string's latest reading, over strings s: one probe of the primary
 * key. */
#define LATEST \
	"(SELECT json_build_object('ts', t.ts, 'voltage_v', t.voltage_v, " \
	"'current_a', t.current_a, 'mode', t.mode, 'ambient_c', " \
	"t.ambient_c) FROM string_telemetry t WHERE t.string_id = " \
	"s.string_id ORDER BY t.ts DESC LIMIT 1)"

static const struct brul_stmt one = { "strings_one",
    "SELECT (to_jsonb(s) || jsonb_build_object('blocks_in_service', "
    "  (SELECT count(*) FROM batteries b WHERE b.string_id = s.string_id "
    "  AND " IN_SERVICE("b") "), 'latest', " LATEST ", 'open_alerts', "
    "  (SELECT json_build_object('warning', count(*) FILTER (WHERE "
    "  a.severity = 'warning'), 'critical', count(*) FILTER (WHERE "
    "  a.severity = 'critical')) FROM alerts a WHERE a.site_id = "
    "  s.site_id AND a.string_id = s.string_id AND a.state = 'open')))"
    "::text FROM strings s WHERE s.string_id = $1" };

static const struct brul_stmt of_site = { "strings_of_site",
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM sites WHERE site_id = $1) "
    "THEN json_build_object('site_id', $1::text, 'items', coalesce(("
    "  SELECT json_agg(json_build_object('string_id', s.string_id, "
    "  'system_id', s.system_id, 'model', s.model, 'capacity_ah', "
    "  s.capacity_ah, 'latest', " LATEST ") ORDER BY s.string_id) FROM "
    "  strings s WHERE s.site_id = $1), '[]'::json))::text END" };

/* The readings of [lo, hi): as given, a day from $2, or the day up to
 * just after the string's latest.  $1 string, $2 from, $3 to. */
static const struct brul_stmt telemetry = { "strings_telemetry",
    "WITH w AS (SELECT coalesce($3::timestamptz, $2::timestamptz + "
    "  interval '1 day', (SELECT t.ts + interval '1 second' FROM "
    "  string_telemetry t WHERE t.string_id = $1 ORDER BY t.ts DESC "
    "  LIMIT 1), date_trunc('second', now())) AS hi), "
    "r AS (SELECT coalesce($2::timestamptz, w.hi - interval '1 day') AS "
    "  lo, w.hi FROM w) "
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM strings WHERE string_id = $1) "
    "THEN json_build_object('string_id', $1::text, 'from', r.lo, 'to', "
    "  r.hi, 'points', coalesce((SELECT json_agg(json_build_object('ts', "
    "  t.ts, 'voltage_v', t.voltage_v, 'current_a', t.current_a, 'mode', "
    "  t.mode, 'ambient_c', t.ambient_c) ORDER BY t.ts) FROM "
    "  string_telemetry t WHERE t.string_id = $1 AND t.ts >= r.lo AND "
    "  t.ts < r.hi), '[]'::json))::text END FROM r" };

/* The longest range of readings: a month of a minute's samples. */
#define SPAN_MAX (31 * 86400L)

int
brul_api_string(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	return brul_reply_query(r, &one, 1, v, 200, "no such string");
}

int
brul_api_site_strings(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	return brul_reply_query(r, &of_site, 1, v, 200, "no such site");
}

int
brul_api_string_telemetry(struct brul_req *r)
{
	char from[32], to[32];
	const char *v[3] = { brul_param(r, 0), NULL, NULL };
	int64_t lo, hi;
	int hf, ht;

	if ((hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0)
		return r->ret;
	if (hf && ht) {
		brul_time_parse(from, strlen(from), &lo);
		brul_time_parse(to, strlen(to), &hi);
		if (hi <= lo)
			return brul_reply_error(r, 400, "bad_argument",
			    "to: must come after from");
		if (hi - lo > SPAN_MAX)
			return brul_reply_error(r, 400, "bad_argument",
			    "from, to: at most %ld days", SPAN_MAX / 86400);
	}
	/* One end given: the other a day away, within the years a time
	 * is written in. */
	if (hf != ht)
		brul_arg_time_add(hf ? to : from, hf ? from : to,
		    hf ? 86400L : -86400L);
	v[1] = hf || ht ? from : NULL;
	v[2] = hf || ht ? to : NULL;
	return brul_reply_query(r, &telemetry, 3, v, 200, "no such string");
}
