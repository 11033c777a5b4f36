/* hazard.c: see hazard.h. */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "ml/featmap.h"
#include "ml/hazard.h"

/* The slopes, from the physics: the rate doubles per 10 degC
 * (Arrhenius), is 4 times as high at the end of the rated life as new,
 * and doubles with a jump of 0.1 (+10 % of the baseline) in a week. */
static const double slopes[BRUL_HAZARD_NZ - 1] = {
	0.69314718055994531, 1.3862943611198906, 6.9314718055994531
};

const char *const brul_hazard_covariates[BRUL_HAZARD_NZ - 1] = {
	"temperature", "age", "jump"
};

static const char *const columns[4] = {
	"t_mean_c", "life_used_pct", "r_ratio", "r_ratio_7d"
};

void
brul_hazard_index(int idx[4], const char *const *names, int n)
{
	brul_featmap_index(idx, columns, 4, names, n);
}

/* z[0] = 1 and the covariates of one row. */
static void
covariates(double z[BRUL_HAZARD_NZ], const int idx[4], const float *row)
{
	double v[4];

	for (int k = 0; k < 4; k++)
		v[k] = idx[k] >= 0 ? row[idx[k]] : NAN;
	z[0] = 1;
	z[1] = isnan(v[0]) ? 0 : (v[0] - 25) / 10;
	z[2] = isnan(v[1]) ? 0 : pow(fmin(fmax(v[1], 0), 150) / 100, 3);
	/* capped: an open cell's resistance is a failure, not a sign */
	z[3] = isnan(v[2]) || isnan(v[3]) ? 0 :
	    fmin(fmax(v[2] - v[3], 0), BRUL_HAZARD_JUMP_MAX);
}

static double
dot(const double *a, const double *b)
{
	double s = 0;

	for (int k = 0; k < BRUL_HAZARD_NZ; k++)
		s += a[k] * b[k];
	return s;
}

double
brul_hazard_rate(const struct brul_hazard *h, const int idx[4],
    const float *row)
{
	double z[BRUL_HAZARD_NZ];

	if (h->events == 0)
		return 0;
	covariates(z, idx, row);
	return exp(dot(h->coef, z));
}

int
brul_hazard_fit(struct brul_hazard *h, const struct brul_dataset *d,
    const struct brul_label *labels, const int *fold, int skip,
    struct brul_err *err)
{
	double weighted = 0;
	int idx[4];

	memset(h, 0, sizeof *h);
	brul_hazard_index(idx, (const char *const *)d->names, d->nfeat);
	for (int k = 1; k < BRUL_HAZARD_NZ; k++)
		h->coef[k] = slopes[k - 1];
	for (size_t i = 0; i < d->n; i++) {
		const struct brul_label *l = &labels[i];
		int ends = !l->censored && l->rul_days <= BRUL_HAZARD_SPAN;
		double z[BRUL_HAZARD_NZ], exposure;

		if ((skip >= 0 && fold[d->battery[i]] == skip) ||
		    !isfinite(l->rul_days))
			continue;
		covariates(z, idx, d->x + i * (size_t)d->nfeat);
		/* an end during a day is half a day in, on average */
		exposure = ends ? l->rul_days + 0.5 :
		    fmin(l->rul_days, BRUL_HAZARD_SPAN);
		h->events += ends && l->sudden;
		h->exposure_days += exposure;
		/* weighed by the row's rate relative to the scale's */
		weighted += exposure * exp(dot(h->coef, z));
	}
	/* the scale's maximum likelihood: events over weighted exposure */
	if (h->events > 0)
		h->coef[0] = log((double)h->events / weighted);
	else
		memset(h->coef, 0, sizeof h->coef);
	return 0;
}

char *
brul_hazard_json(const struct brul_hazard *h)
{
	json_t *o = json_object(), *names = json_array(), *c = json_array();
	char *s;

	for (int k = 0; k < BRUL_HAZARD_NZ - 1; k++)
		json_array_append_new(names,
		    json_string(brul_hazard_covariates[k]));
	for (int k = 0; k < BRUL_HAZARD_NZ; k++)
		json_array_append_new(c, json_real(h->coef[k]));
	json_object_set_new(o, "covariates", names);
	json_object_set_new(o, "coef", c);
	json_object_set_new(o, "events", json_integer(h->events));
	json_object_set_new(o, "exposure_days", json_real(h->exposure_days));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17));
	json_decref(o);
	return s;
}

int
brul_hazard_parse(struct brul_hazard *h, const char *text,
    struct brul_err *err)
{
	json_error_t je;
	json_t *o = json_loads(text, 0, &je), *c, *ev, *ex;
	int rc = -1;

	memset(h, 0, sizeof *h);
	if (o == NULL)
		return brul_err_set(err, NULL, 0, 0, "hazard: %s", je.text);
	c = json_object_get(o, "coef");
	ev = json_object_get(o, "events");
	ex = json_object_get(o, "exposure_days");
	if (json_array_size(c) != BRUL_HAZARD_NZ || !json_is_integer(ev) ||
	    !json_is_number(ex))
		goto bad;
	for (int k = 0; k < BRUL_HAZARD_NZ; k++) {
		json_t *v = json_array_get(c, (size_t)k);

		if (!json_is_number(v))
			goto bad;
		h->coef[k] = json_number_value(v);
	}
	h->events = (long)json_integer_value(ev);
	h->exposure_days = json_number_value(ex);
	rc = 0;
	goto out;
bad:
	brul_err_set(err, NULL, 0, 0, "hazard: not %d coefficients, events "
	    "and exposure_days", BRUL_HAZARD_NZ);
out:
	json_decref(o);
	return rc;
}
