/*
 * export.c: see export.h.
 *
 * The columns below are those of brul-formats(5) (and, for features, of
 * brul-features(1)), with the decimals each is written with: db/ may not
 * include the layers that write the streams, so the pages are the common
 * ground.  tests/load.bats checks every kind against what the tools write.
 *
 * A column a tool writes only when asked (brul-predict --explain's
 * reasons) is optional here: written when a row selected has a value in
 * it, so that a file written without comes out as it was.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "db/export.h"
#include "db/pgcopy.h"

enum xtype { X_TEXT, X_NUM, X_INT, X_TIME, X_DATE };

struct xcol {
	const char *name;
	enum xtype type;
	int decimals;		/* X_NUM: fixed decimals; -1, the shortest */
	int optional;		/* written with the kind's other optional
				 * columns, when a row selected has a value
				 * in one of them */
};

#define T(name)		{ name, X_TEXT, 0, 0 }
#define N(name, d)	{ name, X_NUM, d, 0 }
#define I(name)		{ name, X_INT, 0, 0 }
#define TS(name)	{ name, X_TIME, 0, 0 }
#define D(name)		{ name, X_DATE, 0, 0 }
#define OT(name)	{ name, X_TEXT, 0, 1 }

static const struct xcol sites[] = {
	T("site_id"), T("name"), T("province"), T("region"),
	N("latitude", 3), N("longitude", 3), T("timezone")
};
static const struct xcol systems[] = {
	T("system_id"), T("site_id"), T("kind"), I("strings"),
	N("float_v", 3), N("boost_v", 3), N("load_c_rate", 3)
};
static const struct xcol strings[] = {
	T("string_id"), T("system_id"), T("site_id"), I("blocks"), T("model"),
	N("capacity_ah", 0), D("install_date")
};
static const struct xcol batteries[] = {
	T("battery_id"), T("site_id"), T("system_id"), T("string_id"),
	I("position"), T("model"), N("capacity_ah", 0), D("install_date"),
	D("removed_date"), N("baseline_mohm", 2)
};
static const struct xcol events[] = {
	TS("ts_start"), TS("ts_end"), T("scope"), T("kind"), T("detail")
};
static const struct xcol labels[] = {
	D("date"), T("battery_id"), N("soh_pct", 2), I("rul_days"),
	D("eol_date"), I("censored"), T("failure_mode")
};
static const struct xcol telemetry[] = {
	TS("ts"), T("battery_id"), T("string_id"), N("voltage_v", 3),
	N("current_a", 2), N("temperature_c", 1), N("resistance_mohm", 2)
};
static const struct xcol string_telemetry[] = {
	TS("ts"), T("string_id"), N("voltage_v", 2), N("current_a", 2),
	T("mode"), N("ambient_c", 1)
};
static const struct xcol features[] = {
	T("battery_id"), T("string_id"), D("date"), TS("ts"), I("window_s"),
	N("samples", 0), N("coverage_pct", 1),
	N("v_mean_v", 4), N("v_min_v", 3), N("v_max_v", 3), N("v_sd_v", 4),
	N("i_mean_a", 4), N("i_min_a", 3), N("i_max_a", 3),
	N("t_mean_c", 3), N("t_min_c", 2), N("t_max_c", 2),
	N("float_v_dev_v", 4), N("float_i_a", 4),
	N("float_i_trend_a_per_day", 5),
	N("t_above_30_h", 3), N("t_above_35_h", 3), N("t_above_40_h", 3),
	N("t_rise_c", 3),
	N("r_latest_mohm", 3), N("r_ratio", 4), N("r_slope_mohm_per_day", 5),
	N("age_days", 3), N("eq_age_days", 3),
	N("dis_count", 0), N("dis_ah", 3), N("dis_depth_pct", 2),
	N("dis_min_v", 3), N("dis_r_mohm", 2),
	N("v_dev_string_v", 4), N("life_used_pct", 2), N("r_ratio_7d", 4)
};
static const struct xcol predictions[] = {
	T("battery_id"), D("date"), N("rul_days", 1), N("rul_p10_days", 1),
	N("rul_p90_days", 1), N("p_fail_30d", 4), N("p_fail_90d", 4),
	N("p_fail_180d", 4), T("risk"), T("model_id"), N("p_sudden_90d", 4),
	OT("reason_1"), OT("reason_2"), OT("reason_3")
};
static const struct xcol alerts[] = {
	TS("ts"), T("alert_id"), T("event"), T("kind"), T("severity"),
	I("priority"), T("site_id"), T("string_id"), T("battery_id"), N("value", -1),
	N("threshold", -1), TS("ts_open"), TS("ts_clear"), T("message")
};

#define MAX_XCOLS 40

struct kind {
	const char *name, *table;
	const struct xcol *cols;
	int ncols;
	const char *time;	/* selected by --since, --until; or NULL */
	int by_date;		/* time is a date column */
	const char *battery;	/* selected by --battery; or NULL */
	const char *order;
};

#define COLS(a)	a, (int)(sizeof a / sizeof a[0])

/* Text is ordered byte by byte, whatever the database's locale. */
#define C_ " COLLATE \"C\""

static const struct kind kinds[] = {
	{ "sites", "sites", COLS(sites), NULL, 0, NULL, "site_id" C_ },
	{ "systems", "systems", COLS(systems), NULL, 0, NULL,
	  "system_id" C_ },
	{ "strings", "strings", COLS(strings), NULL, 0, NULL,
	  "string_id" C_ },
	{ "batteries", "batteries", COLS(batteries), NULL, 0, "battery_id",
	  "battery_id" C_ },
	{ "events", "events", COLS(events), "ts_start", 0, "scope",
	  "ts_start, scope" C_ ", kind" C_ },
	{ "labels", "labels", COLS(labels), "date", 1, "battery_id",
	  "date, battery_id" C_ },
	{ "telemetry", "telemetry", COLS(telemetry), "ts", 0, "battery_id",
	  "ts, battery_id" C_ },
	{ "string_telemetry", "string_telemetry", COLS(string_telemetry),
	  "ts", 0, NULL, "ts, string_id" C_ },
	{ "features", "features", COLS(features), "ts", 0, "battery_id",
	  "ts, window_s, battery_id" C_ },
	{ "predictions", "predictions", COLS(predictions), "date", 1,
	  "battery_id", "date, battery_id" C_ ", model_id" C_ },
	{ "alerts", "alert_events", COLS(alerts), "ts", 0, "battery_id",
	  "ts, alert_id" C_ ", event" C_ },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

const char *const *
brul_export_kinds(void)
{
	static const char *const names[NKINDS + 1] = {
		"sites", "systems", "strings", "batteries", "events", "labels",
		"telemetry", "string_telemetry", "features", "predictions",
		"alerts", NULL
	};
	return names;
}

static const struct kind *
kind_find(const char *name)
{
	for (size_t i = 0; name && i < NKINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int
brul_export_kind_known(const char *kind)
{
	return kind_find(kind) != NULL;
}

int
brul_export_kind_filters(const char *kind)
{
	const struct kind *k = kind_find(kind);

	if (k == NULL)
		return 0;
	return (k->time ? BRUL_EXPORT_BY_TIME : 0) |
	    (k->battery ? BRUL_EXPORT_BY_BATTERY : 0);
}

/* A time bound as an SQL literal of the kind's time column; for a date
 * column, the day that starts at or after t (rows "at or after t" and
 * "before t" are the days that start so). */
static void
bound(char *buf, size_t n, const struct kind *k, int64_t t)
{
	char s[BRUL_TIME_LEN + 1];

	if (k->by_date) {
		int64_t day = t >= 0 ? (t + BRUL_DAY - 1) / BRUL_DAY :
		    -(-t / BRUL_DAY);

		s[brul_date_format(s, day)] = '\0';
		snprintf(buf, n, "'%s'::date", s);
	} else {
		s[brul_time_format(s, t)] = '\0';
		snprintf(buf, n, "'%s'::timestamptz", s);
	}
}

/* The columns an export writes: the kind's, its optional ones only when
 * wanted. */
struct xsel {
	const struct xcol *c[MAX_XCOLS];
	int n;
};

static void
choose(struct xsel *x, const struct kind *k, int optional)
{
	x->n = 0;
	for (int i = 0; i < k->ncols && x->n < MAX_XCOLS; i++)
		if (!k->cols[i].optional || optional)
			x->c[x->n++] = &k->cols[i];
}

static int
has_optional(const struct kind *k)
{
	for (int i = 0; i < k->ncols; i++)
		if (k->cols[i].optional)
			return 1;
	return 0;
}

/* The conditions of the rows o selects, each after the first joined by
 * and (" WHERE " or " AND " for the first). */
static void
where(struct brul_sbuf *s, const struct kind *k,
      const struct brul_export_opts *o, const char *battery,
      const char *and)
{
	char lit[64];

	if (o->has_since) {
		bound(lit, sizeof lit, k, o->since);
		brul_sbuf_fmt(s, "%s%s >= %s", and, k->time, lit);
		and = " AND ";
	}
	if (o->has_until) {
		bound(lit, sizeof lit, k, o->until);
		brul_sbuf_fmt(s, "%s%s < %s", and, k->time, lit);
		and = " AND ";
	}
	if (battery)
		brul_sbuf_fmt(s, "%s%s = %s", and, k->battery, battery);
}

/* 1 when a row o selects has a value in one of k's optional columns, 0
 * when none has, -1 with err set. */
static int
optional_used(struct brul_db *db, const struct kind *k,
	      const struct brul_export_opts *o, const char *battery,
	      struct brul_err *err)
{
	struct brul_sbuf s = { 0 };
	const char *or = "";
	PGresult *res;
	int used;

	brul_sbuf_fmt(&s, "SELECT EXISTS (SELECT 1 FROM %s WHERE (",
	    k->table);
	for (int i = 0; i < k->ncols; i++)
		if (k->cols[i].optional) {
			brul_sbuf_fmt(&s, "%s%s IS NOT NULL", or,
			    k->cols[i].name);
			or = " OR ";
		}
	brul_sbuf_str(&s, ")");
	where(&s, k, o, battery, " AND ");
	brul_sbuf_str(&s, ")");
	if (s.oom) {
		free(s.s);
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	res = brul_db_query(db, s.s, 0, NULL, err);
	free(s.s);
	if (res == NULL)
		return -1;
	used = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return used;
}

/* COPY (SELECT ...) TO STDOUT in binary, each column cast to the type
 * its field is read as. */
static char *
copy_sql(const struct kind *k, const struct xsel *x,
	 const struct brul_export_opts *o, const char *battery)
{
	static const char *const cast[] = {
		[X_TEXT] = "text", [X_NUM] = "float8", [X_INT] = "int8",
		[X_TIME] = "timestamptz", [X_DATE] = "date"
	};
	struct brul_sbuf s = { 0 };

	brul_sbuf_str(&s, "COPY (SELECT ");
	for (int i = 0; i < x->n; i++)
		brul_sbuf_fmt(&s, "%s%s::%s", i ? ", " : "", x->c[i]->name,
		    cast[x->c[i]->type]);
	brul_sbuf_fmt(&s, " FROM %s", k->table);
	where(&s, k, o, battery, " WHERE ");
	brul_sbuf_fmt(&s, " ORDER BY %s) TO STDOUT (FORMAT binary)",
	    k->order);
	if (s.oom) {
		free(s.s);
		return NULL;
	}
	return s.s;
}

/* The length each type's field has in binary COPY (text: any). */
static int
length_ok(enum xtype t, int32_t n)
{
	switch (t) {
	case X_TEXT:
		return 1;
	case X_DATE:
		return n == 4;
	default:
		return n == 8;
	}
}

/* One row from the server's fields to the writer.  0, -1 with err set
 * (the data is not what was asked for), or -2 (a write error: the
 * writer has it). */
static int
put_row(struct brul_writer *w, const struct kind *k, const struct xsel *x,
	const struct brul_pgcopy_field *f, struct brul_err *err)
{
	int rc = 0;

	for (int i = 0; i < x->n; i++) {
		const struct xcol *c = x->c[i];

		if (f[i].n < 0) {
			rc |= brul_writer_null(w);
			continue;
		}
		if (!length_ok(c->type, f[i].n))
			return brul_err_set(err, NULL, 0, 0, "export %s: "
			    "column %s: unexpected data from the server",
			    k->name, c->name);
		switch (c->type) {
		case X_TEXT:
			rc |= brul_writer_str(w, (const char *)f[i].p,
			    (size_t)f[i].n);
			break;
		case X_NUM:
			rc |= c->decimals < 0 ? brul_writer_double(w,
			    brul_pgcopy_get_float8(&f[i])) :
			    brul_writer_fixed(w, brul_pgcopy_get_float8(&f[i]),
			    c->decimals);
			break;
		case X_INT:
			rc |= brul_writer_int(w, brul_pgcopy_get_int(&f[i]));
			break;
		case X_TIME:
			rc |= brul_writer_time(w, brul_pgcopy_get_time(&f[i]));
			break;
		case X_DATE:
			rc |= brul_writer_date(w, brul_pgcopy_get_date(&f[i]));
			break;
		}
	}
	rc |= brul_writer_end(w);
	return rc ? -2 : 0;
}

/* The COPY's rows, a message at a time, to the writer (NULL: an error
 * already in err).  On an error the rest is read and dropped, so that
 * the connection stays usable. */
static int
copy_out(struct brul_db *db, const struct kind *k, const struct xsel *x,
	 struct brul_writer *w, uint64_t *rows, struct brul_err *err)
{
	PGconn *c = brul_db_conn(db);
	struct brul_pgcopy_field f[MAX_XCOLS];
	struct brul_pgcopy_in in = { 0 };
	PGresult *res;
	char *buf;
	int n, rc = w ? 0 : -1;

	while ((n = PQgetCopyData(c, &buf, 0)) > 0) {
		const unsigned char *p = (const unsigned char *)buf;
		const unsigned char *end = p + n;
		int nf, put;

		while (rc == 0 &&
		    (nf = brul_pgcopy_read(&in, &p, end, f, MAX_XCOLS)) != 0) {
			if (nf != x->n) {
				rc = brul_err_set(err, NULL, 0, 0, "export "
				    "%s: unexpected COPY data from the server",
				    k->name);
			} else if ((put = put_row(w, k, x, f, err)) < 0) {
				if (put == -2)
					*err = *brul_writer_err(w);
				rc = -1;
			} else
				*rows += 1;
		}
		PQfreemem(buf);
	}
	if (n == -2)
		return brul_db_fail(db, NULL, err);
	while ((res = PQgetResult(c)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = brul_db_fail(db, res, err);
		PQclear(res);
	}
	return rc;
}

int
brul_export(struct brul_db *db, const char *kind,
	    const struct brul_export_opts *o, struct brul_out *out,
	    uint64_t *rows, struct brul_err *err)
{
	const struct kind *k = kind_find(kind);
	PGconn *c = brul_db_conn(db);
	const char *names[MAX_XCOLS];
	struct brul_writer *w;
	struct xsel x;
	char *sql = NULL, *lit = NULL;
	PGresult *res;
	int rc = -1, snap, used = 0;

	*rows = 0;
	if (k == NULL)
		return brul_err_set(err, NULL, 0, 0, "cannot export %s", kind);
	if ((o->has_since || o->has_until) && k->time == NULL)
		return brul_err_set(err, NULL, 0, 0, "%s rows have no time "
		    "to select by", kind);
	if (o->battery && k->battery == NULL)
		return brul_err_set(err, NULL, 0, 0, "%s rows have no "
		    "battery to select by", kind);
	if (brul_db_schema_check(db, err) < 0)
		return -1;
	if (o->battery && (lit = PQescapeLiteral(c, o->battery,
						 strlen(o->battery))) == NULL)
		return brul_db_fail(db, NULL, err);
	/* Whether the optional columns are written, and the rows, from one
	 * snapshot: a load committed in between cannot put values into
	 * columns the header leaves out. */
	if ((snap = has_optional(k)) &&
	    (brul_db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, "
	    "READ ONLY", err) < 0 ||
	    (used = optional_used(db, k, o, lit, err)) < 0))
		goto out;
	choose(&x, k, used);
	if ((sql = copy_sql(k, &x, o, lit)) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		goto out;
	}
	res = PQexec(c, sql);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_OUT) {
		brul_db_fail(db, res, err);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	for (int i = 0; i < x.n; i++)
		names[i] = x.c[i]->name;
	/* The writer starts with the CSV header; made once the COPY has
	 * begun, so that a refused query leaves nothing written. */
	w = brul_writer_new(out, o->format == BRUL_FMT_NDJSON ?
	    BRUL_FMT_NDJSON : BRUL_FMT_CSV, names, x.n, err);
	rc = copy_out(db, k, &x, w, rows, err);
	brul_writer_free(w);
	if (rc == 0 && snap)
		rc = brul_db_exec(db, "COMMIT", err);
out:
	if (rc < 0 && snap)
		brul_db_rollback(db);
	PQfreemem(lit);
	free(sql);
	return rc;
}
