/*
 * featwindow.c: a battery's window opened and closed into a row: the
 * window statistics, the float-current trend and the resistance's slope
 * and means over the trailing days, the sampling interval; the windows of
 * batteries fallen silent closed.  A closed row goes into the batch of its
 * window (featbatch.c).
 */
#include <math.h>
#include <string.h>

#include "core/grow.h"
#include "core/timefmt.h"
#include "ml/features.h"
#include "ml/featuresint.h"

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

double
brul_features_interval(const struct bat *b)
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
	double iv = brul_features_interval(b),
	    hours = (double)f->window / 3600;
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

int
brul_features_close_window(struct brul_features *f, struct bat *b,
    struct brul_err *err)
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

int
brul_features_open_window(struct brul_features *f, struct bat *b,
    int64_t start, struct brul_err *err)
{
	struct win *w = &b->w;

	if ((b->batch = brul_features_batch_for(f, start)) == NULL)
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
		 * each stretch at the temperature of the sample that began
		 * it. */
		w->eq_start = b->have_last ? b->eq_last +
		    (double)(start - b->last_ts) / BRUL_DAY * b->w_t :
		    (double)(start - b->install_ts) / BRUL_DAY;
	}
	return 0;
}

/* The newest window start moved to start: a battery still inside a window
 * that ended a whole window earlier has fallen silent; close it, lest the
 * rows of every later window wait for it. */
int
brul_features_close_silent(struct brul_features *f, int64_t start,
    struct brul_err *err)
{
	for (size_t i = 0; i < f->nbats; i++) {
		struct bat *b = f->bats[i];

		if (b->open && b->w.end <= start - f->window &&
		    brul_features_close_window(f, b, err) < 0)
			return -1;
	}
	return 0;
}
