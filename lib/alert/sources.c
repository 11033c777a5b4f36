/*
 * sources.c: the alert engine's sources (engine.h): each one's columns
 * found, its rows read one at a time and checked to be in time order
 * across the fleet; then what an instant's string rows and blocks' rows
 * say about each string: its mode, its ambient, its last ohmic test, its
 * median and mean block temperature.  engine.c merges the sources by time.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/engineint.h"
#include "battery/share.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "core/timefmt.h"

int
brul_engine_slot(struct source *s, const char *name, struct brul_err *err)
{
	for (int i = 0; i < s->nslot; i++)
		if (strcmp(s->name[i], name) == 0)
			return i;
	if (s->nslot == SLOTS)
		return brul_err_set(err, NULL, 0, 0, "rules: more than %d "
		    "columns of one stream", SLOTS);
	snprintf(s->name[s->nslot], BRUL_NAME_MAX, "%s", name);
	s->col[s->nslot] = -1;
	return s->nslot++;
}

int
brul_alert_engine_source(struct brul_alert_engine *w, enum brul_source kind,
			 struct brul_reader *r, struct brul_err *err)
{
	struct source *s = &w->src[kind];
	static const char *const fixed_t[] = { "voltage_v", "current_a",
		"temperature_c", "resistance_mohm" };
	static const char *const fixed_s[] = { "current_a", "ambient_c" };

	if (s->r) {
		brul_reader_close(r);
		return brul_err_set(err, NULL, 0, 0, "%s given twice",
		    brul_source_name(kind));
	}
	s->r = r;
	s->cts = brul_reader_has_col(r, "ts");
	s->cdate = brul_reader_has_col(r, "date");
	s->cmode = -1;
	if (s->cts < 0 && s->cdate < 0)
		return brul_reader_require(r, "ts", err);
	if (kind == BRUL_SRC_STRINGS) {
		if ((s->cid = brul_reader_require(r, "string_id", err)) < 0 ||
		    (s->cmode = brul_reader_require(r, "mode", err)) < 0)
			return -1;
		for (int i = 0; i < 2; i++)
			if (brul_engine_slot(s, fixed_s[i], err) < 0 ||
			    (s->col[i] = brul_reader_require(r, fixed_s[i],
			    err)) < 0)
				return -1;
	} else {
		if ((s->cid = brul_reader_require(r, "battery_id", err)) < 0)
			return -1;
		if (kind == BRUL_SRC_TELEMETRY)
			for (int i = 0; i < 4; i++) {
				if (brul_engine_slot(s, fixed_t[i], err) < 0)
					return -1;
				/* Resistance readings are optional. */
				s->col[i] = i == T_R ?
				    brul_reader_has_col(r, fixed_t[i]) :
				    brul_reader_require(r, fixed_t[i], err);
				if (s->col[i] < 0 && i != T_R)
					return -1;
			}
	}
	return 0;
}

int
brul_engine_read_row(struct brul_alert_engine *w, enum brul_source k,
		     struct brul_err *err)
{
	struct source *s = &w->src[k];
	struct brul_reader *r = s->r;
	struct row *x = &s->next;
	struct brul_field id;
	int rc;

again:
	s->has_next = 0;
	if ((rc = brul_reader_next(r, err)) <= 0)
		return rc;
	if (k == BRUL_SRC_TELEMETRY && w->o.progress)
		brul_progress_update(w->o.progress,
		    (uint64_t)brul_reader_records(r));
	if (s->cts >= 0) {
		if (brul_reader_time(r, s->cts, &x->ts, err) <= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "ts: missing value");
	} else {
		if (brul_reader_date(r, s->cdate, &x->ts, err) <= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "date: missing value");
		x->ts *= 86400;
	}
	if (s->last_ts != NONE && x->ts < s->last_ts) {
		char a[32], b[32];

		a[brul_time_format(a, x->ts)] = '\0';
		b[brul_time_format(b, s->last_ts)] = '\0';
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s comes after %s: rows must be "
		    "in time order across the fleet, as brul-gen writes them",
		    a, b);
	}
	s->last_ts = x->ts;
	if (brul_reader_id(r, s->cid, &id, err) < 0)
		return -1;
	x->ent = brul_idtab_find(k == BRUL_SRC_STRINGS ? w->strings :
	    w->blocks, id.s, id.n);
	if (x->ent < 0 && w->share && (k == BRUL_SRC_STRINGS ?
	    brul_share_other_string(w->share, id.s, id.n) :
	    brul_share_other(w->share, id.s, id.n)))
		goto again;	/* another share's row */
	if (x->ent < 0)
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: \"%.*s\" is not in the fleet",
		    k == BRUL_SRC_STRINGS ? "string_id" : "battery_id",
		    (int)id.n, id.s);
	x->mode = -1;
	if (s->cmode >= 0) {
		struct brul_field f = brul_reader_field(r, s->cmode);

		if (f.s)
			x->mode = brul_mode_parse(f.s, f.n);
	}
	for (int i = 0; i < s->nslot; i++) {
		x->v[i] = NAN;
		if (s->col[i] >= 0 &&
		    brul_reader_double(r, s->col[i], &x->v[i], err) < 0)
			return -1;
	}
	s->has_next = 1;
	return 1;
}

/* Sorts a string's few temperatures (insertion: 24 of them, mostly in
 * order already). */
static void
sort_small(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int
brul_engine_absorb(struct brul_alert_engine *w, int64_t t, struct brul_err *err)
{
	struct source *ss = &w->src[BRUL_SRC_STRINGS],
	    *ts = &w->src[BRUL_SRC_TELEMETRY];

	for (size_t i = 0; i < ss->ntick; i++) {
		struct string *s = &w->s[ss->tick[i].ent];

		s->mode = ss->tick[i].mode;
		if (s->mode >= 0)
			s->last_in[s->mode] = t;
		s->ambient = ss->tick[i].v[S_AMB];
	}
	for (size_t i = 0; i < ts->ntick; i++) {
		const struct row *x = &ts->tick[i];
		struct block *b = &w->b[x->ent];
		struct string *s = &w->s[b->string];

		if (!isnan(x->v[T_V]) || !isnan(x->v[T_T])) {
			if (b->last_seen == NONE)
				w->seen[w->nseen++] = x->ent;
			b->last_seen = t;
		}
		if (!isnan(x->v[T_R]))
			s->last_in[BRUL_MODE_OHMIC] = t;
		if (s->tick != t) {
			s->tick = t;
			s->ntemps = 0;
			if (ss->r == NULL && !isnan(x->v[T_I])) {
				double c = isnan(b->cap_ah) ? 100 : b->cap_ah;

				s->mode = x->v[T_I] < -0.5 ? BRUL_MODE_DISCHARGE
				    : x->v[T_I] > 0.02 * c ? BRUL_MODE_BOOST :
				    BRUL_MODE_FLOAT;
				s->last_in[s->mode] = t;
			}
		}
		if (!isnan(x->v[T_T])) {
			if (brul_grow(&s->temps, &s->captemps,
			    (size_t)s->ntemps + 1, sizeof *s->temps) < 0)
				return brul_engine_oom(err);
			s->temps[s->ntemps++] = x->v[T_T];
		}
	}
	/* Each string's median and mean block temperature now. */
	for (size_t i = 0; i < ts->ntick; i++) {
		struct string *s = &w->s[w->b[ts->tick[i].ent].string];
		double sum = 0;

		if (s->tick != t || s->ntemps < 0)
			continue;
		if (s->ntemps >= 3) {
			for (int j = 0; j < s->ntemps; j++)
				sum += s->temps[j];
			s->t_mean = sum / s->ntemps;
			sort_small(s->temps, s->ntemps);
			s->t_median = s->ntemps % 2 ? s->temps[s->ntemps / 2] :
			    (s->temps[s->ntemps / 2 - 1] +
			    s->temps[s->ntemps / 2]) / 2;
		} else
			s->t_median = NAN;
		s->ntemps = -1;		/* done for this instant */
	}
	return 0;
}
