/*
 * loadsort.c: telemetry's fresh rows in the primary key's order, in
 * bounded memory.  The chunk is grouped by battery (a stable counting
 * sort) and each row routed (loadtele.c); a battery's fresh rows from one
 * chunk are one segment of the fresh spill, a temporary file.  The spill
 * is then sent in one COPY, battery after battery, segment by segment.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/idtab.h"
#include "db/loadteleint.h"
#include "db/pgcopy.h"

/* Fresh rows are sent once this much has gathered (or at commit). */
#define ROUND_BYTES	((uint64_t)1 << 30)

/* The fresh rows, battery after battery in the primary key's order, in
 * one COPY: each battery's rows then go to one end of its part of the
 * index, and a battery that sorts last in a partition to its very end,
 * where PostgreSQL inserts without descending the tree. */
int
brul_load_fresh_send(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids), fd;
	char buf[1 << 16];

	if (t->fresh.rows == 0)
		return 0;
	if (brul_load_spill_flush(&t->fresh, err) < 0)
		return -1;
	if (fflush(t->fresh.fp) != 0)	/* pread reads the file itself */
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	if (brul_db_copy_begin(j->db, "COPY telemetry_here (ts, battery_id, "
	    "string_id, voltage_v, current_a, temperature_c, "
	    "resistance_mohm, site_id) FROM STDIN (FORMAT binary)", err) < 0)
		return -1;
	brul_pgcopy_header(&t->out);
	if (brul_load_out_send(j, err) < 0)
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
	if (brul_load_out_send(j, err) < 0 ||
	    brul_db_copy_end(j->db, err) < 0)
		return -1;
	fclose(t->fresh.fp);
	t->fresh.fp = NULL;
	t->fresh.rows = 0;
	t->fresh_bytes = 0;
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
int
brul_load_tele_chunk(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int nb = brul_idtab_count(t->ids);
	uint32_t *end = t->end;

	if (t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (brul_load_tele_partition(j, t->rows[i].ts, err) < 0)
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
			if (brul_load_tele_route(j, &t->run[i], &top, err) < 0)
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
				return brul_load_oom(err);
			g->off[g->n] = from;
			g->len[g->n++] = to - from;
		}
	}
	t->n = 0;
	/* Bounded bookkeeping: past a round's worth, send what there is. */
	if (t->fresh_bytes + t->fresh.b.n >= ROUND_BYTES)
		return brul_load_fresh_send(j, err);
	return 0;
}
