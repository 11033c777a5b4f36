/* predict.c: see predict.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idtab.h"
#include "core/timefmt.h"
#include "ml/baseline.h"
#include "ml/calib.h"
#include "ml/dist.h"
#include "ml/explain.h"
#include "ml/featmap.h"
#include "ml/model.h"
#include "ml/predict.h"

static const char *const columns[] = {
	"battery_id", "date", "rul_days", "rul_p10_days", "rul_p90_days",
	"p_fail_30d", "p_fail_90d", "p_fail_180d", "risk", "model_id",
	"p_sudden_90d"
};

struct brul_predictor {
	int latest;
	struct brul_risk_opts risk;

	/* what a prediction needs: the model or the baseline, and the
	 * calibration and the sudden hazard that make of a RUL a
	 * distribution (dist.h) */
	struct brul_model m;
	int baseline;
	int base_idx[6];	/* the baseline's columns among the features */
	const struct brul_calib *calib;	/* NULL: none */
	const struct brul_hazard *hazard;	/* NULL: none */
	int hazard_idx[4];	/* its columns among the features */
	const char *id;
	const char *const *features;
	int nfeat;

	/* with explain: the rows' reasons, and the columns they add */
	int explain;
	struct brul_explain ex;
	const char *cols[sizeof columns / sizeof columns[0] +
	    BRUL_EXPLAIN_TOP];
	int ncols;

	/* the stream bound */
	struct brul_featmap fm;
	int c_id, c_date, c_ts, c_win;

	/* rows waiting for their prediction: with latest, one per battery
	 * (the newest window), else a batch in input order */
	size_t n, cap;
	int *battery;		/* into ids */
	int64_t *day, *ts;
	float *x;		/* n * nfeat */
	double *pred;
	struct brul_idtab *ids;

	/* handing them out */
	int due;		/* the rows are to be handed out */
	int predicted;
	int checked;		/* the first batch had what the model needs */
	size_t next;
	struct brul_prediction row;
};

_Static_assert(BRUL_EXPLAIN_TOP == 3, "a prediction has three reasons");

/* The columns: those above, then with explain the reasons'. */
static void
set_columns(struct brul_predictor *p, int explain)
{
	static const char *const reasons[BRUL_EXPLAIN_TOP] = {
		"reason_1", "reason_2", "reason_3"
	};

	p->ncols = 0;
	for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++)
		p->cols[p->ncols++] = columns[k];
	if (!explain)
		return;
	p->explain = 1;
	brul_explain_init(&p->ex, &p->m);
	for (int k = 0; k < BRUL_EXPLAIN_TOP; k++)
		p->cols[p->ncols++] = reasons[k];
}

struct brul_predictor *
brul_predictor_new(const struct brul_predict_opts *o, struct brul_err *e)
{
	struct brul_predictor *p = calloc(1, sizeof *p);

	if (p == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		return NULL;
	}
	p->latest = o->latest;
	p->risk = o->risk;
	p->baseline = o->baseline;
	if (o->explain && o->baseline) {
		brul_err_set(e, NULL, 0, 0, "the baseline has no trees to "
		    "explain: explanations are the model's");
		goto fail;
	}
	if (o->model && brul_model_load(&p->m, o->model, e) < 0)
		goto fail;
	set_columns(p, o->explain);
	if (o->baseline) {
		p->features = brul_baseline_columns;
		p->nfeat = 6;
		for (int k = 0; k < 6; k++)
			p->base_idx[k] = k;
		p->calib = p->m.has_base_calib ? &p->m.base_calib : NULL;
		p->id = "baseline";
	} else {
		p->features = (const char *const *)p->m.features;
		p->nfeat = p->m.nfeat;
		p->calib = p->m.has_calib ? &p->m.calib : NULL;
		p->id = p->m.id;
	}
	/* the baseline's columns lack r_ratio_7d: no jump, only age and
	 * heat */
	p->hazard = p->m.has_hazard ? &p->m.hazard : NULL;
	brul_hazard_index(p->hazard_idx, p->features, p->nfeat);
	if ((p->ids = brul_idtab_new()) == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		goto fail;
	}
	return p;
fail:
	brul_predictor_free(p);
	return NULL;
}

void
brul_predictor_free(struct brul_predictor *p)
{
	if (p == NULL)
		return;
	brul_featmap_release(&p->fm);
	free(p->battery);
	free(p->day);
	free(p->ts);
	free(p->x);
	free(p->pred);
	brul_idtab_free(p->ids);
	brul_explain_release(&p->ex);
	brul_model_release(&p->m);
	free(p);
}

/* Room for row i in every array. */
static int
reserve(struct brul_predictor *p, size_t i)
{
	size_t cap = p->cap ? p->cap : 256;
	void *q;

	if (i < p->cap)
		return 0;
	while (cap <= i)
		cap *= 2;
#define RESIZE(field, n) \
	if ((q = realloc(p->field, (n) * sizeof *p->field)) == NULL) \
		return -1; \
	p->field = q;
	RESIZE(battery, cap);
	RESIZE(day, cap);
	RESIZE(ts, cap);
	RESIZE(pred, cap);
	RESIZE(x, cap * (size_t)p->nfeat);
#undef RESIZE
	p->cap = cap;
	return 0;
}

int
brul_predictor_bind(struct brul_predictor *p, struct brul_reader *r,
    struct brul_err *e)
{
	brul_featmap_release(&p->fm);
	memset(&p->fm, 0, sizeof p->fm);
	if ((p->c_id = brul_reader_require(r, "battery_id", e)) < 0 ||
	    (p->c_date = brul_reader_require(r, "date", e)) < 0 ||
	    brul_featmap_bind(&p->fm, p->features, p->nfeat, r, e) < 0)
		return -1;
	p->c_ts = brul_reader_col(r, "ts");
	/* the baseline alone has no window; its calibration from a model
	 * has the model's */
	p->c_win = p->m.booster ? brul_reader_col(r, "window_s") : -1;
	return 0;
}

/* A model knows its features only over the window it was trained on:
 * hours above 30 degC in an hour are not those in a day. */
static int
check_window(const struct brul_predictor *p, struct brul_reader *r,
    struct brul_err *e)
{
	int64_t w;
	int rc = brul_reader_int(r, p->c_win, &w, e);

	if (rc < 0)
		return -1;
	if (rc == 1 && p->m.window_s && w != p->m.window_s)
		return brul_err_set(e, brul_reader_name(r), brul_reader_line(r),
		    0, "window_s: %lld, but the model was trained on windows "
		    "of %lld s (brul-features --window %lld)", (long long)w,
		    (long long)p->m.window_s, (long long)p->m.window_s);
	return 0;
}

int
brul_predictor_read(struct brul_predictor *p, struct brul_reader *r,
    struct brul_err *e)
{
	struct brul_field id;
	int64_t day, ts = INT64_MIN;
	size_t i;
	int k, rc;

	if (brul_reader_id(r, p->c_id, &id, e) < 0)
		return -1;
	if ((rc = brul_reader_date(r, p->c_date, &day, e)) <= 0 ||
	    (p->c_ts >= 0 && brul_reader_time(r, p->c_ts, &ts, e) < 0)) {
		if (rc == 0)
			brul_err_set(e, brul_reader_name(r),
			    brul_reader_line(r), 0, "date: missing value");
		return -1;
	}
	if (ts == INT64_MIN)
		ts = day * BRUL_DAY;
	if (p->c_win >= 0 && check_window(p, r, e) < 0)
		return -1;
	if ((k = brul_idtab_intern(p->ids, id.s, id.n)) < 0)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (p->latest) {
		/* ids are numbered in order of first sight */
		i = (size_t)k;
		if (i < p->n && ts < p->ts[i])
			return 0;	/* an older window */
	} else
		i = p->n;
	if (reserve(p, i) < 0)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (brul_featmap_read(&p->fm, r, p->x + i * (size_t)p->nfeat, e) < 0)
		return -1;
	p->battery[i] = k;
	p->day[i] = day;
	p->ts[i] = ts;
	if (i == p->n)
		p->n++;
	if (!p->latest && p->n == BRUL_PREDICT_BATCH)
		p->due = 1;
	return 1;
}

void
brul_predictor_end(struct brul_predictor *p)
{
	p->due = 1;
}

/* The features the model learned from (in BRUL_PREDICT_NEEDED of its
 * rows or more) that no row of the first batch has: a stream made without
 * what the model needs (brul-features without --fleet) would give
 * nonsense, confidently.  -1 naming them. */
static int
check_needed(struct brul_predictor *p, struct brul_err *e)
{
	static const char *const fleet[] = { "age_days", "eq_age_days",
		"life_used_pct", "r_ratio", "r_ratio_7d" };
	char names[400] = "";
	size_t at = 0;
	int from_fleet = 0;

	p->checked = 1;
	if (p->m.coverage == NULL || p->n == 0)
		return 0;
	for (int k = 0; k < p->nfeat; k++) {
		size_t i;

		if (p->m.coverage[k] < BRUL_PREDICT_NEEDED)
			continue;
		for (i = 0; i < p->n; i++)
			if (!isnan(p->x[i * (size_t)p->nfeat + (size_t)k]))
				break;
		if (i < p->n || at >= sizeof names)
			continue;
		at += (size_t)snprintf(names + at, sizeof names - at, "%s%s",
		    at ? ", " : "", p->features[k]);
		for (size_t f = 0; f < sizeof fleet / sizeof fleet[0]; f++)
			from_fleet |= strcmp(p->features[k], fleet[f]) == 0;
	}
	if (at == 0)
		return 0;
	return brul_err_set(e, NULL, 0, 0, "the model learned from %s, "
	    "which no row has%s", names, from_fleet ? ": brul-features gives "
	    "them with --fleet (the batteries stream)" : "");
}

static int
predict(struct brul_predictor *p, struct brul_err *e)
{
	if (!p->baseline && !p->checked && check_needed(p, e) < 0)
		return -1;
	if (!p->baseline) {
		if (brul_model_predict(&p->m, p->x, p->n, p->pred, e) < 0)
			return -1;
		return p->explain ? brul_explain_batch(&p->ex, p->x, p->n, e) :
		    0;
	}
	for (size_t i = 0; i < p->n; i++)
		p->pred[i] = brul_baseline_row(p->base_idx,
		    p->x + i * (size_t)p->nfeat);
	return 0;
}

/* An interval's end that censoring leaves unknown (+inf) is missing. */
static double
known(double v)
{
	return isfinite(v) ? v : NAN;
}

int
brul_predictor_next(struct brul_predictor *p,
    const struct brul_prediction **row, struct brul_err *e)
{
	struct brul_prediction *x = &p->row;
	struct brul_dist dist;
	struct brul_rul r;
	size_t i;

	if (!p->due)
		return 0;
	if (!p->predicted) {
		if (predict(p, e) < 0)
			return -1;
		p->predicted = 1;
		p->next = 0;
	}
	if (p->next == p->n) {
		p->n = 0;
		p->due = p->predicted = 0;
		return 0;
	}
	i = p->next++;
	x->battery_id = brul_idtab_name(p->ids, p->battery[i]);
	x->day = p->day[i];
	dist.wear = p->calib;
	dist.pred = p->pred[i];
	dist.rate = p->hazard ? brul_hazard_rate(p->hazard, p->hazard_idx,
	    p->x + i * (size_t)p->nfeat) : 0;
	brul_dist_read(&dist, &r);
	x->rul_days = r.median;
	x->p10_days = known(r.p10);
	x->p90_days = known(r.p90);
	x->p_fail_30d = r.p_fail[0];
	x->p_fail_90d = r.p_fail[1];
	x->p_fail_180d = r.p_fail[2];
	x->p_sudden_90d = p->hazard ? r.p_sudden_90d : NAN;
	x->risk = brul_risk_level(&p->risk, x->p_fail_30d, x->p_fail_90d,
	    x->p_fail_180d);
	x->model_id = p->id;
	if (p->explain)
		brul_explain_row(&p->ex, i, p->x + i * (size_t)p->nfeat,
		    x->reason);
	*row = x;
	return 1;
}

const char *const *
brul_predictor_columns(const struct brul_predictor *p, int *n)
{
	*n = p->ncols;
	return p->cols;
}

static int
put_prob(struct brul_writer *w, double v)
{
	return brul_writer_fixed(w, v, 4);
}

int
brul_predictor_put(const struct brul_predictor *p, struct brul_writer *w,
    const struct brul_prediction *x)
{
	int rc = 0;

	rc |= brul_writer_token(w, x->battery_id, strlen(x->battery_id));
	rc |= brul_writer_date(w, x->day);
	rc |= brul_writer_fixed(w, x->rul_days, 1);
	rc |= brul_writer_fixed(w, x->p10_days, 1);
	rc |= brul_writer_fixed(w, x->p90_days, 1);
	rc |= put_prob(w, x->p_fail_30d);
	rc |= put_prob(w, x->p_fail_90d);
	rc |= put_prob(w, x->p_fail_180d);
	rc |= x->risk ? brul_writer_cstr(w, x->risk) : brul_writer_null(w);
	rc |= brul_writer_cstr(w, x->model_id);
	rc |= put_prob(w, x->p_sudden_90d);
	for (int k = 0; p->explain && k < BRUL_EXPLAIN_TOP; k++)
		rc |= x->reason[k] ? brul_writer_cstr(w, x->reason[k]) :
		    brul_writer_null(w);
	rc |= brul_writer_end(w);
	return rc ? -1 : 0;
}
