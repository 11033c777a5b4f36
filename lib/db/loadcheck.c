/*
 * loadcheck.c: a reload, or a file overlapping what is loaded, checked an
 * hour at a time.  A row no newer than the table's newest for its battery
 * may already be there: rather than look each one up (an index probe and
 * a comparison per row, three times a first load's cost), its battery's
 * hour is hashed as brul_telemetry_hourly_of hashes the table's (the
 * rollup's digest, with its row count).  The hours that differ, and only
 * they, have their rows merged and their rollup recomputed; the others
 * hold exactly these rows and are left alone.
 *
 * The rows wait in a temporary file (struct orow) while their hours are
 * judged: memory holds an hour per battery and a bit per hour checked.
 * An hour compared must be all of the transaction's rows of it, so a
 * battery whose input goes back to an hour already checked (a file that
 * repeats itself) has all its older rows merged, the last of repeated
 * rows winning as in any merge.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/idtab.h"
#include "core/sbuf.h"
#include "db/loadteleint.h"
#include "db/pgcopy.h"

/* Hours that differ, fetched at a time. */
#define FETCH_ROWS	65536
#define FETCH_SQL	"FETCH 65536 FROM brul_diff"

void
brul_load_check_begin(struct brul_load_tele *t)
{
	int nb = brul_idtab_count(t->ids);

	for (int b = 0; b < nb; b++) {
		t->oacc[b].n = 0;
		t->oacc[b].top = INT64_MIN;
		t->tangled[b] = 0;
	}
	t->nseq = 0;
	t->orows = 0;
	if (t->ofp)
		fclose(t->ofp);
	t->ofp = NULL;
}

/* Battery b's open hour into the checks: battery, hour, rows, digest,
 * and its number. */
static void
check_emit(struct brul_load_tele *t, int b)
{
	struct ohour *h = &t->oacc[b];
	struct brul_pgcopy *c = &t->checks.b;
	const char *id = brul_idtab_name(t->ids, b);

	brul_pgcopy_row(c, 5);
	brul_pgcopy_text(c, id, strlen(id));
	brul_pgcopy_time(c, h->start);
	brul_pgcopy_int4(c, h->n);
	brul_pgcopy_int8(c, (int64_t)h->digest);
	brul_pgcopy_int4(c, (int32_t)h->seq);
	t->checks.rows++;
	h->top = h->start;
	h->n = 0;
}

int
brul_load_check_add(struct brul_load_tele *t, const struct trow *w,
		    int64_t start, struct brul_err *err)
{
	struct ohour *h = &t->oacc[w->bat];
	struct orow o;

	if (h->n && h->start != start) {
		check_emit(t, w->bat);
		if (t->checks.b.n >= SEND_BYTES &&
		    brul_load_spill_flush(&t->checks, err) < 0)
			return -1;
	}
	if (h->n == 0) {
		if (start <= h->top)
			t->tangled[w->bat] = 1;
		if (t->nseq == UINT32_MAX)
			return brul_err_set(err, NULL, 0, 0, "too many hours "
			    "in one transaction: load with --batch-rows");
		h->start = start;
		h->digest = 0;
		h->seq = t->nseq++;
	}
	h->n++;
	h->digest ^= brul_load_row_hash(w);
	memset(&o, 0, sizeof o);	/* no stray bytes in the file */
	o.w = *w;
	o.seq = h->seq;
	if (t->ofp == NULL && (t->ofp = tmpfile()) == NULL)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	if (fwrite(&o, sizeof o, 1, t->ofp) != 1)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	t->orows++;
	return 0;
}

/* The tangled batteries as a text[] literal; NULL when out of memory. */
static char *
tangled_ids(struct brul_load_tele *t)
{
	struct brul_sbuf s = { 0 };
	int nb = brul_idtab_count(t->ids), any = 0;

	brul_sbuf_str(&s, "{");
	for (int b = 0; b < nb; b++) {
		if (!t->tangled[b])
			continue;
		brul_load_array_add(&s, brul_idtab_name(t->ids, b), any);
		any = 1;
	}
	brul_sbuf_str(&s, "}");
	if (s.oom) {
		free(s.s);
		return NULL;
	}
	return s.s;
}

/* Marks in bits the hours that differ from the table's, and widens their
 * batteries' hours to recompute. */
static int
differing(struct brul_load_job *j, unsigned char *bits, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	char *tangled = tangled_ids(t);
	const char *p[1] = { tangled };
	PGresult *res;
	int rc = 0, n;

	if (tangled == NULL)
		return brul_load_oom(err);
	res = brul_db_query(j->db, "DECLARE brul_diff NO SCROLL CURSOR FOR "
	    "SELECT c.seq, c.battery_id, extract(epoch FROM c.hour)::bigint "
	    "FROM brul_check c LEFT JOIN telemetry_hourly_here h ON "
	    "h.battery_id = c.battery_id AND h.hour = c.hour "
	    "WHERE h.digest IS NULL OR h.digest <> c.digest OR "
	    "h.samples <> c.samples OR c.battery_id = ANY ($1::text[])",
	    1, p, err);
	free(tangled);
	if (res == NULL)
		return -1;
	PQclear(res);
	do {
		res = brul_db_query(j->db, FETCH_SQL, 0, NULL, err);
		if (res == NULL)
			return -1;
		n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			uint32_t seq = (uint32_t)strtoul(PQgetvalue(res, i, 0),
							 NULL, 10);
			const char *id = PQgetvalue(res, i, 1);
			int64_t hour = strtoll(PQgetvalue(res, i, 2), NULL,
					       10);
			int b = brul_idtab_find(t->ids, id, strlen(id));

			if (seq >= t->nseq || b < 0) {
				rc = brul_err_set(err, NULL, 0, 0, "the hours "
				    "to check came back unknown");
				break;
			}
			bits[seq >> 3] |= (unsigned char)(1u << (seq & 7));
			if (hour < t->dlo[b])
				t->dlo[b] = hour;
			if (hour > t->dhi[b])
				t->dhi[b] = hour;
		}
		PQclear(res);
	} while (rc == 0 && n == FETCH_ROWS);
	if (rc == 0)
		rc = brul_db_exec(j->db, "CLOSE brul_diff", err);
	return rc;
}

/* The rows of the hours marked, into the merge. */
static int
to_merge(struct brul_load_job *j, const unsigned char *bits,
	 struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	struct orow o[256];
	size_t got;

	rewind(t->ofp);
	while ((got = fread(o, sizeof o[0], 256, t->ofp)) > 0) {
		for (size_t i = 0; i < got; i++) {
			if (!(bits[o[i].seq >> 3] >> (o[i].seq & 7) & 1)) {
				j->st->same++;
				continue;
			}
			brul_load_tele_encode(t, &t->old.b, &o[i].w, 1);
			t->old.rows++;
			if (t->old.b.n >= SEND_BYTES &&
			    brul_load_spill_flush(&t->old, err) < 0)
				return -1;
		}
	}
	if (ferror(t->ofp))
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	return 0;
}

int
brul_load_check_run(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids), rc;
	unsigned char *bits;

	if (t->orows == 0)
		return 0;
	for (int b = 0; b < nb; b++)
		if (t->oacc[b].n)
			check_emit(t, b);
	if (brul_db_exec(j->db, "CREATE TEMP TABLE brul_check (battery_id "
	    "text, hour timestamptz, samples integer, digest bigint, "
	    "seq integer) ON COMMIT DROP", err) < 0 ||
	    brul_load_spill_send(j, &t->checks, "COPY brul_check FROM STDIN "
	    "(FORMAT binary)", err) < 0)
		return -1;
	if ((bits = calloc(t->nseq / 8 + 1, 1)) == NULL)
		return brul_load_oom(err);
	rc = differing(j, bits, err);
	if (rc == 0)
		rc = to_merge(j, bits, err);
	free(bits);
	fclose(t->ofp);
	t->ofp = NULL;
	t->orows = 0;
	return rc;
}
