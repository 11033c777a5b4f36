/* apifleet.c: the fleet at a glance, its sites, and each battery with its
 * telemetry, predictions, twin estimates and events (/api/v1/summary,
 * /api/v1/sites, /api/v1/batteries, /api/v1/predictions). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "db/pgjson.h"
#include "serve/api.h"
#include "twin/health.h"

/* A site with its counts: batteries in service, strings, open alerts. */
#define SITE_COUNTS \
	"jsonb_build_object('batteries', (SELECT count(*) FROM batteries b " \
	"  WHERE b.site_id = s.site_id AND " IN_SERVICE("b") "), " \
	"'strings', (SELECT count(*) FROM strings t WHERE t.site_id = " \
	"  s.site_id), 'open_alerts', (SELECT jsonb_build_object('warning', " \
	"  count(*) FILTER (WHERE a.severity = 'warning'), 'critical', " \
	"  count(*) FILTER (WHERE a.severity = 'critical')) FROM alerts a " \
	"  WHERE a.site_id = s.site_id AND a.state = 'open'))"

static const struct brul_stmt site_list = { "fleet_sites",
    "WITH f AS (SELECT s.*, CASE WHEN $4::boolean THEN to_jsonb(s) || "
    SITE_COUNTS " ELSE to_jsonb(s) END AS j FROM sites s "
    "  WHERE $3::text IS NULL OR s.region = $3) "
    PAGE("x.j ORDER BY x.site_id", "site_id") };
static const struct brul_stmt site_one = { "fleet_site",
    "SELECT (to_jsonb(s) || " SITE_COUNTS ")::text FROM sites s "
    "WHERE s.site_id = $1" };

/* Batteries in service or not, with their latest prediction. */
#define BATTERY_ROWS \
	"SELECT b.*, CASE WHEN " IN_SERVICE("b") " THEN 'active' ELSE " \
	"  'removed' END AS status, p.date AS prediction_date, p.rul_days, " \
	"  p.risk FROM batteries b LEFT JOIN LATERAL (SELECT q.date, " \
	"  q.rul_days, q.risk FROM predictions q WHERE q.battery_id = " \
	"  b.battery_id ORDER BY q.date DESC, q.model_id LIMIT 1) p ON true"
/* The filters: site, string, status, risk from parameter $(k) on. */
#define BATTERY_FILTER(s, t, u, v) \
	" WHERE ($" s "::text IS NULL OR b.site_id = $" s ") " \
	"AND ($" t "::text IS NULL OR b.string_id = $" t ") " \
	"AND ($" u "::text IS NULL OR " IN_SERVICE("b") " = " \
	"  ($" u " = 'active')) " \
	"AND ($" v "::text IS NULL OR (SELECT q.risk FROM predictions q " \
	"  WHERE q.battery_id = b.battery_id ORDER BY q.date DESC, " \
	"  q.model_id LIMIT 1) " \
	"  = $" v ") "
#define BATTERY_COLUMNS \
	"SELECT battery_id, site_id, system_id, string_id, position, model, " \
	"capacity_ah, install_date, removed_date, baseline_mohm, status, " \
	"prediction_date, rul_days, risk FROM ("

/* One statement per order: an ORDER BY cannot be a parameter.  The page
 * is cut before the latest predictions are looked up, except when they
 * decide the order. */
#define BATTERIES(name, order) { name, \
	BATTERY_COLUMNS BATTERY_ROWS BATTERY_FILTER("3", "4", "5", "6") \
	") x ORDER BY " order " LIMIT $1::integer OFFSET $2::integer" }
static const struct brul_stmt batteries[] = {
	{ "fleet_batteries_id", BATTERY_COLUMNS "SELECT y.*, CASE WHEN "
	  IN_SERVICE("y") " THEN 'active' ELSE 'removed' END AS status, "
	  "p.date AS prediction_date, p.rul_days, p.risk FROM (SELECT b.* "
	  "FROM batteries b" BATTERY_FILTER("3", "4", "5", "6") " ORDER BY "
	  "b.battery_id LIMIT $1::integer OFFSET $2::integer) y LEFT JOIN "
	  "LATERAL (SELECT q.date, q.rul_days, q.risk FROM predictions q "
	  "WHERE q.battery_id = y.battery_id ORDER BY q.date DESC, "
	  "q.model_id LIMIT 1) p "
	  "ON true) x ORDER BY battery_id" },
	BATTERIES("fleet_batteries_rul", "rul_days NULLS LAST, battery_id"),
	BATTERIES("fleet_batteries_rul_desc",
	    "rul_days DESC NULLS LAST, battery_id"),
	BATTERIES("fleet_batteries_position",
	    "string_id, position, battery_id"),
};
static const struct brul_stmt battery_count = { "fleet_batteries_count",
    "SELECT count(*) FROM batteries b" BATTERY_FILTER("1", "2", "3", "4") };
static const char *const battery_sorts[] = { "battery_id", "rul_days",
	"-rul_days", "position" };

/* A prediction, row p of predictions (or of a query with its columns),
 * as the API answers it: reason_1 to reason_3 made one array of those
 * given, reasons, [] when there are none. */
#define PREDICTION(p) \
	"(to_jsonb(" p ") - 'reason_1' - 'reason_2' - 'reason_3' || " \
	"jsonb_build_object('reasons', brul_prediction_reasons(" p \
	".reason_1, " p ".reason_2, " p ".reason_3)))"

static const struct brul_stmt battery = { "fleet_battery",
    "SELECT (to_jsonb(x) || jsonb_build_object("
    "  'telemetry', (SELECT to_jsonb(t) - 'battery_id' - 'site_id' "
    "    FROM telemetry t WHERE t.battery_id = x.battery_id AND "
    "    t.site_id = $2 ORDER BY t.ts DESC LIMIT 1), "
    "  'prediction', (SELECT " PREDICTION("p") " - 'battery_id' "
    "    FROM predictions p "
    "    WHERE p.battery_id = x.battery_id ORDER BY p.date DESC, p.model_id "
    "    LIMIT 1), "
    "  'twin', (SELECT to_jsonb(w) - 'battery_id' FROM twin w "
    "    WHERE w.battery_id = x.battery_id ORDER BY w.ts DESC LIMIT 1), "
    "  'open_alerts', (SELECT count(*) FROM alerts a "
    "    WHERE a.battery_id = x.battery_id AND a.state = 'open')))::text "
    "FROM (" BATTERY_ROWS " WHERE b.battery_id = $1) x" };

/* A battery's site: given to a statement as a parameter, it names the
 * one server holding the battery's telemetry (a shard's, brul-scale(7)),
 * which PostgreSQL then reads alone, before it starts: a shard down
 * stops its own sites' answers only. */
static const struct brul_stmt battery_site = { "fleet_battery_site",
    "SELECT site_id FROM batteries WHERE battery_id = $1" };

/* 1 with the site in site (n bytes), 0 when there is no such battery, -1
 * with err set. */
static int
site_of(struct brul_pgconn *c, const char *id, char *site, size_t n,
	struct brul_err *err)
{
	const char *v[1] = { id };
	PGresult *res = brul_pool_exec(c, &battery_site, 1, v, err);
	int found;

	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) == 1))
		snprintf(site, n, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return found;
}

/* The window of a telemetry request: [lo, hi) as given, or the span
 * ($4 seconds) up to the battery's latest hour; and whether the battery
 * exists.  $1 battery, $2 lo, $3 hi. */
static const struct brul_stmt window = { "fleet_window",
    "WITH w AS (SELECT coalesce($3::timestamptz, $2::timestamptz + "
    "  $4::integer * interval '1 second', (SELECT max(h.hour) + "
    "  interval '1 hour' FROM telemetry_hourly h WHERE h.battery_id = "
    "  $1 AND h.site_id = $5), now()) AS hi) "
    "SELECT coalesce($2::timestamptz, w.hi - $4::integer * "
    "  interval '1 second'), w.hi, EXISTS (SELECT 1 FROM batteries "
    "  WHERE battery_id = $1) FROM w" };

/* The points of [lo, hi), per resolution: $1 battery, $2 lo, $3 hi. */
static const struct brul_stmt telemetry[] = {
	{ "fleet_telemetry_raw", "SELECT ts, voltage_v, current_a, "
	  "temperature_c, resistance_mohm FROM telemetry WHERE battery_id = "
	  "$1 AND site_id = $4 AND ts >= $2::timestamptz AND ts < "
	  "$3::timestamptz ORDER BY ts" },
	{ "fleet_telemetry_hour", "SELECT hour AS ts, samples, voltage_min_v, "
	  "voltage_max_v, voltage_mean_v, current_min_a, current_max_a, "
	  "current_mean_a, temperature_min_c, temperature_max_c, "
	  "temperature_mean_c, resistance_mohm FROM telemetry_hourly WHERE "
	  "battery_id = $1 AND site_id = $4 AND hour >= $2::timestamptz AND "
	  "hour < $3::timestamptz ORDER BY hour" },
	/* A day from its hours: means weighted by the hours' samples.
	 * date_bin, immutable, and no ORDER BY: through a coordinator the
	 * site's shard does the grouping (days_in_order sorts here). */
	{ "fleet_telemetry_day", "SELECT date_bin('1 day', hour, "
	  "'2000-01-01T00:00:00Z') AS ts, sum(samples) AS samples, "
	  "min(voltage_min_v) AS voltage_min_v, "
	  "max(voltage_max_v) AS voltage_max_v, sum(voltage_mean_v * samples) "
	  "/ nullif(sum(samples) FILTER (WHERE voltage_mean_v IS NOT NULL), "
	  "0) AS voltage_mean_v, min(current_min_a) AS current_min_a, "
	  "max(current_max_a) AS current_max_a, sum(current_mean_a * samples) "
	  "/ nullif(sum(samples) FILTER (WHERE current_mean_a IS NOT NULL), "
	  "0) AS current_mean_a, min(temperature_min_c) AS temperature_min_c, "
	  "max(temperature_max_c) AS temperature_max_c, sum(temperature_mean_c "
	  "* samples) / nullif(sum(samples) FILTER (WHERE temperature_mean_c "
	  "IS NOT NULL), 0) AS temperature_mean_c, (array_agg(resistance_mohm "
	  "ORDER BY hour DESC) FILTER (WHERE resistance_mohm IS NOT NULL))[1] "
	  "AS resistance_mohm FROM telemetry_hourly WHERE battery_id = $1 AND "
	  "site_id = $4 AND hour >= $2::timestamptz AND hour < "
	  "$3::timestamptz GROUP BY site_id, 1" },
};
static const char *const resolutions[] = { "raw", "hour", "day" };
/* The default span of each resolution, and the longest allowed. */
static const long span_default[] = { 86400, 7 * 86400, 90 * 86400 };
static const long span_max[] = { 31 * 86400, 366 * 86400, 3660 * 86400 };

static const struct brul_stmt predictions = { "fleet_predictions",
    "WITH f AS (SELECT p.* FROM predictions p WHERE p.battery_id = $3 "
    "  AND ($4::date IS NULL OR p.date >= $4::date) "
    "  AND ($5::date IS NULL OR p.date < $5::date)) "
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM batteries WHERE battery_id = "
    "$3) THEN (" PAGE(PREDICTION("x") " - 'battery_id' ORDER BY x.date "
    "DESC, x.model_id", "date DESC, model_id") ") END" };

/* What the morning list shows beside a prediction, row x of it, to say
 * why the block is there: the twin's latest state of health (soh_known
 * as in LATEST_JOINS below), the latest ohmic resistance with its
 * baseline, and the block's open alerts.  Looked up for a page's rows
 * only, after the page is cut. */
#define LATEST_WHY(x) \
	"(SELECT jsonb_build_object('soh_pct', w.soh_pct, 'soh_sd_pct', " \
	"  w.soh_sd_pct, 'soh_known', coalesce(w.soh_known, false), " \
	"  'resistance_mohm', h.resistance_mohm, 'open_alerts', a.n) " \
	"  FROM (SELECT count(*) AS n FROM alerts a WHERE a.battery_id = " \
	x ".battery_id AND a.state = 'open') a LEFT JOIN LATERAL (SELECT " \
	"  w.soh_pct, w.soh_sd_pct, " BRUL_HEALTH_KNOWN_SQL("w") " AS " \
	"  soh_known FROM twin w WHERE w.battery_id = " x ".battery_id " \
	"  ORDER BY w.ts DESC LIMIT 1) w ON true LEFT JOIN LATERAL (SELECT " \
	"  h.resistance_mohm FROM telemetry_hourly h WHERE h.battery_id = " \
	x ".battery_id AND h.site_id = " x ".site_id AND " \
	"  h.resistance_mohm IS NOT NULL ORDER BY h.hour DESC LIMIT 1) h " \
	"  ON true)"

/* The morning list: each battery in service by its latest prediction. */
#define LATEST(name, order) { name, \
	"WITH f AS (SELECT * FROM (SELECT DISTINCT ON (p.battery_id) " \
	"  p.*, b.site_id, b.string_id, b.position, b.baseline_mohm " \
	"  FROM predictions p JOIN batteries b USING (battery_id) " \
	"  WHERE " IN_SERVICE("b") " AND ($3::text IS NULL OR " \
	"  b.site_id = $3) ORDER BY p.battery_id, p.date DESC, " \
	"  p.model_id) y WHERE $4::text IS NULL OR y.risk = $4) " \
	PAGE(PREDICTION("x") " || " LATEST_WHY("x") " ORDER BY " order, \
	    order) }
static const struct brul_stmt latest[] = {
	LATEST("fleet_latest_rul", "rul_days NULLS LAST, battery_id"),
	LATEST("fleet_latest_rul_desc",
	    "rul_days DESC NULLS LAST, battery_id"),
	LATEST("fleet_latest_pfail",
	    "p_fail_30d DESC NULLS LAST, battery_id"),
	LATEST("fleet_latest_id", "battery_id"),
};
static const char *const latest_sorts[] = { "rul_days", "-rul_days",
	"-p_fail_30d", "battery_id" };

static const char *const risks[] = { "low", "medium", "high", "critical" };
static const char *const statuses[] = { "active", "removed" };

int
brul_api_sites(struct brul_req *r)
{
	static const char *const include[] = { "counts" };
	char ls[24], os[24];
	const char *region = NULL;
	int inc = -1;
	const char *v[4];

	if (brul_arg_page(r, ls, os) < 0 ||
	    brul_arg_id(r, "region", &region) < 0 ||
	    brul_arg_enum(r, "include", include, 1, &inc) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = region;
	v[3] = inc == 0 ? "true" : "false";
	return brul_reply_query(r, &site_list, 4, v, 200, "no sites");
}

int
brul_api_site(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	return brul_reply_query(r, &site_one, 1, v, 200, "no such site");
}

/* The battery list, for a site when site is not NULL. */
static int
battery_list(struct brul_req *r, const char *site)
{
	char ls[24], os[24];
	const char *string = NULL, *v[6];
	int status = -1, risk = -1, sort = 0;

	if (brul_arg_page(r, ls, os) < 0 ||
	    (site == NULL && brul_arg_id(r, "site", &site) < 0) ||
	    brul_arg_id(r, "string", &string) < 0 ||
	    brul_arg_enum(r, "status", statuses, 2, &status) < 0 ||
	    brul_arg_enum(r, "risk", risks, 4, &risk) < 0 ||
	    brul_arg_enum(r, "sort", battery_sorts, 4, &sort) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = site;
	v[3] = string;
	v[4] = status >= 0 ? statuses[status] : NULL;
	v[5] = risk >= 0 ? risks[risk] : NULL;
	return brul_reply_page(r, &batteries[sort], &battery_count, 6, v, 1);
}

int
brul_api_batteries(struct brul_req *r)
{
	return battery_list(r, NULL);
}

int
brul_api_site_batteries(struct brul_req *r)
{
	static const struct brul_stmt exists = { "fleet_site_exists",
	    "SELECT 1 FROM sites WHERE site_id = $1" };
	const char *v[1] = { brul_param(r, 0) };
	PGresult *res = brul_query(r, &exists, 1, v, NULL);
	int found;

	if (res == NULL)
		return r->ret;
	found = PQntuples(res) == 1;
	PQclear(res);
	if (!found)
		return brul_reply_error(r, 404, "not_found", "no such site");
	return battery_list(r, brul_param(r, 0));
}

int
brul_api_battery(struct brul_req *r)
{
	const char *v[2] = { brul_param(r, 0), NULL };
	struct brul_pgconn *c;
	struct brul_err err;
	char site[64];
	int found, ret = 0;

	if ((c = brul_req_conn(r)) == NULL)
		return r->ret;
	if ((found = site_of(c, v[0], site, sizeof site, &err)) < 0)
		ret = brul_reply_db(r, c, &err);
	brul_req_conn_done(r, c);
	if (found < 0)
		return ret;
	if (found == 0)
		return brul_reply_error(r, 404, "not_found", "no such battery");
	v[1] = site;
	return brul_reply_query(r, &battery, 2, v, 200, "no such battery");
}

/* A range [from, to) given whole: to after from, and at most max
 * seconds long (hint says what to do instead).  0, or -1 having answered
 * 400. */
static int
span_check(struct brul_req *r, const char *from, const char *to, long max,
    const char *hint)
{
	int64_t lo, hi;

	brul_time_parse(from, strlen(from), &lo);
	brul_time_parse(to, strlen(to), &hi);
	if (hi <= lo) {
		brul_reply_error(r, 400, "bad_argument", "to: must come after "
		    "from");
		return -1;
	}
	if (hi - lo > max) {
		brul_reply_error(r, 400, "bad_argument", "from, to: at most %ld "
		    "days%s", max / 86400, hint);
		return -1;
	}
	return 0;
}

struct day {
	int64_t ts;
	int row;
};

static int
by_ts(const void *a, const void *b)
{
	const struct day *x = a, *y = b;

	return (x->ts > y->ts) - (x->ts < y->ts);
}

/* The days of res (binary: column 0 a timestamptz, 8 bytes big-endian)
 * as JSON rows in time order. */
static void
days_in_order(struct brul_sbuf *b, const PGresult *res)
{
	int n = PQntuples(res);
	struct day *d = malloc((size_t)(n ? n : 1) * sizeof *d);

	if (d == NULL) {
		b->oom = 1;
		return;
	}
	for (int i = 0; i < n; i++) {
		const unsigned char *p =
		    (const unsigned char *)PQgetvalue(res, i, 0);
		uint64_t u = 0;

		for (int k = 0; k < 8; k++)
			u = u << 8 | p[k];
		d[i].ts = (int64_t)u;
		d[i].row = i;
	}
	qsort(d, (size_t)n, sizeof *d, by_ts);
	brul_sbuf_add(b, "[", 1);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			brul_sbuf_add(b, ",", 1);
		brul_pgjson_object(b, res, d[i].row, 0);
	}
	brul_sbuf_add(b, "]", 1);
	free(d);
}

int
brul_api_battery_telemetry(struct brul_req *r)
{
	char from[32] = "", to[32] = "", span[24], hint[80], site[64];
	struct brul_sbuf b = { 0 };
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *w = NULL, *pts = NULL;
	int res = 0, hf, ht, ret, found;
	const char *v[5];

	if ((hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0 ||
	    brul_arg_enum(r, "resolution", resolutions, 3, &res) < 0)
		return r->ret;
	snprintf(hint, sizeof hint, " at resolution %s%s", resolutions[res],
	    res < 2 ? "; ask for a coarser resolution" : "");
	if (hf && ht && span_check(r, from, to, span_max[res], hint) < 0)
		return r->ret;
	/* One end given: the other is worked out here, within the years
	 * a time is written in (PostgreSQL would go past 9999, or BC). */
	if (hf != ht)
		brul_arg_time_add(hf ? to : from, hf ? from : to,
		    hf ? span_default[res] : -span_default[res]);
	hf = ht = hf || ht;
	snprintf(span, sizeof span, "%ld", span_default[res]);
	v[0] = brul_param(r, 0);
	v[1] = hf ? from : NULL;
	v[2] = ht ? to : NULL;
	v[3] = span;
	v[4] = site;
	if ((c = brul_req_conn(r)) == NULL)
		return r->ret;
	if ((found = site_of(c, v[0], site, sizeof site, &err)) <= 0) {
		ret = found < 0 ? brul_reply_db(r, c, &err) :
		    brul_reply_error(r, 404, "not_found", "no such battery");
		brul_req_conn_done(r, c);
		return ret;
	}
	if ((w = brul_pool_exec(c, &window, 5, v, &err)) != NULL &&
	    PQgetvalue(w, 0, 2)[0] == 't') {
		v[1] = PQgetvalue(w, 0, 0);
		v[2] = PQgetvalue(w, 0, 1);
		v[3] = site;
		/* In binary: PostgreSQL formats none of the (up to
		 * 44,640) numbers and times. */
		pts = brul_pool_exec_binary(c, &telemetry[res], 4, v, &err);
	}
	if (w == NULL || (PQgetvalue(w, 0, 2)[0] == 't' && pts == NULL)) {
		ret = brul_reply_db(r, c, &err);
		brul_req_conn_done(r, c);
		PQclear(w);
		return ret;
	}
	brul_req_conn_done(r, c);
	if (pts == NULL) {
		PQclear(w);
		return brul_reply_error(r, 404, "not_found", "no such battery");
	}
	brul_sbuf_str(&b, "{\"battery_id\":");
	brul_pgjson_string(&b, v[0], strlen(v[0]));
	brul_sbuf_fmt(&b, ",\"resolution\":\"%s\",\"from\":",
	    resolutions[res]);
	brul_pgjson_value(&b, w, 0, 0);
	brul_sbuf_str(&b, ",\"to\":");
	brul_pgjson_value(&b, w, 0, 1);
	brul_sbuf_str(&b, ",\"points\":");
	if (res == 2)
		days_in_order(&b, pts);
	else
		brul_pgjson_rows(&b, pts, 0);
	brul_sbuf_str(&b, "}");
	PQclear(w);
	PQclear(pts);
	return brul_reply_sbuf(r, 200, &b);
}

int
brul_api_battery_predictions(struct brul_req *r)
{
	char ls[24], os[24], from[32], to[32];
	const char *v[5];
	int hf, ht;

	if (brul_arg_page(r, ls, os) < 0 ||
	    (hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = brul_param(r, 0);
	v[3] = hf ? from : NULL;
	v[4] = ht ? to : NULL;
	return brul_reply_query(r, &predictions, 5, v, 200, "no such battery");
}

int
brul_api_predictions_latest(struct brul_req *r)
{
	char ls[24], os[24];
	const char *site = NULL, *v[4];
	int risk = -1, sort = 0;

	if (brul_arg_page(r, ls, os) < 0 || brul_arg_id(r, "site", &site) < 0 ||
	    brul_arg_enum(r, "risk", risks, 4, &risk) < 0 ||
	    brul_arg_enum(r, "sort", latest_sorts, 4, &sort) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = site;
	v[3] = risk >= 0 ? risks[risk] : NULL;
	return brul_reply_query(r, &latest[sort], 4, v, 200, "no predictions");
}

/* Joins each battery b to its latest prediction p and twin estimate w:
 * one index probe each, so the whole fleet costs milliseconds however
 * long its history.  w.soh_known: whether its state of health tells its
 * band (twin/health.h: a standard deviation of 5 points at most), false
 * without an estimate. */
#define LATEST_JOINS \
	"FROM batteries b LEFT JOIN LATERAL (SELECT q.rul_days, " \
	"  q.rul_p10_days, q.rul_p90_days, q.risk FROM predictions q " \
	"  WHERE q.battery_id = b.battery_id ORDER BY q.date DESC, " \
	"  q.model_id LIMIT 1) p ON true LEFT JOIN LATERAL (SELECT " \
	"  w.soh_pct, w.soh_sd_pct, " BRUL_HEALTH_KNOWN_SQL("w") " AS " \
	"  soh_known, w.soc_pct FROM twin w WHERE w.battery_id = " \
	"  b.battery_id ORDER BY w.ts DESC LIMIT 1) w ON true "

/* The fleet and each site at a glance: blocks in service, those due
 * within 30, 90 and 180 days, and state of health in bands whose lower
 * edges are soh_edges_pct (under 80 % is a block at its end of life);
 * a block whose estimate cannot tell its band, or that has none, is
 * counted as unknown, not in a band. */
#define SUMMARY_ROW \
	"json_build_object('batteries', g.n, 'predicted', g.predicted, " \
	"'due_30d', g.d30, 'due_90d', g.d90, 'due_180d', g.d180, 'soh', " \
	"json_build_array(g.s0, g.s1, g.s2, g.s3, g.s4), 'soh_unknown', " \
	"g.su)"
static const struct brul_stmt summary = { "fleet_summary",
    "WITH g AS (SELECT b.site_id, count(*) AS n, count(p.rul_days) AS "
    "  predicted, count(*) FILTER (WHERE p.rul_days <= 30) AS d30, "
    "  count(*) FILTER (WHERE p.rul_days <= 90) AS d90, count(*) FILTER "
    "  (WHERE p.rul_days <= 180) AS d180, count(*) FILTER (WHERE "
    "  w.soh_known AND w.soh_pct < 80) AS s0, count(*) FILTER (WHERE "
    "  w.soh_known AND w.soh_pct >= 80 AND w.soh_pct < 85) AS s1, "
    "  count(*) FILTER (WHERE w.soh_known AND w.soh_pct >= 85 AND "
    "  w.soh_pct < 90) AS s2, count(*) FILTER (WHERE w.soh_known AND "
    "  w.soh_pct >= 90 AND w.soh_pct < 95) AS s3, count(*) FILTER (WHERE "
    "  w.soh_known AND w.soh_pct >= 95) AS s4, count(*) FILTER (WHERE "
    "  w.soh_known IS NOT TRUE) AS su "
    LATEST_JOINS "WHERE " IN_SERVICE("b") " GROUP BY ROLLUP "
    "  (b.site_id)) "
    "SELECT json_build_object('soh_edges_pct', json_build_array(80, 85, "
    "  90, 95), 'fleet', (SELECT " SUMMARY_ROW " FROM g WHERE g.site_id "
    "  IS NULL), 'sites', coalesce((SELECT json_agg(json_build_object("
    "  'site_id', g.site_id)::jsonb || (" SUMMARY_ROW ")::jsonb ORDER BY "
    "  g.site_id) FROM g WHERE g.site_id IS NOT NULL), '[]'::json))::text" };

int
brul_api_summary(struct brul_req *r)
{
	return brul_reply_query(r, &summary, 0, NULL, 200, "no summary");
}

/* A site's blocks in service, each with its latest reading, its latest
 * resistance (from the ohmic tests, which are rarer than readings), its
 * twin's estimate and its prediction: what the site's picture is drawn
 * from. */
static const struct brul_stmt site_blocks = { "fleet_site_blocks",
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM sites WHERE site_id = $1) "
    "THEN json_build_object('site_id', $1::text, 'items', coalesce(("
    "  SELECT json_agg(x ORDER BY x.string_id, x.position, x.battery_id) "
    "  FROM (SELECT b.battery_id, b.system_id, b.string_id, b.position, "
    "  b.baseline_mohm, t.ts, t.voltage_v, t.current_a, t.temperature_c, "
    "  h.resistance_mohm, h.hour AS resistance_hour, w.soh_pct, "
    "  w.soh_sd_pct, coalesce(w.soh_known, false) AS soh_known, w.soc_pct, "
    "  p.rul_days, p.rul_p10_days, p.rul_p90_days, p.risk "
    LATEST_JOINS "LEFT JOIN LATERAL (SELECT t.ts, t.voltage_v, t.current_a, "
    "  t.temperature_c FROM telemetry t WHERE t.battery_id = b.battery_id "
    "  AND t.site_id = $1 ORDER BY t.ts DESC LIMIT 1) t ON true "
    "  LEFT JOIN LATERAL (SELECT "
    "  h.hour, h.resistance_mohm FROM telemetry_hourly h WHERE "
    "  h.battery_id = b.battery_id AND h.site_id = $1 AND "
    "  h.resistance_mohm IS NOT NULL "
    "  ORDER BY h.hour DESC LIMIT 1) h ON true WHERE " IN_SERVICE("b")
    "  AND b.site_id = $1) x), '[]'::json))::text END" };

int
brul_api_site_blocks(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	return brul_reply_query(r, &site_blocks, 1, v, 200, "no such site");
}

/* The twin's estimates of [from, to): as given, or the 30 days up to the
 * battery's latest.  $1 battery, $2 from, $3 to. */
static const struct brul_stmt twin = { "fleet_twin",
    "WITH w AS (SELECT coalesce($3::timestamptz, $2::timestamptz + "
    "  interval '30 days', (SELECT max(t.ts) + interval '1 second' FROM "
    "  twin t WHERE t.battery_id = $1), now()) AS hi), "
    "r AS (SELECT coalesce($2::timestamptz, w.hi - interval '30 days') AS "
    "  lo, w.hi FROM w) "
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM batteries WHERE battery_id = "
    "  $1) THEN json_build_object('battery_id', $1::text, 'from', r.lo, "
    "  'to', r.hi, 'points', coalesce((SELECT json_agg(to_jsonb(t) - "
    "  'battery_id' ORDER BY t.ts) FROM twin t WHERE t.battery_id = $1 "
    "  AND t.ts >= r.lo AND t.ts < r.hi), '[]'::json))::text END FROM r" };

int
brul_api_battery_twin(struct brul_req *r)
{
	char from[32], to[32];
	const char *v[3];
	int hf, ht;

	if ((hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0 ||
	    (hf && ht && span_check(r, from, to, 366 * 86400L, "") < 0))
		return r->ret;
	/* One end given: the other as for the telemetry. */
	if (hf != ht)
		brul_arg_time_add(hf ? to : from, hf ? from : to,
		    hf ? 30 * 86400L : -30 * 86400L);
	hf = ht = hf || ht;
	v[0] = brul_param(r, 0);
	v[1] = hf ? from : NULL;
	v[2] = ht ? to : NULL;
	return brul_reply_query(r, &twin, 3, v, 200, "no such battery");
}

/* What happened to a block, its string, system or site (outages, ohmic
 * tests, a replacement ...) and overlaps [from, to), newest first. */
static const struct brul_stmt events = { "fleet_events",
    "WITH b AS (SELECT * FROM batteries WHERE battery_id = $3), "
    "f AS (SELECT e.* FROM events e, b WHERE e.scope IN (b.battery_id, "
    "  b.string_id, b.system_id, b.site_id) "
    "  AND ($4::timestamptz IS NULL OR coalesce(e.ts_end, e.ts_start) >= "
    "  $4::timestamptz) AND ($5::timestamptz IS NULL OR e.ts_start < "
    "  $5::timestamptz) AND ($6::text IS NULL OR e.kind = $6)) "
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM b) THEN (" PAGE("to_jsonb(x) "
    "ORDER BY x.ts_start DESC, x.scope, x.kind", "ts_start DESC, scope, "
    "kind") ") END" };

int
brul_api_battery_events(struct brul_req *r)
{
	char ls[24], os[24], from[32], to[32];
	const char *kind = NULL, *v[6];
	int hf, ht;

	if (brul_arg_page(r, ls, os) < 0 ||
	    (hf = brul_arg_time(r, "from", from)) < 0 ||
	    (ht = brul_arg_time(r, "to", to)) < 0 ||
	    brul_arg_id(r, "kind", &kind) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = brul_param(r, 0);
	v[3] = hf ? from : NULL;
	v[4] = ht ? to : NULL;
	v[5] = kind;
	return brul_reply_query(r, &events, 6, v, 200, "no such battery");
}
