/*
 * loadtele.c: telemetry into PostgreSQL, the fast way (see load.h).
 *
 * Rows are read into a bounded chunk and grouped there by battery (each
 * battery's rows stay in input order, ascending by contract).  A row newer
 * than every row the table holds for its battery is encoded in binary COPY
 * format into a temporary file, its battery's bytes from each chunk one
 * segment; any other row (a reload, an overlap, a repeat) is checked, an
 * hour at a time, against the rollup's digest (loadcheck.c), and merged
 * at the end only where its hour differs from the table's.  At commit
 * (or every ROUND_BYTES) the new rows are sent in one COPY, battery after
 * battery in the primary key's order, so that each battery's part of the
 * index grows at one end; into an empty month, at the very end, where
 * PostgreSQL appends without descending the tree.
 *
 * The rows go into telemetry_here, the partition of the sites this
 * server holds, each with its battery's site; the rollup's into
 * telemetry_hourly_here.
 *
 * The hourly rollup: an hour that starts after the battery's newest row
 * at the start of the transaction holds only rows of this load, so it is
 * summed here as the rows go by (in time order, as the rollup's definition
 * sums it) and upserted.  Any other hour this load touches is recomputed
 * from the raw rows by brul_telemetry_hourly_of, after the merge.
 *
 * This file owns the road itself: a record read as a row of the chunk,
 * each row routed, the transaction's end.  The rest (loadteleint.h):
 * loadmarks.c, each battery's newest row and the partitions; loadsort.c,
 * the chunk grouped by battery and the fresh rows sent in key order;
 * loadspill.c, the temporary files; loadcheck.c, the older rows' hours;
 * loadrollup.c, the hourly rollup and the rows' hashes.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/idtab.h"
#include "core/timefmt.h"
#include "db/loadteleint.h"
#include "db/pgcopy.h"
#include "db/shard.h"

static const char *const tele_cols[] = {
	"ts", "battery_id", "string_id", "voltage_v", "current_a",
	"temperature_c", "resistance_mohm"
};

/* The current record, battery bat's, as a row of the chunk. */
static int
tele_read(struct brul_load_job *j, int bat, const int *in,
	  struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	struct trow *w = &t->rows[t->n];
	struct brul_field f;
	int got;

	w->line = j->line;
	w->bat = bat;
	got = brul_reader_time(j->r, in[0], &w->ts, err);
	if (got <= 0)
		return got < 0 ? -1 : brul_err_set(err, j->name, j->line, 0,
						   "ts: missing value");
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

void
brul_load_tele_encode(struct brul_load_tele *t, struct brul_pgcopy *c,
		      const struct trow *w, int with_line)
{
	const char *s;

	brul_pgcopy_row(c, 8 + with_line);
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
	s = brul_idtab_name(t->sites, t->bsite[w->bat]);
	brul_pgcopy_text(c, s, strlen(s));
	if (with_line)
		brul_pgcopy_int8(c, w->line);
}

/* Where row w goes: the COPY (newer than the table's newest for its
 * battery) or the check; and its hour: summed here, or recomputed. */
int
brul_load_tele_route(struct brul_load_job *j, const struct trow *w,
		     int64_t *top, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int b = w->bat;
	int64_t hour = brul_load_hour_of(w->ts);

	if (w->ts < t->tmin)
		t->tmin = w->ts;
	if (w->ts > t->tmax)
		t->tmax = w->ts;
	t->site_tx[t->bsite[b]] = 1;
	/* Older: its hour is checked, merged and recomputed if it differs
	 * from the table's (loadcheck.c). */
	if (w->ts <= t->latest[b])
		return brul_load_check_add(t, w, hour, err);
	brul_load_tele_encode(t, &t->fresh.b, w, 0);
	t->fresh.rows++;
	j->st->fresh++;
	*top = w->ts;
	if (t->fresh.b.n >= SEND_BYTES) {
		t->fresh_bytes += t->fresh.b.n;
		if (brul_load_spill_flush(&t->fresh, err) < 0)
			return -1;
	}
	if (hour > t->base[b]) {
		brul_load_hour_add(t, w, hour);
		if (t->hourly.b.n >= SEND_BYTES &&
		    brul_load_spill_flush(&t->hourly, err) < 0)
			return -1;
	} else {
		if (w->ts < t->dlo[b])
			t->dlo[b] = w->ts;
		if (w->ts > t->dhi[b])
			t->dhi[b] = w->ts;
	}
	return 0;
}

/*
 * The payload's members for rows from lo to hi of the sites set marks
 * (per site of t): "from", "to" and "sites", whose readings alone
 * brul-serve then reads; "" when there are no rows.  Without "sites"
 * when a site's name is not a plain id (nothing JSON quotes) or the list
 * would outgrow the buffer (a NOTIFY's payload stays under 8000 bytes):
 * a listener then reads every site.
 */
static void
members(char *buf, size_t size, int64_t lo, int64_t hi,
	const struct brul_load_tele *t, const unsigned char *set)
{
	char a[BRUL_TIME_LEN + 1], b[BRUL_TIME_LEN + 1];
	size_t n, at;
	int more = 0;

	buf[0] = '\0';
	if (lo > hi)
		return;
	a[brul_time_format(a, lo)] = '\0';
	b[brul_time_format(b, hi)] = '\0';
	at = (size_t)snprintf(buf, size, ",\"from\":\"%s\",\"to\":\"%s\"",
	    a, b);
	n = at + (size_t)snprintf(buf + at, size - at, ",\"sites\":[");
	for (int i = 0; i < brul_idtab_count(t->sites); i++) {
		const char *s = brul_idtab_name(t->sites, i);
		size_t len = strlen(s);

		if (!set[i])
			continue;
		if (!brul_id_ok(s, len, BRUL_ID_MAX) || n + len + 4 >= size) {
			buf[at] = '\0';
			return;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s\"%s\"",
		    more++ ? "," : "", s);
	}
	snprintf(buf + n, size - n, "]");
}

/* Ends a transaction: the COPY, the merge, the rollup, the commit. */
static int
tele_commit(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	char range[BRUL_LOAD_MEMBERS];

	if (brul_load_tele_chunk(j, err) < 0 ||
	    brul_load_fresh_send(j, err) < 0 ||
	    brul_load_check_run(j, err) < 0)
		return -1;
	if (t->old.rows > 0) {
		struct column c[8];
		int n = 0;

		/* Rows replaced keep the columns the stream does not have. */
		for (int i = 0; i < 7; i++) {
			if (!(t->present >> i & 1))
				continue;
			snprintf(c[n].name, sizeof c[n].name, "%s",
				 tele_cols[i]);
			c[n++].in = -1;
		}
		snprintf(c[n].name, sizeof c[n].name, "site_id");
		c[n++].in = -1;
		if (brul_load_stage_create(j, err) < 0 ||
		    brul_load_spill_send(j, &t->old, "COPY " STAGE " (ts, "
		    "battery_id, string_id, voltage_v, current_a, "
		    "temperature_c, resistance_mohm, site_id, brul_line) "
		    "FROM STDIN "
		    "(FORMAT binary)", err) < 0 ||
		    brul_load_stage_merge(j, c, n, err) < 0)
			return -1;
	}
	if (brul_load_tele_hourly(j, err) < 0 ||
	    brul_load_tele_recompute(j, err) < 0)
		return -1;
	members(range, sizeof range, t->tmin, t->tmax, t, t->site_tx);
	if (brul_load_tx_commit(j, range, err) < 0)
		return -1;
	for (int i = 0; i < brul_idtab_count(t->sites); i++)
		t->site_done[i] |= t->site_tx[i];
	if (t->tmin <= t->tmax) {
		if (j->st->commits == 1 || t->tmin < j->st->from)
			j->st->from = t->tmin;
		if (j->st->commits == 1 || t->tmax > j->st->to)
			j->st->to = t->tmax;
	}
	brul_load_tele_begin(t);
	return 0;
}

/*
 * The load: one destination, the coordinator, or one for it and one for
 * each shard (shard.h), each with its own connection, transaction and
 * state, the rows dealt to them by their battery's site.  The file is
 * read once; at the end the destinations commit side by side.
 */

struct dest {
	struct brul_load_job j;
	struct brul_load_stats st;
	const char *name;	/* a shard's, for messages; NULL: here */
	struct brul_err err;
	int rc, started;
	pthread_t th;
};

static void *
dest_commit(void *arg)
{
	struct dest *d = arg;

	d->rc = tele_commit(&d->j, &d->err);
	return NULL;
}

/* Destination i (0: the coordinator) connected, its state made (the
 * stream's columns in[]), its transaction begun. */
static int
dest_open(struct brul_load_job *j, const struct brul_shards *s, int i,
	  struct dest *d, const int *in, struct brul_err *err)
{
	char lock[128];

	d->j = *j;
	d->j.t = NULL;
	d->j.st = i ? &d->st : j->st;
	d->j.silent = i > 0;
	if (i) {
		d->name = s->v[i - 1].name;
		d->j.db = brul_db_open(s->v[i - 1].conninfo, "brul-load", err);
		if (d->j.db == NULL || brul_db_schema_check(d->j.db, err) < 0)
			goto shard_fail;
		snprintf(lock, sizeof lock, "SELECT pg_advisory_lock("
			 "hashtext('brul_load_%s'))", j->k->name);
		if (brul_db_exec(d->j.db, lock, err) < 0)
			goto shard_fail;
	}
	if ((d->j.t = brul_load_tele_new(j->db, d->j.db, s, i - 1,
					 err)) == NULL)
		goto shard_fail;
	for (int k = 0; k < 7; k++)
		d->j.t->present |= (unsigned)(in[k] >= 0) << k;
	return brul_load_tx_begin(&d->j, err);
shard_fail:
	if (i) {	/* the shard's name, where the error was */
		snprintf(err->where, sizeof err->where, "shard %s",
			 s->v[i - 1].name);
		if (d->j.db == NULL || brul_db_lost(d->j.db))
			j->st->unreachable = 1;
	}
	return -1;
}

/* The rows committed on the shards, told on the coordinator's channel:
 * listeners (brul-serve) hear only the coordinator.  The sites named are
 * the shards' (the coordinator's own were told at its commits), so that
 * a listener reads each site's readings once. */
static int
notify_shards(struct brul_load_job *j, const struct dest *d, int n,
	      struct brul_err *err)
{
	char more[BRUL_LOAD_MEMBERS], payload[BRUL_LOAD_PAYLOAD];
	const char *p[] = { payload };
	const struct brul_load_tele *t = d[0].j.t;
	unsigned char *set;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	uint64_t rows = 0;
	PGresult *res;

	for (int i = 1; i < n; i++) {
		rows += d[i].st.committed;
		if (d[i].st.committed && d[i].st.from < lo)
			lo = d[i].st.from;
		if (d[i].st.committed && d[i].st.to > hi)
			hi = d[i].st.to;
	}
	if (rows == 0)
		return 0;
	if ((set = calloc((size_t)brul_idtab_count(t->sites) + 1, 1)) == NULL)
		return brul_load_oom(err);
	for (int i = 1; i < n; i++)
		for (int k = 0; d[i].j.t && k < brul_idtab_count(t->sites);
		     k++)
			set[k] |= d[i].j.t->site_done[k];
	members(more, sizeof more, lo, hi, t, set);
	free(set);
	snprintf(payload, sizeof payload, "{\"kind\":\"telemetry\",\"rows\":"
		 "%" PRIu64 "%s}", rows, more);
	res = brul_db_query(j->db, "SELECT pg_notify('brul_telemetry', $1)",
			    1, p, err);
	PQclear(res);
	return res ? 0 : -1;
}

/* Commits every destination, the shards' on threads of their own; the
 * first failure in err. */
static int
commit_all(struct dest *d, int n, struct brul_err *err)
{
	int rc = 0;

	for (int i = 1; i < n; i++) {
		brul_err_clear(&d[i].err);
		if (d[i].j.t == NULL)	/* no row of its sites */
			continue;
		d[i].started = pthread_create(&d[i].th, NULL, dest_commit,
					      &d[i]) == 0;
		if (!d[i].started)
			dest_commit(&d[i]);
	}
	rc = tele_commit(&d[0].j, err);
	for (int i = 1; i < n; i++) {
		if (d[i].started)
			pthread_join(d[i].th, NULL);
		if (d[i].rc < 0 && brul_db_lost(d[i].j.db))
			d[0].j.st->unreachable = 1;
		if (d[i].rc < 0 && rc == 0) {
			*err = d[i].err;
			snprintf(err->where, sizeof err->where, "shard %s",
				 d[i].name);
			rc = -1;
		}
	}
	return rc;
}

int
brul_load_telemetry(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_shards s;
	struct dest *d = NULL;
	unsigned char *to = NULL;
	int in[7], rc = -1, n = 0, nb;

	for (int i = 0; i < 7; i++) {
		if (i >= 2)	/* string_id and the readings: optional */
			in[i] = brul_reader_has_col(j->r, tele_cols[i]);
		else if ((in[i] = brul_reader_require(j->r, tele_cols[i],
						      err)) < 0)
			return -1;
	}
	if (brul_shards_read(j->db, &s, err) < 0)
		return -1;
	if (s.n > UCHAR_MAX - 1) {	/* each battery's is an unsigned char */
		brul_err_set(err, NULL, 0, 0, "%d shards: at most %d are "
		    "loaded into", s.n, UCHAR_MAX - 1);
		goto out;
	}
	if ((d = calloc((size_t)s.n + 1, sizeof *d)) == NULL) {
		brul_load_oom(err);
		goto out;
	}
	/* Here first; a shard when a row of its sites comes, so that a
	 * file without any loads while that shard is down. */
	n = s.n + 1;
	if (dest_open(j, &s, 0, &d[0], in, err) < 0)
		goto out;
	/* Each battery's destination. */
	nb = brul_idtab_count(d[0].j.t->ids);
	if ((to = calloc((size_t)nb + 1, 1)) == NULL) {
		brul_load_oom(err);
		goto out;
	}
	for (int b = 0; b < nb; b++) {
		const char *site = brul_idtab_name(d[0].j.t->sites,
						   d[0].j.t->bsite[b]);

		to[b] = (unsigned char)(brul_shards_find_site(&s, site,
							      strlen(site)) + 1);
	}
	while ((rc = brul_reader_next(j->r, err)) == 1) {
		struct brul_load_job *x;
		struct brul_field f;
		int b;

		if (brul_reader_id(j->r, in[1], &f, err) < 0)
			goto fail;
		if ((b = brul_idtab_find(d[0].j.t->ids, f.s, f.n)) < 0) {
			brul_err_set(err, j->name, brul_reader_line(j->r), 0,
			    "battery_id: %.*s is not in batteries: load "
			    "batteries first (brul-load batteries FILE)",
			    (int)f.n, f.s);
			goto fail;
		}
		if (d[to[b]].j.t == NULL &&
		    dest_open(j, &s, to[b], &d[to[b]], in, err) < 0)
			goto fail;
		x = &d[to[b]].j;
		x->line = brul_reader_line(j->r);
		if (tele_read(x, b, in, err) < 0)
			goto fail;
		if (brul_load_row_done(x)) {
			if (tele_commit(x, err) < 0 ||
			    brul_load_tx_begin(x, err) < 0)
				goto fail;
		} else if (x->t->n == x->t->cap &&
			   brul_load_tele_chunk(x, err) < 0) {
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	rc = commit_all(d, n, err);
	if (notify_shards(j, d, n, rc < 0 ? NULL : err) < 0 && rc == 0)
		rc = -1;
	goto out;
fail:
	rc = -1;
out:
	j->line = brul_reader_line(j->r);
	for (int i = 1; i < n; i++) {
		if (d[i].j.t == NULL && d[i].j.db == NULL)
			continue;	/* never opened */
		j->st->rows += d[i].st.rows;
		j->st->fresh += d[i].st.fresh;
		j->st->same += d[i].st.same;
		j->st->committed += d[i].st.committed;
		j->st->uncertain += d[i].st.uncertain;
		j->st->commits += d[i].st.commits;
		/* rows committed are the servers' own, not a prefix */
		j->st->committed_line = -1;
		brul_load_telemetry_free(d[i].j.t);
		brul_db_close(d[i].j.db);
	}
	if (d)
		j->t = d[0].j.t;
	free(d);
	free(to);
	brul_shards_free(&s);
	return rc;
}
