/* evaluate.c: see evaluate.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/evaluate.h"

const char *
brul_eval_group_name(int g)
{
	return g == BRUL_EVAL_ALL ? "all" : g == BRUL_EVAL_LE365 ? "<=365" :
	    g == BRUL_EVAL_LE365_WEAR ? "<=365 wear-out" : brul_band_name(g);
}

struct scored {
	double s;
	int pos;
};

static int
cmp_scored(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->s,
	    y = ((const struct scored *)b)->s;

	return (x > y) - (x < y);
}

int
brul_auc(const double *score, const int *pos, size_t n, double *auc)
{
	struct scored *v;
	size_t m = 0, i = 0;
	double npos = 0, nneg = 0, ranks = 0;

	*auc = NAN;
	if ((v = malloc((n ? n : 1) * sizeof *v)) == NULL)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (pos[k] >= 0 && !isnan(score[k])) {
			v[m].s = score[k];
			v[m++].pos = pos[k] > 0;
		}
	qsort(v, m, sizeof *v, cmp_scored);
	/* the sum of the positives' ranks, ties given their mean rank */
	while (i < m) {
		size_t j = i;
		double np = 0;

		while (j < m && v[j].s == v[i].s)
			np += v[j++].pos;
		ranks += np * ((double)(i + 1) + (double)j) / 2;
		npos += np;
		i = j;
	}
	nneg = (double)m - npos;
	if (npos > 0 && nneg > 0)
		*auc = (ranks - npos * (npos + 1) / 2) / (npos * nneg);
	free(v);
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Distinct values among ids[0..n). Sorts ids. */
static long
distinct(int *ids, size_t n)
{
	long k = 0;

	qsort(ids, n, sizeof *ids, cmp_int);
	for (size_t i = 0; i < n; i++)
		k += i == 0 || ids[i] != ids[i - 1];
	return k;
}

static int
in_group(int g, const struct brul_eval_row *r)
{
	if (g == BRUL_EVAL_ALL)
		return 1;
	if (g == BRUL_EVAL_LE365)
		return !r->censored && r->truth <= 365;
	if (g == BRUL_EVAL_LE365_WEAR)
		return !r->censored && r->truth <= 365 && !r->sudden;
	return brul_band(r->truth) == g &&
	    !(r->censored && g < BRUL_BANDS - 1);
}

/* The reliability of P(fail within horizon days): rows[k].p_fail[k]. */
static void
reliability(struct brul_reliability *r, int k, int horizon,
    const struct brul_eval_row *rows, size_t n)
{
	memset(r, 0, sizeof *r);
	r->horizon_days = horizon;
	for (size_t i = 0; i < n; i++) {
		double p = rows[i].p_fail[k];
		int b;

		if (isnan(p) || (rows[i].censored && rows[i].truth <= horizon))
			continue;
		b = (int)(p * BRUL_EVAL_BINS);
		b = b < 0 ? 0 : b >= BRUL_EVAL_BINS ? BRUL_EVAL_BINS - 1 : b;
		r->n[b]++;
		r->p[b] += p;
		r->failed[b] += !rows[i].censored && rows[i].truth <= horizon;
		r->rows++;
	}
	r->ece = r->rows ? 0 : NAN;
	for (int b = 0; b < BRUL_EVAL_BINS; b++) {
		if (r->n[b] == 0)
			continue;
		r->p[b] /= (double)r->n[b];
		r->failed[b] /= (double)r->n[b];
		r->ece += (double)r->n[b] * fabs(r->p[b] - r->failed[b]) /
		    (double)r->rows;
	}
}

/* Sudden failures within 90 days: expected against seen. */
static void
sudden(struct brul_eval *e, const struct brul_eval_row *rows, size_t n)
{
	e->sudden_rows = e->sudden_observed = 0;
	e->sudden_expected = 0;
	for (size_t i = 0; i < n; i++) {
		const struct brul_eval_row *r = &rows[i];

		if (isnan(r->p_sudden) || (r->censored && r->truth <= 90))
			continue;
		e->sudden_rows++;
		e->sudden_expected += r->p_sudden;
		e->sudden_observed += !r->censored && r->truth <= 90 &&
		    r->sudden;
	}
}

int
brul_evaluate(struct brul_eval *e, const struct brul_eval_row *rows,
    size_t n)
{
	int *ids = malloc((n ? n : 1) * sizeof *ids);
	int *pos = malloc((n ? n : 1) * sizeof *pos);
	double *score = malloc((n ? n : 1) * sizeof *score);
	int rc = -1;

	if (ids == NULL || pos == NULL || score == NULL)
		goto out;
	for (int g = 0; g < BRUL_EVAL_GROUPS; g++) {
		struct brul_metrics *m = &e->g[g];
		double sae = 0, sse = 0, ncov = 0, nint = 0, nerr = 0;
		size_t k = 0;

		memset(m, 0, sizeof *m);
		for (size_t i = 0; i < n; i++) {
			const struct brul_eval_row *r = &rows[i];

			pos[i] = -1;
			score[i] = NAN;
			if (!in_group(g, r))
				continue;
			m->rows++;
			ids[k++] = r->battery;
			if (isnan(r->pred)) {
				m->unpredicted++;
				continue;
			}
			/* a censored label >= 90 days is a sure negative */
			if (!r->censored || r->truth >= 90) {
				pos[i] = !r->censored && r->truth < 90;
				score[i] = -r->pred;
			}
			if (r->censored)
				continue;
			sae += fabs(r->pred - r->truth);
			sse += (r->pred - r->truth) * (r->pred - r->truth);
			nerr++;
			/* an interval censoring left unknown is none */
			if (isfinite(r->p10) && !isnan(r->p90)) {
				nint++;
				ncov += r->p10 <= r->truth &&
				    r->truth <= r->p90;
			}
		}
		m->batteries = distinct(ids, k);
		m->mae = nerr ? sae / nerr : NAN;
		m->rmse = nerr ? sqrt(sse / nerr) : NAN;
		m->coverage_pct = nint ? 100 * ncov / nint : NAN;
		if (brul_auc(score, pos, n, &m->auc_90d) < 0)
			goto out;
	}
	for (int k = 0; k < 3; k++)
		reliability(&e->rel[k], k, k == 0 ? 30 : k == 1 ? 90 : 180,
		    rows, n);
	sudden(e, rows, n);
	rc = 0;
out:
	free(ids);
	free(pos);
	free(score);
	return rc;
}

static json_t *
num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
reliability_json(const struct brul_reliability *r)
{
	json_t *n = json_array(), *p = json_array(), *f = json_array();

	for (int b = 0; b < BRUL_EVAL_BINS; b++) {
		json_array_append_new(n, json_integer(r->n[b]));
		json_array_append_new(p, r->n[b] ? json_real(r->p[b]) :
		    json_null());
		json_array_append_new(f, r->n[b] ? json_real(r->failed[b]) :
		    json_null());
	}
	return json_pack("{s:I,s:o,s:o,s:o,s:o}", "rows",
	    (json_int_t)r->rows, "ece", num(r->ece), "n", n, "p_mean", p,
	    "failed", f);
}

json_t *
brul_eval_json(const struct brul_eval *e)
{
	json_t *o = json_object(), *cal = json_object();
	static const int order[] = { BRUL_EVAL_ALL, 0, 1, 2, 3,
	    BRUL_EVAL_LE365, BRUL_EVAL_LE365_WEAR };

	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		const struct brul_metrics *m = &e->g[order[k]];

		json_object_set_new(o, brul_eval_group_name(order[k]),
		    json_pack("{s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
		    "rows", (json_int_t)m->rows,
		    "batteries", (json_int_t)m->batteries,
		    "unpredicted", (json_int_t)m->unpredicted,
		    "mae_days", num(m->mae), "rmse_days", num(m->rmse),
		    "coverage_pct", num(m->coverage_pct),
		    "auc_90d", num(m->auc_90d)));
	}
	for (int k = 0; k < 3; k++) {
		char key[16];

		snprintf(key, sizeof key, "%dd", e->rel[k].horizon_days);
		json_object_set_new(cal, key, reliability_json(&e->rel[k]));
	}
	json_object_set_new(o, "calibration", cal);
	json_object_set_new(o, "sudden_90d", json_pack("{s:I,s:o,s:I}",
	    "rows", (json_int_t)e->sudden_rows,
	    "expected", num(e->sudden_expected),
	    "observed", (json_int_t)e->sudden_observed));
	return o;
}

static void
cell(FILE *fp, double v, int decimals)
{
	if (isnan(v))
		fprintf(fp, " %8s", "-");
	else
		fprintf(fp, " %8.*f", decimals, v);
}

void
brul_eval_print(FILE *fp, const char *title, const struct brul_eval *e)
{
	static const int order[] = { BRUL_EVAL_ALL, 0, 1, 2, 3,
	    BRUL_EVAL_LE365, BRUL_EVAL_LE365_WEAR };

	fprintf(fp, "%-28s %8s %9s %8s %8s %8s %8s\n", title, "rows",
	    "batteries", "MAE d", "RMSE d", "cover %", "AUC 90d");
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		const struct brul_metrics *m = &e->g[order[k]];

		fprintf(fp, "  %-26s %8ld %9ld", brul_eval_group_name(order[k]),
		    m->rows, m->batteries);
		cell(fp, m->mae, 1);
		cell(fp, m->rmse, 1);
		cell(fp, m->coverage_pct, 1);
		cell(fp, m->auc_90d, 3);
		fputc('\n', fp);
	}
	fprintf(fp, "  %-26s", "P(fail) calibration, ECE");
	for (int k = 0; k < 3; k++) {
		fprintf(fp, "  %dd", e->rel[k].horizon_days);
		cell(fp, e->rel[k].ece, 4);
	}
	fputc('\n', fp);
	fprintf(fp, "  %-26s  expected %.1f, seen %ld (%ld rows)\n",
	    "sudden failures in 90 d", e->sudden_expected,
	    e->sudden_observed, e->sudden_rows);
}
