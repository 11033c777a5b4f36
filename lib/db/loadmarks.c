/*
 * loadmarks.c: what a server's telemetry already holds, as the fast way
 * (loadtele.c) needs it: the batteries the fleet (the coordinator) knows,
 * each one's string and site, those whose site the server holds (the
 * coordinator, or a shard: shard.h), the newest row of each there (its
 * high-water mark: a row after it is fresh), the floor retention left,
 * the month partitions there are.  Also the state made from them
 * (struct brul_load_tele), reset at each transaction, and freed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/idtab.h"
#include "core/sbuf.h"
#include "core/timefmt.h"
#include "db/loadteleint.h"
#include "db/pgcopy.h"

void
brul_load_telemetry_free(struct brul_load_tele *t)
{
	if (t == NULL)
		return;
	free(t->latest);
	free(t->bstr);
	free(t->bsite);
	free(t->mine);
	free(t->base);
	free(t->dlo);
	free(t->dhi);
	free(t->acc);
	free(t->oacc);
	free(t->tangled);
	free(t->site_tx);
	free(t->site_done);
	if (t->ofp)
		fclose(t->ofp);
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
	brul_load_spill_free(&t->fresh);
	brul_load_spill_free(&t->old);
	brul_load_spill_free(&t->checks);
	brul_load_spill_free(&t->hourly);
	brul_idtab_free(t->ids);
	brul_idtab_free(t->strs);
	brul_idtab_free(t->sites);
	free(t);
}

/* The start of a transaction: what the table held is the base. */
void
brul_load_tele_begin(struct brul_load_tele *t)
{
	int n = brul_idtab_count(t->ids);

	for (int b = 0; b < n; b++) {
		t->base[b] = t->latest[b];
		t->dlo[b] = INT64_MAX;
		t->dhi[b] = INT64_MIN;
		t->acc[b].n = 0;
	}
	brul_load_check_begin(t);
	memset(t->site_tx, 0, (size_t)brul_idtab_count(t->sites) + 1);
	t->tmin = INT64_MAX;
	t->tmax = INT64_MIN;
}

void
brul_load_array_add(struct brul_sbuf *s, const char *v, int more)
{
	brul_sbuf_str(s, more ? ",\"" : "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			brul_sbuf_add(s, "\\", 1);
		brul_sbuf_add(s, v, 1);
	}
	brul_sbuf_str(s, "\"");
}

/* Each battery's newest row in dest's telemetry_here (an index probe per
 * battery and partition), for the batteries t->mine. */
static int
latest(struct brul_load_tele *t, struct brul_db *dest, struct brul_err *err)
{
	struct brul_sbuf ids = { 0 };
	const char *p[1];
	PGresult *res;
	int nb = brul_idtab_count(t->ids), k = 0, any = 0;

	brul_sbuf_str(&ids, "{");
	for (int b = 0; b < nb; b++) {
		t->latest[b] = INT64_MIN;
		if (!t->mine[b])
			continue;
		brul_load_array_add(&ids, brul_idtab_name(t->ids, b), any++);
	}
	brul_sbuf_str(&ids, "}");
	if (ids.oom) {
		free(ids.s);
		return brul_load_oom(err);
	}
	p[0] = ids.s;
	res = brul_db_query(dest, "SELECT (SELECT extract(epoch FROM "
	    "max(t.ts))::bigint FROM telemetry_here t WHERE t.battery_id = "
	    "u.b) FROM unnest($1::text[]) WITH ORDINALITY AS u(b, i) "
	    "ORDER BY u.i", 1, p, err);
	free(ids.s);
	if (res == NULL)
		return -1;
	for (int b = 0; b < nb; b++) {
		if (!t->mine[b])
			continue;
		if (!PQgetisnull(res, k, 0))
			t->latest[b] = strtoll(PQgetvalue(res, k, 0), NULL, 10);
		k++;
	}
	PQclear(res);
	return 0;
}

/* The batteries the fleet (the coordinator) knows, those whose site dest
 * holds (shards: the map; -1, the coordinator itself), and the newest
 * row dest holds for each. */
struct brul_load_tele *
brul_load_tele_new(struct brul_db *fleet, struct brul_db *dest,
		   const struct brul_shards *shards, int where,
		   struct brul_err *err)
{
	struct brul_load_tele *t = calloc(1, sizeof *t);
	PGresult *res = NULL;
	size_t n, nmine = 0;

	if (t == NULL || (t->ids = brul_idtab_new()) == NULL ||
	    (t->strs = brul_idtab_new()) == NULL ||
	    (t->sites = brul_idtab_new()) == NULL)
		goto nomem;
	res = brul_db_query(dest, "SELECT coalesce((SELECT extract(epoch FROM "
	    "dropped_before)::bigint FROM retention WHERE table_name = "
	    "'telemetry_here'), -9223372036854775808)", 0, NULL, err);
	if (res == NULL) {
		brul_load_telemetry_free(t);
		return NULL;
	}
	t->floor = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = brul_db_query(fleet, "SELECT battery_id, string_id, site_id "
	    "FROM batteries ORDER BY battery_id", 0, NULL, err);
	if (res == NULL) {
		brul_load_telemetry_free(t);
		return NULL;
	}
	n = (size_t)PQntuples(res);
	t->latest = malloc((n + 1) * sizeof *t->latest);
	t->bstr = malloc((n + 1) * sizeof *t->bstr);
	t->bsite = malloc((n + 1) * sizeof *t->bsite);
	t->mine = calloc(n + 1, 1);
	t->base = malloc((n + 1) * sizeof *t->base);
	t->dlo = malloc((n + 1) * sizeof *t->dlo);
	t->dhi = malloc((n + 1) * sizeof *t->dhi);
	t->acc = calloc(n + 1, sizeof *t->acc);
	t->oacc = calloc(n + 1, sizeof *t->oacc);
	t->tangled = calloc(n + 1, 1);
	t->end = calloc(n + 1, sizeof *t->end);
	t->segs = calloc(n + 1, sizeof *t->segs);
	if (!t->latest || !t->bstr || !t->bsite || !t->mine || !t->base ||
	    !t->dlo || !t->dhi || !t->acc || !t->oacc || !t->tangled ||
	    !t->end || !t->segs)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const char *id = PQgetvalue(res, (int)i, 0);
		const char *str = PQgetvalue(res, (int)i, 1);
		const char *site = PQgetvalue(res, (int)i, 2);

		if (brul_idtab_intern(t->ids, id, strlen(id)) != (int)i ||
		    (t->bstr[i] = brul_idtab_intern(t->strs, str,
						    strlen(str))) < 0 ||
		    (t->bsite[i] = brul_idtab_intern(t->sites, site,
						     strlen(site))) < 0)
			goto nomem;
		t->mine[i] = brul_shards_find_site(shards, site,
						   strlen(site)) == where;
		nmine += t->mine[i];
	}
	PQclear(res);
	res = NULL;
	t->site_tx = calloc((size_t)brul_idtab_count(t->sites) + 1, 1);
	t->site_done = calloc((size_t)brul_idtab_count(t->sites) + 1, 1);
	if (!t->site_tx || !t->site_done)
		goto nomem;
	if (latest(t, dest, err) < 0) {
		brul_load_telemetry_free(t);
		return NULL;
	}
	n = nmine;
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
	brul_load_tele_begin(t);
	return t;
nomem:
	PQclear(res);
	brul_load_telemetry_free(t);
	brul_load_oom(err);
	return NULL;
}

/* Makes sure the month partition holding ts exists. */
int
brul_load_tele_partition(struct brul_load_job *j, int64_t ts,
			 struct brul_err *err)
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
	res = brul_db_query(j->db, "SELECT brul_partition_for('telemetry_here', "
			    "to_timestamp($1))", 1, p, err);
	if (res == NULL)
		return -1;
	PQclear(res);
	if (brul_grow(&t->months, &t->mcap, t->nmonths + 1,
		      sizeof *t->months) < 0)
		return brul_load_oom(err);
	t->months[t->nmonths++] = m;
	return 0;
}
