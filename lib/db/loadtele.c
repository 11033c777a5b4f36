/*
 * loadtele.c: telemetry into PostgreSQL, the fast way (see load.h).
 *
 * Rows are read into a bounded chunk and grouped there by battery (each
 * battery's rows stay in input order, ascending by contract).  A row newer
 * than every row the table holds for its battery is encoded in binary COPY
 * format into a temporary file, its battery's bytes from each chunk one
 * segment; any other row (a reload, an overlap, a repeat) is spilled to
 * another file and merged at the end.  At commit (or every ROUND_BYTES)
 * the new rows are sent in one COPY, battery after battery in the primary
 * key's order, so that each battery's part of the index grows at one end;
 * into an empty month, at the very end, where PostgreSQL appends without
 * descending the tree.
 *
 * The hourly rollup: an hour that starts after the battery's newest row
 * at the start of the transaction holds only rows of this load, so it is
 * summed here as the rows go by (in time order, as the rollup's definition
 * sums it) and upserted.  Any other hour this load touches is recomputed
 * from the raw rows by brul_telemetry_hourly_of, after the merge.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/idtab.h"
#include "core/timefmt.h"
#include "db/loadint.h"
#include "db/pgcopy.h"

enum { V, I, T, R, NV };	/* the readings: volts, amps, degC, mOhm */

/* Fresh rows are sent once this much has gathered (or at commit). */
#define ROUND_BYTES	((uint64_t)1 << 30)

struct trow {
	int64_t ts;
	double v[NV];
	long line;
	int32_t bat;		/* into ids */
	int32_t str;		/* into strs (the battery's); -1: missing */
	unsigned char have;	/* bit k: v[k] present */
};

/* Binary COPY data bound for a temporary file, to be sent later. */
struct spill {
	struct brul_pgcopy b;
	FILE *fp;
	uint64_t rows;
};

/* One battery's rows in the fresh spill: a segment per chunk. */
struct segs {
	uint64_t *off, *len;
	size_t n, cap;
};

/* An hour of one battery's rows, as brul_telemetry_hourly_of sums it. */
struct hour {
	int64_t start;
	int32_t n;		/* rows; 0: no hour open */
	int32_t cnt[3];		/* readings present, per V, I, T */
	double min[3], max[3], sum[3];
	double r;		/* the latest resistance, when has_r */
	int has_r;
};

struct brul_load_tele {
	struct brul_idtab *ids;	/* the batteries the database knows */
	struct brul_idtab *strs;	/* the batteries' strings */
	int32_t *bstr;		/* each battery's, into strs */
	int64_t floor;		/* rows before it were dropped by retention */
	unsigned present;	/* bit i: the stream has tele_cols[i] */
	int64_t *latest;	/* newest ts the table holds, per battery */
	int64_t *base;		/* the same at the transaction's start */
	int64_t *dlo, *dhi;	/* rows whose hours are recomputed in SQL */
	struct hour *acc;	/* the hour being summed, per battery */
	struct trow *rows;	/* the chunk */
	size_t n, cap;
	uint32_t *order, *end;	/* rows grouped by battery; runs' ends */
	struct trow *run;	/* one battery's run, gathered */
	int64_t *months;	/* months with a partition (y * 12 + m - 1) */
	size_t nmonths, mcap;
	int64_t mlo, mhi;	/* the range of the month last asked about */
	struct brul_pgcopy out;	/* COPY data to send now */
	struct spill fresh;	/* rows to COPY, chunk by chunk */
	uint64_t fresh_bytes;	/* written to it so far */
	struct segs *segs;	/* where each battery's rows are in it */
	struct spill old;	/* rows to merge */
	struct spill hourly;	/* rollup rows computed here */
	int64_t tmin, tmax;	/* of the transaction's rows */
};

static const char *const tele_cols[] = {
	"ts", "battery_id", "string_id", "voltage_v", "current_a",
	"temperature_c", "resistance_mohm"
};

static const char *const hour_cols[] = {
	"samples", "voltage_min_v", "voltage_max_v", "voltage_mean_v",
	"current_min_a", "current_max_a", "current_mean_a",
	"temperature_min_c", "temperature_max_c", "temperature_mean_c",
	"resistance_mohm"
};
#define NHOUR (sizeof hour_cols / sizeof hour_cols[0])

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

static void
spill_free(struct spill *s)
{
	brul_pgcopy_release(&s->b);
	if (s->fp)
		fclose(s->fp);
	memset(s, 0, sizeof *s);
}

void
brul_load_telemetry_free(struct brul_load_tele *t)
{
	if (t == NULL)
		return;
	free(t->latest);
	free(t->bstr);
	free(t->base);
	free(t->dlo);
	free(t->dhi);
	free(t->acc);
	free(t->rows);
	free(t->order);
	free(t->end);
	free(t->run);
	free(t->months);
	for (int b = 0; t->segs && b < brul_idtab_count(t->ids); b++) {
		free(t->segs[b].off);
		free(t->segs[b].len);
	}
	free(t->segs);
	brul_pgcopy_release(&t->out);
	spill_free(&t->fresh);
	spill_free(&t->old);
	spill_free(&t->hourly);
	brul_idtab_free(t->ids);
	brul_idtab_free(t->strs);
	free(t);
}

/* The start of a transaction: what the table held is the base. */
static void
tele_begin(struct brul_load_tele *t)
{
	int n = brul_idtab_count(t->ids);

	for (int b = 0; b < n; b++) {
		t->base[b] = t->latest[b];
		t->dlo[b] = INT64_MAX;
		t->dhi[b] = INT64_MIN;
		t->acc[b].n = 0;
	}
	t->tmin = INT64_MAX;
	t->tmax = INT64_MIN;
}

/* The batteries the database knows, and the newest row it holds for each
 * (an index probe per battery and partition). */
static struct brul_load_tele *
tele_new(struct brul_db *db, struct brul_err *err)
{
	struct brul_load_tele *t = calloc(1, sizeof *t);
	PGresult *res = NULL;
	size_t n;

	if (t == NULL || (t->ids = brul_idtab_new()) == NULL ||
	    (t->strs = brul_idtab_new()) == NULL)
		goto nomem;
	res = brul_db_query(db, "SELECT coalesce((SELECT extract(epoch FROM "
	    "dropped_before)::bigint FROM retention WHERE table_name = "
	    "'telemetry'), -9223372036854775808)", 0, NULL, err);
	if (res == NULL) {
		brul_load_telemetry_free(t);
		return NULL;
	}
	t->floor = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = brul_db_query(db, "SELECT b.battery_id, b.string_id, (SELECT "
	    "extract(epoch FROM max(t.ts))::bigint FROM telemetry t "
	    "WHERE t.battery_id = b.battery_id) FROM batteries b "
	    "ORDER BY b.battery_id", 0, NULL, err);
	if (res == NULL) {
		brul_load_telemetry_free(t);
		return NULL;
	}
	n = (size_t)PQntuples(res);
	t->latest = malloc((n + 1) * sizeof *t->latest);
	t->bstr = malloc((n + 1) * sizeof *t->bstr);
	t->base = malloc((n + 1) * sizeof *t->base);
	t->dlo = malloc((n + 1) * sizeof *t->dlo);
	t->dhi = malloc((n + 1) * sizeof *t->dhi);
	t->acc = calloc(n + 1, sizeof *t->acc);
	t->end = calloc(n + 1, sizeof *t->end);
	t->segs = calloc(n + 1, sizeof *t->segs);
	if (!t->latest || !t->bstr || !t->base || !t->dlo || !t->dhi ||
	    !t->acc || !t->end || !t->segs)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const char *id = PQgetvalue(res, (int)i, 0);
		const char *str = PQgetvalue(res, (int)i, 1);

		if (brul_idtab_intern(t->ids, id, strlen(id)) != (int)i ||
		    (t->bstr[i] = brul_idtab_intern(t->strs, str,
						    strlen(str))) < 0)
			goto nomem;
		t->latest[i] = PQgetisnull(res, (int)i, 2) ? INT64_MIN :
		    strtoll(PQgetvalue(res, (int)i, 2), NULL, 10);
	}
	PQclear(res);
	res = NULL;
	/* The chunk: a few hundred rows per battery keep the index's
	 * insertions local, in bounded memory. */
	t->cap = n * 512;
	if (t->cap < 65536)
		t->cap = 65536;
	if (t->cap > (1 << 20))
		t->cap = 1 << 20;
	t->rows = malloc(t->cap * sizeof *t->rows);
	t->order = malloc(t->cap * sizeof *t->order);
	t->run = malloc(t->cap * sizeof *t->run);
	if (!t->rows || !t->order || !t->run)
		goto nomem;
	t->mlo = t->mhi = 0;
	tele_begin(t);
	return t;
nomem:
	PQclear(res);
	brul_load_telemetry_free(t);
	oom(err);
	return NULL;
}

/* The current record as a row of the chunk. */
static int
tele_read(struct brul_load_job *j, const int *in, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	struct trow *w = &t->rows[t->n];
	struct brul_field f;
	int got;

	w->line = j->line;
	got = brul_reader_time(j->r, in[0], &w->ts, err);
	if (got <= 0)
		return got < 0 ? -1 : brul_err_set(err, j->name, j->line, 0,
						   "ts: missing value");
	if (brul_reader_id(j->r, in[1], &f, err) < 0)
		return -1;
	if ((w->bat = brul_idtab_find(t->ids, f.s, f.n)) < 0)
		return brul_err_set(err, j->name, j->line, 0,
		    "battery_id: %.*s is not in batteries: load batteries "
		    "first (brul-load batteries FILE)", (int)f.n, f.s);
	if (w->ts < t->floor) {
		char fl[BRUL_TIME_LEN + 1];

		fl[brul_time_format(fl, t->floor)] = '\0';
		return brul_err_set(err, j->name, j->line, 0, "ts: before %s, "
		    "whose raw telemetry retention dropped (its hours live on "
		    "in telemetry_hourly, which a part of their rows would "
		    "overwrite)", fl);
	}
	/* A block stays in its string: the string is the battery's. */
	f = brul_reader_field(j->r, in[2]);
	w->str = -1;
	if (f.s && f.n) {
		const char *want = brul_idtab_name(t->strs, t->bstr[w->bat]);

		if (f.n != strlen(want) || memcmp(f.s, want, f.n) != 0) {
			if (brul_load_check_text(j, "string_id", f, err) < 0)
				return -1;
			return brul_err_set(err, j->name, j->line, 0,
			    "string_id: %.*s, but battery %s is in %s",
			    (int)f.n, f.s, brul_idtab_name(t->ids, w->bat),
			    want);
		}
		w->str = t->bstr[w->bat];
	}
	w->have = 0;
	for (int k = 0; k < NV; k++) {
		got = brul_reader_double(j->r, in[3 + k], &w->v[k], err);
		if (got < 0)
			return -1;
		if (got == 0)
			continue;
		/* Readings a monitor can give; the rollup's sums and the
		 * server's (of squares, too) stay finite. */
		if (!(fabs(w->v[k]) < 1e9))
			return brul_err_set(err, j->name, j->line, 0,
			    "%s: out of range: %g", tele_cols[3 + k], w->v[k]);
		w->v[k] += 0.0;		/* -0 is 0, as min and max see it */
		w->have |= (unsigned char)(1 << k);
	}
	t->n++;
	return 0;
}

/*
 * Sending.
 */

static int
send_out(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int rc;

	if (t->out.oom)
		return oom(err);
	rc = brul_db_copy_put(j->db, t->out.buf, t->out.n, err);
	brul_pgcopy_clear(&t->out);
	return rc;
}

static int
spill_flush(struct spill *s, struct brul_err *err)
{
	if (s->b.oom)
		return oom(err);
	if (s->fp == NULL && (s->fp = tmpfile()) == NULL)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	if (s->b.n && fwrite(s->b.buf, 1, s->b.n, s->fp) != s->b.n)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	brul_pgcopy_clear(&s->b);
	return 0;
}

/* COPY what was spilled (binary, no header) into table (cols), then
 * empty the spill. */
static int
spill_send(struct brul_load_job *j, struct spill *s, const char *sql,
	   struct brul_err *err)
{
	struct brul_pgcopy *out = &j->t->out;
	char buf[1 << 16];
	size_t got;

	if (spill_flush(s, err) < 0 || brul_db_copy_begin(j->db, sql, err) < 0)
		return -1;
	brul_pgcopy_header(out);
	if (send_out(j, err) < 0)
		return -1;
	rewind(s->fp);
	while ((got = fread(buf, 1, sizeof buf, s->fp)) > 0)
		if (brul_db_copy_put(j->db, buf, got, err) < 0)
			return -1;
	if (ferror(s->fp))
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	brul_pgcopy_trailer(out);
	if (send_out(j, err) < 0 || brul_db_copy_end(j->db, err) < 0)
		return -1;
	fclose(s->fp);
	s->fp = NULL;
	s->rows = 0;
	return 0;
}

/* The fresh rows, battery after battery in the primary key's order, in
 * one COPY: each battery's rows then go to one end of its part of the
 * index, and a battery that sorts last in a partition to its very end,
 * where PostgreSQL inserts without descending the tree. */
static int
send_fresh(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids), fd;
	char buf[1 << 16];

	if (t->fresh.rows == 0)
		return 0;
	if (spill_flush(&t->fresh, err) < 0)
		return -1;
	if (fflush(t->fresh.fp) != 0)	/* pread reads the file itself */
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	if (brul_db_copy_begin(j->db, "COPY telemetry (ts, battery_id, "
	    "string_id, voltage_v, current_a, temperature_c, "
	    "resistance_mohm) FROM STDIN (FORMAT binary)", err) < 0)
		return -1;
	brul_pgcopy_header(&t->out);
	if (send_out(j, err) < 0)
		return -1;
	fd = fileno(t->fresh.fp);
	for (int b = 0; b < nb; b++) {
		struct segs *g = &t->segs[b];

		for (size_t i = 0; i < g->n; i++) {
			uint64_t off = g->off[i], left = g->len[i];

			while (left > 0) {
				size_t want = left < sizeof buf ?
				    (size_t)left : sizeof buf;
				ssize_t got = pread(fd, buf, want, (off_t)off);

				if (got <= 0)
					return brul_err_set(err, NULL, 0, 0,
					    "temporary file: %s", got < 0 ?
					    strerror(errno) : "short read");
				if (brul_db_copy_put(j->db, buf, (size_t)got,
						     err) < 0)
					return -1;
				off += (uint64_t)got;
				left -= (uint64_t)got;
			}
		}
		g->n = 0;
	}
	brul_pgcopy_trailer(&t->out);
	if (send_out(j, err) < 0 || brul_db_copy_end(j->db, err) < 0)
		return -1;
	fclose(t->fresh.fp);
	t->fresh.fp = NULL;
	t->fresh.rows = 0;
	t->fresh_bytes = 0;
	return 0;
}

/* Makes sure the month partition holding ts exists. */
static int
tele_partition(struct brul_load_job *j, int64_t ts, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int64_t y, m;
	int mo, d;
	char arg[32];
	const char *p[] = { arg };
	PGresult *res;

	if (ts >= t->mlo && ts < t->mhi)
		return 0;
	brul_civil_from_days(ts >= 0 ? ts / BRUL_DAY :
			     -((-ts + BRUL_DAY - 1) / BRUL_DAY), &y, &mo, &d);
	m = y * 12 + mo - 1;
	t->mlo = brul_days_from_civil(y, mo, 1) * BRUL_DAY;
	t->mhi = (mo == 12 ? brul_days_from_civil(y + 1, 1, 1) :
		  brul_days_from_civil(y, mo + 1, 1)) * BRUL_DAY;
	for (size_t i = 0; i < t->nmonths; i++)
		if (t->months[i] == m)
			return 0;
	snprintf(arg, sizeof arg, "%" PRId64, ts);
	res = brul_db_query(j->db, "SELECT brul_partition_for('telemetry', "
			    "to_timestamp($1))", 1, p, err);
	if (res == NULL)
		return -1;
	PQclear(res);
	if (brul_grow(&t->months, &t->mcap, t->nmonths + 1,
		      sizeof *t->months) < 0)
		return oom(err);
	t->months[t->nmonths++] = m;
	return 0;
}

static void
encode_row(struct brul_load_tele *t, struct brul_pgcopy *c,
	   const struct trow *w, int with_line)
{
	const char *s;

	brul_pgcopy_row(c, 7 + with_line);
	brul_pgcopy_time(c, w->ts);
	s = brul_idtab_name(t->ids, w->bat);
	brul_pgcopy_text(c, s, strlen(s));
	if (w->str >= 0) {
		s = brul_idtab_name(t->strs, w->str);
		brul_pgcopy_text(c, s, strlen(s));
	} else {
		brul_pgcopy_null(c);
	}
	for (int k = 0; k < NV; k++)
		if (w->have >> k & 1)
			brul_pgcopy_float8(c, w->v[k]);
		else
			brul_pgcopy_null(c);
	if (with_line)
		brul_pgcopy_int8(c, w->line);
}

/*
 * The rollup of hours made only of this load's rows.
 */

static void
hour_emit(struct brul_load_tele *t, int b)
{
	struct hour *h = &t->acc[b];
	struct brul_pgcopy *c = &t->hourly.b;
	const char *id = brul_idtab_name(t->ids, b);

	brul_pgcopy_row(c, 2 + (int)NHOUR);
	brul_pgcopy_text(c, id, strlen(id));
	brul_pgcopy_time(c, h->start);
	brul_pgcopy_int4(c, h->n);
	for (int k = 0; k < 3; k++) {
		if (h->cnt[k] == 0) {
			brul_pgcopy_null(c);
			brul_pgcopy_null(c);
			brul_pgcopy_null(c);
			continue;
		}
		brul_pgcopy_float8(c, h->min[k]);
		brul_pgcopy_float8(c, h->max[k]);
		brul_pgcopy_float8(c, h->sum[k] / h->cnt[k]);
	}
	if (h->has_r)
		brul_pgcopy_float8(c, h->r);
	else
		brul_pgcopy_null(c);
	t->hourly.rows++;
	h->n = 0;
}

static void
hour_add(struct brul_load_tele *t, const struct trow *w, int64_t start)
{
	struct hour *h = &t->acc[w->bat];

	if (h->n && h->start != start)
		hour_emit(t, w->bat);
	if (h->n == 0) {
		memset(h, 0, sizeof *h);
		h->start = start;
	}
	h->n++;
	for (int k = 0; k < 3; k++) {
		double x = w->v[k];

		if (!(w->have >> k & 1))
			continue;
		if (h->cnt[k] == 0 || x < h->min[k])
			h->min[k] = x;
		if (h->cnt[k] == 0 || x > h->max[k])
			h->max[k] = x;
		h->sum[k] += x;
		h->cnt[k]++;
	}
	if (w->have >> R & 1) {
		h->r = w->v[R];
		h->has_r = 1;
	}
}

static int64_t
hour_of(int64_t ts)
{
	return ts - ((ts % 3600) + 3600) % 3600;
}

/* Where row w goes: the COPY (newer than the table's newest for its
 * battery) or the merge; and its hour: summed here, or recomputed. */
static int
tele_route(struct brul_load_job *j, const struct trow *w, int64_t *top,
	   struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int b = w->bat;
	int64_t hour = hour_of(w->ts);

	if (w->ts > t->latest[b]) {
		encode_row(t, &t->fresh.b, w, 0);
		t->fresh.rows++;
		j->st->fresh++;
		*top = w->ts;
		if (t->fresh.b.n >= SEND_BYTES) {
			t->fresh_bytes += t->fresh.b.n;
			if (spill_flush(&t->fresh, err) < 0)
				return -1;
		}
	} else {
		encode_row(t, &t->old.b, w, 1);
		t->old.rows++;
		if (t->old.b.n >= SEND_BYTES && spill_flush(&t->old, err) < 0)
			return -1;
	}
	if (hour > t->base[b] && w->ts > t->latest[b]) {
		hour_add(t, w, hour);
		if (t->hourly.b.n >= SEND_BYTES &&
		    spill_flush(&t->hourly, err) < 0)
			return -1;
	} else {
		if (w->ts < t->dlo[b])
			t->dlo[b] = w->ts;
		if (w->ts > t->dhi[b])
			t->dhi[b] = w->ts;
	}
	if (w->ts < t->tmin)
		t->tmin = w->ts;
	if (w->ts > t->tmax)
		t->tmax = w->ts;
	return 0;
}

static int
by_ts_line(const void *a, const void *b)
{
	const struct trow *x = a, *y = b;

	if (x->ts != y->ts)
		return (x->ts > y->ts) - (x->ts < y->ts);
	return (x->line > y->line) - (x->line < y->line);
}

/* The chunk, battery by battery (a stable counting sort), the last of
 * repeated instants winning. */
static int
tele_chunk(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids);
	uint32_t *end = t->end;

	if (t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (tele_partition(j, t->rows[i].ts, err) < 0)
			return -1;
	memset(end, 0, ((size_t)nb + 1) * sizeof *end);
	for (size_t i = 0; i < t->n; i++)
		end[t->rows[i].bat + 1]++;
	for (int b = 0; b < nb; b++)
		end[b + 1] += end[b];
	for (size_t i = 0; i < t->n; i++)
		t->order[end[t->rows[i].bat]++] = (uint32_t)i;
	/* end[b] is now where battery b's run ends. */
	for (int b = 0; b < nb; b++) {
		size_t at = b ? end[b - 1] : 0, len = end[b] - at;
		int64_t top = t->latest[b];
		uint64_t from, to;
		int sorted = 1;

		for (size_t i = 0; i < len; i++) {
			t->run[i] = t->rows[t->order[at + i]];
			if (i && t->run[i].ts <= t->run[i - 1].ts)
				sorted = 0;
		}
		if (!sorted)
			qsort(t->run, len, sizeof *t->run, by_ts_line);
		from = t->fresh_bytes + t->fresh.b.n;
		for (size_t i = 0; i < len; i++) {
			if (i + 1 < len && t->run[i + 1].ts == t->run[i].ts)
				continue;	/* the later line wins */
			if (tele_route(j, &t->run[i], &top, err) < 0)
				return -1;
		}
		t->latest[b] = top;
		to = t->fresh_bytes + t->fresh.b.n;
		if (to > from) {
			struct segs *g = &t->segs[b];
			size_t cap = g->cap;

			if (brul_grow(&g->off, &cap, g->n + 1,
				      sizeof *g->off) < 0 ||
			    brul_grow(&g->len, &g->cap, g->n + 1,
				      sizeof *g->len) < 0)
				return oom(err);
			g->off[g->n] = from;
			g->len[g->n++] = to - from;
		}
	}
	t->n = 0;
	/* Bounded bookkeeping: past a round's worth, send what there is. */
	if (t->fresh_bytes + t->fresh.b.n >= ROUND_BYTES)
		return send_fresh(j, err);
	return 0;
}

/* Recomputes in SQL the hours of rows that were merged, or that fell in
 * an hour the table already had rows in. */
static int
tele_recompute(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	struct brul_sbuf ids = { 0 }, lo = { 0 }, hi = { 0 }, s = { 0 };
	const char *p[3];
	PGresult *res = NULL;
	int nb = brul_idtab_count(t->ids), any = 0, rc = 0;

	for (int b = 0; b < nb; b++) {
		const char *id = brul_idtab_name(t->ids, b);

		if (t->dlo[b] > t->dhi[b])
			continue;
		brul_sbuf_str(&ids, any ? ",\"" : "{\"");
		for (; *id; id++) {
			if (*id == '"' || *id == '\\')
				brul_sbuf_add(&ids, "\\", 1);
			brul_sbuf_add(&ids, id, 1);
		}
		brul_sbuf_str(&ids, "\"");
		brul_sbuf_fmt(&lo, "%s%" PRId64, any ? "," : "{",
			      hour_of(t->dlo[b]));
		brul_sbuf_fmt(&hi, "%s%" PRId64, any ? "," : "{",
			      hour_of(t->dhi[b]) + 3600);
		any = 1;
	}
	if (!any)
		return 0;
	brul_sbuf_str(&ids, "}");
	brul_sbuf_str(&lo, "}");
	brul_sbuf_str(&hi, "}");
	brul_sbuf_str(&s, "INSERT INTO telemetry_hourly AS h SELECT r.* FROM "
	    "unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(b, lo, hi), "
	    "LATERAL brul_telemetry_hourly_of(u.b, to_timestamp(u.lo), "
	    "to_timestamp(u.hi)) AS r ON CONFLICT (battery_id, hour) DO ");
	brul_sbuf_str(&s, "UPDATE SET ");
	for (size_t i = 0; i < NHOUR; i++)
		brul_sbuf_fmt(&s, "%s%s = EXCLUDED.%s", i ? ", " : "",
			      hour_cols[i], hour_cols[i]);
	for (int pass = 0; pass < 2; pass++) {
		brul_sbuf_str(&s, pass ? ") IS DISTINCT FROM (" : " WHERE (");
		for (size_t i = 0; i < NHOUR; i++)
			brul_sbuf_fmt(&s, "%s%s.%s", i ? ", " : "",
				      pass ? "EXCLUDED" : "h", hour_cols[i]);
	}
	brul_sbuf_str(&s, ")");
	if (ids.oom || lo.oom || hi.oom || s.oom) {
		rc = oom(err);
	} else {
		p[0] = ids.s;
		p[1] = lo.s;
		p[2] = hi.s;
		if ((res = brul_db_query(j->db, s.s, 3, p, err)) == NULL)
			rc = -1;
		PQclear(res);
	}
	free(ids.s);
	free(lo.s);
	free(hi.s);
	free(s.s);
	return rc;
}

/* The hours summed here, upserted. */
static int
tele_hourly(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids);
	struct brul_sbuf s = { 0 };
	int rc;

	for (int b = 0; b < nb; b++)
		if (t->acc[b].n)
			hour_emit(t, b);
	if (t->hourly.rows == 0)
		return 0;
	if (brul_db_exec(j->db, "CREATE TEMP TABLE brul_hourly (LIKE "
	    "telemetry_hourly) ON COMMIT DROP", err) < 0 ||
	    spill_send(j, &t->hourly, "COPY brul_hourly FROM STDIN "
	    "(FORMAT binary)", err) < 0)
		return -1;
	brul_sbuf_str(&s, "INSERT INTO telemetry_hourly AS h SELECT * FROM "
	    "brul_hourly ON CONFLICT (battery_id, hour) DO UPDATE SET ");
	for (size_t i = 0; i < NHOUR; i++)
		brul_sbuf_fmt(&s, "%s%s = EXCLUDED.%s", i ? ", " : "",
			      hour_cols[i], hour_cols[i]);
	rc = s.oom ? oom(err) : brul_db_exec(j->db, s.s, err);
	free(s.s);
	return rc;
}

/* Ends a transaction: the COPY, the merge, the rollup, the commit. */
static int
tele_commit(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	char range[128] = "", a[BRUL_TIME_LEN + 1], b[BRUL_TIME_LEN + 1];

	if (tele_chunk(j, err) < 0 || send_fresh(j, err) < 0)
		return -1;
	if (t->old.rows > 0) {
		struct column c[7];
		int n = 0;

		/* Rows replaced keep the columns the stream does not have. */
		for (int i = 0; i < 7; i++) {
			if (!(t->present >> i & 1))
				continue;
			snprintf(c[n].name, sizeof c[n].name, "%s",
				 tele_cols[i]);
			c[n++].in = -1;
		}
		if (brul_load_stage_create(j, err) < 0 ||
		    spill_send(j, &t->old, "COPY " STAGE " (ts, battery_id, "
		    "string_id, voltage_v, current_a, temperature_c, "
		    "resistance_mohm, brul_line) FROM STDIN (FORMAT binary)",
		    err) < 0 ||
		    brul_load_stage_merge(j, c, n, err) < 0)
			return -1;
	}
	if (tele_hourly(j, err) < 0 || tele_recompute(j, err) < 0)
		return -1;
	if (t->tmin <= t->tmax) {
		a[brul_time_format(a, t->tmin)] = '\0';
		b[brul_time_format(b, t->tmax)] = '\0';
		snprintf(range, sizeof range, ",\"from\":\"%s\",\"to\":\"%s\"",
			 a, b);
	}
	if (brul_load_tx_commit(j, range, err) < 0)
		return -1;
	tele_begin(t);
	return 0;
}

int
brul_load_telemetry(struct brul_load_job *j, struct brul_err *err)
{
	int in[7], rc;

	for (int i = 0; i < 7; i++) {
		if (i >= 2)	/* string_id and the readings: optional */
			in[i] = brul_reader_has_col(j->r, tele_cols[i]);
		else if ((in[i] = brul_reader_require(j->r, tele_cols[i],
						      err)) < 0)
			return -1;
	}
	if ((j->t = tele_new(j->db, err)) == NULL ||
	    brul_load_tx_begin(j, err) < 0)
		return -1;
	for (int i = 0; i < 7; i++)
		j->t->present |= (unsigned)(in[i] >= 0) << i;
	while ((rc = brul_reader_next(j->r, err)) == 1) {
		j->line = brul_reader_line(j->r);
		if (tele_read(j, in, err) < 0)
			return -1;
		if (brul_load_row_done(j)) {
			if (tele_commit(j, err) < 0 ||
			    brul_load_tx_begin(j, err) < 0)
				return -1;
		} else if (j->t->n == j->t->cap && tele_chunk(j, err) < 0) {
			return -1;
		}
	}
	if (rc < 0)
		return -1;
	return tele_commit(j, err);
}
