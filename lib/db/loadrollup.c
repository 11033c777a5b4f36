/*
 * loadrollup.c: telemetry_hourly made right by a telemetry load.  An hour
 * made only of this load's rows is summed as they go by, as
 * brul_telemetry_hourly_of sums it, and upserted (through a temporary
 * table, by COPY); every other hour the load touched is recomputed from
 * the raw rows in SQL, after the merge.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/idtab.h"
#include "core/sbuf.h"
#include "db/loadteleint.h"
#include "db/pgcopy.h"
#include "db/pghash.h"

/* PostgreSQL's timestamps count microseconds from 2000-01-01. */
#define PG_EPOCH	INT64_C(946684800)

/* As brul_telemetry_row_hash (data/sql/004-*.sql): each field's hash the
 * next one's seed, so that the same readings at other instants, or in
 * other columns, hash apart; a reading missing hashes as NaN, which no
 * reading loaded can be. */
uint64_t
brul_load_row_hash(const struct trow *w)
{
	uint64_t h = brul_pghash_int8((w->ts - PG_EPOCH) * 1000000,
				      w->str >= 0 ? 2 : 1);

	for (int k = 0; k < NV; k++)
		h = brul_pghash_float8(w->have >> k & 1 ? w->v[k] : NAN, h);
	return h;
}

static const char *const hour_cols[] = {
	"samples", "voltage_min_v", "voltage_max_v", "voltage_mean_v",
	"current_min_a", "current_max_a", "current_mean_a",
	"temperature_min_c", "temperature_max_c", "temperature_mean_c",
	"resistance_mohm", "digest"
};
#define NHOUR (sizeof hour_cols / sizeof hour_cols[0])

static void
hour_emit(struct brul_load_tele *t, int b)
{
	struct hour *h = &t->acc[b];
	struct brul_pgcopy *c = &t->hourly.b;
	const char *id = brul_idtab_name(t->ids, b);

	brul_pgcopy_row(c, 3 + (int)NHOUR);	/* battery, hour, ..., site */
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
	brul_pgcopy_int8(c, (int64_t)h->digest);
	id = brul_idtab_name(t->sites, t->bsite[b]);
	brul_pgcopy_text(c, id, strlen(id));
	t->hourly.rows++;
	h->n = 0;
}

void
brul_load_hour_add(struct brul_load_tele *t, const struct trow *w,
		   int64_t start)
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
	h->digest ^= brul_load_row_hash(w);
}

/* Recomputes in SQL the hours of rows that were merged, or that fell in
 * an hour the table already had rows in. */
int
brul_load_tele_recompute(struct brul_load_job *j, struct brul_err *err)
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
		if (!any)
			brul_sbuf_str(&ids, "{");
		brul_load_array_add(&ids, id, any);
		brul_sbuf_fmt(&lo, "%s%" PRId64, any ? "," : "{",
			      brul_load_hour_of(t->dlo[b]));
		brul_sbuf_fmt(&hi, "%s%" PRId64, any ? "," : "{",
			      brul_load_hour_of(t->dhi[b]) + 3600);
		any = 1;
	}
	if (!any)
		return 0;
	brul_sbuf_str(&ids, "}");
	brul_sbuf_str(&lo, "}");
	brul_sbuf_str(&hi, "}");
	brul_sbuf_str(&s, "INSERT INTO telemetry_hourly_here AS h SELECT r.* FROM "
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
		rc = brul_load_oom(err);
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
int
brul_load_tele_hourly(struct brul_load_job *j, struct brul_err *err)
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
	    "telemetry_hourly_here) ON COMMIT DROP", err) < 0 ||
	    brul_load_spill_send(j, &t->hourly, "COPY brul_hourly FROM STDIN "
	    "(FORMAT binary)", err) < 0)
		return -1;
	brul_sbuf_str(&s, "INSERT INTO telemetry_hourly_here AS h SELECT * FROM "
	    "brul_hourly ON CONFLICT (battery_id, hour) DO UPDATE SET ");
	for (size_t i = 0; i < NHOUR; i++)
		brul_sbuf_fmt(&s, "%s%s = EXCLUDED.%s", i ? ", " : "",
			      hour_cols[i], hour_cols[i]);
	rc = s.oom ? brul_load_oom(err) : brul_db_exec(j->db, s.s, err);
	free(s.s);
	return rc;
}
