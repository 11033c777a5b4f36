/*
 * features.c: see features.h; the rules are those of brul-features(1).
 *
 * The hot path is brul_features_read: per row one comparison for the time
 * (rows of one instant share its text) and one for the current (so do the
 * blocks of a string), one for the battery (each battery remembers which
 * battery followed it last time: in fleet order that guess is always right,
 * so the hash table is used only when it is wrong), two or three number
 * parses and a few additions.  Anything that costs more (medians, slopes,
 * the string comparison) runs once per battery and window.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "battery/blockmodel.h"
#include "battery/vrla.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "core/num.h"
#include "core/timefmt.h"
#include "ml/features.h"

#define GAPS	15		/* recent gaps kept for the sampling interval */
#define NTHR	3
static const double thresholds[NTHR] = { 30, 35, 40 };

/* One battery's open window. */
struct win {
	int64_t start, end;	/* [start, end) */
	int64_t rows, nv, ni, nt, nf, nfv, dis_count;
	int64_t above[NTHR];
	double v0, sv, svv, vmin, vmax;	/* sums of v - v0: no cancellation */
	double si, imin, imax;
	double st, tmin, tmax;
	double sfi, sfv;
	double dis_ah, dis_min_v, dis_r;
	double eq_start;
};

struct fday {			/* a day's float current */
	int64_t day, n;
	double s;
};

struct rday {			/* a day's resistance readings */
	int64_t day, n;
	double sx, sy, sxx, sxy;	/* x: days since r_origin */
};

struct bat {
	const char *id;		/* the table's (f->bids) */
	size_t idn;
	int string;		/* index into f->strs; -1: none */
	int64_t order;		/* first appearance; -1: not yet */
	struct bat *succ;	/* the battery whose row followed last time */

	/* from the fleet */
	double cap, baseline, life;
	int has_install;
	int64_t install_ts;
	double float_hi, dis_lo;	/* thresholds in A, from C */

	/* the last sample */
	int have_last, last_dis, dis;
	int64_t last_ts;
	double last_v, last_i;
	double last_t, w_t;	/* last known temperature, its Arrhenius weight */
	double eq_last;		/* equivalent age at last_ts, days */
	uint32_t gaps[GAPS];
	int ngaps, gap_pos;

	/* trailing state */
	double r_latest, r_first;
	int64_t r_origin;	/* day of the first reading */
	struct rday *rdays;	/* BRUL_FEATURES_R_DAYS, once there is a reading */
	struct fday fdays[BRUL_FEATURES_TREND_DAYS];
	int64_t fday_cur, fday_end;	/* the day of the last float sample */
	struct fday *fday;		/* and its slot */

	/* the window */
	int open;
	struct batch *batch;
	struct win w;
	int64_t closed_end;	/* end of the last window closed */
};

struct item {
	int64_t order;
	int string;
	struct brul_features_row row;
};

/* Closed rows of one window, waiting for the batteries still inside it. */
struct batch {
	int64_t start;
	int64_t open;		/* batteries with this window open */
	struct item *items;
	size_t n, cap;
	struct batch *next;
};

struct str {
	const char *s;		/* the table's (f->sids) */
	size_t n;
	double sv, st;		/* sums of the block means of a batch */
	int64_t nv, nt;
};

struct brul_features {
	int64_t window;
	double float_v;

	struct bat **bats;	/* every battery, in order of creation */
	size_t nbats, bats_cap;
	struct brul_idtab *bids;	/* their ids, numbered as bats */
	int64_t nappeared;
	struct bat *prev;	/* the battery of the last sample */

	struct str *strs;
	size_t nstrs, strs_cap;
	struct brul_idtab *sids;	/* their ids, numbered as strs */

	struct batch *head;	/* pending, by ascending start */
	struct batch *spare;	/* emptied batches, for reuse */
	struct batch *ready;	/* being handed out */
	size_t ready_pos;
	int have_clock;
	int64_t clock;		/* the latest window start opened */
	int ended;

	/* the reader bound */
	int c_ts, c_id, c_str, c_v, c_i, c_t, c_r;
	char ts_text[64];
	size_t ts_n;
	int64_t ts_val;
	char i_text[32];	/* the current: one string's blocks share it */
	size_t i_n;
	double i_val;

	struct brul_blockmodel *models;	/* brul_features_load_models */
	int nmodels;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

static int
intern_string(struct brul_features *f, const char *s, size_t n)
{
	int k = brul_idtab_intern(f->sids, s, n);

	if (k < 0 || (size_t)k < f->nstrs)
		return k;
	if (brul_grow(&f->strs, &f->strs_cap, f->nstrs + 1, sizeof *f->strs) < 0)
		return -1;
	memset(&f->strs[f->nstrs], 0, sizeof *f->strs);
	f->strs[f->nstrs].s = brul_idtab_name(f->sids, k);
	f->strs[f->nstrs].n = n;
	f->nstrs++;
	return k;
}

static void
set_capacity(struct bat *b, double cap)
{
	b->cap = cap;
	if (!(cap > 0))
		cap = BRUL_FEATURES_C_AH;
	b->float_hi = BRUL_FEATURES_FLOAT_C * cap;
	b->dis_lo = -BRUL_FEATURES_DIS_C * cap;
}

/* The battery of id s, created when new (*created set); NULL: no memory. */
static struct bat *
lookup(struct brul_features *f, const char *s, size_t n, int *created)
{
	struct bat *b;
	int k;

	*created = 0;
	if ((k = brul_idtab_find(f->bids, s, n)) >= 0)
		return f->bats[k];
	if (brul_grow(&f->bats, &f->bats_cap, f->nbats + 1,
	    sizeof *f->bats) < 0 || (b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	if ((k = brul_idtab_intern(f->bids, s, n)) < 0) {
		free(b);
		return NULL;
	}
	b->id = brul_idtab_name(f->bids, k);
	b->idn = n;
	b->string = -1;
	b->order = -1;
	set_capacity(b, NAN);
	b->baseline = NAN;
	b->last_t = NAN;
	b->w_t = 1;
	b->r_latest = b->r_first = NAN;
	b->closed_end = INT64_MIN;
	for (int d = 0; d < BRUL_FEATURES_TREND_DAYS; d++)
		b->fdays[d].day = INT64_MIN;
	b->fday_cur = INT64_MIN;
	b->fday_end = INT64_MIN;
	f->bats[f->nbats++] = b;
	*created = 1;
	return b;
}

struct brul_features *
brul_features_new(const struct brul_features_opts *o, struct brul_err *err)
{
	struct brul_features *f;

	if (o->window < 1)
		return brul_err_set(err, NULL, 0, 0, "window must be at least "
		    "one second"), NULL;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return oom(err), NULL;
	if ((f->bids = brul_idtab_new()) == NULL ||
	    (f->sids = brul_idtab_new()) == NULL) {
		brul_features_free(f);
		return oom(err), NULL;
	}
	f->window = o->window;
	f->float_v = o->float_v > 0 ? o->float_v : BRUL_VRLA_FLOAT_V;
	f->c_ts = f->c_id = f->c_str = f->c_v = f->c_i = f->c_t = f->c_r = -1;
	return f;
}

static void
free_batches(struct batch *b)
{
	while (b) {
		struct batch *next = b->next;

		free(b->items);
		free(b);
		b = next;
	}
}

void
brul_features_free(struct brul_features *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nbats; i++) {
		free(f->bats[i]->rdays);
		free(f->bats[i]);
	}
	free(f->bats);
	brul_idtab_free(f->bids);
	free(f->strs);
	brul_idtab_free(f->sids);
	free(f->models);
	free_batches(f->head);
	free_batches(f->spare);
	free_batches(f->ready);
	free(f);
}

int
brul_features_battery(struct brul_features *f,
    const struct brul_features_battery *fb, struct brul_err *err)
{
	struct bat *b;
	int created;

	if (fb->battery_len == 0)
		return brul_err_set(err, NULL, 0, 0, "battery_id: missing "
		    "value");
	if ((b = lookup(f, fb->battery_id, fb->battery_len, &created)) ==
	    NULL)
		return oom(err);
	if (!created)
		return brul_err_set(err, NULL, 0, 0, "battery %s given twice",
		    b->id);
	if (fb->string_id && fb->string_len &&
	    (b->string = intern_string(f, fb->string_id, fb->string_len)) < 0)
		return oom(err);
	set_capacity(b, fb->capacity_ah > 0 ? fb->capacity_ah : NAN);
	b->baseline = fb->baseline_mohm > 0 ? fb->baseline_mohm : NAN;
	b->life = fb->life_days > 0 ? fb->life_days : NAN;
	b->has_install = fb->has_install;
	if (b->has_install)
		b->install_ts = fb->install_day * BRUL_DAY;
	return 0;
}

int
brul_features_load_models(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	struct brul_blockmodel *m;
	int n = brul_blockmodels_read(r, BRUL_BM_FLOAT_LIFE, &m, err);

	if (n < 0)
		return -1;
	free(f->models);
	f->models = m;
	f->nmodels = n;
	return 0;
}

int
brul_features_load_fleet(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	struct brul_batteries *t = brul_batteries_new(r, BRUL_BAT_CAPACITY |
	    BRUL_BAT_INSTALL | BRUL_BAT_BASELINE, 0, err);
	const struct brul_battery *b;
	int rc;

	if (t == NULL)
		return -1;
	while ((rc = brul_batteries_next(t, r, &b, err)) == 1) {
		const char *model = brul_batteries_model(t, b->model);
		const char *str = brul_batteries_string(t, b->string);
		struct brul_features_battery fb = {
			.battery_id = b->id, .battery_len = b->idn,
			.string_id = str, .string_len = str ? strlen(str) : 0,
			.capacity_ah = b->capacity_ah,
			.baseline_mohm = b->baseline_mohm,
			.life_days = NAN,
			.has_install = b->install_day != BRUL_NO_DAY,
			.install_day = b->install_day,
		};

		if (model) {
			const struct brul_blockmodel *m = brul_blockmodel_find(
			    f->models, f->nmodels, model, strlen(model));

			if (m == NULL)
				rc = brul_batteries_fail(t, b, err,
				    "model: unknown: \"%s\"", model);
			else if (!isnan(m->float_life_years))
				fb.life_days = m->float_life_years * 365.25;
		}
		if (rc == 1 && brul_features_battery(f, &fb, err) < 0) {
			char msg[sizeof err->msg] = "";

			if (err)
				memcpy(msg, err->msg, sizeof msg);
			rc = brul_batteries_fail(t, b, err, "%s", msg);
		}
		if (rc < 0)
			break;
	}
	brul_batteries_free(t);
	return rc < 0 ? -1 : 0;
}

int
brul_features_bind(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	if ((f->c_ts = brul_reader_require(r, "ts", err)) < 0 ||
	    (f->c_id = brul_reader_require(r, "battery_id", err)) < 0 ||
	    (f->c_v = brul_reader_require(r, "voltage_v", err)) < 0 ||
	    (f->c_i = brul_reader_require(r, "current_a", err)) < 0 ||
	    (f->c_t = brul_reader_require(r, "temperature_c", err)) < 0)
		return -1;
	f->c_str = brul_reader_col(r, "string_id");
	f->c_r = brul_reader_col(r, "resistance_mohm");
	f->ts_n = f->i_n = 0;	/* a new reader: forget the cached text */
	return 0;
}

/* Kernels. */

double
brul_features_slope(double n, double sx, double sy, double sxx, double sxy)
{
	double d;

	if (n < 2)
		return NAN;
	d = n * sxx - sx * sx;
	if (!(d > 0))
		return NAN;
	return (n * sxy - sx * sy) / d;
}

/* The battery's sampling interval: the median of its recent gaps; NAN
 * before its second sample. */
static double
interval(const struct bat *b)
{
	uint32_t g[GAPS];

	if (b->ngaps == 0)
		return NAN;
	for (int k = 0; k < b->ngaps; k++) {	/* insertion sort: 15 */
		uint32_t x = b->gaps[k];
		int j = k;

		for (; j > 0 && g[j - 1] > x; j--)
			g[j] = g[j - 1];
		g[j] = x;
	}
	return g[b->ngaps / 2];
}

/* The pending batch of window start, made when there is none. */
static struct batch *
batch_for(struct brul_features *f, int64_t start)
{
	struct batch **pp = &f->head, *b;

	while (*pp && (*pp)->start < start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start == start)
		return *pp;
	if (f->spare) {
		b = f->spare;
		f->spare = b->next;
	} else if ((b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	b->start = start;
	b->open = 0;
	b->n = 0;
	b->next = *pp;
	*pp = b;
	return b;
}

/* The slope of the daily means of float current over the trailing days. */
static double
float_trend(const struct bat *b, int64_t dend)
{
	double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;

	for (int k = 0; k < BRUL_FEATURES_TREND_DAYS; k++) {
		const struct fday *d = &b->fdays[k];
		double x, y;

		if (d->n == 0 || d->day > dend ||
		    d->day <= dend - BRUL_FEATURES_TREND_DAYS)
			continue;
		x = (double)(d->day - dend);
		y = d->s / (double)d->n;
		n++;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	if (n < BRUL_FEATURES_MIN_DAYS)
		return NAN;
	return brul_features_slope(n, sx, sy, sxx, sxy);
}

static double
r_slope(const struct bat *b, int64_t dend)
{
	double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
	int days = 0;

	if (b->rdays == NULL)
		return NAN;
	for (int k = 0; k < BRUL_FEATURES_R_DAYS; k++) {
		const struct rday *d = &b->rdays[k];

		if (d->n == 0 || d->day > dend ||
		    d->day <= dend - BRUL_FEATURES_R_DAYS)
			continue;
		days++;
		n += (double)d->n;
		sx += d->sx;
		sy += d->sy;
		sxx += d->sxx;
		sxy += d->sxy;
	}
	if (days < BRUL_FEATURES_MIN_DAYS || n < BRUL_FEATURES_MIN_DAYS)
		return NAN;
	return brul_features_slope(n, sx, sy, sxx, sxy);
}

/* The mean reading over the days (dend - days, dend]. */
static double
r_mean(const struct bat *b, int64_t dend, int days)
{
	double n = 0, sy = 0;

	if (b->rdays == NULL)
		return NAN;
	for (int k = 0; k < BRUL_FEATURES_R_DAYS; k++) {
		const struct rday *d = &b->rdays[k];

		if (d->n == 0 || d->day > dend || d->day <= dend - days)
			continue;
		n += (double)d->n;
		sy += d->sy;
	}
	return n > 0 ? sy / n : NAN;
}

static void
finish_row(const struct brul_features *f, const struct bat *b,
    struct brul_features_row *row)
{
	const struct win *w = &b->w;
	double iv = interval(b), hours = (double)f->window / 3600;
	int64_t dend = floor_div(w->end - 1, BRUL_DAY);
	double ref;

	row->battery_id = b->id;
	row->string_id = b->string >= 0 ? f->strs[b->string].s : NULL;
	row->ts = w->start;
	row->window_s = f->window;
	row->samples = w->rows;
	row->coverage_pct = (double)w->nv * iv / (double)f->window * 100;
	if (row->coverage_pct > 100)
		row->coverage_pct = 100;

	row->v_mean_v = row->v_min_v = row->v_max_v = row->v_sd_v = NAN;
	if (w->nv > 0) {
		double nv = (double)w->nv, var;

		row->v_mean_v = w->v0 + w->sv / nv;
		row->v_min_v = w->vmin;
		row->v_max_v = w->vmax;
		if (w->nv > 1) {
			var = (w->svv - w->sv * w->sv / nv) / (nv - 1);
			row->v_sd_v = var > 0 ? sqrt(var) : 0;
		}
	}
	row->i_mean_a = row->i_min_a = row->i_max_a = NAN;
	if (w->ni > 0) {
		row->i_mean_a = w->si / (double)w->ni;
		row->i_min_a = w->imin;
		row->i_max_a = w->imax;
	}
	row->t_mean_c = row->t_min_c = row->t_max_c = NAN;
	row->t_above_30_h = row->t_above_35_h = row->t_above_40_h = NAN;
	if (w->nt > 0) {
		double *above[NTHR] = { &row->t_above_30_h,
		    &row->t_above_35_h, &row->t_above_40_h };

		row->t_mean_c = w->st / (double)w->nt;
		row->t_min_c = w->tmin;
		row->t_max_c = w->tmax;
		for (int k = 0; k < NTHR; k++) {
			double h = w->above[k] ? (double)w->above[k] * iv /
			    3600 : 0;

			*above[k] = h > hours ? hours : h;
		}
	}
	row->float_v_dev_v = w->nfv ? w->sfv / (double)w->nfv : NAN;
	row->float_i_a = w->nf ? w->sfi / (double)w->nf : NAN;
	row->float_i_trend_a_per_day = float_trend(b, dend);
	row->t_rise_c = row->v_dev_string_v = NAN;	/* by the batch */

	row->r_latest_mohm = b->r_latest;
	ref = b->baseline > 0 ? b->baseline : b->r_first;
	row->r_ratio = b->r_latest / ref;
	row->r_ratio_7d = r_mean(b, dend, BRUL_FEATURES_R_MEAN_DAYS) / ref;
	row->r_slope_mohm_per_day = r_slope(b, dend);

	row->age_days = b->has_install ?
	    (double)(w->start - b->install_ts) / BRUL_DAY : NAN;
	row->eq_age_days = b->has_install ? w->eq_start : NAN;
	row->life_used_pct = row->eq_age_days / b->life * 100;

	row->dis_count = w->dis_count;
	row->dis_ah = w->dis_ah;
	row->dis_depth_pct = b->cap > 0 ? w->dis_ah / b->cap * 100 : NAN;
	row->dis_min_v = w->dis_min_v;
	row->dis_r_mohm = w->dis_r;
}

/* Closes b's open window into its batch. */
static int
close_window(struct brul_features *f, struct bat *b, struct brul_err *err)
{
	struct batch *bt = b->batch;
	struct item *it;

	if (brul_grow(&bt->items, &bt->cap, bt->n + 1, sizeof *bt->items) < 0)
		return oom(err);
	it = &bt->items[bt->n++];
	it->order = b->order;
	it->string = b->string;
	finish_row(f, b, &it->row);
	bt->open--;
	b->open = 0;
	b->batch = NULL;
	b->closed_end = b->w.end;
	return 0;
}

static int
open_window(struct brul_features *f, struct bat *b, int64_t start,
    struct brul_err *err)
{
	struct win *w = &b->w;

	if ((b->batch = batch_for(f, start)) == NULL)
		return oom(err);
	b->batch->open++;
	b->open = 1;
	memset(w, 0, sizeof *w);
	w->start = start;
	w->end = start + f->window;
	w->vmin = w->imin = w->tmin = INFINITY;
	w->vmax = w->imax = w->tmax = -INFINITY;
	w->dis_min_v = w->dis_r = NAN;
	if (b->has_install) {
		/* Before the first sample, time counts at 25 degC; after it,
		 * each stretch at the temperature of the sample that began it. */
		w->eq_start = b->have_last ? b->eq_last +
		    (double)(start - b->last_ts) / BRUL_DAY * b->w_t :
		    (double)(start - b->install_ts) / BRUL_DAY;
	}
	return 0;
}

/* The newest window start moved to start: a battery still inside a window
 * that ended a whole window earlier has fallen silent; close it, lest the
 * rows of every later window wait for it. */
static int
close_silent(struct brul_features *f, int64_t start, struct brul_err *err)
{
	for (size_t i = 0; i < f->nbats; i++) {
		struct bat *b = f->bats[i];

		if (b->open && b->w.end <= start - f->window &&
		    close_window(f, b, err) < 0)
			return -1;
	}
	return 0;
}

/* Discharged Ah of the stretch [from, to) held by the last sample. */
static inline void
hold(const struct bat *b, struct win *w, int64_t from, int64_t to)
{
	if (b->last_dis && to > from)
		w->dis_ah -= b->last_i * (double)(to - from) / 3600;
}

/* An error at the reader's record, if there is a reader. */
static int
fail_at(const struct brul_reader *rd, struct brul_err *err, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
fail_at(const struct brul_reader *rd, struct brul_err *err, const char *fmt,
    ...)
{
	char msg[sizeof err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return brul_err_set(err, rd ? brul_reader_name(rd) : NULL,
	    rd ? brul_reader_line(rd) : 0, 0, "%s", msg);
}

static int
add(struct brul_features *f, struct bat *b, int64_t ts, double v, double i,
    double t, double r, const struct brul_reader *rd, struct brul_err *err)
{
	struct win *w = &b->w;
	int dis = 0;

	if (b->have_last && ts < b->last_ts)
		return fail_at(rd, err, "ts goes back in time for %s", b->id);
	if (!b->open || ts >= w->end) {
		int64_t start;

		if (b->open) {
			if (b->have_last)
				hold(b, w, b->last_ts, w->end);
			if (close_window(f, b, err) < 0)
				return -1;
		} else if (ts < b->closed_end)
			return fail_at(rd, err, "ts of %s is more than a "
			    "window behind the stream, in a window already "
			    "closed", b->id);
		start = floor_div(ts, f->window) * f->window;
		if (!f->have_clock || start > f->clock) {
			f->have_clock = 1;
			f->clock = start;
			if (close_silent(f, start, err) < 0)
				return -1;
		}
		if (open_window(f, b, start, err) < 0)
			return -1;
		if (b->have_last)
			hold(b, w, b->last_ts > start ? b->last_ts : start, ts);
	} else if (b->have_last)
		hold(b, w, b->last_ts, ts);

	w->rows++;
	if (b->have_last && ts > b->last_ts) {
		int64_t g = ts - b->last_ts;

		b->gaps[b->gap_pos] = g > UINT32_MAX ? UINT32_MAX : (uint32_t)g;
		b->gap_pos = b->gap_pos + 1 == GAPS ? 0 : b->gap_pos + 1;
		if (b->ngaps < GAPS)
			b->ngaps++;
	}
	if (b->has_install)
		b->eq_last = b->have_last ? b->eq_last +
		    (double)(ts - b->last_ts) / BRUL_DAY * b->w_t :
		    (double)(ts - b->install_ts) / BRUL_DAY;

	if (v == v) {
		double d;

		if (w->nv++ == 0)
			w->v0 = v;
		d = v - w->v0;
		w->sv += d;
		w->svv += d * d;
		if (v < w->vmin)
			w->vmin = v;
		if (v > w->vmax)
			w->vmax = v;
	}
	if (t == t) {
		w->nt++;
		w->st += t;
		if (t < w->tmin)
			w->tmin = t;
		if (t > w->tmax)
			w->tmax = t;
		for (int k = 0; k < NTHR && t > thresholds[k]; k++)
			w->above[k]++;
		if (t != b->last_t) {
			b->last_t = t;
			if (b->has_install)
				b->w_t = brul_vrla_arrhenius(t);
		}
	}
	if (i == i) {
		w->ni++;
		w->si += i;
		if (i < w->imin)
			w->imin = i;
		if (i > w->imax)
			w->imax = i;
		if (i > 0 && i <= b->float_hi) {
			struct fday *d;

			w->nf++;
			w->sfi += i;
			if (ts >= b->fday_end) {	/* a new day */
				b->fday_cur = floor_div(ts, BRUL_DAY);
				b->fday_end = (b->fday_cur + 1) * BRUL_DAY;
				d = &b->fdays[mod(b->fday_cur,
				    BRUL_FEATURES_TREND_DAYS)];
				if (d->day != b->fday_cur) {
					d->day = b->fday_cur;
					d->n = 0;
					d->s = 0;
				}
				b->fday = d;
			}
			d = b->fday;
			d->n++;
			d->s += i;
			if (v == v && t == t) {
				w->nfv++;
				w->sfv += v - brul_vrla_float_setpoint(
				    f->float_v, t);
			}
		}
		dis = i < b->dis_lo;
		if (dis && !b->dis) {
			/* A discharge starts: its dynamic resistance from the
			 * step between the sample before and this one. */
			w->dis_count++;
			w->dis_r = NAN;
			if (b->have_last && b->last_v == b->last_v &&
			    b->last_i == b->last_i && v == v &&
			    (double)(ts - b->last_ts) <= 2 * interval(b))
				w->dis_r = (b->last_v - v) / (b->last_i - i) *
				    1000;
		}
		b->dis = dis;
		if (dis && v == v && !(v >= w->dis_min_v))
			w->dis_min_v = v;
	}
	if (r == r) {
		int64_t day = floor_div(ts, BRUL_DAY);
		struct rday *d;
		double x;

		b->r_latest = r;
		if (b->rdays == NULL) {
			if ((b->rdays = calloc(BRUL_FEATURES_R_DAYS,
			    sizeof *b->rdays)) == NULL)
				return oom(err);
			b->r_first = r;
			b->r_origin = day;
		}
		d = &b->rdays[mod(day, BRUL_FEATURES_R_DAYS)];
		if (d->day != day || d->n == 0) {
			memset(d, 0, sizeof *d);
			d->day = day;
		}
		x = (double)(ts - b->r_origin * BRUL_DAY) / BRUL_DAY;
		d->n++;
		d->sx += x;
		d->sy += r;
		d->sxx += x * x;
		d->sxy += x * r;
	}
	b->have_last = 1;
	b->last_ts = ts;
	b->last_v = v;
	b->last_i = i;
	b->last_dis = dis;
	return 0;
}

/* Byte equality of short keys without a call: ids and times are 5 to 30
 * bytes, and this runs twice per row. */
static inline int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		uint32_t p, q, r, t;

		if (n < 4) {
			while (n--)
				if (*a++ != *b++)
					return 0;
			return 1;
		}
		/* Two loads that overlap cover 4 to 7 bytes. */
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&t, b + n - 4, 4);
		return ((p ^ q) | (r ^ t)) == 0;
	}
	for (size_t i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* The battery of an id from the input: first the one that followed the
 * previous battery last time. */
static struct bat *
battery(struct brul_features *f, const char *s, size_t n,
    struct brul_err *err)
{
	struct bat *b = f->prev ? f->prev->succ : NULL;
	int created;

	if (b == NULL || b->idn != n || !same(b->id, s, n)) {
		if ((b = lookup(f, s, n, &created)) == NULL)
			return oom(err), NULL;
		if (f->prev)
			f->prev->succ = b;
	}
	f->prev = b;
	return b;
}

/* A battery's first sample: its order, and its string when the sample
 * names one. */
static int
appear(struct brul_features *f, struct bat *b, const char *str, size_t strn,
    struct brul_err *err)
{
	if (str && strn && (b->string = intern_string(f, str, strn)) < 0)
		return oom(err);
	b->order = f->nappeared++;
	return 0;
}

int
brul_features_add(struct brul_features *f,
    const struct brul_features_sample *s, struct brul_err *err)
{
	struct bat *b;

	if (f->ended)
		return brul_err_set(err, NULL, 0, 0, "sample after the end");
	if (s->battery_id == NULL || s->battery_len == 0)
		return brul_err_set(err, NULL, 0, 0, "battery_id: missing "
		    "value");
	if ((b = battery(f, s->battery_id, s->battery_len, err)) == NULL ||
	    (b->order < 0 && appear(f, b, s->string_id, s->string_len,
	    err) < 0))
		return -1;
	return add(f, b, s->ts, s->voltage_v, s->current_a, s->temperature_c,
	    s->resistance_mohm, NULL, err);
}

/* A number of the current record: NAN when missing. */
static inline int
num(struct brul_reader *r, int col, double *v, struct brul_err *err)
{
	struct brul_field x = brul_reader_field(r, col);

	*v = NAN;
	if (x.s == NULL)
		return 0;
	if (brul_num_parse(x.s, x.n, v) == 0)
		return 0;
	/* The reader's accessor fails the same way, with the message. */
	return brul_reader_double(r, col, v, err) < 0 ? -1 : 0;
}

static int
missing(struct brul_reader *r, const char *col, struct brul_err *err)
{
	return brul_err_set(err, brul_reader_name(r), brul_reader_line(r), 0,
	    "%s: missing value", col);
}

int
brul_features_read(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	struct brul_field ts = brul_reader_field(r, f->c_ts);
	struct brul_field id = brul_reader_field(r, f->c_id);
	struct brul_field st = { NULL, 0 }, cur;
	double v, i, t, res = NAN;
	struct bat *b;

	if (f->ended)
		return brul_err_set(err, NULL, 0, 0, "sample after the end");
	if (ts.s == NULL)
		return missing(r, "ts", err);
	/* Rows of one instant share its text: parse it once. */
	if (ts.n == 0 || ts.n != f->ts_n || !same(ts.s, f->ts_text, ts.n)) {
		f->ts_n = 0;
		if (brul_time_parse(ts.s, ts.n, &f->ts_val) < 0 &&
		    brul_reader_time(r, f->c_ts, &f->ts_val, err) < 0)
			return -1;
		if (ts.n <= sizeof f->ts_text) {
			memcpy(f->ts_text, ts.s, ts.n);
			f->ts_n = ts.n;
		}
	}
	if (id.s == NULL || id.n == 0)
		return missing(r, "battery_id", err);
	cur = brul_reader_field(r, f->c_i);
	if (cur.s && cur.n && cur.n == f->i_n && same(cur.s, f->i_text, cur.n))
		i = f->i_val;
	else {
		if (num(r, f->c_i, &i, err) < 0)
			return -1;
		f->i_n = 0;
		if (cur.s && cur.n <= sizeof f->i_text) {
			memcpy(f->i_text, cur.s, cur.n);
			f->i_n = cur.n;
			f->i_val = i;
		}
	}
	if (num(r, f->c_v, &v, err) < 0 || num(r, f->c_t, &t, err) < 0 ||
	    (f->c_r >= 0 && num(r, f->c_r, &res, err) < 0))
		return -1;
	if ((b = battery(f, id.s, id.n, err)) == NULL)
		return -1;
	if (b->order < 0) {
		if (f->c_str >= 0)
			st = brul_reader_field(r, f->c_str);
		if (appear(f, b, st.s, st.n, err) < 0)
			return -1;
	}
	return add(f, b, f->ts_val, v, i, t, res, r, err);
}

int
brul_features_end(struct brul_features *f, struct brul_err *err)
{
	f->ended = 1;
	for (size_t i = 0; i < f->nbats; i++)
		if (f->bats[i]->open && close_window(f, f->bats[i], err) < 0)
			return -1;
	return 0;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

/* A batch complete: each block against its string's blocks, then the rows
 * in order of first appearance. */
static void
finish_batch(struct brul_features *f, struct batch *bt)
{
	int sorted = 1;

	for (size_t k = 0; k < bt->n; k++) {
		struct item *it = &bt->items[k];
		struct str *a;

		if (k > 0 && it->order < bt->items[k - 1].order)
			sorted = 0;
		if (it->string < 0)
			continue;
		a = &f->strs[it->string];
		if (it->row.v_mean_v == it->row.v_mean_v) {
			a->sv += it->row.v_mean_v;
			a->nv++;
		}
		if (it->row.t_mean_c == it->row.t_mean_c) {
			a->st += it->row.t_mean_c;
			a->nt++;
		}
	}
	for (size_t k = 0; k < bt->n; k++) {
		struct item *it = &bt->items[k];
		const struct str *a;

		if (it->string < 0)
			continue;
		a = &f->strs[it->string];
		if (a->nv > 1)
			it->row.v_dev_string_v = it->row.v_mean_v -
			    a->sv / (double)a->nv;
		if (a->nt > 1)
			it->row.t_rise_c = it->row.t_mean_c -
			    a->st / (double)a->nt;
	}
	for (size_t k = 0; k < bt->n; k++)
		if (bt->items[k].string >= 0) {
			struct str *a = &f->strs[bt->items[k].string];

			a->sv = a->st = 0;
			a->nv = a->nt = 0;
		}
	if (!sorted)
		qsort(bt->items, bt->n, sizeof *bt->items, cmp_item);
}

const struct brul_features_row *
brul_features_next(struct brul_features *f)
{
	for (;;) {
		struct batch *h;

		if (f->ready) {
			if (f->ready_pos < f->ready->n)
				return &f->ready->items[f->ready_pos++].row;
			f->ready->next = f->spare;
			f->spare = f->ready;
			f->ready = NULL;
		}
		if ((h = f->head) == NULL || h->open > 0)
			return NULL;
		f->head = h->next;
		h->next = NULL;
		finish_batch(f, h);
		f->ready = h;
		f->ready_pos = 0;
	}
}

static const char *const columns[] = {
	"battery_id", "string_id", "date", "ts", "window_s", "samples",
	"coverage_pct", "v_mean_v", "v_min_v", "v_max_v", "v_sd_v",
	"i_mean_a", "i_min_a", "i_max_a", "t_mean_c", "t_min_c", "t_max_c",
	"float_v_dev_v", "float_i_a", "float_i_trend_a_per_day",
	"t_above_30_h", "t_above_35_h", "t_above_40_h", "t_rise_c",
	"r_latest_mohm", "r_ratio", "r_slope_mohm_per_day", "age_days",
	"eq_age_days", "dis_count", "dis_ah", "dis_depth_pct", "dis_min_v",
	"dis_r_mohm", "v_dev_string_v", "life_used_pct", "r_ratio_7d"
};

const char *const *
brul_features_columns(int *n)
{
	*n = (int)(sizeof columns / sizeof columns[0]);
	return columns;
}

int
brul_features_put(struct brul_writer *w, const struct brul_features_row *x)
{
	int rc = 0;

	rc |= brul_writer_cstr(w, x->battery_id);
	rc |= x->string_id ? brul_writer_cstr(w, x->string_id) :
	    brul_writer_null(w);
	rc |= brul_writer_date(w, floor_div(x->ts, BRUL_DAY));
	rc |= brul_writer_time(w, x->ts);
	rc |= brul_writer_int(w, x->window_s);
	rc |= brul_writer_int(w, x->samples);
	rc |= brul_writer_fixed(w, x->coverage_pct, 1);
	rc |= brul_writer_fixed(w, x->v_mean_v, 4);
	rc |= brul_writer_fixed(w, x->v_min_v, 3);
	rc |= brul_writer_fixed(w, x->v_max_v, 3);
	rc |= brul_writer_fixed(w, x->v_sd_v, 4);
	rc |= brul_writer_fixed(w, x->i_mean_a, 4);
	rc |= brul_writer_fixed(w, x->i_min_a, 3);
	rc |= brul_writer_fixed(w, x->i_max_a, 3);
	rc |= brul_writer_fixed(w, x->t_mean_c, 3);
	rc |= brul_writer_fixed(w, x->t_min_c, 2);
	rc |= brul_writer_fixed(w, x->t_max_c, 2);
	rc |= brul_writer_fixed(w, x->float_v_dev_v, 4);
	rc |= brul_writer_fixed(w, x->float_i_a, 4);
	rc |= brul_writer_fixed(w, x->float_i_trend_a_per_day, 5);
	rc |= brul_writer_fixed(w, x->t_above_30_h, 3);
	rc |= brul_writer_fixed(w, x->t_above_35_h, 3);
	rc |= brul_writer_fixed(w, x->t_above_40_h, 3);
	rc |= brul_writer_fixed(w, x->t_rise_c, 3);
	rc |= brul_writer_fixed(w, x->r_latest_mohm, 3);
	rc |= brul_writer_fixed(w, x->r_ratio, 4);
	rc |= brul_writer_fixed(w, x->r_slope_mohm_per_day, 5);
	rc |= brul_writer_fixed(w, x->age_days, 3);
	rc |= brul_writer_fixed(w, x->eq_age_days, 3);
	rc |= brul_writer_int(w, x->dis_count);
	rc |= brul_writer_fixed(w, x->dis_ah, 3);
	rc |= brul_writer_fixed(w, x->dis_depth_pct, 2);
	rc |= brul_writer_fixed(w, x->dis_min_v, 3);
	rc |= brul_writer_fixed(w, x->dis_r_mohm, 2);
	rc |= brul_writer_fixed(w, x->v_dev_string_v, 4);
	rc |= brul_writer_fixed(w, x->life_used_pct, 2);
	rc |= brul_writer_fixed(w, x->r_ratio_7d, 4);
	rc |= brul_writer_end(w);
	return rc ? -1 : 0;
}
