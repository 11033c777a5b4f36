/*
 * load.c: see load.h.
 *
 * Every kind goes the same way (the merge): its rows are checked and
 * COPY'd as text into a temporary table (brul_stage), then inserted into
 * the kind's table with ON CONFLICT DO UPDATE, the last of repeated rows
 * winning.  Telemetry, thousands of times bigger than the rest, goes the
 * fast way (telemetry below) and merges only the rows it must.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/idtab.h"
#include "core/num.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "db/load.h"
#include "db/loadint.h"


/* An alert's present state follows its events: the latest decides (its
 * severity, priority and message the latest given; events without a
 * priority, written before brul-alert gave one, take it from the
 * severity as migration 007 does), an open event dates it.  Only
 * alerts with events in this load are looked
 * at; the operator's columns are left alone. */
static const char alerts_after[] =
    "INSERT INTO alerts AS a (alert_id, site_id, string_id, battery_id, "
    "  kind, severity, priority, state, value, threshold, message, ts_open, "
    "  ts_update, ts_clear) "
    "SELECT DISTINCT ON (e.alert_id) e.alert_id, e.site_id, e.string_id, "
    "  e.battery_id, e.kind, "
    "  (SELECT o.severity FROM alert_events o WHERE o.alert_id = e.alert_id "
    "   AND o.severity IS NOT NULL ORDER BY o.ts DESC LIMIT 1), "
    "  coalesce((SELECT o.priority FROM alert_events o "
    "   WHERE o.alert_id = e.alert_id AND o.priority IS NOT NULL "
    "   ORDER BY o.ts DESC LIMIT 1), "
    "   CASE (SELECT o.severity FROM alert_events o "
    "    WHERE o.alert_id = e.alert_id AND o.severity IS NOT NULL "
    "    ORDER BY o.ts DESC LIMIT 1) WHEN 'critical' THEN 2 ELSE 3 END), "
    "  CASE e.event WHEN 'clear' THEN 'cleared' ELSE 'open' END, "
    "  e.value, e.threshold, "
    "  (SELECT o.message FROM alert_events o WHERE o.alert_id = e.alert_id "
    "   AND o.message IS NOT NULL ORDER BY o.ts DESC LIMIT 1), "
    "  coalesce((SELECT min(o.ts) FROM alert_events o "
    "            WHERE o.alert_id = e.alert_id AND o.event = 'open'), "
    "           e.ts_open, e.ts), "
    "  e.ts, CASE e.event WHEN 'clear' THEN coalesce(e.ts_clear, e.ts) END "
    "FROM alert_events e "
    "WHERE e.alert_id IN (SELECT alert_id FROM " STAGE ") "
    "ORDER BY e.alert_id, e.ts DESC, "
    "  CASE e.event WHEN 'clear' THEN 2 WHEN 'update' THEN 1 ELSE 0 END DESC "
    "ON CONFLICT (alert_id) DO UPDATE SET site_id = EXCLUDED.site_id, "
    "  string_id = EXCLUDED.string_id, battery_id = EXCLUDED.battery_id, "
    "  kind = EXCLUDED.kind, "
    "  severity = EXCLUDED.severity, priority = EXCLUDED.priority, "
    "  state = EXCLUDED.state, value = EXCLUDED.value, "
    "  threshold = EXCLUDED.threshold, "
    "  message = EXCLUDED.message, "
    "  ts_open = EXCLUDED.ts_open, ts_update = EXCLUDED.ts_update, "
    "  ts_clear = EXCLUDED.ts_clear";

static const struct kind kinds[] = {
	{ .name = "sites", .table = "sites", .key = "site_id", .fleet = 1 },
	{ .name = "systems", .table = "systems", .key = "system_id",
	  .refs = { { "site_id", "sites" } }, .fleet = 1 },
	{ .name = "strings", .table = "strings", .key = "string_id",
	  .refs = { { "system_id", "systems" }, { "site_id", "sites" } },
	  .fleet = 1 },
	{ .name = "batteries", .table = "batteries", .key = "battery_id",
	  .refs = { { "string_id", "strings" }, { "system_id", "systems" },
		    { "site_id", "sites" } }, .fleet = 1 },
	{ .name = "events", .table = "events", .key = "ts_start, scope, kind",
	  .when = "ts_start" },
	{ .name = "labels", .table = "labels", .key = "battery_id, date",
	  .refs = { { "battery_id", "batteries" } }, .when = "date" },
	{ .name = "telemetry", .table = "telemetry_here",
	  .key = "battery_id, ts",
	  .part = "ts", .refs = { { "battery_id", "batteries" } } },
	{ .name = "string_telemetry", .table = "string_telemetry",
	  .key = "string_id, ts", .part = "ts",
	  .refs = { { "string_id", "strings" } } },
	{ .name = "features", .table = "features",
	  .key = "battery_id, window_s, ts",
	  .refs = { { "battery_id", "batteries" } }, .when = "ts" },
	{ .name = "predictions", .table = "predictions",
	  .key = "battery_id, date, model_id",
	  .refs = { { "battery_id", "batteries" } }, .when = "date" },
	{ .name = "twin", .table = "twin", .key = "battery_id, ts",
	  .refs = { { "battery_id", "batteries" } }, .when = "ts" },
	{ .name = "alerts", .table = "alert_events",
	  .key = "alert_id, ts, event", .after = alerts_after, .when = "ts",
	  .only = { "event", "|open|update|clear|" } },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

const char *const *
brul_load_kinds(void)
{
	static const char *const names[NKINDS + 1] = {
		"sites", "systems", "strings", "batteries", "events", "labels",
		"telemetry", "string_telemetry", "features", "predictions",
		"twin", "alerts", NULL
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
brul_load_kind_known(const char *kind)
{
	return kind_find(kind) != NULL;
}

/*
 * A table's columns, as the catalog has them, and where the stream has
 * them.
 */

static enum ctype
ctype_of(const char *t)
{
	static const struct {
		const char *name;
		enum ctype type;
	} tab[] = {
		{ "double precision", T_NUM }, { "real", T_NUM },
		{ "smallint", T_INT2 }, { "integer", T_INT4 },
		{ "bigint", T_INT8 }, { "date", T_DATE },
		{ "timestamp with time zone", T_TIME }, { "boolean", T_BOOL },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(t, tab[i].name) == 0)
			return tab[i].type;
	return T_TEXT;		/* text, or anything the server will check */
}

/* The columns of table into c[]; their count, or -1. */
static int
columns(struct brul_db *db, const char *table, struct column *c,
	struct brul_err *err)
{
	const char *p[] = { table };
	PGresult *res;
	int n;

	res = brul_db_query(db,
	    "SELECT attname, format_type(atttypid, atttypmod), "
	    "  attnotnull AND NOT atthasdef AND attidentity = '' "
	    "FROM pg_attribute WHERE attrelid = $1::regclass "
	    "  AND attnum > 0 AND NOT attisdropped ORDER BY attnum", 1, p, err);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	if (n > MAX_COLS)
		n = MAX_COLS;
	for (int i = 0; i < n; i++) {
		snprintf(c[i].name, sizeof c[i].name, "%s",
			 PQgetvalue(res, i, 0));
		c[i].type = ctype_of(PQgetvalue(res, i, 1));
		c[i].required = PQgetvalue(res, i, 2)[0] == 't';
		c[i].in = -1;
	}
	PQclear(res);
	return n;
}

int
brul_load_in_key(const char *key, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = key; (p = strstr(p, name)) != NULL; p += n)
		if ((p == key || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/*
 * One load.
 */

/* err, unless it already says where, gets the input's name. */
static int
at_file(struct brul_load_job *j, struct brul_err *err)
{
	if (err && err->where[0] == '\0')
		snprintf(err->where, sizeof err->where, "%s", j->name);
	return -1;
}

int
brul_load_stage_create(struct brul_load_job *j, struct brul_err *err)
{
	char sql[256];

	snprintf(sql, sizeof sql, "CREATE TEMP TABLE " STAGE " (LIKE %s "
		 "INCLUDING DEFAULTS, brul_line bigint) ON COMMIT DROP",
		 j->k->table);
	return brul_db_exec(j->db, sql, err);
}

/* Partitions for every month the stage holds. */
static int
stage_partitions(struct brul_load_job *j, struct brul_err *err)
{
	char sql[400];

	if (j->k->part == NULL)
		return 0;
	snprintf(sql, sizeof sql, "SELECT brul_partition_for('%s', m) FROM "
		 "(SELECT DISTINCT date_trunc('month', %s, 'UTC') AS m FROM "
		 STAGE " WHERE %s IS NOT NULL) AS x", j->k->table, j->k->part,
		 j->k->part);
	return brul_db_exec(j->db, sql, err);
}

/* The first staged row whose reference is unknown, as an error at its
 * line: the database would refuse it too, without saying where. */
static int
stage_refs(struct brul_load_job *j, struct brul_err *err)
{
	for (int i = 0; i < 3 && j->k->refs[i].col; i++) {
		const struct ref *f = &j->k->refs[i];
		char sql[512];
		PGresult *res;
		int bad;

		snprintf(sql, sizeof sql, "SELECT s.brul_line, s.%s FROM "
			 STAGE " s WHERE s.%s IS NOT NULL AND NOT EXISTS "
			 "(SELECT 1 FROM %s r WHERE r.%s = s.%s) "
			 "ORDER BY s.brul_line LIMIT 1", f->col, f->col,
			 f->table, f->col, f->col);
		if ((res = brul_db_query(j->db, sql, 0, NULL, err)) == NULL)
			return -1;
		bad = PQntuples(res) > 0;
		if (bad)
			brul_err_set(err, j->name,
			    strtol(PQgetvalue(res, 0, 0), NULL, 10), 0,
			    "%s: %s is not in %s: load %s first "
			    "(brul-load %s FILE)", f->col,
			    PQgetvalue(res, 0, 1), f->table, f->table,
			    f->table);
		PQclear(res);
		if (bad)
			return -1;
	}
	return 0;
}

/* Staged rows into the kind's table: the last of repeated keys wins, rows
 * already there are replaced (and left alone when they are the same, so
 * that a reload writes nothing). */
int
brul_load_stage_merge(struct brul_load_job *j, const struct column *c,
		      int n, struct brul_err *err)
{
	struct brul_sbuf s = { 0 };
	const char *t = j->k->table, *sep = "";
	int rest = 0, rc;

	brul_sbuf_fmt(&s, "INSERT INTO %s AS d (", t);
	for (int i = 0; i < n; i++)
		brul_sbuf_fmt(&s, "%s%s", i ? ", " : "", c[i].name);
	brul_sbuf_fmt(&s, ") SELECT DISTINCT ON (%s) ", j->k->key);
	for (int i = 0; i < n; i++)
		brul_sbuf_fmt(&s, "%s%s", i ? ", " : "", c[i].name);
	brul_sbuf_fmt(&s, " FROM " STAGE " ORDER BY %s, brul_line DESC "
		"ON CONFLICT (%s) DO ", j->k->key, j->k->key);
	for (int i = 0; i < n; i++)
		rest += !brul_load_in_key(j->k->key, c[i].name);
	if (rest == 0) {
		brul_sbuf_str(&s, "NOTHING");
	} else {
		brul_sbuf_str(&s, "UPDATE SET ");
		for (int i = 0; i < n; i++)
			if (!brul_load_in_key(j->k->key, c[i].name)) {
				brul_sbuf_fmt(&s, "%s%s = EXCLUDED.%s", sep,
					c[i].name, c[i].name);
				sep = ", ";
			}
		for (int pass = 0; pass < 2; pass++) {
			brul_sbuf_str(&s, pass ? ") IS DISTINCT FROM (" : " WHERE (");
			sep = "";
			for (int i = 0; i < n; i++)
				if (!brul_load_in_key(j->k->key, c[i].name)) {
					brul_sbuf_fmt(&s, "%s%s.%s", sep,
						pass ? "EXCLUDED" : "d",
						c[i].name);
					sep = ", ";
				}
		}
		brul_sbuf_str(&s, ")");
	}
	if (s.oom) {
		free(s.s);
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	rc = brul_db_exec(j->db, s.s, err);
	free(s.s);
	return rc;
}

int
brul_load_tx_begin(struct brul_load_job *j, struct brul_err *err)
{
	j->batch = 0;
	return brul_db_exec(j->db, "BEGIN", err);
}

/* NOTIFY and COMMIT; the rows so far are then committed. */
int
brul_load_tx_commit(struct brul_load_job *j, const char *range,
		    struct brul_err *err)
{
	char chan[64], payload[BRUL_LOAD_PAYLOAD];
	const char *p[] = { chan, payload };
	PGresult *res;

	snprintf(chan, sizeof chan, "brul_%s", j->k->name);
	snprintf(payload, sizeof payload, "{\"kind\":\"%s\",\"rows\":%" PRIu64
		 "%s}", j->k->name, j->batch, range ? range : "");
	if (j->batch > 0 && !j->silent) {	/* nothing to tell of an empty
						 * last batch */
		res = brul_db_query(j->db, "SELECT pg_notify($1, $2)", 2, p,
				    err);
		if (res == NULL)
			return -1;
		PQclear(res);
	}
	if (brul_db_exec(j->db, "COMMIT", err) < 0) {
		/* Gone while committing: it may have happened or not. */
		if (brul_db_lost(j->db))
			j->st->uncertain = j->batch;
		return -1;
	}
	j->st->committed += j->batch;
	j->st->committed_line = j->line;
	j->st->commits++;
	j->batch = 0;
	return 0;
}

int
brul_load_row_done(struct brul_load_job *j)
{
	j->batch++;
	j->st->rows++;
	if (j->o->progress)
		brul_progress_update(j->o->progress, j->st->rows);
	return j->o->batch_rows > 0 && j->batch == (uint64_t)j->o->batch_rows;
}

/*
 * The merge way, for every kind but telemetry: rows as COPY text.
 */

static void
copy_text(struct brul_sbuf *b, const char *s, size_t n)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: continue;
		}
		brul_sbuf_add(b, s + from, i - from);
		brul_sbuf_add(b, esc, 2);
		from = i + 1;
	}
	brul_sbuf_add(b, s + from, n - from);
}

/* 1 when f is one of values ("|a|b|c|"). */
static int
one_of(const char *values, struct brul_field f)
{
	for (const char *p = values; (p = strchr(p, '|')) && p[1]; p++)
		if (strncmp(p + 1, f.s, f.n) == 0 && p[1 + f.n] == '|')
			return 1;
	return 0;
}

int
brul_load_check_text(struct brul_load_job *j, const char *col,
		     struct brul_field f, struct brul_err *err)
{
	long bad;

	if (memchr(f.s, '\0', f.n))
		return brul_err_set(err, j->name, j->line, 0,
		    "%s: contains a NUL byte", col);
	if ((bad = brul_utf8_invalid(f.s, f.n)) >= 0)
		return brul_err_set(err, j->name, j->line, 0,
		    "%s: not UTF-8 (byte 0x%02x at %ld)", col,
		    (unsigned char)f.s[bad], bad + 1);
	return 0;
}

/* The current record's field for column c, checked against its type, as
 * COPY text.  0 or -1. */
static int
copy_field(struct brul_load_job *j, const struct column *c,
	   struct brul_err *err)
{
	struct brul_field f = brul_reader_field(j->r, c->in);
	char tmp[BRUL_NUM_MAX + BRUL_TIME_LEN];
	int64_t v, lim;
	double x;
	int b;

	if (f.s == NULL || (f.n == 0 && c->type != T_TEXT)) {
		if (c->required)
			return brul_err_set(err, j->name, j->line, 0,
					    "%s: missing value", c->name);
		brul_sbuf_add(&j->copy, "\\N", 2);
		return 0;
	}
	switch (c->type) {
	case T_TEXT:
		if (brul_load_check_text(j, c->name, f, err) < 0)
			return -1;
		if (j->k->only.col && strcmp(c->name, j->k->only.col) == 0 &&
		    !one_of(j->k->only.values, f))
			return brul_err_set(err, j->name, j->line, 0,
			    "%s: expected one of %s, not \"%.*s\"", c->name,
			    j->k->only.values, (int)f.n, f.s);
		copy_text(&j->copy, f.s, f.n);
		return 0;
	case T_NUM:
		if (brul_reader_double(j->r, c->in, &x, err) < 0)
			return -1;
		brul_sbuf_add(&j->copy, tmp, brul_num_shortest(tmp, x));
		return 0;
	case T_INT2:
	case T_INT4:
	case T_INT8:
		if (brul_reader_int(j->r, c->in, &v, err) < 0)
			return -1;
		lim = c->type == T_INT2 ? 32767 :
		      c->type == T_INT4 ? 2147483647 : INT64_MAX;
		if (v > lim || v < -lim - 1)
			return brul_err_set(err, j->name, j->line, 0,
			    "%s: out of range: %" PRId64, c->name, v);
		brul_sbuf_add(&j->copy, tmp, brul_int_format(tmp, v));
		return 0;
	case T_DATE:
		if (brul_reader_date(j->r, c->in, &v, err) < 0)
			return -1;
		brul_sbuf_add(&j->copy, tmp, brul_date_format(tmp, v));
		return 0;
	case T_TIME:
		if (brul_reader_time(j->r, c->in, &v, err) < 0)
			return -1;
		brul_sbuf_add(&j->copy, tmp, brul_time_format(tmp, v));
		return 0;
	case T_BOOL:
		if (brul_reader_bool(j->r, c->in, &b, err) < 0)
			return -1;
		brul_sbuf_add(&j->copy, b ? "t" : "f", 1);
		return 0;
	}
	return 0;
}

static int
copy_flush(struct brul_load_job *j, struct brul_err *err)
{
	int rc;

	if (j->copy.oom)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	rc = brul_db_copy_put(j->db, j->copy.s, j->copy.n, err);
	j->copy.n = 0;
	return rc;
}

/* Starts a transaction with an empty stage and a COPY into it. */
static int
merge_begin(struct brul_load_job *j, const struct column *c, int n,
	    const char *opts, struct brul_err *err)
{
	struct brul_sbuf s = { 0 };
	int rc;

	if (brul_load_tx_begin(j, err) < 0 || brul_load_stage_create(j, err) < 0)
		return -1;
	brul_sbuf_str(&s, "COPY " STAGE " (");
	for (int i = 0; i < n; i++)
		brul_sbuf_fmt(&s, "%s, ", c[i].name);
	brul_sbuf_fmt(&s, "brul_line) FROM STDIN%s", opts);
	rc = s.oom ? brul_err_set(err, NULL, 0, 0, "out of memory") :
	     brul_db_copy_begin(j->db, s.s, err);
	free(s.s);
	return rc;
}

/* Ends the COPY, merges the stage, and commits. */
static int
merge_end(struct brul_load_job *j, const struct column *c, int n,
	  struct brul_err *err)
{
	char range[160] = "", sql[200];
	PGresult *res;

	if (brul_db_copy_end(j->db, err) < 0 ||
	    stage_partitions(j, err) < 0 || stage_refs(j, err) < 0 ||
	    brul_load_fleet_check(j, c, n, err) < 0 ||
	    brul_load_stage_merge(j, c, n, err) < 0 ||
	    (j->k->after && brul_db_exec(j->db, j->k->after, err) < 0))
		return -1;
	/* The NOTIFY tells listeners which rows to look at. */
	if (j->k->when) {
		snprintf(sql, sizeof sql, "SELECT to_json(min(%s)) #>> '{}', "
		    "to_json(max(%s)) #>> '{}' FROM " STAGE, j->k->when,
		    j->k->when);
		if ((res = brul_db_query(j->db, sql, 0, NULL, err)) == NULL)
			return -1;
		if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
			snprintf(range, sizeof range, ",\"from\":\"%s\","
			    "\"to\":\"%s\"", PQgetvalue(res, 0, 0),
			    PQgetvalue(res, 0, 1));
		PQclear(res);
	}
	return brul_load_tx_commit(j, range[0] ? range : NULL, err);
}

static int
load_merge(struct brul_load_job *j, struct brul_err *err)
{
	struct column use[MAX_COLS];
	int n = 0, rc;
	char tmp[BRUL_NUM_MAX];

	for (int i = 0; i < j->ncol; i++)
		if (j->col[i].in >= 0)
			use[n++] = j->col[i];
	if (merge_begin(j, use, n, "", err) < 0)
		return -1;
	while ((rc = brul_reader_next(j->r, err)) == 1) {
		j->line = brul_reader_line(j->r);
		for (int i = 0; i < n; i++) {
			if (copy_field(j, &use[i], err) < 0)
				return -1;
			brul_sbuf_add(&j->copy, "\t", 1);
		}
		brul_sbuf_add(&j->copy, tmp, brul_int_format(tmp, j->line));
		brul_sbuf_add(&j->copy, "\n", 1);
		if (j->copy.n >= SEND_BYTES && copy_flush(j, err) < 0)
			return -1;
		if (brul_load_row_done(j)) {
			if (copy_flush(j, err) < 0 ||
			    merge_end(j, use, n, err) < 0 ||
			    merge_begin(j, use, n, "", err) < 0)
				return -1;
		}
	}
	if (rc < 0 || copy_flush(j, err) < 0)
		return -1;
	return merge_end(j, use, n, err);
}

/*
 * The entry point.
 */

int
brul_load_file(struct brul_db *db, const char *kind, const char *path,
	       const struct brul_load_opts *o, struct brul_load_stats *st,
	       struct brul_err *err)
{
	static const struct brul_load_opts defaults;
	struct brul_load_job j = { 0 };
	char lock[128];
	int rc = -1, locked = 0;

	memset(st, 0, sizeof *st);
	j.db = db;
	j.st = st;
	j.o = o ? o : &defaults;
	if ((j.k = kind_find(kind)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "unknown kind %s", kind);
	if (brul_db_schema_check(db, err) < 0)
		return -1;
	if ((j.r = brul_reader_open(path, j.o->format, err)) == NULL)
		return -1;
	j.name = brul_reader_name(j.r);
	/* A kind is a stream of brul-formats(5): a file that is plainly
	 * another one is said to be. */
	brul_reader_expect(j.r, NULL, j.k->name);
	if (brul_reader_check_kind(j.r, err) < 0) {
		brul_reader_close(j.r);
		return -1;
	}
	/* One load of a kind at a time: a second waits for the first. */
	snprintf(lock, sizeof lock, "SELECT pg_advisory_lock(hashtext('brul_"
		 "load_%s'))", j.k->name);
	if (brul_db_exec(db, lock, err) < 0)
		goto out;
	locked = 1;
	if (strcmp(j.k->name, "telemetry") == 0) {
		rc = brul_load_telemetry(&j, err);
		goto out;
	}
	if ((j.ncol = columns(db, j.k->table, j.col, err)) < 0)
		goto out;
	for (int i = 0; i < j.ncol; i++) {
		struct column *c = &j.col[i];
		int need = c->required || brul_load_in_key(j.k->key, c->name);

		c->in = need ? brul_reader_require(j.r, c->name, err) :
		    brul_reader_has_col(j.r, c->name);
		if (c->in < 0 && need)
			goto out;
	}
	rc = load_merge(&j, err);
out:
	if (rc < 0) {
		at_file(&j, err);
		brul_db_rollback(db);
	}
	if (locked && !brul_db_lost(db)) {
		snprintf(lock, sizeof lock, "SELECT pg_advisory_unlock("
			 "hashtext('brul_load_%s'))", j.k->name);
		brul_db_exec(db, lock, NULL);
	}
	brul_load_telemetry_free(j.t);
	free(j.copy.s);
	brul_reader_close(j.r);
	return rc;
}
