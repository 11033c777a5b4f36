/*
 * features.c: see features.h; the rules are those of brul-features(1).
 * This file holds the object: its batteries (from the fleet or first seen
 * in the input), their strings, and each sample's update of its battery's
 * accumulators (window statistics, float deviation, temperature hours,
 * discharges, resistance readings, the float current's days, Arrhenius
 * age).  featwindow.c opens a window and closes it into a row; featbatch.c
 * holds closed rows until their window is complete; featio.c reads samples
 * from a reader and writes rows; featuresint.h is what they share.
 *
 * The hot path is brul_features_read (featio.c): per row one comparison for
 * the time (rows of one instant share its text) and one for the current (so
 * do the blocks of a string), one for the battery (each battery remembers
 * which battery followed it last time: in fleet order that guess is always
 * right, so the hash table is used only when it is wrong), two or three
 * number parses and a few additions.  Anything that costs more (medians,
 * slopes, the string comparison) runs once per battery and window.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "battery/blockmodel.h"
#include "battery/share.h"
#include "battery/vrla.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "core/timefmt.h"
#include "ml/features.h"
#include "ml/featuresint.h"

static const double thresholds[NTHR] = { 30, 35, 40 };

static int
intern_string(struct brul_features *f, const char *s, size_t n)
{
	int k = brul_idtab_intern(f->sids, s, n);

	if (k < 0 || (size_t)k < f->nstrs)
		return k;
	if (brul_grow(&f->strs, &f->strs_cap, f->nstrs + 1,
	    sizeof *f->strs) < 0)
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
	if (o->nshares > 1) {
		if (o->share < 0 || o->share >= o->nshares) {
			brul_features_free(f);
			return brul_err_set(err, NULL, 0, 0, "share %d of %d: "
			    "no such share", o->share, o->nshares), NULL;
		}
		if ((f->share = brul_share_new(o->share, o->nshares)) ==
		    NULL) {
			brul_features_free(f);
			return oom(err), NULL;
		}
	}
	f->window = o->window;
	f->float_v = o->float_v > 0 ? o->float_v : BRUL_VRLA_FLOAT_V;
	f->c_ts = f->c_id = f->c_str = f->c_v = f->c_i = f->c_t = f->c_r = -1;
	return f;
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
	brul_share_free(f->share);
	brul_features_free_batches(f->head);
	brul_features_free_batches(f->spare);
	brul_features_free_batches(f->ready);
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
	    BRUL_BAT_INSTALL | BRUL_BAT_BASELINE |
	    (f->share ? BRUL_BAT_SITE : 0), 0, err);
	const struct brul_battery *b;
	int rc;

	if (t == NULL)
		return -1;
	while ((rc = brul_batteries_next(t, r, &b, err)) == 1) {
		if (f->share) {
			int k = brul_share_note(f->share, t, b, err);

			if (k < 0) {
				rc = -1;
				break;
			}
			if (k == 0)
				continue;
		}
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

/* brul_vrla_arrhenius(t), from f's table where t is a tenth of a degree
 * in its range: k / 10.0 rounds to the same double as the text "26.4"
 * parses to, so the value is the one exp2 gives. */
static double
arrhenius(struct brul_features *f, double t)
{
	double k = t * 10 + (t < 0 ? -0.5 : 0.5);
	double *a;

	if (!(k > ARR_LO - 1 && k < ARR_HI + 1))
		return brul_vrla_arrhenius(t);
	k = (double)(long)k;
	if (k / 10 != t)
		return brul_vrla_arrhenius(t);
	a = &f->arr[(long)k - ARR_LO];
	if (*a == 0)
		*a = brul_vrla_arrhenius(t);
	return *a;
}

int
brul_features_add_to(struct brul_features *f, struct bat *b, int64_t ts,
    double v, double i, double t, double r, const struct brul_reader *rd,
    struct brul_err *err)
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
			if (brul_features_close_window(f, b, err) < 0)
				return -1;
		} else if (ts < b->closed_end)
			return fail_at(rd, err, "ts of %s is more than a "
			    "window behind the stream, in a window already "
			    "closed", b->id);
		start = floor_div(ts, f->window) * f->window;
		if (!f->have_clock || start > f->clock) {
			f->have_clock = 1;
			f->clock = start;
			if (brul_features_close_silent(f, start, err) < 0)
				return -1;
		}
		if (brul_features_open_window(f, b, start, err) < 0)
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
				b->w_t = arrhenius(f, t);
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
			    (double)(ts - b->last_ts) <=
			    2 * brul_features_interval(b))
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

struct bat *
brul_features_bat_of(struct brul_features *f, const char *s, size_t n,
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

int
brul_features_appear(struct brul_features *f, struct bat *b,
    const char *str, size_t strn, struct brul_err *err)
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
	if ((b = brul_features_bat_of(f, s->battery_id, s->battery_len,
	    err)) == NULL || (b->order < 0 && brul_features_appear(f, b,
	    s->string_id, s->string_len, err) < 0))
		return -1;
	return brul_features_add_to(f, b, s->ts, s->voltage_v, s->current_a,
	    s->temperature_c, s->resistance_mohm, NULL, err);
}

int
brul_features_end(struct brul_features *f, struct brul_err *err)
{
	f->ended = 1;
	for (size_t i = 0; i < f->nbats; i++)
		if (f->bats[i]->open &&
		    brul_features_close_window(f, f->bats[i], err) < 0)
			return -1;
	return 0;
}
